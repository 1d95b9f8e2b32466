/**
 * What the service asks of a family of resources (the config tree, WMI classes): each operation
 * gets the validated request and answers with resource XML, or throws a WSManError.
 */
import type { WSManError } from '../../core/errors/wsman-error';
import type { ProviderInfo } from '../../core/protocol/faults';
import type { Selector } from '../../core/session/resource-uri';
import type { WSManRequest } from '../service/wsman-request';

/** A reference to one resource instance: what EnumerateEPR and Create hand back. */
export interface ResourceReference {
  readonly resourceUri: string;
  readonly selectors: readonly ReferenceSelector[];
}

/**
 * A selector of a reference: a text value, or an endpoint reference (the keys of an association
 * instance are references to other instances, and Windows writes them as nested EPRs).
 */
export type ReferenceSelector = Selector | { readonly name: string; readonly reference: ResourceReference };

export interface EnumerationItem {
  /** The resource's XML (for EnumerateObject / ObjectAndEPR). */
  readonly xml: () => string;
  readonly reference: ResourceReference;
}

/** How the client asked to filter an enumeration. */
export type EnumerationFilter =
  | { readonly kind: 'none' }
  | { readonly kind: 'wql'; readonly query: string }
  | { readonly kind: 'selector'; readonly selectors: readonly Selector[] }
  | AssociationFilter;

/**
 * The association dialect (DSP0227 §8.2, wire.md §3.7): the instances associated with `object`
 * (b:AssociatedInstances), or the association instances that name it (b:AssociationInstances,
 * where only associationClass, role and includeResultProperties apply).
 */
export interface AssociationFilter {
  readonly kind: 'association';
  readonly instances: 'associated' | 'association';
  /** b:Object: the source instance's resource URI and selectors. */
  readonly object: { readonly resourceUri: string; readonly selectors: readonly Selector[] };
  readonly associationClass?: string;
  readonly role?: string;
  readonly resultClass?: string;
  readonly resultRole?: string;
  /** b:IncludeResultProperty: the properties of each result to return (all when absent). */
  readonly includeResultProperties?: readonly string[];
}

/** Providers may answer at once or later; the service bounds the wait by OperationTimeout. */
export type Answer<T> = T | Promise<T>;

/**
 * A reply body's XML: one string, or pieces whose concatenation it is. A large body (a shell's
 * ReceiveResponse) stays in pieces up to the bytes on the wire: one string that size would cost
 * V8 a large-object allocation and a copy at every step.
 */
export type ReplyBody = string | readonly string[];

/**
 * A change checked and answered but not yet made. The service commits it only once the reply is
 * known to fit and the request is still in time; `commit` makes it durable before it goes live.
 */
export interface StagedChange {
  /** The reply body (the resource as it will be). */
  readonly body: string;
  commit(): void;
}

export interface CreatedResource {
  readonly reference: ResourceReference;
  /** What follows x:ResourceCreated in the CreateResponse body (a shell's rsp:Shell). */
  readonly bodyXml?: string;
}

export interface ResourceProvider {
  /** Whether this provider serves the (absolute, alias-free) resource URI. */
  serves(resourceUri: string): boolean;
  /** Set when faults of this provider nest in f:ProviderFault, as WMI's do. */
  readonly providerInfo?: ProviderInfo;
  /** Where one of its faults nests, when that depends on the fault (the shell's plugin vs the service's shell provider). */
  faultProvider?(error: WSManError): ProviderInfo | undefined;
  /** Actions outside `resourceUri/Method` that invoke() takes whole (the shell's Command, Receive …). */
  readonly actions?: readonly string[];
  get(request: WSManRequest): Answer<string>;
  put(request: WSManRequest): Answer<StagedChange>;
  create(request: WSManRequest): Answer<CreatedResource>;
  delete(request: WSManRequest): Answer<void>;
  enumerate(request: WSManRequest, filter: EnumerationFilter): Answer<EnumerationItem[]>;
  /** Custom action `resourceUri/Method` (or one of `actions`, passed whole); returns the response body XML. */
  invoke(request: WSManRequest, method: string): Answer<ReplyBody>;
}

export const ResourceProvider = Symbol.for('wsman-automation.server.ResourceProvider');

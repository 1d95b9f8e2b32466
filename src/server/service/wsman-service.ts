/**
 * The WS-Management service: one SOAP request in, one SOAP reply out. It checks the headers,
 * routes the action to the provider that serves the resource URI, keeps enumerations, applies
 * the limits of winrm/config, and turns every failure into the fault Windows would send.
 */
import { inject, injectable, multiInject } from 'inversify';
import { WSManError, wsmanError } from '../../core/errors/wsman-error';
import { buildIdentifyResponseEnvelope, buildResponseEnvelope } from '../../core/protocol/envelope';
import { buildFaultEnvelope } from '../../core/protocol/faults';
import { readSoapMessage, type SoapMessage } from '../../core/protocol/message';
import { ACTION, DIALECT, NS, type NamespaceKey } from '../../core/protocol/namespaces';
import { readWireXml } from '../../core/protocol/wire-reader';
import { attribute, child, childElements, textContent, XmlSyntaxError, type XmlElement } from '../../core/protocol/xml';
import { readSelectors } from '../../core/protocol/message';
import type { Principal } from '../principal';
import { identifyResponseXml } from '../resources/identify';
import { endpointReferenceXml, resourceCreatedXml } from '../resources/references';
import { ResourceProvider, type Answer, type AssociationFilter, type EnumerationFilter, type EnumerationItem, type ReplyBody } from '../resources/resource-provider';
import { EndpointState } from './endpoint-state';
import { EnumerationContexts, type EnumerationMode, type OpenEnumeration } from './enumeration-contexts';
import { isIdentify, requestHeaderOf, validateRequest, type WSManRequest } from './wsman-request';

export type ServiceReply =
  | { readonly status: 200 | 500; readonly body: ReplyBody }
  /** The request could not be read as XML at all: HTTP 400, empty body (wire.md §4.4). */
  | { readonly status: 400 }
  /** Not Identify, and nobody authenticated: the HTTP layer answers 401. */
  | { readonly status: 401 };

export interface CallerContext {
  readonly principal: Principal;
  readonly secure: boolean;
  /** Bytes per character of the reply encoding (UTF-16 doubles every size). */
  readonly bytesPerUnit: 1 | 2;
  readonly clientAddress?: string;
  /** Aborted when the client is gone (its connection closed before the reply). */
  readonly signal?: AbortSignal;
}

/** How every response envelope ends (buildResponseEnvelope). */
const BODY_CLOSE = '</s:Body></s:Envelope>';

/**
 * Whether a reply fits MaxEnvelopeSize without counting its UTF-8 bytes: a UTF-16 code unit takes
 * at most 3 of them, so a reply whose length says it fits needs no exact count.
 */
function fitsSurely(envelope: ReplyBody, bytesPerUnit: 1 | 2, maxEnvelopeSize: number): boolean {
  const units = typeof envelope === 'string' ? envelope.length : envelope.reduce((sum, piece) => sum + piece.length, 0);
  return units * 3 * bytesPerUnit <= maxEnvelopeSize;
}

function isPromise<T>(answer: Answer<T>): answer is Promise<T> {
  return typeof (answer as { then?: unknown } | null)?.then === 'function';
}

const POLYMORPHISM_MODES = new Set(['None', 'IncludeSubClassProperties', 'ExcludeSubClassProperties']);
/** One request's run against its OperationTimeout. */
interface Operation {
  /** Set when the timeout fault has gone out: the request may no longer change anything. */
  expired: boolean;
}

const ENUMERATION_MODES: Readonly<Record<string, EnumerationMode>> = {
  EnumerateEPR: 'references',
  EnumerateObjectAndEPR: 'objectsAndReferences',
};

/**
 * The request a provider runs: the accepted headers, the caller's address and encoding, and the
 * signal a long poll waits on, made on first use (most operations never wait; an AbortController
 * costs microseconds). A class with the getter on its prototype, not an object literal with a
 * getter: every such literal's getter closure gave the request a hidden class of its own in the
 * old generation, which held the request's whole context (its text and tree) through young
 * collections and had it promoted: most of a Get's GC time (docs/decisions.md).
 */
class RunningRequest implements WSManRequest {
  readonly to: string;
  readonly action: string;
  readonly messageId: string;
  readonly resourceUri: string;
  readonly selectors: WSManRequest['selectors'];
  readonly options: WSManRequest['options'];
  readonly maxEnvelopeSize: number;
  readonly operationTimeoutMs: number;
  readonly fragment: WSManRequest['fragment'];
  readonly body: WSManRequest['body'];
  readonly principal: Principal;
  readonly clientAddress: string | undefined;
  readonly bytesPerUnit: 1 | 2;
  private controller: AbortController | undefined;
  private abandoned = false;

  constructor(
    accepted: WSManRequest,
    private readonly caller: CallerContext,
  ) {
    this.to = accepted.to;
    this.action = accepted.action;
    this.messageId = accepted.messageId;
    this.resourceUri = accepted.resourceUri;
    this.selectors = accepted.selectors;
    this.options = accepted.options;
    this.maxEnvelopeSize = accepted.maxEnvelopeSize;
    this.operationTimeoutMs = accepted.operationTimeoutMs;
    this.fragment = accepted.fragment;
    this.body = accepted.body;
    this.principal = accepted.principal;
    this.clientAddress = caller.clientAddress;
    this.bytesPerUnit = caller.bytesPerUnit;
  }

  /** Aborted when the service stops waiting (OperationTimeout) or the client has gone. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abandoned || this.caller.signal?.aborted) this.controller.abort();
      else this.caller.signal?.addEventListener('abort', this.giveUp, { once: true });
    }
    return this.controller.signal;
  }

  /** The service stops waiting: a provider still waiting lets go. */
  readonly giveUp = (): void => {
    this.abandoned = true;
    this.controller?.abort();
  };
}

@injectable()
export class WSManService {
  private readonly inFlight = new Map<string, number>();
  /** Errors raised inside a provider: WMI's nest in f:ProviderFault, the service's own do not. */
  private readonly providerErrors = new WeakSet<object>();
  private lastRoute: { readonly resourceUri: string; readonly provider: ResourceProvider | undefined } | undefined;

  constructor(
    @inject(EndpointState) private readonly state: EndpointState,
    @multiInject(ResourceProvider) private readonly providers: ResourceProvider[],
    @inject(EnumerationContexts) private readonly enumerations: EnumerationContexts,
  ) {}

  async handle(text: string, caller: CallerContext): Promise<ServiceReply> {
    let message: SoapMessage;
    try {
      message = readSoapMessage(readWireXml(text));
    } catch (error) {
      if (error instanceof XmlSyntaxError) return { status: 400 };
      return this.fault(error, '', undefined);
    }
    if (isIdentify(message)) return { status: 200, body: buildIdentifyResponseEnvelope(this.identify(caller)) };
    if (caller.principal.scheme === 'Anonymous') return { status: 401 };

    const header = requestHeaderOf(message);
    const relatesTo = header.messageId ?? '';
    let request: RunningRequest;
    try {
      request = new RunningRequest(validateRequest(message, header, this.state.config, caller.principal), caller);
    } catch (error) {
      return this.fault(error, relatesTo, undefined);
    }
    const provider = this.providerFor(request.resourceUri);
    // Pull and Release continue an enumeration that already holds its place in the quota.
    const startsOperation = request.action !== ACTION.pull && request.action !== ACTION.release;
    try {
      if (startsOperation) this.enterOperation(caller.principal.userName);
    } catch (error) {
      return this.fault(error, relatesTo, undefined);
    }
    try {
      const operation: Operation = { expired: false };
      const started = performance.now();
      const answer = this.dispatch(request, provider, caller, operation);
      // An answer given at once has nothing to time out: no timer for it (a Get from WMI or config).
      const reply = isPromise(answer) ? await this.withTimeout(answer, operation, request.operationTimeoutMs - (performance.now() - started), request.giveUp) : answer;
      return { status: 200, body: reply };
    } catch (error) {
      return this.fault(error, relatesTo, provider);
    } finally {
      if (startsOperation) this.leaveOperation(caller.principal.userName);
    }
  }

  /** The provider serving a resource URI (serves() depends on the URI alone); the last one is remembered, as a client addresses one resource many times. */
  private providerFor(resourceUri: string): ResourceProvider | undefined {
    if (this.lastRoute?.resourceUri !== resourceUri) this.lastRoute = { resourceUri, provider: this.providers.find((p) => p.serves(resourceUri)) };
    return this.lastRoute.provider;
  }

  private identify(caller: CallerContext): string {
    const config = this.state.config;
    const profiles: string[] = [];
    const http = this.state.listeners.some((l) => l.transport === 'HTTP');
    const https = this.state.listeners.some((l) => l.transport === 'HTTPS');
    // Windows lists the SPNEGO profile first (wire.md §3.1). Negotiate covers it (with NTLM even without a keytab);
    // Kerberos alone covers it only when a keytab gives the endpoint service keys.
    const spnego = config.flag('Service/Auth/Negotiate') || (this.state.kerberos === true && config.flag('Service/Auth/Kerberos'));
    const basic = config.flag('Service/Auth/Basic');
    if (http && spnego) profiles.push('http/spnego-kerberos');
    if (http && basic && config.flag('Service/AllowUnencrypted')) profiles.push('http/basic');
    if (https && spnego) profiles.push('https/spnego-kerberos');
    if (https && basic) profiles.push('https/basic');
    if (https && config.flag('Service/Auth/Certificate')) profiles.push('https/mutual');
    return identifyResponseXml({
      osVersion: this.state.osVersion,
      authenticated: caller.principal.scheme !== 'Anonymous',
      securityProfiles: profiles,
    });
  }

  private enterOperation(user: string): void {
    const limit = this.state.config.number('Service/MaxConcurrentOperationsPerUser');
    const open = (this.inFlight.get(user) ?? 0) + this.enumerations.countFor(user, this.enumerationTimeout());
    if (open >= limit) throw wsmanError('ERROR_WSMAN_QUOTA_MAX_OPERATIONS');
    this.inFlight.set(user, (this.inFlight.get(user) ?? 0) + 1);
  }

  private leaveOperation(user: string): void {
    const count = (this.inFlight.get(user) ?? 1) - 1;
    if (count <= 0) this.inFlight.delete(user);
    else this.inFlight.set(user, count);
  }

  private enumerationTimeout(): number {
    return this.state.config.number('Service/EnumerationTimeoutms');
  }

  /**
   * Waits for `running`, failing with the timeout fault after `timeoutMs`: then `operation.expired`
   * tells late work not to change anything, and `giveUp` aborts the request's signal so a provider
   * can let go. A provider that gives up on the abort rejects too; the outcome has been decided by then.
   */
  private withTimeout<T>(running: Promise<T>, operation: Operation, timeoutMs: number, giveUp: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        operation.expired = true;
        giveUp();
        reject(wsmanError('ERROR_WSMAN_OPERATION_TIMEDOUT'));
      }, Math.max(0, timeoutMs));
      running.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  private fault(error: unknown, relatesTo: string, provider: ResourceProvider | undefined): ServiceReply {
    const failure = error instanceof WSManError ? error : wsmanError('ERROR_INTERNAL_ERROR', { cause: error });
    const nested = provider && this.providerErrors.has(failure) ? (provider.faultProvider?.(failure) ?? provider.providerInfo) : undefined;
    return {
      status: 500,
      body: buildFaultEnvelope(failure, { relatesTo, machine: this.state.machineName, ...(nested ? { provider: nested } : {}) }),
    };
  }

  /** Runs a provider call, remembering its failures as the provider's; an answer given at once stays one. */
  private fromProvider<T>(call: () => Answer<T>): Answer<T> {
    let answer: Answer<T>;
    try {
      answer = call();
    } catch (error) {
      throw this.providerFailure(error);
    }
    return isPromise(answer) ? answer.catch((error: unknown) => Promise.reject(this.providerFailure(error))) : answer;
  }

  private providerFailure(error: unknown): unknown {
    if (error instanceof WSManError) this.providerErrors.add(error);
    return error;
  }

  private reply(request: WSManRequest, action: string, bodyXml: string, caller: CallerContext, extra?: NamespaceKey[]): string;
  private reply(request: WSManRequest, action: string, bodyXml: ReplyBody, caller: CallerContext, extra?: NamespaceKey[]): ReplyBody;
  private reply(request: WSManRequest, action: string, bodyXml: ReplyBody, caller: CallerContext, extra: NamespaceKey[] = []): ReplyBody {
    let envelope: ReplyBody = buildResponseEnvelope({ action, relatesTo: request.messageId, bodyXml: typeof bodyXml === 'string' ? bodyXml : '', extraNamespaces: extra });
    if (typeof bodyXml !== 'string') {
      // A body in pieces stays in pieces, between the envelope's text before and after its (empty) body.
      const bodyEnd = envelope.length - BODY_CLOSE.length;
      envelope = [envelope.slice(0, bodyEnd), ...bodyXml, BODY_CLOSE];
    }
    if (fitsSurely(envelope, caller.bytesPerUnit, request.maxEnvelopeSize)) return envelope;
    const bytes = typeof envelope === 'string' ? Buffer.byteLength(envelope) : envelope.reduce((sum, piece) => sum + Buffer.byteLength(piece), 0);
    if (bytes * caller.bytesPerUnit > request.maxEnvelopeSize) {
      throw wsmanError('ERROR_WSMAN_MAX_ENVELOPE_SIZE_EXCEEDED');
    }
    return envelope;
  }

  /** The reply body: at once when the operation is a Get its provider answers at once, else later. */
  private dispatch(request: WSManRequest, provider: ResourceProvider | undefined, caller: CallerContext, operation: Operation): Answer<ReplyBody> {
    if (request.action !== ACTION.get || !provider) return this.dispatchLater(request, provider, caller, operation);
    const body = this.fromProvider(() => provider.get(request));
    const response = `${ACTION.get}Response`;
    return isPromise(body) ? body.then((xml) => this.reply(request, response, xml, caller)) : this.reply(request, response, body, caller);
  }

  private async dispatchLater(request: WSManRequest, provider: ResourceProvider | undefined, caller: CallerContext, operation: Operation): Promise<ReplyBody> {
    if (request.action === ACTION.pull) return this.pull(request, caller);
    if (request.action === ACTION.release) return this.release(request, caller);
    if (!provider) throw wsmanError('ERROR_WSMAN_INVALID_RESOURCE_URI');
    const response = `${request.action}Response`;
    switch (request.action) {
      case ACTION.put: {
        // Nothing changes until the reply is known to fit and the request is still in time.
        const staged = await this.fromProvider(() => provider.put(request));
        const envelope = this.reply(request, response, staged.body, caller);
        if (operation.expired) throw wsmanError('ERROR_WSMAN_OPERATION_TIMEDOUT');
        await this.fromProvider(() => staged.commit());
        return envelope;
      }
      case ACTION.create: {
        const created = await this.fromProvider(() => provider.create(request));
        return this.reply(request, response, resourceCreatedXml(request.to, created.reference) + (created.bodyXml ?? ''), caller);
      }
      case ACTION.delete:
        await this.fromProvider(() => provider.delete(request));
        return this.reply(request, response, '', caller);
      case ACTION.enumerate:
        return this.enumerate(request, provider, caller);
    }
    if (provider.actions?.includes(request.action)) {
      const output = await this.fromProvider(() => provider.invoke(request, request.action));
      // Windows declares rsp on the envelope of every shell reply (pypsrp test_winrs_standard).
      return this.reply(request, response, output, caller, ['shell']);
    }
    const prefix = `${request.resourceUri}/`;
    if (request.action.toLowerCase().startsWith(prefix.toLowerCase()) && !request.action.slice(prefix.length).includes('/')) {
      const method = request.action.slice(prefix.length);
      const output = await this.fromProvider(() => provider.invoke(request, method));
      return this.reply(request, response, output, caller);
    }
    throw wsmanError('ERROR_WSMAN_ACTION_NOT_SUPPORTED');
  }

  private async enumerate(request: WSManRequest, provider: ResourceProvider, caller: CallerContext): Promise<string> {
    const body = request.body;
    if (!body || body.namespace !== NS.enumeration || body.localName !== 'Enumerate') throw wsmanError('ERROR_WSMAN_SCHEMA_VALIDATION_ERROR');
    const modeElement = child(body, NS.wsman, 'EnumerationMode');
    const modeText = modeElement ? textContent(modeElement).trim() : '';
    const mode = modeText === '' ? 'objects' : ENUMERATION_MODES[modeText];
    if (!mode) throw wsmanError('ERROR_WSMAN_UNSUPPORTED_FEATURE');
    const polymorphism = child(body, NS.cimBinding, 'PolymorphismMode');
    if (polymorphism && !POLYMORPHISM_MODES.has(textContent(polymorphism).trim())) {
      throw wsmanError('ERROR_WSMAN_POLYMORPHISM_MODE_UNSUPPORTED');
    }
    const filter = readFilter(body);
    const optimize = child(body, NS.wsman, 'OptimizeEnumeration') !== undefined;
    const maxElements = readMaxElements(child(body, NS.wsman, 'MaxElements'));

    const items = await this.fromProvider(() => provider.enumerate(request, filter));
    const open: OpenEnumeration = { items, mode, resourceUri: request.resourceUri, owner: request.principal.userName, position: 0, lastUsed: 0 };
    // Optimized: the first batch goes out now, and a context is kept only if items remain.
    if (optimize) return this.batchReply(request, open, maxElements, caller, 'enumerate');
    const context = this.enumerations.keep(open);
    return this.reply(request, `${ACTION.enumerate}Response`, `<n:EnumerateResponse><n:EnumerationContext>${context}</n:EnumerationContext></n:EnumerateResponse>`, caller, ['enumeration']);
  }

  private pull(request: WSManRequest, caller: CallerContext): string {
    const body = request.body;
    if (!body || body.namespace !== NS.enumeration || body.localName !== 'Pull') throw wsmanError('ERROR_WSMAN_SCHEMA_VALIDATION_ERROR');
    const contextElement = child(body, NS.enumeration, 'EnumerationContext');
    if (!contextElement) throw wsmanError('ERROR_WSMAN_ENUMERATE_INVALID_ENUMERATION_CONTEXT');
    const maxElements = readMaxElements(child(body, NS.enumeration, 'MaxElements'));
    const open = this.enumerations.take(textContent(contextElement).trim(), request.principal.userName, this.enumerationTimeout());
    return this.batchReply(request, open, maxElements, caller, 'pull');
  }

  private release(request: WSManRequest, caller: CallerContext): string {
    const body = request.body;
    const contextElement = body && body.localName === 'Release' ? child(body, NS.enumeration, 'EnumerationContext') : undefined;
    if (!contextElement) throw wsmanError('ERROR_WSMAN_ENUMERATE_INVALID_ENUMERATION_CONTEXT');
    this.enumerations.take(textContent(contextElement).trim(), request.principal.userName, this.enumerationTimeout());
    return this.reply(request, `${ACTION.release}Response`, '', caller);
  }

  /**
   * The next batch: at most min(MaxElements, MaxBatchItems) items, and only as many as fit in
   * MaxEnvelopeSize. A single item that cannot fit is an EncodingLimit fault.
   */
  private batchReply(request: WSManRequest, open: OpenEnumeration, requested: number, caller: CallerContext, kind: 'enumerate' | 'pull'): string {
    const limit = Math.min(requested, this.state.config.number('MaxBatchItems'));
    const itemsTag = kind === 'enumerate' ? 'w:Items' : 'n:Items';
    const action = kind === 'enumerate' ? `${ACTION.enumerate}Response` : `${ACTION.pull}Response`;
    const responseTag = kind === 'enumerate' ? 'n:EnumerateResponse' : 'n:PullResponse';
    const endTag = kind === 'enumerate' ? '<w:EndOfSequence/>' : '<n:EndOfSequence/>';
    // Room for the envelope around the items, the longest context and the end marker.
    const frame = buildResponseEnvelope({
      action,
      relatesTo: request.messageId,
      bodyXml: `<${responseTag}><n:EnumerationContext>uuid:00000000-0000-0000-0000-000000000000</n:EnumerationContext><${itemsTag}></${itemsTag}>${endTag}</${responseTag}>`,
      extraNamespaces: ['enumeration'],
    });
    let budget = Math.floor(request.maxEnvelopeSize / caller.bytesPerUnit) - Buffer.byteLength(frame);
    const parts: string[] = [];
    while (parts.length < limit && open.position < open.items.length) {
      const xml = itemXml(open.items[open.position], open.mode);
      const size = Buffer.byteLength(xml);
      if (size > budget) {
        if (parts.length === 0) throw wsmanError('ERROR_WSMAN_MAX_ENVELOPE_SIZE_EXCEEDED');
        break;
      }
      budget -= size;
      parts.push(xml);
      open.position++;
    }
    const done = open.position >= open.items.length;
    const context = done ? '' : this.enumerations.keep(open);
    const contextXml = done && kind === 'pull' ? '' : `<n:EnumerationContext>${context}</n:EnumerationContext>`;
    const itemsXml = parts.length > 0 || kind === 'enumerate' ? `<${itemsTag}>${parts.join('')}</${itemsTag}>` : '';
    return buildResponseEnvelope({
      action,
      relatesTo: request.messageId,
      bodyXml: `<${responseTag}>${contextXml}${itemsXml}${done ? endTag : ''}</${responseTag}>`,
      extraNamespaces: ['enumeration'],
    });
  }
}

function itemXml(item: EnumerationItem, mode: EnumerationMode): string {
  switch (mode) {
    case 'objects':
      return item.xml();
    case 'references':
      return endpointReferenceXml(item.reference);
    case 'objectsAndReferences':
      return `<w:Item>${item.xml()}${endpointReferenceXml(item.reference)}</w:Item>`;
  }
}

/** w:MaxElements / n:MaxElements: a positive integer, 1 when absent (WS-Enumeration default). */
function readMaxElements(element: XmlElement | undefined): number {
  if (!element) return 1;
  const text = textContent(element).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1) throw wsmanError('ERROR_WSMAN_INVALID_PARAMETER');
  return Number(text);
}

/** w:Filter (or n:Filter) with its dialect; a filter without a dialect is read as WQL text. */
function readFilter(enumerate: XmlElement): EnumerationFilter {
  const filter = child(enumerate, NS.wsman, 'Filter') ?? child(enumerate, NS.enumeration, 'Filter');
  if (!filter) return { kind: 'none' };
  const dialect = attribute(filter, 'Dialect') ?? DIALECT.wql;
  if (dialect === DIALECT.wql) {
    const query = textContent(filter).trim();
    if (query === '' || childElements(filter).length > 0) throw wsmanError('ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER');
    return { kind: 'wql', query };
  }
  if (dialect === DIALECT.selector) {
    const selectors = readSelectors(child(filter, NS.wsman, 'SelectorSet'));
    if (selectors.length === 0) throw wsmanError('ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER');
    return { kind: 'selector', selectors: selectors.map(({ name, value }) => ({ name, value })) };
  }
  if (dialect === DIALECT.association) return readAssociationFilter(filter);
  throw wsmanError('ERROR_WSMAN_ENUMERATE_FILTER_DIALECT_REQUESTED_UNAVAILABLE');
}

const ASSOCIATION_WRAPPERS: Readonly<Record<string, AssociationFilter['instances']>> = {
  AssociatedInstances: 'associated',
  AssociationInstances: 'association',
};

/** Children each wrapper allows (DSP0227 §8.2), besides b:Object and b:IncludeResultProperty. */
const ASSOCIATION_FIELDS: Readonly<Record<AssociationFilter['instances'], readonly string[]>> = {
  associated: ['AssociationClassName', 'Role', 'ResultClassName', 'ResultRole'],
  association: ['AssociationClassName', 'Role'],
};

const FIELD_KEYS: Readonly<Record<string, 'associationClass' | 'role' | 'resultClass' | 'resultRole'>> = {
  AssociationClassName: 'associationClass',
  Role: 'role',
  ResultClassName: 'resultClass',
  ResultRole: 'resultRole',
};

/**
 * `<b:AssociatedInstances>` or `<b:AssociationInstances>` holding `b:Object` (an EPR: a:Address,
 * a:ReferenceParameters with w:ResourceURI and w:SelectorSet) and the optional narrowing
 * elements, each at most once. Anything else, or a part missing or empty, cannot be processed.
 */
function readAssociationFilter(filter: XmlElement): AssociationFilter {
  const malformed = (): never => {
    throw wsmanError('ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER');
  };
  const elements = childElements(filter);
  if (textContent(filter).trim() !== '') malformed();
  const [wrapper] = elements;
  if (elements.length !== 1 || !wrapper || wrapper.namespace !== NS.cimBinding || !Object.hasOwn(ASSOCIATION_WRAPPERS, wrapper.localName)) {
    return malformed();
  }
  const instances = ASSOCIATION_WRAPPERS[wrapper.localName];
  const allowed = ASSOCIATION_FIELDS[instances];
  let object: AssociationFilter['object'] | undefined;
  const fields: { associationClass?: string; role?: string; resultClass?: string; resultRole?: string } = {};
  const included: string[] = [];
  for (const element of childElements(wrapper)) {
    if (element.namespace !== NS.cimBinding) return malformed();
    const value = textContent(element).trim();
    if (element.localName === 'Object') {
      if (object) return malformed();
      object = readFilterObject(element) ?? malformed();
    } else if (element.localName === 'IncludeResultProperty') {
      if (value === '' || childElements(element).length > 0) return malformed();
      included.push(value);
    } else if (allowed.includes(element.localName)) {
      const key = FIELD_KEYS[element.localName];
      if (value === '' || childElements(element).length > 0 || fields[key] !== undefined) return malformed();
      fields[key] = value;
    } else {
      return malformed();
    }
  }
  if (!object) return malformed();
  return { kind: 'association', instances, object, ...fields, ...(included.length > 0 ? { includeResultProperties: included } : {}) };
}

/** b:Object's resource URI and selectors; undefined when it is not a usable EPR. */
function readFilterObject(element: XmlElement): AssociationFilter['object'] | undefined {
  const parameters = child(element, NS.addressing, 'ReferenceParameters');
  const uriElement = parameters ? child(parameters, NS.wsman, 'ResourceURI') : undefined;
  const resourceUri = uriElement ? textContent(uriElement).trim() : '';
  if (!parameters || resourceUri === '') return undefined;
  const selectors = readSelectors(child(parameters, NS.wsman, 'SelectorSet'));
  // A source named by EPR-valued selectors (an association instance) is not supported.
  if (selectors.some((selector) => selector.endpointReference !== undefined || selector.name === '')) return undefined;
  return { resourceUri, selectors: selectors.map(({ name, value }) => ({ name, value })) };
}

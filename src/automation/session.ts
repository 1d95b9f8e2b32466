/**
 * Session (IWSManSession). Timeout lives in the engine as WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS;
 * the operations check their arguments as the client does before anything is sent.
 */
import { succeeded, type ComResult } from '../core/hresult';
import { wsmanError } from '../core/errors/wsman-error';
import { valueOrThrow } from '../core/errors/com-failure';
import { type WSManClientApi, type WSMAN_SESSION_HANDLE } from '../core/capi/client-api';
import { dwordData, WSManSessionOption } from '../core/capi/constants';
import { escapeXmlText } from '../core/errors/fault-xml';
import { DIALECT, NS } from '../core/protocol/namespaces';
import { readSelectors } from '../core/protocol/message';
import { child, parseXml, textContent, type XmlElement } from '../core/protocol/xml';
import { parseResourceUri } from '../core/session/resource-uri';
import type { EnumerationMode, EnumerationRequest, OperationTarget, WSManOperations } from '../core/session/wsman-operations';
import { ComObject } from './com-object';
import { Enumerator } from './enumerator';
import { WSManEnumFlags as E, WSManSessionFlags } from './flags';
import type { IWSManEnumerator, IWSManSession, ResourceUriArgument } from './interfaces';
import { type LocatorState, ResourceLocator } from './resource-locator';
import { associationFilterXml, isShortAssociationFilter } from './association-filter';

/** Session.BatchItems when nobody set it (session-batchitems.md; see docs/decisions.md). */
export const DEFAULT_BATCH_ITEMS = 20;

export class Session extends ComObject implements IWSManSession {
  readonly implementedInterfaces = ['IWSManSession'] as const;
  protected readonly errorSource = 'Session';
  #batchItems = DEFAULT_BATCH_ITEMS;
  readonly #host: string;

  constructor(
    private readonly api: WSManClientApi,
    private readonly operations: WSManOperations,
    readonly handle: WSMAN_SESSION_HANDLE,
  ) {
    super();
    this.#host = api.sessionOf(handle).connection.host;
  }

  protected override errorMachine(): string {
    return this.#host;
  }

  Get(resourceUri: ResourceUriArgument, flags = 0): Promise<ComResult<string>> {
    return this.runAsync(async () => this.operations.get(this.handle, operationTarget(resolveTarget(resourceUri, flags))));
  }

  Put(resourceUri: ResourceUriArgument, resource: string, flags = 0): Promise<ComResult<string>> {
    return this.runAsync(async () => {
      const target = operationTarget(resolveTarget(resourceUri, flags));
      requireXml(resource);
      return this.operations.put(this.handle, target, resource);
    });
  }

  Create(resourceUri: ResourceUriArgument, resource: string, flags = 0): Promise<ComResult<string>> {
    return this.runAsync(async () => {
      const target = operationTarget(resolveTarget(resourceUri, flags));
      requireXml(resource);
      return this.operations.create(this.handle, target, resource);
    });
  }

  Delete(resourceUri: ResourceUriArgument, flags = 0): Promise<ComResult<void>> {
    return this.runAsync(async () => this.operations.delete(this.handle, operationTarget(resolveTarget(resourceUri, flags))));
  }

  Invoke(actionUri: string, resourceUri: ResourceUriArgument, parameters: string, flags = 0): Promise<ComResult<string>> {
    return this.runAsync(async () => {
      if (typeof actionUri !== 'string' || actionUri.trim() === '') throw wsmanError('ERROR_WSMAN_CLIENT_BLANK_ACTION_URI');
      const target = operationTarget(resolveTarget(resourceUri, flags));
      requireXml(parameters);
      // A bare method name is relative to the resource URI (`StopService` → `…/Win32_Service/StopService`).
      const action = /[:/]/.test(actionUri.trim()) ? actionUri.trim() : `${target.resourceUri}/${actionUri.trim()}`;
      return this.operations.invoke(this.handle, action, target, parameters);
    });
  }

  Enumerate(resourceUri: ResourceUriArgument, filter = '', dialect = '', flags = 0): Promise<ComResult<IWSManEnumerator>> {
    return this.runAsync(async () => {
      if (typeof filter !== 'string' || typeof dialect !== 'string') throw wsmanError('DISP_E_TYPEMISMATCH');
      const target = operationTarget(resolveTarget(resourceUri, 0, flags));
      const request = enumerationRequest(target, filter, dialect, flags, this.#batchItems);
      const first = await this.operations.enumerate(this.handle, request);
      return new Enumerator(this.operations, this.handle, target, this.#batchItems, first, this.#host);
    });
  }

  Identify(flags = 0): Promise<ComResult<string>> {
    return this.runAsync(async () => {
      if (!Number.isInteger(flags)) throw wsmanError('DISP_E_TYPEMISMATCH');
      return this.operations.identify(this.handle, (flags & WSManSessionFlags.WSManFlagUseNoAuthentication) !== 0);
    });
  }

  get_Error(): ComResult<string> {
    return this.lastErrorXml();
  }

  get_BatchItems(): ComResult<number> {
    return succeeded(this.#batchItems);
  }

  put_BatchItems(value: number): ComResult<void> {
    return this.run(() => {
      if (!Number.isInteger(value)) throw wsmanError('DISP_E_TYPEMISMATCH');
      if (value < 1) throw wsmanError('ERROR_WSMAN_CLIENT_BATCH_ITEMS_TOO_SMALL');
      this.#batchItems = value;
    });
  }

  get_Timeout(): ComResult<number> {
    return this.run(() => valueOrThrow(this.api.WSManGetSessionOptionAsDword(this.handle, WSManSessionOption.WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS)));
  }

  put_Timeout(value: number): ComResult<void> {
    return this.run(() => {
      if (!Number.isInteger(value)) throw wsmanError('DISP_E_TYPEMISMATCH');
      valueOrThrow(this.api.WSManSetSessionOption(this.handle, WSManSessionOption.WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS, dwordData(value)));
    });
  }
}

/**
 * The VARIANT resourceUri argument of the operations as a locator state; flags of Get, Put,
 * Create, Delete and Invoke are reserved and must be 0 (enumeration flags are checked apart).
 */
export function resolveTarget(resourceUri: ResourceUriArgument, flags: number, enumerationFlags = 0): LocatorState {
  if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_FLAG');
  if (!Number.isInteger(enumerationFlags)) throw wsmanError('DISP_E_TYPEMISMATCH');
  if (resourceUri instanceof ResourceLocator) {
    const state = resourceUri.state();
    if (state.resourceUri === '') throw wsmanError('ERROR_WSMAN_CLIENT_BLANK_URI');
    return state;
  }
  if (resourceUri === null || resourceUri === undefined || resourceUri === '') throw wsmanError('ERROR_WSMAN_CLIENT_BLANK_URI');
  if (typeof resourceUri !== 'string') throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_RESOURCE_LOCATOR');
  if (resourceUri.trim().startsWith('<')) return endpointReferenceTarget(resourceUri.trim());
  const { resourceUri: uri, selectors } = parseResourceUri(resourceUri.trim());
  if (uri === '') throw wsmanError('ERROR_WSMAN_CLIENT_BLANK_URI');
  return { resourceUri: uri, selectors, options: [], mustUnderstandOptions: false, fragmentPath: '', fragmentDialect: '' };
}

function requireXml(xml: string): void {
  if (typeof xml !== 'string' || xml.trim() === '') throw wsmanError('ERROR_WSMAN_CLIENT_BLANK_INPUT_XML');
}

/**
 * An EPR as scripts get it from Create or an EnumerateEPR item (`a:EndpointReference`,
 * `x:ResourceCreated`): the ResourceURI and SelectorSet of its ReferenceParameters.
 */
function endpointReferenceTarget(xml: string): LocatorState {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch {
    throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_RESOURCE_LOCATOR');
  }
  const parameters = child(root, NS.addressing, 'ReferenceParameters');
  const uri = parameters ? child(parameters, NS.wsman, 'ResourceURI') : undefined;
  if (!parameters || !uri || textContent(uri).trim() === '') throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_RESOURCE_LOCATOR');
  const selectors = readSelectors(child(parameters, NS.wsman, 'SelectorSet')).map(({ name, value }) => ({ name, value }));
  return { resourceUri: textContent(uri).trim(), selectors, options: [], mustUnderstandOptions: false, fragmentPath: '', fragmentDialect: '' };
}

/** What the engine sends for a locator state. */
export function operationTarget(state: LocatorState): OperationTarget {
  return {
    resourceUri: state.resourceUri,
    selectors: state.selectors,
    options: state.options.map((o) => ({ name: o.name, value: o.value, ...(o.mustComply ? { mustComply: true } : {}) })),
    mustUnderstandOptions: state.mustUnderstandOptions,
    ...(state.fragmentPath !== '' ? { fragment: { path: state.fragmentPath, ...(state.fragmentDialect !== '' ? { dialect: state.fragmentDialect } : {}) } } : {}),
  };
}

/** Short dialect names scripts use for the three dialects a Windows service knows. */
const DIALECT_ALIASES: Readonly<Record<string, string>> = {
  wql: DIALECT.wql,
  selector: DIALECT.selector,
  selectorfilter: DIALECT.selector,
  association: DIALECT.association,
};

/** The dialect URIs as written in any case (winrm.vbs spells …/cimbinding/AssociationFilter). */
const KNOWN_DIALECTS: ReadonlyMap<string, string> = new Map(Object.values(DIALECT).map((uri) => [uri.toLowerCase(), uri]));

const MODE_OF_FLAGS: Readonly<Record<number, EnumerationMode>> = {
  [E.WSManFlagReturnObject]: 'objects',
  [E.WSManFlagReturnEPR]: 'references',
  [E.WSManFlagReturnObjectAndEPR]: 'objectsAndReferences',
};

const ENUMERATION_FLAGS = E.WSManFlagNonXmlText | E.WSManFlagReturnEPR | E.WSManFlagReturnObjectAndEPR | E.WSManFlagHierarchyShallow | E.WSManFlagHierarchyDeepBasePropsOnly | E.WSManFlagAssociationInstance;

/** Enumerate's filter, dialect and flags as the engine's request (wire.md §3.7). */
export function enumerationRequest(target: OperationTarget, filter: string, dialect: string, flags: number, batchItems: number): EnumerationRequest {
  const mode = MODE_OF_FLAGS[flags & (E.WSManFlagReturnEPR | E.WSManFlagReturnObjectAndEPR)];
  const hierarchy = flags & (E.WSManFlagHierarchyShallow | E.WSManFlagHierarchyDeepBasePropsOnly);
  if ((flags >>> 0 & ~ENUMERATION_FLAGS) !== 0 || mode === undefined || hierarchy === (E.WSManFlagHierarchyShallow | E.WSManFlagHierarchyDeepBasePropsOnly)) {
    throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_FLAG');
  }
  const polymorphismMode: EnumerationRequest['polymorphismMode'] =
    hierarchy === E.WSManFlagHierarchyShallow ? 'None' : hierarchy === E.WSManFlagHierarchyDeepBasePropsOnly ? 'ExcludeSubClassProperties' : undefined;
  const request: EnumerationRequest = { target, mode, maxElements: batchItems, ...(polymorphismMode ? { polymorphismMode } : {}) };
  if (filter === '') return request;
  const dialectUri = dialect === '' ? DIALECT.wql : DIALECT_ALIASES[dialect.toLowerCase()] ?? KNOWN_DIALECTS.get(dialect.toLowerCase()) ?? dialect;
  if (dialectUri === DIALECT.association && isShortAssociationFilter(filter)) {
    const xml = associationFilterXml(filter, target.resourceUri, (flags & E.WSManFlagAssociationInstance) !== 0);
    return { ...request, filter: { dialect: dialectUri, xml } };
  }
  const isXml = (flags & E.WSManFlagNonXmlText) === 0 && filter.trim().startsWith('<');
  if (!isXml) return { ...request, filter: { dialect: dialectUri, xml: escapeXmlText(filter) } };
  let root: XmlElement;
  try {
    root = parseXml(filter.trim());
  } catch {
    throw wsmanError('ERROR_WSMAN_INVALID_FILTER_XML');
  }
  let xml = filter.trim();
  // For association filters the flag chooses the wrapper when the script passes only the object EPR.
  if (dialectUri === DIALECT.association && !(root.namespace === NS.cimBinding && /^Associat(ed|ion)Instances$/.test(root.localName))) {
    const wrapper = (flags & E.WSManFlagAssociationInstance) !== 0 ? 'AssociationInstances' : 'AssociatedInstances';
    xml = `<b:${wrapper} xmlns:b="${NS.cimBinding}">${xml}</b:${wrapper}>`;
  }
  return { ...request, filter: { dialect: dialectUri, xml } };
}

/**
 * Session (IWSManSession). Timeout lives in the engine as WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS;
 * the operations check their arguments as the client does before anything is sent.
 */
import { succeeded, type ComResult } from '../core/hresult';
import { wsmanError } from '../core/errors/wsman-error';
import { valueOrThrow } from '../core/errors/com-failure';
import { type WSManClientApi, type WSMAN_SESSION_HANDLE } from '../core/capi/client-api';
import { dwordData, WSManSessionOption } from '../core/capi/constants';
import { parseResourceUri } from '../core/session/resource-uri';
import { ComObject } from './com-object';
import type { IWSManEnumerator, IWSManSession, ResourceUriArgument } from './interfaces';
import { type LocatorState, ResourceLocator } from './resource-locator';

/** Session.BatchItems when nobody set it (session-batchitems.md; see docs/decisions.md). */
export const DEFAULT_BATCH_ITEMS = 20;

export class Session extends ComObject implements IWSManSession {
  readonly implementedInterfaces = ['IWSManSession'] as const;
  protected readonly errorSource = 'Session';
  #batchItems = DEFAULT_BATCH_ITEMS;
  readonly #host: string;

  constructor(
    private readonly api: WSManClientApi,
    readonly handle: WSMAN_SESSION_HANDLE,
  ) {
    super();
    this.#host = api.sessionOf(handle).connection.host;
  }

  protected override errorMachine(): string {
    return this.#host;
  }

  Get(resourceUri: ResourceUriArgument, flags = 0): Promise<ComResult<string>> {
    return this.runAsync(async () => {
      resolveTarget(resourceUri, flags);
      return this.#notConnected('Get');
    });
  }

  Put(resourceUri: ResourceUriArgument, resource: string, flags = 0): Promise<ComResult<string>> {
    return this.runAsync(async () => {
      resolveTarget(resourceUri, flags);
      requireXml(resource);
      return this.#notConnected('Put');
    });
  }

  Create(resourceUri: ResourceUriArgument, resource: string, flags = 0): Promise<ComResult<string>> {
    return this.runAsync(async () => {
      resolveTarget(resourceUri, flags);
      requireXml(resource);
      return this.#notConnected('Create');
    });
  }

  Delete(resourceUri: ResourceUriArgument, flags = 0): Promise<ComResult<void>> {
    return this.runAsync(async () => {
      resolveTarget(resourceUri, flags);
      return this.#notConnected('Delete');
    });
  }

  Invoke(actionUri: string, resourceUri: ResourceUriArgument, parameters: string, flags = 0): Promise<ComResult<string>> {
    return this.runAsync(async () => {
      if (typeof actionUri !== 'string' || actionUri.trim() === '') throw wsmanError('ERROR_WSMAN_CLIENT_BLANK_ACTION_URI');
      resolveTarget(resourceUri, flags);
      requireXml(parameters);
      return this.#notConnected('Invoke');
    });
  }

  Enumerate(resourceUri: ResourceUriArgument, filter = '', dialect = '', flags = 0): Promise<ComResult<IWSManEnumerator>> {
    return this.runAsync(async () => {
      if (typeof filter !== 'string' || typeof dialect !== 'string') throw wsmanError('DISP_E_TYPEMISMATCH');
      resolveTarget(resourceUri, 0, flags);
      return this.#notConnected('Enumerate');
    });
  }

  Identify(flags = 0): Promise<ComResult<string>> {
    return this.runAsync(async () => {
      if (!Number.isInteger(flags)) throw wsmanError('DISP_E_TYPEMISMATCH');
      return this.#notConnected('Identify');
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

  #notConnected(operation: string): never {
    this.api.sessionOf(this.handle);
    return requiresTransport(`Session.${operation}`);
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
  const { resourceUri: uri, selectors } = parseResourceUri(resourceUri.trim());
  if (uri === '') throw wsmanError('ERROR_WSMAN_CLIENT_BLANK_URI');
  return { resourceUri: uri, selectors, options: [], mustUnderstandOptions: false, fragmentPath: '', fragmentDialect: '' };
}

/** The operations go over the network; that layer is not part of this build yet. */
export function requiresTransport(member: string): never {
  throw wsmanError('E_NOTIMPL', { message: `${member} needs the WS-Management transport, which this build does not include yet.` });
}

function requireXml(xml: string): void {
  if (typeof xml !== 'string' || xml.trim() === '') throw wsmanError('ERROR_WSMAN_CLIENT_BLANK_INPUT_XML');
}

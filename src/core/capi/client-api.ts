/**
 * The WinRM C API session engine: WSManInitialize … WSManGetErrorMessage, with handles that
 * die when closed. Each function returns `{ hr, value }`; Win32 codes come in HRESULT form
 * (docs/decisions.md) so that SUCCEEDED/FAILED hold for every result.
 */
import { injectable } from 'inversify';
import type { ServiceIdentifier } from 'inversify';
import { type ComResult, HRESULT_FROM_WIN32, succeeded, toUnsigned } from '../hresult';
import { toComFailure } from '../errors/com-failure';
import { findError, formatMessageText } from '../errors/error-table';
import { wsmanError } from '../errors/wsman-error';
import { ClientSession } from '../session/client-session';
import { parseConnectionString } from '../session/connection-string';
import { RFC3066_LANGUAGE_TAG } from '../session/session-options';
import { checkCredentials, checkProxy } from '../session/credentials-rules';
import {
  WSMAN_FLAG_REQUESTED_API_VERSION_1_0,
  WSMAN_FLAG_REQUESTED_API_VERSION_1_1,
  type WSMAN_AUTHENTICATION_CREDENTIALS,
  type WSMAN_DATA,
  type WSMAN_PROXY_INFO,
  WSManSessionOption,
} from './constants';

declare const apiBrand: unique symbol;
declare const sessionBrand: unique symbol;
/** Opaque WSMAN_API_HANDLE. */
export type WSMAN_API_HANDLE = { readonly [apiBrand]: true };
/** Opaque WSMAN_SESSION_HANDLE. */
export type WSMAN_SESSION_HANDLE = { readonly [sessionBrand]: true };

export interface WSManClientApi {
  WSManInitialize(flags: number): ComResult<WSMAN_API_HANDLE>;
  WSManDeinitialize(apiHandle: WSMAN_API_HANDLE | null, flags: number): ComResult<void>;
  WSManCreateSession(
    apiHandle: WSMAN_API_HANDLE | null,
    connection: string | null,
    flags: number,
    serverAuthenticationCredentials?: WSMAN_AUTHENTICATION_CREDENTIALS | null,
    proxyInfo?: WSMAN_PROXY_INFO | null,
  ): ComResult<WSMAN_SESSION_HANDLE>;
  WSManCloseSession(session: WSMAN_SESSION_HANDLE | null, flags: number): ComResult<void>;
  WSManSetSessionOption(session: WSMAN_SESSION_HANDLE | null, option: WSManSessionOption, data: WSMAN_DATA | null): ComResult<void>;
  WSManGetSessionOptionAsDword(session: WSMAN_SESSION_HANDLE | null, option: WSManSessionOption): ComResult<number>;
  WSManGetSessionOptionAsString(session: WSMAN_SESSION_HANDLE | null, option: WSManSessionOption): ComResult<string>;
  WSManGetErrorMessage(apiHandle: WSMAN_API_HANDLE | null, flags: number, languageCode: string | null, errorCode: number): ComResult<string>;
  /** The live session behind a handle, for the operation layers above the option API. */
  sessionOf(session: WSMAN_SESSION_HANDLE): ClientSession;
  /** The WSMAN_FLAG_REQUESTED_API_VERSION_* the session's API handle was initialized with. */
  apiVersionOf(session: WSMAN_SESSION_HANDLE): number;
}
export const WSManClientApi: ServiceIdentifier<WSManClientApi> = Symbol.for('WSManClientApi');

interface ApiState {
  readonly version: number;
  closed: boolean;
  /** Its sessions still open (WSManDeinitialize closes them). */
  readonly sessions: Set<ClientSession>;
}

/** What closes a session whose handle nobody holds any more. */
interface Abandoned {
  readonly api: ApiState;
  readonly session: ClientSession;
}

const SUPPORTED_LANGUAGES = new Set(['en', 'en-us']);
const ERROR_SOURCE = 'WSMan';

@injectable()
export class DefaultWSManClientApi implements WSManClientApi {
  readonly #apis = new WeakMap<WSMAN_API_HANDLE, ApiState>();
  readonly #sessions = new WeakMap<WSMAN_SESSION_HANDLE, ClientSession>();
  readonly #sessionApis = new WeakMap<WSMAN_SESSION_HANDLE, ApiState>();
  /**
   * A session handle that became unreachable without WSManCloseSession (a script dropped its last
   * Session object, as COM's final Release closes it on Windows) is closed here, so that its
   * kept-alive connection does not stay open, and in memory, until the server ends it.
   */
  readonly #abandoned = new FinalizationRegistry<Abandoned>(({ api, session }) => {
    session.close();
    api.sessions.delete(session);
  });

  WSManInitialize(flags: number): ComResult<WSMAN_API_HANDLE> {
    return this.#call(() => {
      if (flags !== WSMAN_FLAG_REQUESTED_API_VERSION_1_0 && flags !== WSMAN_FLAG_REQUESTED_API_VERSION_1_1) {
        throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_INIT_APPLICATION_FLAG');
      }
      const handle = Object.freeze({}) as WSMAN_API_HANDLE;
      this.#apis.set(handle, { version: flags, closed: false, sessions: new Set() });
      return handle;
    });
  }

  WSManDeinitialize(apiHandle: WSMAN_API_HANDLE | null, flags: number): ComResult<void> {
    return this.#call(() => {
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_DEINIT_APPLICATION_FLAG');
      const api = this.#api(apiHandle, 'ERROR_WSMAN_CLIENT_NO_HANDLE');
      for (const session of api.sessions) session.close();
      api.sessions.clear();
      api.closed = true;
    });
  }

  WSManCreateSession(
    apiHandle: WSMAN_API_HANDLE | null,
    connection: string | null,
    flags: number,
    credentials?: WSMAN_AUTHENTICATION_CREDENTIALS | null,
    proxy?: WSMAN_PROXY_INFO | null,
  ): ComResult<WSMAN_SESSION_HANDLE> {
    return this.#call(() => {
      const api = this.#api(apiHandle, 'ERROR_WSMAN_CLIENT_CREATESESSION_NULL_PARAM');
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_FLAG');
      const parsed = parseConnectionString(connection);
      checkCredentials(credentials ?? undefined, parsed);
      checkProxy(proxy ?? undefined, parsed, credentials?.authenticationMechanism ?? 0);
      const handle = Object.freeze({}) as WSMAN_SESSION_HANDLE;
      const session = new ClientSession(parsed, credentials ?? undefined, proxy ?? undefined);
      this.#sessions.set(handle, session);
      api.sessions.add(session);
      this.#sessionApis.set(handle, api);
      this.#abandoned.register(handle, { api, session }, handle);
      return handle;
    });
  }

  WSManCloseSession(session: WSMAN_SESSION_HANDLE | null, flags: number): ComResult<void> {
    return this.#call(() => {
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_FLAG');
      const state = this.#session(session, 'ERROR_WSMAN_CLIENT_NO_HANDLE');
      state.close();
      this.#sessionApis.get(session!)?.sessions.delete(state);
      this.#abandoned.unregister(session!);
    });
  }

  WSManSetSessionOption(session: WSMAN_SESSION_HANDLE | null, option: WSManSessionOption, data: WSMAN_DATA | null): ComResult<void> {
    return this.#call(() => {
      const state = this.#session(session, 'ERROR_WSMAN_CLIENT_SETSESSIONOPTION_NULL_PARAM');
      if (!data) throw wsmanError('ERROR_WSMAN_CLIENT_SETSESSIONOPTION_NULL_PARAM');
      state.setOption(option, data);
    });
  }

  WSManGetSessionOptionAsDword(session: WSMAN_SESSION_HANDLE | null, option: WSManSessionOption): ComResult<number> {
    return this.#call(() => this.#session(session, 'ERROR_WSMAN_CLIENT_GETSESSIONOPTION_DWORD_NULL_PARAM').getDword(option));
  }

  WSManGetSessionOptionAsString(session: WSMAN_SESSION_HANDLE | null, option: WSManSessionOption): ComResult<string> {
    return this.#call(() => this.#session(session, 'ERROR_WSMAN_CLIENT_GETSESSIONOPTION_INVALID_PARAM').getString(option));
  }

  WSManGetErrorMessage(apiHandle: WSMAN_API_HANDLE | null, flags: number, languageCode: string | null, errorCode: number): ComResult<string> {
    return this.#call(() => {
      this.#api(apiHandle, 'ERROR_WSMAN_CLIENT_GETERRORMESSAGE_NULL_PARAM');
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_GETERRORMESSAGE_FLAG');
      if (languageCode) {
        if (!RFC3066_LANGUAGE_TAG.test(languageCode)) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_LANGUAGE_CODE');
        if (!SUPPORTED_LANGUAGES.has(languageCode.toLowerCase())) throw wsmanError('ERROR_RESOURCE_LANG_NOT_FOUND');
      }
      return errorMessageText(errorCode);
    });
  }

  sessionOf(session: WSMAN_SESSION_HANDLE): ClientSession {
    return this.#session(session, 'ERROR_WSMAN_CLIENT_NO_HANDLE');
  }

  apiVersionOf(session: WSMAN_SESSION_HANDLE): number {
    this.#session(session, 'ERROR_WSMAN_CLIENT_NO_HANDLE');
    return this.#sessionApis.get(session)?.version ?? WSMAN_FLAG_REQUESTED_API_VERSION_1_0;
  }

  #api(handle: WSMAN_API_HANDLE | null, nullError: string): ApiState {
    if (handle === null || handle === undefined) throw wsmanError(nullError);
    const api = this.#apis.get(handle);
    if (!api || api.closed) throw wsmanError('ERROR_INVALID_HANDLE');
    return api;
  }

  #session(handle: WSMAN_SESSION_HANDLE | null, nullError: string): ClientSession {
    if (handle === null || handle === undefined) throw wsmanError(nullError);
    const session = this.#sessions.get(handle);
    if (!session) throw wsmanError('ERROR_INVALID_HANDLE');
    if (session.closed) throw wsmanError('ERROR_WSMAN_SESSION_ALREADY_CLOSED');
    return session;
  }

  #call<T>(body: () => T): ComResult<T> {
    try {
      return succeeded(body());
    } catch (error) {
      return toComFailure(error, ERROR_SOURCE);
    }
  }
}

/**
 * FormatMessage text for any number a script may hold: an unsigned HRESULT, the negative Long
 * of `CLng("&H80338012")`, or a bare Win32 code such as 5.
 */
export function errorMessageText(errorCode: number): string {
  if (!Number.isInteger(errorCode)) throw wsmanError('E_INVALIDARG');
  const code = toUnsigned(errorCode);
  const definition = findError(code) ?? (code > 0 && code <= 0xffff ? findError(HRESULT_FROM_WIN32(code)) : undefined);
  if (!definition) {
    throw wsmanError('ERROR_MR_MID_NOT_FOUND', { inserts: [code.toString(16).toUpperCase(), 'System'] });
  }
  return formatMessageText(definition);
}

/**
 * The state behind a WSMAN_SESSION_HANDLE: where it connects, with which credentials, and its
 * session options, including the transport the first transport-bound option fixed.
 */
import { WSManAuthenticationFlags as Auth, WSManDataType, WSManSessionOption as Option, type WSMAN_AUTHENTICATION_CREDENTIALS, type WSMAN_DATA, type WSMAN_PROXY_INFO } from '../capi/constants';
import { wsmanError } from '../errors/wsman-error';
import { type ConnectionString, type Transport, endpointUrl } from './connection-string';
import { defaultOptionValues, OPTION_DESCRIPTORS, SHELL_TIMEOUT_OPTIONS, transportConflictError } from './session-options';

export class ClientSession {
  readonly connection: ConnectionString;
  readonly authenticationMechanism: number;
  readonly userName: string | undefined;
  readonly certificateThumbprint: string | undefined;
  readonly proxy: WSMAN_PROXY_INFO | undefined;
  readonly #password: string | undefined;
  readonly #options = defaultOptionValues();
  #fixedTransport: Transport | undefined;
  #optionsVersion = 0;
  #closed = false;
  readonly #closeActions: (() => void)[] = [];

  constructor(connection: ConnectionString, credentials: WSMAN_AUTHENTICATION_CREDENTIALS | undefined, proxy: WSMAN_PROXY_INFO | undefined) {
    this.connection = connection;
    this.authenticationMechanism = credentials?.authenticationMechanism ?? Auth.WSMAN_FLAG_DEFAULT_AUTHENTICATION;
    this.userName = credentials?.userAccount?.username;
    this.#password = credentials?.userAccount?.password;
    this.certificateThumbprint = credentials?.certificateThumbprint;
    this.proxy = proxy;
    // Certificates only exist over TLS, so certificate authentication seeds HTTPS like an explicit scheme.
    const certificate = this.authenticationMechanism === Auth.WSMAN_FLAG_AUTH_CLIENT_CERTIFICATE;
    this.#fixedTransport = connection.transport ?? (certificate ? 'https' : undefined);
    if (this.#fixedTransport === 'https') this.#options.set(Option.WSMAN_OPTION_USE_SSL, 1);
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    this.#closed = true;
    for (const action of this.#closeActions.splice(0)) action();
  }

  /** Runs when the session closes (its connection goes with it). */
  onClose(action: () => void): void {
    this.#closeActions.push(action);
  }

  /** HTTP unless an explicit scheme, USE_SSL or another transport-bound option chose HTTPS. */
  get transport(): Transport {
    return this.#fixedTransport ?? 'http';
  }

  /** True once a scheme or an option fixed the transport. */
  get transportFixed(): boolean {
    return this.#fixedTransport !== undefined;
  }

  get url(): string {
    return endpointUrl(this.connection, this.transport);
  }

  /** The password, for the authentication layer only; it never appears in errors or logs. */
  password(): string | undefined {
    return this.#password;
  }

  setOption(option: Option, data: WSMAN_DATA): void {
    const descriptor = OPTION_DESCRIPTORS.get(option);
    if (!descriptor || !descriptor.settable) throw wsmanError('ERROR_WSMAN_CLIENT_SETSESSIONOPTION_INVALID_PARAM');
    const value = descriptor.kind === 'dword' ? dwordOf(data) : textOf(data);
    const problem = descriptor.check?.(value);
    if (problem) throw wsmanError(problem);
    const wanted = descriptor.binds?.(value as number);
    if (wanted) {
      if (this.#fixedTransport && this.#fixedTransport !== wanted) throw wsmanError(transportConflictError(option, wanted));
      this.#fixedTransport = wanted;
      this.#options.set(Option.WSMAN_OPTION_USE_SSL, wanted === 'https' ? 1 : 0);
    }
    this.#options.set(option, value);
    this.#optionsVersion++;
  }

  /** Changes with every option set: what was derived from the options at one version still holds at the same version. */
  get optionsVersion(): number {
    return this.#optionsVersion;
  }

  getDword(option: Option): number {
    const descriptor = OPTION_DESCRIPTORS.get(option);
    if (!descriptor || descriptor.kind !== 'dword') throw wsmanError('ERROR_WSMAN_CLIENT_GETSESSIONOPTION_DWORD_INVALID_PARAM');
    if (option === Option.WSMAN_OPTION_SHELL_MAX_DATA_SIZE_PER_MESSAGE_KB) return this.getDword(Option.WSMAN_OPTION_MAX_ENVELOPE_SIZE_KB);
    const value = this.#options.get(option) ?? (SHELL_TIMEOUT_OPTIONS.has(option) ? this.#options.get(Option.WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS) : undefined);
    return value as number;
  }

  getString(option: Option): string {
    const descriptor = OPTION_DESCRIPTORS.get(option);
    if (!descriptor || descriptor.kind !== 'string') throw wsmanError('ERROR_WSMAN_CLIENT_GETSESSIONOPTION_STRING_INVALID_PARAM');
    // No redirect was ever requested of this session: this client does not follow redirects.
    if (option === Option.WSMAN_OPTION_REDIRECT_LOCATION) throw wsmanError('ERROR_WSMAN_REDIRECT_LOCATION_NOT_AVAILABLE');
    return this.#options.get(option) as string;
  }
}

function dwordOf(data: WSMAN_DATA): number {
  const n = data.number;
  if (data.type !== WSManDataType.WSMAN_DATA_TYPE_DWORD || typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw wsmanError('ERROR_WSMAN_CLIENT_SETSESSIONOPTION_INVALID_PARAM');
  }
  return n;
}

function textOf(data: WSMAN_DATA): string {
  if (data.type !== WSManDataType.WSMAN_DATA_TYPE_TEXT || typeof data.text !== 'string') {
    throw wsmanError('ERROR_WSMAN_CLIENT_SETSESSIONOPTION_INVALID_PARAM');
  }
  return data.text;
}

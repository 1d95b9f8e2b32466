/** WSMan (IWSMan → IWSManEx → IWSManEx2 → IWSManEx3): the one creatable object of WSMan.Automation. */
import { inject, injectable } from 'inversify';
import { succeeded, type ComResult, type ComSuccess } from '../core/hresult';
import { wsmanError } from '../core/errors/wsman-error';
import { valueOrThrow } from '../core/errors/com-failure';
import { errorMessageText, WSManClientApi, type WSMAN_API_HANDLE } from '../core/capi/client-api';
import { dwordData, WSManAuthenticationFlags, WSMAN_FLAG_REQUESTED_API_VERSION_1_1, type WSMAN_AUTHENTICATION_CREDENTIALS } from '../core/capi/constants';
import { parseConnectionString } from '../core/session/connection-string';
import { WSManOperations } from '../core/session/wsman-operations';
import { ComObject } from './com-object';
import { ConnectionOptions, readConnectionOptions } from './connection-options';
import { WSManEnumFlags as E, WSManSessionFlags as F } from './flags';
import type { IWSManConnectionOptions, IWSManEx3 } from './interfaces';
import { LogonIdentity } from './logon-identity';
import { ResourceLocator } from './resource-locator';
import { Session } from './session';
import { sessionRequest } from './session-request';

/** The process command line, as the automation object reports it to winrm.vbs. */
function processCommandLine(): string {
  return process.argv.map((arg) => (/[\s"]/.test(arg) ? `"${arg.replace(/"/g, '\\"')}"` : arg)).join(' ');
}

/** The mechanisms that take the logged-on user's credentials when none are given. */
const IMPLICIT_MECHANISMS = new Set<number>([
  WSManAuthenticationFlags.WSMAN_FLAG_DEFAULT_AUTHENTICATION,
  WSManAuthenticationFlags.WSMAN_FLAG_AUTH_NEGOTIATE,
  WSManAuthenticationFlags.WSMAN_FLAG_AUTH_KERBEROS,
]);

@injectable()
export class WSMan extends ComObject implements IWSManEx3 {
  readonly implementedInterfaces = ['IWSMan', 'IWSManEx', 'IWSManEx2', 'IWSManEx3'] as const;
  protected readonly errorSource = 'WSMan';
  #apiHandle: WSMAN_API_HANDLE | undefined;

  constructor(
    @inject(WSManClientApi) private readonly api: WSManClientApi,
    @inject(WSManOperations) private readonly operations: WSManOperations,
    @inject(LogonIdentity) private readonly identity: LogonIdentity,
  ) {
    super();
  }

  CreateSession(connection = '', flags = 0, connectionOptions: IWSManConnectionOptions | null = null): ComResult<Session> {
    return this.run(() => {
      if (typeof connection !== 'string') throw wsmanError('DISP_E_TYPEMISMATCH');
      if (connectionOptions !== null && connectionOptions !== undefined && !(connectionOptions instanceof ConnectionOptions)) {
        throw wsmanError('E_INVALIDARG');
      }
      const isLocal = parseConnectionString(connection).isLocal;
      const request = sessionRequest(flags, isLocal, connectionOptions ? readConnectionOptions(connectionOptions) : undefined);
      const target = this.#target(connection);
      const credentials = this.#withImplicitCredentials(request.credentials, target);
      const handle = valueOrThrow(this.api.WSManCreateSession(this.#api(), target, 0, credentials, request.proxy));
      try {
        for (const [option, value] of request.options) valueOrThrow(this.api.WSManSetSessionOption(handle, option, dwordData(value)));
      } catch (error) {
        this.api.WSManCloseSession(handle, 0);
        throw error;
      }
      return new Session(this.api, this.operations, handle);
    });
  }

  /** The local computer ('' or "localhost") is where the host's identity says it is. */
  #target(connection: string): string {
    const local = connection === '' || connection.toLowerCase() === 'localhost';
    return local && this.identity.localConnection !== '' ? this.identity.localConnection : connection;
  }

  /**
   * A session without credentials acts for the host's logged-on identity, as Windows uses the
   * user's token with Negotiate (or Kerberos); the C API's own local session takes none.
   */
  #withImplicitCredentials(explicit: WSMAN_AUTHENTICATION_CREDENTIALS | undefined, target: string): WSMAN_AUTHENTICATION_CREDENTIALS | undefined {
    const { credentials } = this.identity;
    if (!credentials || parseConnectionString(target).isLocal || explicit?.userAccount || explicit?.certificateThumbprint) return explicit;
    const mechanism = explicit?.authenticationMechanism ?? WSManAuthenticationFlags.WSMAN_FLAG_DEFAULT_AUTHENTICATION;
    if (!IMPLICIT_MECHANISMS.has(mechanism)) return explicit;
    return { authenticationMechanism: mechanism, userAccount: { username: credentials.username, password: credentials.password } };
  }

  CreateConnectionOptions(): ComSuccess<ConnectionOptions> {
    return succeeded(new ConnectionOptions());
  }

  get_CommandLine(): ComResult<string> {
    return succeeded(processCommandLine());
  }

  get_Error(): ComResult<string> {
    return this.lastErrorXml();
  }

  CreateResourceLocator(strResourceLocator = ''): ComResult<ResourceLocator> {
    return this.run(() => {
      if (typeof strResourceLocator !== 'string') throw wsmanError('DISP_E_TYPEMISMATCH');
      return ResourceLocator.fromString(strResourceLocator);
    });
  }

  GetErrorMessage(errorNumber: number): ComResult<string> {
    return this.run(() => errorMessageText(errorNumber));
  }

  SessionFlagUTF8 = () => succeeded<number>(F.WSManFlagUTF8);
  SessionFlagCredUsernamePassword = () => succeeded<number>(F.WSManFlagCredUsernamePassword);
  SessionFlagSkipCACheck = () => succeeded<number>(F.WSManFlagSkipCACheck);
  SessionFlagSkipCNCheck = () => succeeded<number>(F.WSManFlagSkipCNCheck);
  SessionFlagUseDigest = () => succeeded<number>(F.WSManFlagUseDigest);
  SessionFlagUseNegotiate = () => succeeded<number>(F.WSManFlagUseNegotiate);
  SessionFlagUseBasic = () => succeeded<number>(F.WSManFlagUseBasic);
  SessionFlagUseKerberos = () => succeeded<number>(F.WSManFlagUseKerberos);
  SessionFlagNoEncryption = () => succeeded<number>(F.WSManFlagNoEncryption);
  SessionFlagEnableSPNServerPort = () => succeeded<number>(F.WSManFlagEnableSPNServerPort);
  SessionFlagUseNoAuthentication = () => succeeded<number>(F.WSManFlagUseNoAuthentication);
  EnumerationFlagNonXmlText = () => succeeded<number>(E.WSManFlagNonXmlText);
  EnumerationFlagReturnEPR = () => succeeded<number>(E.WSManFlagReturnEPR);
  EnumerationFlagReturnObjectAndEPR = () => succeeded<number>(E.WSManFlagReturnObjectAndEPR);
  EnumerationFlagHierarchyDeep = () => succeeded<number>(E.WSManFlagHierarchyDeep);
  EnumerationFlagHierarchyShallow = () => succeeded<number>(E.WSManFlagHierarchyShallow);
  EnumerationFlagHierarchyDeepBasePropsOnly = () => succeeded<number>(E.WSManFlagHierarchyDeepBasePropsOnly);
  EnumerationFlagReturnObject = () => succeeded<number>(E.WSManFlagReturnObject);
  SessionFlagUseClientCertificate = () => succeeded<number>(F.WSManFlagUseClientCertificate);
  SessionFlagUTF16 = () => succeeded<number>(F.WSManFlagUTF16);
  SessionFlagUseCredSsp = () => succeeded<number>(F.WSManFlagUseCredSsp);
  EnumerationFlagAssociationInstance = () => succeeded<number>(E.WSManFlagAssociationInstance);
  EnumerationFlagAssociatedInstance = () => succeeded<number>(E.WSManFlagAssociatedInstance);
  SessionFlagSkipRevocationCheck = () => succeeded<number>(F.WSManFlagSkipRevocationCheck);
  SessionFlagAllowNegotiateImplicitCredentials = () => succeeded<number>(F.WSManFlagAllowNegotiateImplicitCredentials);
  SessionFlagUseSsl = () => succeeded<number>(F.WSManFlagUseSsl);

  /** One API handle per WSMan object, made on first use like WsmAuto.dll's lazy WSManInitialize. */
  #api(): WSMAN_API_HANDLE {
    this.#apiHandle ??= valueOrThrow(this.api.WSManInitialize(WSMAN_FLAG_REQUESTED_API_VERSION_1_1));
    return this.#apiHandle;
  }
}

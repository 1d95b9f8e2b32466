/** ConnectionOptions (IWSManConnectionOptionsEx2): credentials and proxy settings for CreateSession. */
import { succeeded, type ComResult } from '../core/hresult';
import { wsmanError } from '../core/errors/wsman-error';
import { WSManAuthenticationFlags as Auth, WSManProxyAccessType, type WSMAN_PROXY_INFO } from '../core/capi/constants';
import { checkProxyInfo } from '../core/session/credentials-rules';
import { ComObject } from './com-object';
import { WSManProxyAccessTypeFlags as Access, WSManProxyAuthenticationFlags as ProxyAuth } from './flags';
import type { IWSManConnectionOptionsEx2 } from './interfaces';

/** What CreateSession reads from a ConnectionOptions object. */
export interface ConnectionOptionsData {
  readonly userName: string;
  readonly password: string;
  readonly certificateThumbprint: string;
  readonly proxy: WSMAN_PROXY_INFO | undefined;
}

// The password has no getter on the interface; only CreateSession reads it, through this map.
const secrets = new WeakMap<ConnectionOptions, () => ConnectionOptionsData>();

export function readConnectionOptions(options: ConnectionOptions): ConnectionOptionsData {
  return secrets.get(options)!();
}

/** COM proxy authentication flags → the C API's WSMAN_FLAG_AUTH_* values. */
const PROXY_MECHANISMS = new Map<number, number>([
  [ProxyAuth.WSManFlagProxyAuthenticationUseNegotiate, Auth.WSMAN_FLAG_AUTH_NEGOTIATE],
  [ProxyAuth.WSManFlagProxyAuthenticationUseBasic, Auth.WSMAN_FLAG_AUTH_BASIC],
  [ProxyAuth.WSManFlagProxyAuthenticationUseDigest, Auth.WSMAN_FLAG_AUTH_DIGEST],
]);

function proxyMechanismFromFlags(flags: number): number {
  let mechanism = 0;
  let rest = flags;
  for (const [comFlag, capiFlag] of PROXY_MECHANISMS) {
    if (rest & comFlag) {
      mechanism |= capiFlag;
      rest &= ~comFlag;
    }
  }
  if (rest !== 0) throw wsmanError('ERROR_WSMAN_PROXY_AUTHENTICATION_INVALID_FLAG');
  return mechanism;
}

export class ConnectionOptions extends ComObject implements IWSManConnectionOptionsEx2 {
  readonly implementedInterfaces = ['IWSManConnectionOptions', 'IWSManConnectionOptionsEx', 'IWSManConnectionOptionsEx2'] as const;
  protected readonly errorSource = 'ConnectionOptions';
  #userName = '';
  #password = '';
  #thumbprint = '';
  #proxy: WSMAN_PROXY_INFO | undefined;

  constructor() {
    super();
    secrets.set(this, () => ({
      userName: this.#userName,
      password: this.#password,
      certificateThumbprint: this.#thumbprint,
      proxy: this.#proxy,
    }));
  }

  get_UserName(): ComResult<string> {
    return succeeded(this.#userName);
  }

  put_UserName(name: string): ComResult<void> {
    return this.run(() => {
      this.#userName = requireString(name);
    });
  }

  put_Password(password: string): ComResult<void> {
    return this.run(() => {
      this.#password = requireString(password);
    });
  }

  get_CertificateThumbprint(): ComResult<string> {
    return succeeded(this.#thumbprint);
  }

  put_CertificateThumbprint(thumbprint: string): ComResult<void> {
    return this.run(() => {
      this.#thumbprint = requireString(thumbprint);
    });
  }

  /** accessType 0 means the documented default, the WinHTTP proxy configuration. */
  SetProxy(accessType = 0, authenticationMechanism = 0, userName = '', password = ''): ComResult<void> {
    return this.run(() => {
      const proxy: WSMAN_PROXY_INFO = {
        accessType: accessType === 0 ? WSManProxyAccessType.WSMAN_OPTION_PROXY_WINHTTP_PROXY_CONFIG : accessType,
        authenticationCredentials: {
          authenticationMechanism: proxyMechanismFromFlags(authenticationMechanism),
          userAccount: { username: requireString(userName), password: requireString(password) },
        },
      };
      checkProxyInfo(proxy);
      this.#proxy = proxy;
    });
  }

  ProxyIEConfig(): ComResult<number> {
    return succeeded(Access.WSManProxyIEConfig);
  }

  ProxyWinHttpConfig(): ComResult<number> {
    return succeeded(Access.WSManProxyWinHttpConfig);
  }

  ProxyAutoDetect(): ComResult<number> {
    return succeeded(Access.WSManProxyAutoDetect);
  }

  ProxyNoProxyServer(): ComResult<number> {
    return succeeded(Access.WSManProxyNoProxyServer);
  }

  ProxyAuthenticationUseNegotiate(): ComResult<number> {
    return succeeded(ProxyAuth.WSManFlagProxyAuthenticationUseNegotiate);
  }

  ProxyAuthenticationUseBasic(): ComResult<number> {
    return succeeded(ProxyAuth.WSManFlagProxyAuthenticationUseBasic);
  }

  ProxyAuthenticationUseDigest(): ComResult<number> {
    return succeeded(ProxyAuth.WSManFlagProxyAuthenticationUseDigest);
  }
}

function requireString(value: unknown): string {
  if (typeof value !== 'string') throw wsmanError('DISP_E_TYPEMISMATCH');
  return value;
}

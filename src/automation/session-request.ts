/**
 * How WSMan.CreateSession turns its flags and ConnectionOptions into a C API session: the
 * flag rules of the scripting API first, then WSManCreateSession credentials and the session
 * options each flag stands for.
 */
import { WSManAuthenticationFlags as Auth, WSManSessionOption as Option, type WSMAN_AUTHENTICATION_CREDENTIALS, type WSMAN_PROXY_INFO } from '../core/capi/constants';
import { wsmanError } from '../core/errors/wsman-error';
import type { ConnectionOptionsData } from './connection-options';
import { WSManSessionFlags as F } from './flags';

export interface SessionRequest {
  readonly credentials: WSMAN_AUTHENTICATION_CREDENTIALS | undefined;
  readonly proxy: WSMAN_PROXY_INFO | undefined;
  /** Options to set right after WSManCreateSession, in this order. */
  readonly options: ReadonlyArray<readonly [Option, number]>;
}

const ALL_FLAGS = Object.values(F).filter((v): v is number => typeof v === 'number').reduce((a, b) => a | b, 0);

const MECHANISM_OF_FLAG = new Map<number, Auth>([
  [F.WSManFlagUseNoAuthentication, Auth.WSMAN_FLAG_NO_AUTHENTICATION],
  [F.WSManFlagUseDigest, Auth.WSMAN_FLAG_AUTH_DIGEST],
  [F.WSManFlagUseNegotiate, Auth.WSMAN_FLAG_AUTH_NEGOTIATE],
  [F.WSManFlagUseBasic, Auth.WSMAN_FLAG_AUTH_BASIC],
  [F.WSManFlagUseKerberos, Auth.WSMAN_FLAG_AUTH_KERBEROS],
  [F.WSManFlagUseClientCertificate, Auth.WSMAN_FLAG_AUTH_CLIENT_CERTIFICATE],
  [F.WSManFlagUseCredSsp, Auth.WSMAN_FLAG_AUTH_CREDSSP],
]);

/** Flag → the session option it sets to 1 (USE_SSL first: it decides the transport). */
const OPTION_OF_FLAG: ReadonlyArray<readonly [number, Option]> = [
  [F.WSManFlagUseSsl, Option.WSMAN_OPTION_USE_SSL],
  [F.WSManFlagNoEncryption, Option.WSMAN_OPTION_UNENCRYPTED_MESSAGES],
  [F.WSManFlagAllowNegotiateImplicitCredentials, Option.WSMAN_OPTION_ALLOW_NEGOTIATE_IMPLICIT_CREDENTIALS],
  [F.WSManFlagSkipCACheck, Option.WSMAN_OPTION_SKIP_CA_CHECK],
  [F.WSManFlagSkipCNCheck, Option.WSMAN_OPTION_SKIP_CN_CHECK],
  [F.WSManFlagSkipRevocationCheck, Option.WSMAN_OPTION_SKIP_REVOCATION_CHECK],
  [F.WSManFlagUTF16, Option.WSMAN_OPTION_UTF16],
  [F.WSManFlagEnableSPNServerPort, Option.WSMAN_OPTION_ENABLE_SPN_SERVER_PORT],
];

export function sessionRequest(flags: number, isLocal: boolean, options: ConnectionOptionsData | undefined): SessionRequest {
  if (!Number.isInteger(flags) || (flags >>> 0 & ~ALL_FLAGS) !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_FLAG');
  const has = (flag: number) => (flags & flag) !== 0;
  if (has(F.WSManFlagUTF8) && has(F.WSManFlagUTF16)) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_FLAG');

  const mechanisms = [...MECHANISM_OF_FLAG.entries()].filter(([flag]) => has(flag));
  if (mechanisms.length > 1) throw wsmanError('ERROR_WSMAN_CLIENT_MULTIPLE_AUTH_FLAGS');
  const mechanism = mechanisms[0]?.[1] ?? Auth.WSMAN_FLAG_DEFAULT_AUTHENTICATION;

  const credFlag = has(F.WSManFlagCredUsernamePassword);
  const user = options?.userName ?? '';
  const password = options?.password ?? '';
  const thumbprint = options?.certificateThumbprint ?? '';
  const hasUser = user !== '' || password !== '';

  if (isLocal) {
    if (credFlag || hasUser || thumbprint !== '') throw wsmanError('ERROR_WSMAN_CLIENT_LOCAL_INVALID_CREDS');
    if (options) throw wsmanError('ERROR_WSMAN_CLIENT_LOCAL_INVALID_CONNECTION_OPTIONS');
  }
  switch (mechanism) {
    case Auth.WSMAN_FLAG_NO_AUTHENTICATION:
      if (credFlag || hasUser || thumbprint !== '') throw wsmanError('ERROR_WSMAN_CREDS_PASSED_WITH_NO_AUTH_FLAG');
      break;
    case Auth.WSMAN_FLAG_AUTH_CLIENT_CERTIFICATE:
      if (credFlag || hasUser) throw wsmanError('ERROR_WSMAN_CLIENT_CERT_UNNEEDED_USERNAME');
      if (thumbprint === '') throw wsmanError('ERROR_WSMAN_CLIENT_CERT_NEEDED');
      break;
    case Auth.WSMAN_FLAG_AUTH_BASIC:
    case Auth.WSMAN_FLAG_AUTH_DIGEST:
      if (!credFlag && !hasUser) throw wsmanError('ERROR_WSMAN_CLIENT_USERNAME_PASSWORD_NEEDED');
      break;
  }
  if (mechanism !== Auth.WSMAN_FLAG_AUTH_CLIENT_CERTIFICATE && mechanism !== Auth.WSMAN_FLAG_NO_AUTHENTICATION) {
    if (credFlag && user === '') throw wsmanError('ERROR_WSMAN_CLIENT_CREDENTIALS_NEEDED');
    if (!credFlag && hasUser) throw wsmanError('ERROR_WSMAN_CLIENT_CREDENTIALS_FLAG_NEEDED');
  }
  const spnCapable = [Auth.WSMAN_FLAG_DEFAULT_AUTHENTICATION, Auth.WSMAN_FLAG_AUTH_NEGOTIATE, Auth.WSMAN_FLAG_AUTH_KERBEROS];
  if (has(F.WSManFlagEnableSPNServerPort) && !spnCapable.includes(mechanism)) throw wsmanError('ERROR_WSMAN_CLIENT_SPN_WRONG_AUTH');

  const credentials: WSMAN_AUTHENTICATION_CREDENTIALS | undefined =
    mechanism === Auth.WSMAN_FLAG_AUTH_CLIENT_CERTIFICATE
      ? { authenticationMechanism: mechanism, certificateThumbprint: thumbprint }
      : credFlag
        ? { authenticationMechanism: mechanism, userAccount: { username: user, password } }
        : mechanism !== Auth.WSMAN_FLAG_DEFAULT_AUTHENTICATION
          ? { authenticationMechanism: mechanism }
          : undefined;

  return {
    credentials,
    proxy: options?.proxy,
    options: OPTION_OF_FLAG.filter(([flag]) => has(flag)).map(([, option]) => [option, 1] as const),
  };
}

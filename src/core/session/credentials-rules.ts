/**
 * The checks WSManCreateSession makes on its credentials and proxy arguments, each with the
 * WinRM code whose message states the rule.
 */
import { WSManAuthenticationFlags as Auth, WSManProxyAccessType as Access, type WSMAN_AUTHENTICATION_CREDENTIALS, type WSMAN_PROXY_INFO } from '../capi/constants';
import { wsmanError } from '../errors/wsman-error';
import type { ConnectionString } from './connection-string';

const MECHANISMS = new Set<number>([
  Auth.WSMAN_FLAG_DEFAULT_AUTHENTICATION,
  Auth.WSMAN_FLAG_NO_AUTHENTICATION,
  Auth.WSMAN_FLAG_AUTH_DIGEST,
  Auth.WSMAN_FLAG_AUTH_NEGOTIATE,
  Auth.WSMAN_FLAG_AUTH_BASIC,
  Auth.WSMAN_FLAG_AUTH_KERBEROS,
  Auth.WSMAN_FLAG_AUTH_CLIENT_CERTIFICATE,
  Auth.WSMAN_FLAG_AUTH_CREDSSP,
]);
const ALL_MECHANISM_BITS = [...MECHANISMS].reduce((a, b) => a | b, 0);
const PROXY_ACCESS_TYPES = new Set<number>([
  Access.WSMAN_OPTION_PROXY_IE_PROXY_CONFIG,
  Access.WSMAN_OPTION_PROXY_WINHTTP_PROXY_CONFIG,
  Access.WSMAN_OPTION_PROXY_AUTO_DETECT,
  Access.WSMAN_OPTION_PROXY_NO_PROXY_SERVER,
]);
const PROXY_MECHANISMS = Auth.WSMAN_FLAG_AUTH_NEGOTIATE | Auth.WSMAN_FLAG_AUTH_BASIC | Auth.WSMAN_FLAG_AUTH_DIGEST;

function bitCount(n: number): number {
  let count = 0;
  for (let v = n >>> 0; v; v &= v - 1) count++;
  return count;
}

function checkMechanism(mechanism: number, multipleError: string, invalidError: string): void {
  if (!Number.isInteger(mechanism) || mechanism < 0) throw wsmanError(invalidError);
  if (MECHANISMS.has(mechanism)) return;
  if ((mechanism & ~ALL_MECHANISM_BITS) === 0 && bitCount(mechanism) > 1) throw wsmanError(multipleError);
  throw wsmanError(invalidError);
}

export function checkCredentials(credentials: WSMAN_AUTHENTICATION_CREDENTIALS | undefined, connection: ConnectionString): void {
  if (!credentials) return;
  const mechanism = credentials.authenticationMechanism;
  checkMechanism(mechanism, 'ERROR_WSMAN_CLIENT_MULTIPLE_AUTH_FLAGS', 'ERROR_WSMAN_CLIENT_INVALID_FLAG');
  const user = credentials.userAccount?.username ?? '';
  const password = credentials.userAccount?.password ?? '';
  const thumbprint = credentials.certificateThumbprint ?? '';
  const hasUserData = user !== '' || password !== '';

  if (connection.isLocal && (hasUserData || thumbprint !== '')) throw wsmanError('ERROR_WSMAN_CLIENT_LOCAL_INVALID_CREDS');
  switch (mechanism) {
    case Auth.WSMAN_FLAG_NO_AUTHENTICATION:
      if (hasUserData || thumbprint !== '') throw wsmanError('ERROR_WSMAN_CREDS_PASSED_WITH_NO_AUTH_FLAG');
      return;
    case Auth.WSMAN_FLAG_AUTH_BASIC:
    case Auth.WSMAN_FLAG_AUTH_DIGEST:
      if (user === '' || password === '') throw wsmanError('ERROR_WSMAN_CLIENT_USERNAME_PASSWORD_NEEDED');
      return;
    case Auth.WSMAN_FLAG_AUTH_CLIENT_CERTIFICATE:
      if (hasUserData) throw wsmanError('ERROR_WSMAN_CLIENT_CERT_UNNEEDED_USERNAME');
      if (thumbprint === '') throw wsmanError('ERROR_WSMAN_CLIENT_CERT_NEEDED');
      if (connection.transport === 'http') throw wsmanError('ERROR_WSMAN_CANNOT_USE_CERTIFICATES_FOR_HTTP');
      return;
    case Auth.WSMAN_FLAG_DEFAULT_AUTHENTICATION:
      if (thumbprint !== '') throw wsmanError('ERROR_WSMAN_CLIENT_CREDENTIALS_FOR_DEFAULT_AUTHENTICATION');
      if (hasUserData && (user === '' || password === '')) throw wsmanError('ERROR_WSMAN_CLIENT_USERNAME_AND_PASSWORD_NEEDED');
      return;
    default: // Negotiate, Kerberos, CredSSP: explicit credentials come as a pair, or not at all
      if (thumbprint !== '') throw wsmanError('ERROR_WSMAN_CLIENT_CERT_UNNEEDED_CREDS');
      if (hasUserData && (user === '' || password === '')) throw wsmanError('ERROR_WSMAN_CLIENT_USERNAME_AND_PASSWORD_NEEDED');
      if (mechanism === Auth.WSMAN_FLAG_AUTH_CREDSSP && !hasUserData) throw wsmanError('ERROR_WSMAN_CLIENT_USERNAME_AND_PASSWORD_NEEDED');
  }
}

/** The checks a proxy description passes on its own (SetProxy makes them too). */
export function checkProxyInfo(proxy: WSMAN_PROXY_INFO): void {
  if (!PROXY_ACCESS_TYPES.has(proxy.accessType)) throw wsmanError('ERROR_WSMAN_PROXY_ACCESS_TYPE');
  const credentials = proxy.authenticationCredentials;
  const mechanism = credentials?.authenticationMechanism ?? 0;
  const user = credentials?.userAccount?.username ?? '';
  const password = credentials?.userAccount?.password ?? '';
  if (mechanism !== 0) {
    if (!Number.isInteger(mechanism) || mechanism < 0 || (mechanism & ~PROXY_MECHANISMS) !== 0) {
      throw wsmanError('ERROR_WSMAN_PROXY_AUTHENTICATION_INVALID_FLAG');
    }
    if (bitCount(mechanism) > 1) throw wsmanError('ERROR_WSMAN_CLIENT_MULTIPLE_PROXY_AUTH_FLAGS');
  }
  if ((user === '') !== (password === '')) throw wsmanError('ERROR_WSMAN_CLIENT_CREDENTIALS_FOR_PROXY_AUTHENTICATION');
  if (proxy.accessType === Access.WSMAN_OPTION_PROXY_NO_PROXY_SERVER && (mechanism !== 0 || user !== '')) {
    throw wsmanError('ERROR_WSMAN_INVALID_OPTION_NO_PROXY_SERVER');
  }
}

export function checkProxy(proxy: WSMAN_PROXY_INFO | undefined, connection: ConnectionString, sessionMechanism: number): void {
  if (!proxy) return;
  if (connection.isLocal) throw wsmanError('ERROR_WSMAN_CLIENT_LOCAL_INVALID_CONNECTION_OPTIONS');
  checkProxyInfo(proxy);
  if (proxy.accessType === Access.WSMAN_OPTION_PROXY_NO_PROXY_SERVER) return;
  if (connection.transport === 'http') throw wsmanError('ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_HTTP');
  if (sessionMechanism === Auth.WSMAN_FLAG_AUTH_KERBEROS) throw wsmanError('ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_KERBEROS');
  if (sessionMechanism === Auth.WSMAN_FLAG_AUTH_CREDSSP) throw wsmanError('ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_CREDSSP');
}

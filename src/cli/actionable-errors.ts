/**
 * A line or two after winrm's error block saying what to do, for the failures people hit first
 * with this client: a certificate not trusted, a name not matching it, credentials refused,
 * Basic over HTTP without -unencrypted, a host that does not answer.
 */
import { join } from 'node:path';
import { AuthenticationRefused } from '../core/errors/authentication-refused';
import { certificateStoreDirectory } from '../core/transport/certificate-store';
import type { ComCallFailed } from './commands/com-call';

const E_ACCESSDENIED = 0x80070005;

/** The -a: value for each auth-scheme a server may offer that this CLI speaks. */
const AUTH_SWITCH: Readonly<Record<string, string>> = { basic: 'basic', negotiate: 'negotiate', kerberos: 'kerberos' };

/** What a 401 said where the server said it: our mechanism not offered, or our credentials refused. */
function accessDeniedHint(refusal: AuthenticationRefused): string[] {
  if (!refusal.mechanismRefused) {
    return ['Hint: the server refused the credentials (Windows does not say whether the user name or the password is wrong).'];
  }
  const offered = refusal.offered.length > 0 ? refusal.offered.join(', ') : 'nothing';
  const choices = [...new Set(refusal.offered.map((scheme) => AUTH_SWITCH[scheme.toLowerCase()]).filter((choice) => choice !== undefined))];
  const lines = [
    `Hint: the server does not accept ${refusal.scheme} here; it offers: ${offered}.` +
      (choices.length > 0 ? ` Choose one with ${choices.map((choice) => `-a:${choice}`).join(' or ')}.` : ''),
  ];
  if (refusal.scheme.toLowerCase() === 'basic' && !refusal.secure) {
    lines.push('Basic over plain HTTP needs AllowUnencrypted on the server as well as -unencrypted here; over HTTPS (-usessl) it needs neither.');
  }
  return lines;
}

const HINTS: Readonly<Record<number, () => string[]>> = {
  // ERROR_WINHTTP_SECURE_INVALID_CA
  0x80072f0d: () => [
    `Hint: the server certificate does not chain to a trusted root. Put its CA certificate (PEM) in the trusted-roots folder ${join(certificateStoreDirectory(), 'root')} (WSMAN_CERT_STORE moves the store), or use -skipCAcheck for a host you trust.`,
  ],
  // ERROR_WINHTTP_SECURE_CERT_CN_INVALID
  0x80072f06: () => ['Hint: the certificate does not name this host. Connect with the name it was issued for, or use -skipCNcheck for a host you trust.'],
  // E_ACCESSDENIED
  0x80070005: () => [
    'Hint: the server refused the credentials or the mechanism. Windows does not say whether the user is unknown or the password wrong; check both, and that the host accepts -a: (Basic needs -unencrypted over HTTP, or -usessl).',
  ],
  // ERROR_WINHTTP_CANNOT_CONNECT
  0x80072efd: () => ['Hint: nothing accepted the connection. Check the host name and port in -r: (HTTP 5985, HTTPS 5986 unless the URL says otherwise).'],
  // ERROR_WINHTTP_TIMEOUT
  0x80072ee2: () => ['Hint: the host did not answer in time. Check that WinRM listens there, or give a longer -timeout:MS.'],
  // ERROR_WSMAN_CLIENT_UNENCRYPTED_DISABLED / ERROR_WSMAN_CLIENT_UNENCRYPTED_HTTP_ONLY
  0x803380d7: () => ['Hint: -unencrypted applies to http:// connections only.'],
};

export function explainFailure(failed: ComCallFailed): string[] {
  const cause = failed.failure.error.cause;
  if (failed.hr >>> 0 === E_ACCESSDENIED && cause instanceof AuthenticationRefused) return accessDeniedHint(cause);
  return HINTS[failed.hr >>> 0]?.() ?? [];
}

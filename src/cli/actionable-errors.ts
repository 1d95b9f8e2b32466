/**
 * A line or two after winrm's error block saying what to do, for the failures people hit first
 * with this client: a certificate not trusted, a name not matching it, credentials refused,
 * Basic over HTTP without -unencrypted, a host that does not answer.
 */
import { join } from 'node:path';
import { certificateStoreDirectory } from '../core/transport/certificate-store';
import type { ComCallFailed } from './commands/com-call';

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
  return HINTS[failed.hr >>> 0]?.() ?? [];
}

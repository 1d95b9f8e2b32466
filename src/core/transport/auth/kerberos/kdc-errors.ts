/**
 * KRB-ERROR codes (RFC 4120 §7.5.9) and the SSPI status a Windows client reports for each. The
 * message names the Kerberos error and the principal involved, never a key or password.
 */
import type { WSManError } from '../../../errors/wsman-error';
import { securityError, type SecurityErrorName } from '../security-errors';
import type { KrbError } from './asn1';

export const KrbErrorCode = {
  KDC_ERR_C_PRINCIPAL_UNKNOWN: 6,
  KDC_ERR_S_PRINCIPAL_UNKNOWN: 7,
  KDC_ERR_POLICY: 12,
  KDC_ERR_ETYPE_NOSUPP: 14,
  KDC_ERR_PADATA_TYPE_NOSUPP: 16,
  KDC_ERR_CLIENT_REVOKED: 18,
  KDC_ERR_KEY_EXPIRED: 23,
  KDC_ERR_PREAUTH_FAILED: 24,
  KDC_ERR_PREAUTH_REQUIRED: 25,
  KRB_AP_ERR_TKT_EXPIRED: 32,
  KRB_AP_ERR_SKEW: 37,
  KRB_AP_ERR_MODIFIED: 41,
  KRB_ERR_GENERIC: 60,
  KRB_ERR_RESPONSE_TOO_BIG: 52,
  KDC_ERR_WRONG_REALM: 68,
} as const;

const NAMES = new Map<number, string>(Object.entries(KrbErrorCode).map(([name, code]) => [code, name]));

const SSPI: ReadonlyMap<number, SecurityErrorName> = new Map<number, SecurityErrorName>([
  [KrbErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN, 'SEC_E_LOGON_DENIED'],
  [KrbErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, 'SEC_E_TARGET_UNKNOWN'],
  [KrbErrorCode.KDC_ERR_POLICY, 'SEC_E_LOGON_DENIED'],
  [KrbErrorCode.KDC_ERR_ETYPE_NOSUPP, 'SEC_E_KDC_UNKNOWN_ETYPE'],
  [KrbErrorCode.KDC_ERR_PADATA_TYPE_NOSUPP, 'SEC_E_UNSUPPORTED_PREAUTH'],
  [KrbErrorCode.KDC_ERR_CLIENT_REVOKED, 'SEC_E_LOGON_DENIED'],
  [KrbErrorCode.KDC_ERR_KEY_EXPIRED, 'SEC_E_LOGON_DENIED'],
  [KrbErrorCode.KDC_ERR_PREAUTH_FAILED, 'SEC_E_LOGON_DENIED'],
  [KrbErrorCode.KRB_AP_ERR_TKT_EXPIRED, 'SEC_E_CONTEXT_EXPIRED'],
  [KrbErrorCode.KRB_AP_ERR_SKEW, 'SEC_E_TIME_SKEW'],
  [KrbErrorCode.KRB_AP_ERR_MODIFIED, 'SEC_E_WRONG_PRINCIPAL'],
]);

/** `KDC_ERR_PREAUTH_FAILED (24)` or `Kerberos error 99`. */
export function krbErrorName(code: number): string {
  const name = NAMES.get(code);
  return name !== undefined ? `${name} (${code})` : `Kerberos error ${code}`;
}

/** The Kerberos error behind an SSPI error (its `cause`), for callers that act on it. */
export class KerberosRefusal {
  constructor(readonly errorCode: number) {}
}

/** The SSPI error a KRB-ERROR from the KDC (or the acceptor) becomes; its cause is a KerberosRefusal. */
export function krbErrorToSecurityError(error: KrbError, context: string): WSManError {
  const name = SSPI.get(error.errorCode) ?? 'SEC_E_KDC_INVALID_REQUEST';
  return securityError(name, `${context}: ${krbErrorName(error.errorCode)}`, new KerberosRefusal(error.errorCode));
}

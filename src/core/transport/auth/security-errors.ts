/**
 * The SSPI status codes (facility 9) NTLM and SPNEGO fail with; their texts are in the shared
 * error table (system-errors.ts). The detail added to a message names what was wrong with a
 * token, never a credential or key.
 */
import { errorNamed, plainMessageText } from '../../errors/error-table';
import { wsmanError, type WSManError } from '../../errors/wsman-error';

export type SecurityErrorName =
  | 'SEC_E_UNSUPPORTED_FUNCTION'
  | 'SEC_E_INVALID_TOKEN'
  | 'SEC_E_LOGON_DENIED'
  | 'SEC_E_NO_CREDENTIALS'
  | 'SEC_E_MESSAGE_ALTERED'
  | 'SEC_E_BAD_BINDINGS'
  | 'SEC_E_OUT_OF_SEQUENCE'
  | 'SEC_E_CONTEXT_EXPIRED'
  | 'SEC_E_WRONG_PRINCIPAL'
  | 'SEC_E_TIME_SKEW'
  | 'SEC_E_TARGET_UNKNOWN'
  | 'SEC_E_NO_AUTHENTICATING_AUTHORITY'
  | 'SEC_E_KDC_INVALID_REQUEST'
  | 'SEC_E_KDC_UNKNOWN_ETYPE'
  | 'SEC_E_UNSUPPORTED_PREAUTH'
  | 'SEC_E_NO_KERB_KEY';

/** `cause`: what callers may branch on (e.g. the Kerberos error code behind an SSPI code); never a secret. */
export function securityError(name: SecurityErrorName, detail?: string, cause?: unknown): WSManError {
  return wsmanError(name, { ...(detail ? { message: `${plainMessageText(errorNamed(name))}: ${detail}` } : {}), ...(cause !== undefined ? { cause } : {}) });
}

/**
 * The SSPI status codes (facility 9) NTLM and SPNEGO fail with, with the texts Windows' system
 * message table gives them. Being neither WinRM nor Win32 codes, they surface as ComError. The
 * detail added to a message names what was wrong with a token, never a credential or key.
 */
import { ComError } from '../../errors/wsman-error';

const SECURITY_ERRORS = {
  SEC_E_UNSUPPORTED_FUNCTION: { hresult: 0x80090302, message: 'The function requested is not supported' },
  SEC_E_INVALID_TOKEN: { hresult: 0x80090308, message: 'The token supplied to the function is invalid' },
  SEC_E_NO_CREDENTIALS: { hresult: 0x8009030e, message: 'No credentials are available in the security package' },
  SEC_E_LOGON_DENIED: { hresult: 0x8009030c, message: 'The logon attempt failed' },
  SEC_E_MESSAGE_ALTERED: { hresult: 0x8009030f, message: 'The message or signature supplied for verification has been altered' },
  SEC_E_BAD_BINDINGS: { hresult: 0x80090346, message: "Client's supplied SSPI channel bindings were incorrect." },
} as const;

export type SecurityErrorName = keyof typeof SECURITY_ERRORS;

export function securityError(name: SecurityErrorName, detail?: string): ComError {
  const { hresult, message } = SECURITY_ERRORS[name];
  return new ComError({ name, hresult, message }, detail ? { message: `${message}: ${detail}` } : {});
}

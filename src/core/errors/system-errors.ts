/**
 * The Win32, WinHTTP and COM codes the engine reports besides WinRM's own, with the texts
 * Windows' system message tables give for them.
 */
import { HRESULT_FROM_WIN32 } from '../hresult';

export interface SystemErrorDefinition {
  readonly name: string;
  readonly hresult: number;
  readonly message: string;
}

function win32(name: string, code: number, message: string): SystemErrorDefinition {
  return { name, hresult: HRESULT_FROM_WIN32(code), message };
}

function com(name: string, hresult: number, message: string): SystemErrorDefinition {
  return { name, hresult, message };
}

export const SYSTEM_ERRORS: readonly SystemErrorDefinition[] = [
  com('S_OK', 0x00000000, 'The operation completed successfully.'),
  com('E_NOTIMPL', 0x80004001, 'Not implemented'),
  com('E_NOINTERFACE', 0x80004002, 'No such interface supported'),
  com('E_POINTER', 0x80004003, 'Invalid pointer'),
  com('E_ABORT', 0x80004004, 'Operation aborted'),
  com('E_FAIL', 0x80004005, 'Unspecified error'),
  com('E_UNEXPECTED', 0x8000ffff, 'Catastrophic failure'),
  com('DISP_E_UNKNOWNINTERFACE', 0x80020001, 'Unknown interface.'),
  com('DISP_E_MEMBERNOTFOUND', 0x80020003, 'Member not found.'),
  com('DISP_E_PARAMNOTFOUND', 0x80020004, 'Parameter not found.'),
  com('DISP_E_TYPEMISMATCH', 0x80020005, 'Type mismatch.'),
  com('DISP_E_UNKNOWNNAME', 0x80020006, 'Unknown name.'),
  com('DISP_E_NONAMEDARGS', 0x80020007, 'No named arguments.'),
  com('DISP_E_BADVARTYPE', 0x80020008, 'Bad variable type.'),
  com('DISP_E_EXCEPTION', 0x80020009, 'Exception occurred.'),
  com('DISP_E_OVERFLOW', 0x8002000a, 'Out of present range.'),
  com('DISP_E_BADINDEX', 0x8002000b, 'Invalid index.'),
  com('DISP_E_BADPARAMCOUNT', 0x8002000e, 'Invalid number of parameters.'),
  com('DISP_E_PARAMNOTOPTIONAL', 0x8002000f, 'Parameter not optional.'),
  com('RPC_E_DISCONNECTED', 0x80010108, 'The object invoked has disconnected from its clients.'),
  com('REGDB_E_CLASSNOTREG', 0x80040154, 'Class not registered'),
  com('CO_E_CLASSSTRING', 0x800401f3, 'Invalid class string'),
  // SSPI (facility 9): what NTLM/SPNEGO fail with.
  com('SEC_E_UNSUPPORTED_FUNCTION', 0x80090302, 'The function requested is not supported'),
  com('SEC_E_INVALID_TOKEN', 0x80090308, 'The token supplied to the function is invalid'),
  com('SEC_E_LOGON_DENIED', 0x8009030c, 'The logon attempt failed'),
  com('SEC_E_NO_CREDENTIALS', 0x8009030e, 'No credentials are available in the security package'),
  com('SEC_E_MESSAGE_ALTERED', 0x8009030f, 'The message or signature supplied for verification has been altered'),
  com('SEC_E_BAD_BINDINGS', 0x80090346, "Client's supplied SSPI channel bindings were incorrect."),
  // Kerberos's SSPI codes, with MS-ERREF's texts.
  com('SEC_E_TARGET_UNKNOWN', 0x80090303, 'The specified target is unknown or unreachable.'),
  com('SEC_E_NO_AUTHENTICATING_AUTHORITY', 0x80090311, 'No authority could be contacted for authentication.'),
  com('SEC_E_KDC_INVALID_REQUEST', 0x80090340, 'An invalid request was sent to the KDC.'),
  com('SEC_E_KDC_UNKNOWN_ETYPE', 0x80090342, 'The encryption type requested is not supported by the KDC.'),
  com('SEC_E_UNSUPPORTED_PREAUTH', 0x80090343, 'An unsupported pre-authentication mechanism was presented to the Kerberos package.'),
  com('SEC_E_NO_KERB_KEY', 0x80090348, 'No Kerberos key was found.'),
  // SSPI codes of the Kerberos AP exchange and per-message tokens.
  com('SEC_E_OUT_OF_SEQUENCE', 0x80090310, 'The message supplied for verification is out of sequence'),
  com('SEC_E_CONTEXT_EXPIRED', 0x80090317, 'The context has expired and can no longer be used.'),
  com('SEC_E_WRONG_PRINCIPAL', 0x80090322, 'The target principal name is incorrect.'),
  com('SEC_E_TIME_SKEW', 0x80090324, 'The clock skew between the client and server computers is too great.'),
  win32('ERROR_FILE_NOT_FOUND', 2, 'The system cannot find the file specified.'),
  win32('E_ACCESSDENIED', 5, 'Access is denied.'),
  win32('ERROR_INVALID_HANDLE', 6, 'The handle is invalid.'),
  win32('E_OUTOFMEMORY', 14, 'Not enough memory resources are available to complete this operation.'),
  win32('ERROR_NOT_SUPPORTED', 50, 'The request is not supported.'),
  win32('E_INVALIDARG', 87, 'The parameter is incorrect.'),
  win32('ERROR_INSUFFICIENT_BUFFER', 122, 'The data area passed to a system call is too small.'),
  win32('ERROR_DIRECTORY', 267, 'The directory name is invalid.'),
  win32('ERROR_MR_MID_NOT_FOUND', 317, 'The system cannot find message text for message number 0x%1 in the message file for %2.'),
  win32('ERROR_OPERATION_ABORTED', 995, 'The I/O operation has been aborted because of either a thread exit or an application request.'),
  win32('ERROR_INVALID_FLAGS', 1004, 'Invalid flags.'),
  win32('ERROR_CANCELLED', 1223, 'The operation was canceled by the user.'),
  win32('ERROR_CONNECTION_REFUSED', 1225, 'The remote computer refused the network connection.'),
  win32('ERROR_LOGON_FAILURE', 1326, 'The user name or password is incorrect.'),
  win32('ERROR_INTERNAL_ERROR', 1359, 'An internal error occurred.'),
  win32('ERROR_TIMEOUT', 1460, 'This operation returned because the timeout period expired.'),
  win32('ERROR_NOT_ENOUGH_QUOTA', 1816, 'Not enough quota is available to process this command.'),
  win32('ERROR_RESOURCE_LANG_NOT_FOUND', 1815, 'The specified resource language ID cannot be found in the image file.'),
  win32('ERROR_WINHTTP_TIMEOUT', 12002, 'The operation timed out'),
  win32('ERROR_WINHTTP_INVALID_URL', 12005, 'The URL is invalid'),
  win32('ERROR_WINHTTP_NAME_NOT_RESOLVED', 12007, 'The server name or address could not be resolved'),
  win32('ERROR_WINHTTP_CANNOT_CONNECT', 12029, 'A connection with the server could not be established'),
  win32('ERROR_WINHTTP_CONNECTION_ERROR', 12030, 'The connection with the server was terminated abnormally'),
  win32('ERROR_WINHTTP_SECURE_CERT_DATE_INVALID', 12037, 'The date in the certificate is invalid or has expired'),
  win32('ERROR_WINHTTP_SECURE_CERT_CN_INVALID', 12038, 'The host name in the certificate is invalid or does not match'),
  win32('ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED', 12044, 'A certificate is required to complete client authentication'),
  win32('ERROR_WINHTTP_SECURE_INVALID_CA', 12045, 'The certificate authority is invalid or incorrect'),
  win32('ERROR_WINHTTP_SECURE_CERT_REV_FAILED', 12057, 'Revocation information for the security certificate for this site is not available'),
  win32('ERROR_WINHTTP_INVALID_SERVER_RESPONSE', 12152, 'The server returned an invalid or unrecognized response'),
  win32('ERROR_WINHTTP_SECURE_CERT_REVOKED', 12170, 'The certificate has been revoked'),
  win32('ERROR_WINHTTP_SECURE_FAILURE', 12175, 'A security error occurred'),
];

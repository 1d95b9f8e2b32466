/**
 * HRESULT arithmetic and the result object every COM-shaped call returns.
 *
 * HRESULTs are kept as unsigned 32-bit numbers (`r.hr === 0x80338012` holds); scripts see the
 * signed form (`toSigned`), which is what VBScript's Err.Number and JScript's e.number show.
 */

export const S_OK = 0;
export const S_FALSE = 1;

const FACILITY_WIN32 = 7;
const SEVERITY_ERROR = 0x80000000;

export function toUnsigned(hr: number): number {
  return hr >>> 0;
}

export function toSigned(hr: number): number {
  return hr | 0;
}

export function SUCCEEDED(hr: number): boolean {
  return toUnsigned(hr) < SEVERITY_ERROR;
}

export function FAILED(hr: number): boolean {
  return !SUCCEEDED(hr);
}

/** Win32 error code → HRESULT (facility 7); values that already are HRESULTs pass through. */
export function HRESULT_FROM_WIN32(code: number): number {
  const unsigned = toUnsigned(code);
  if (unsigned === 0 || unsigned >= SEVERITY_ERROR) return unsigned;
  return toUnsigned((unsigned & 0xffff) | (FACILITY_WIN32 << 16) | SEVERITY_ERROR);
}

export function HRESULT_FACILITY(hr: number): number {
  return (toUnsigned(hr) >>> 16) & 0x1fff;
}

export function HRESULT_CODE(hr: number): number {
  return toUnsigned(hr) & 0xffff;
}

/** `0x80338012` — the spelling winrm.vbs and the docs use. */
export function formatHResult(hr: number): string {
  return '0x' + toUnsigned(hr).toString(16).toUpperCase().padStart(8, '0');
}

/** What a script's error object would hold after a failed call (IErrorInfo plus WinRM's Error XML). */
export interface ComErrorInfo {
  /** Symbolic name from the error tables, e.g. ERROR_WSMAN_CONNECTIONSTR_INVALID. */
  readonly name: string;
  readonly description: string;
  /** IErrorInfo source: the object that failed, e.g. "Session" or "WSMan". */
  readonly source: string;
  /** WSManFault XML, as the failing object's Error property returns it; '' when there is none. */
  readonly faultXml: string;
  /** The library error's typed cause when it has one (e.g. AuthenticationRefused): what the HRESULT does not say. */
  readonly cause?: unknown;
}

export interface ComSuccess<T> {
  readonly hr: number;
  readonly value: T;
  readonly error?: undefined;
}

export interface ComFailure {
  readonly hr: number;
  readonly value: undefined;
  readonly error: ComErrorInfo;
}

/** `{ hr, value }`: hr is the HRESULT (unsigned), value the [out, retval] value. */
export type ComResult<T> = ComSuccess<T> | ComFailure;

export function succeeded<T>(value: T): ComSuccess<T> {
  return { hr: S_OK, value };
}

export function isFailure<T>(result: ComResult<T>): result is ComFailure {
  return result.error !== undefined;
}

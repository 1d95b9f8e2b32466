/**
 * One error class for the whole library (stable `code` = symbolic name, `hresult`), a subclass
 * per family, and a typed `cause`. Faults keep their WSManFault XML.
 */
import { formatHResult, HRESULT_FACILITY, toSigned, toUnsigned } from '../hresult';
import { errorNamed, findError, plainMessageText, type ErrorDefinition } from './error-table';

const FACILITY_WINRM = 0x33;
const FACILITY_WIN32 = 7;

export interface WSManErrorOptions {
  /** Overrides the table text (e.g. a fault's own f:Message). */
  readonly message?: string;
  /** WSManFault XML describing the failure, when there is one. */
  readonly faultXml?: string;
  /** Inserts for %1, %2 … in the table text. */
  readonly inserts?: readonly string[];
  readonly cause?: unknown;
  /** IErrorInfo source: the object that failed, e.g. "Session"; '' when no object reported it. */
  readonly source?: string;
}

export class WSManError extends Error {
  override readonly name: string = 'WSManError';
  /** Symbolic name from the error tables, e.g. ERROR_WSMAN_CONNECTIONSTR_INVALID. */
  readonly code: string;
  /** Unsigned HRESULT. */
  readonly hresult: number;
  readonly faultXml: string;
  readonly source: string;

  constructor(definition: ErrorDefinition, options: WSManErrorOptions = {}) {
    super(options.message ?? plainMessageText(definition, options.inserts), { cause: options.cause });
    this.code = definition.name;
    this.hresult = definition.hresult;
    this.faultXml = options.faultXml ?? '';
    this.source = options.source ?? '';
  }

  /** The value a script sees in Err.Number / e.number. */
  get number(): number {
    return toSigned(this.hresult);
  }

  /** The value a script sees in Err.Description / e.description. */
  get description(): string {
    return this.message;
  }

  override toString(): string {
    return `${this.name} ${formatHResult(this.hresult)} ${this.code}: ${this.message}`;
  }
}

/** A WinRM code (facility 0x33): client-side rule violations and service faults alike. */
export class WinRMError extends WSManError {
  override readonly name: string = 'WinRMError';
}

/** A Win32 or WinHTTP code (facility 7). */
export class Win32Error extends WSManError {
  override readonly name: string = 'Win32Error';
}

/** A COM / OLE Automation code (E_*, DISP_E_*, REGDB_E_*, CO_E_*). */
export class ComError extends WSManError {
  override readonly name: string = 'ComError';
}

function classFor(hresult: number): typeof WSManError {
  switch (HRESULT_FACILITY(hresult)) {
    case FACILITY_WINRM:
      return WinRMError;
    case FACILITY_WIN32:
      return Win32Error;
    default:
      return ComError;
  }
}

/** The error of the right family for a symbolic name from the tables. */
export function wsmanError(name: string, options?: WSManErrorOptions): WSManError {
  const definition = errorNamed(name);
  return new (classFor(definition.hresult))(definition, options);
}

/** The error of the right family for a bare HRESULT (e.g. a fault's Code); unknown codes keep their number. */
export function wsmanErrorFromHResult(hresult: number, options?: WSManErrorOptions): WSManError {
  const code = toUnsigned(hresult);
  const definition = findError(code) ?? { name: formatHResult(code), hresult: code, message: options?.message ?? '' };
  return new (classFor(code))(definition, options);
}

/**
 * Errors as a JScript script sees them: Error objects of the script's own realm with `number`
 * (the signed HRESULT), `description` and `message`, like JScript's `new Error(number, text)`.
 */
import { errorNamed } from '../core/errors/error-table';
import { toSigned, toUnsigned } from '../core/hresult';

/** JScript runtime errors: HRESULT 0x800A0000 + the error code, and JScript's text. */
export const JSCRIPT_ERROR = {
  OVERFLOW: { code: 6, text: 'Overflow' },
  SUBSCRIPT_OUT_OF_RANGE: { code: 9, text: 'Subscript out of range' },
  TYPE_MISMATCH: { code: 13, text: 'Type mismatch' },
  INPUT_PAST_END_OF_FILE: { code: 62, text: 'Input past end of file' },
  CANNOT_CREATE_OBJECT: { code: 429, text: "Automation server can't create object" },
  MEMBER_NOT_SUPPORTED: { code: 438, text: "Object doesn't support this property or method" },
  ARGUMENT_NOT_OPTIONAL: { code: 449, text: 'Argument not optional' },
  INVALID_PROPERTY_ASSIGNMENT: { code: 450, text: 'Wrong number of arguments or invalid property assignment' },
  NOT_A_COLLECTION: { code: 451, text: 'Object not a collection' },
} as const;

export type JScriptError = (typeof JSCRIPT_ERROR)[keyof typeof JSCRIPT_ERROR];

/**
 * IDispatch's own failures (a wrong name, argument count or type) are reported by the script
 * engine in its words, not as the DISP_E code; every other HRESULT reaches the script as it is.
 */
const ENGINE_WORDING = new Map<number, JScriptError>([
  [errorNamed('DISP_E_UNKNOWNNAME').hresult, JSCRIPT_ERROR.MEMBER_NOT_SUPPORTED],
  [errorNamed('DISP_E_MEMBERNOTFOUND').hresult, JSCRIPT_ERROR.MEMBER_NOT_SUPPORTED],
  [errorNamed('DISP_E_BADPARAMCOUNT').hresult, JSCRIPT_ERROR.INVALID_PROPERTY_ASSIGNMENT],
  [errorNamed('DISP_E_PARAMNOTOPTIONAL').hresult, JSCRIPT_ERROR.ARGUMENT_NOT_OPTIONAL],
  [errorNamed('DISP_E_TYPEMISMATCH').hresult, JSCRIPT_ERROR.TYPE_MISMATCH],
  [errorNamed('DISP_E_OVERFLOW').hresult, JSCRIPT_ERROR.OVERFLOW],
]);

const FACILITY_CONTROL = 0x800a0000;

function jscriptHResult(error: JScriptError): number {
  return (FACILITY_CONTROL | error.code) >>> 0;
}

export interface ScriptError extends Error {
  readonly number: number;
  readonly description: string;
  /** The IErrorInfo source of an object's failure ("Session", "WScript.CreateObject"); WSH prints it. */
  readonly source?: string;
}

/** An object's failure as IErrorInfo describes it. */
export interface ErrorInfo {
  readonly hresult: number;
  readonly message: string;
  readonly source: string;
}

/** Makes errors with the script realm's Error constructor, so `e instanceof Error` holds in the script. */
export class ScriptErrors {
  constructor(private readonly ScriptErrorConstructor: ErrorConstructor) {}

  jscript(error: JScriptError): ScriptError {
    return this.#make(jscriptHResult(error), error.text);
  }

  /** A failed call on an automation object. */
  fromErrorInfo({ hresult, message, source }: ErrorInfo): ScriptError {
    const wording = ENGINE_WORDING.get(toUnsigned(hresult));
    return wording ? this.jscript(wording) : this.#make(hresult, message, source || undefined);
  }

  #make(hresult: number, description: string, source?: string): ScriptError {
    const error = new this.ScriptErrorConstructor(description) as Error & { number: number; description: string; source?: string };
    error.number = toSigned(hresult);
    error.description = description;
    if (source !== undefined) error.source = source;
    return error;
  }
}

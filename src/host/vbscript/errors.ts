/**
 * VBScript's errors as a script and cscript see them: run-time errors (Err.Number is the bare
 * number, the text is vbscript.dll's), compilation errors (1001–1058) and errors raised by COM
 * objects (Err.Number the signed HRESULT, Source and Description from IErrorInfo).
 */
import { errorNamed } from '../../core/errors/error-table';
import { formatHResult, toSigned, toUnsigned } from '../../core/hresult';
import { UNKNOWN_RUNTIME_ERROR, VBS_RUNTIME_ERRORS } from '../objects/runtime-errors';

export const RUNTIME_SOURCE = 'Microsoft VBScript runtime error';
export const COMPILATION_SOURCE = 'Microsoft VBScript compilation error';

export const COMPILE_ERRORS: ReadonlyMap<number, string> = new Map([
  [1001, 'Out of memory'],
  [1002, 'Syntax error'],
  [1003, "Expected ':'"],
  [1005, "Expected '('"],
  [1006, "Expected ')'"],
  [1007, "Expected ']'"],
  [1010, 'Expected identifier'],
  [1011, "Expected '='"],
  [1012, "Expected 'If'"],
  [1013, "Expected 'To'"],
  [1014, "Expected 'End'"],
  [1015, "Expected 'Function'"],
  [1016, "Expected 'Sub'"],
  [1017, "Expected 'Then'"],
  [1018, "Expected 'Wend'"],
  [1019, "Expected 'Loop'"],
  [1020, "Expected 'Next'"],
  [1021, "Expected 'Case'"],
  [1022, "Expected 'Select'"],
  [1023, 'Expected expression'],
  [1024, 'Expected statement'],
  [1025, 'Expected end of statement'],
  [1026, 'Expected integer constant'],
  [1027, "Expected 'While' or 'Until'"],
  [1028, "Expected 'While,' 'Until,' or end of statement"],
  [1029, "Expected 'With'"],
  [1030, 'Identifier too long'],
  [1031, 'Invalid number'],
  [1032, 'Invalid character'],
  [1033, 'Unterminated string constant'],
  [1034, 'Unterminated comment'],
  [1037, "Invalid use of 'Me' keyword"],
  [1038, "'loop' without 'do'"],
  [1039, "Invalid 'exit' statement"],
  [1040, "Invalid 'for' loop control variable"],
  [1041, 'Name redefined'],
  [1042, 'Must be first statement on the line'],
  [1043, 'Cannot assign to non-ByVal argument'],
  [1044, 'Cannot use parentheses when calling a Sub'],
  [1045, 'Expected literal constant'],
  [1046, "Expected 'In'"],
  [1047, "Expected 'Class'"],
  [1048, 'Must be defined inside a Class'],
  [1049, 'Expected Let or Set or Get in property declaration'],
  [1050, "Expected 'Property'"],
  [1051, 'Number of arguments must be consistent across properties specification'],
  [1052, 'Cannot have multiple default property/method in a Class'],
  [1053, 'Class initialize or terminate do not have arguments'],
  [1054, 'Property set or let must have at least one argument'],
  [1055, "Unexpected 'Next'"],
  [1056, "'Default' specification can only be on Property, Function or Sub"],
  [1057, "'Default' specification must also specify 'Public'"],
  [1058, "'Default' specification can only be on Property Get"],
]);

/** Run-time error numbers the engine raises itself. */
export const E = {
  INVALID_CALL: 5,
  OVERFLOW: 6,
  OUT_OF_MEMORY: 7,
  SUBSCRIPT: 9,
  ARRAY_FIXED: 10,
  DIVISION_BY_ZERO: 11,
  TYPE_MISMATCH: 13,
  OUT_OF_STACK: 28,
  NOT_DEFINED: 35,
  OBJECT_NOT_SET: 91,
  INVALID_NULL: 94,
  OBJECT_REQUIRED: 424,
  CANNOT_CREATE: 429,
  MEMBER_NOT_SUPPORTED: 438,
  ACTION_NOT_SUPPORTED: 445,
  NOT_OPTIONAL: 449,
  WRONG_ARGUMENTS: 450,
  NOT_A_COLLECTION: 451,
  UNDEFINED_VARIABLE: 500,
  ILLEGAL_ASSIGNMENT: 501,
  UNQUALIFIED_REFERENCE: 505,
  CLASS_NOT_DEFINED: 506,
} as const;

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * A VBScript error in flight. `number` is what Err.Number shows; `suffix` is the name cscript
 * appends to the printed message (`Type mismatch: 'x'`), never part of Err.Description.
 */
export class VbsError extends Error {
  position: SourcePosition | undefined;
  /** Set once the error has passed through a script, so the innermost position wins. */
  constructor(
    readonly number: number,
    readonly description: string,
    readonly source: string,
    public suffix?: string,
  ) {
    super(description);
  }
}

export class VbsCompileError extends VbsError {
  constructor(number: number, position: SourcePosition) {
    super(number, COMPILE_ERRORS.get(number) ?? 'Syntax error', COMPILATION_SOURCE);
    this.position = position;
  }
}

export function runtimeText(number: number): string {
  return VBS_RUNTIME_ERRORS.get(number) ?? COMPILE_ERRORS.get(number) ?? UNKNOWN_RUNTIME_ERROR;
}

export function vbsError(number: number, suffix?: string): VbsError {
  return new VbsError(number, runtimeText(number), RUNTIME_SOURCE, suffix);
}

const FACILITY_CONTROL = 0x0a;

/** IDispatch's own failures, which VBScript reports in its words rather than as the DISP_E code. */
const ENGINE_WORDING = new Map<number, number>([
  [errorNamed('DISP_E_UNKNOWNNAME').hresult, E.MEMBER_NOT_SUPPORTED],
  [errorNamed('DISP_E_MEMBERNOTFOUND').hresult, E.MEMBER_NOT_SUPPORTED],
  [errorNamed('DISP_E_BADPARAMCOUNT').hresult, E.WRONG_ARGUMENTS],
  [errorNamed('DISP_E_PARAMNOTOPTIONAL').hresult, E.NOT_OPTIONAL],
  [errorNamed('DISP_E_TYPEMISMATCH').hresult, E.TYPE_MISMATCH],
  [errorNamed('DISP_E_OVERFLOW').hresult, E.OVERFLOW],
  [errorNamed('DISP_E_BADINDEX').hresult, E.SUBSCRIPT],
]);

/** A failure thrown by a COM object (hresult, message, source), as VBScript raises it. */
export function fromComFailure(hresult: number, message: string, source: string): VbsError {
  const unsigned = toUnsigned(hresult);
  const engine = ENGINE_WORDING.get(unsigned);
  if (engine !== undefined) return vbsError(engine);
  if (((unsigned >>> 16) & 0x1fff) === FACILITY_CONTROL) {
    const number = unsigned & 0xffff;
    return new VbsError(number, message || runtimeText(number), source || RUNTIME_SOURCE);
  }
  return new VbsError(toSigned(unsigned), message, source);
}

interface Failure {
  readonly hresult?: unknown;
  /** A host object's script error (src/host/script-errors): the signed HRESULT. */
  readonly number?: unknown;
  readonly description?: unknown;
  readonly message?: unknown;
  readonly source?: unknown;
}

/** Any error reaching the engine from below: VBScript's own, a COM failure, or a JavaScript bug shown as error 51. */
export function asVbsError(error: unknown): VbsError {
  if (error instanceof VbsError) return error;
  const { hresult, number, description, message, source } = (error ?? {}) as Failure;
  const text = typeof description === 'string' ? description : typeof message === 'string' ? message : '';
  // A script error may come from another realm (the JScript context's Error), so no instanceof.
  const code = typeof hresult === 'number' ? hresult : typeof number === 'number' && typeof description === 'string' ? number : undefined;
  if (code !== undefined) return fromComFailure(code, text, typeof source === 'string' ? source : '');
  // JavaScript's own stack ran out (deep recursion): no string work here, the stack is nearly full.
  if (error instanceof RangeError) return vbsError(E.OUT_OF_STACK);
  return new VbsError(51, `Internal error: ${error instanceof Error ? error.message : String(error)}`, RUNTIME_SOURCE);
}

/** The line cscript prints for an error the script did not handle. */
export function errorReport(error: VbsError, scriptPath: string): string {
  const where = error.position ? `${scriptPath}(${error.position.line}, ${error.position.column})` : scriptPath;
  if (error.source === '' && error.description === '') return `${where} (null): ${formatHResult(error.number)}`;
  const suffix = error.suffix !== undefined ? `: '${error.suffix}'` : '';
  return `${where} ${error.source || '(null)'}: ${error.description}${suffix}`;
}

/**
 * The message cscript prints for a script that failed: `path(line, column) source: description`.
 * The source is the failing object's IErrorInfo source when the error came from one (e.g.
 * "Session", "WScript.CreateObject"), otherwise JScript's own runtime or compilation label.
 * Line and column are V8's for the innermost frame in the script file.
 */

const RUNTIME_ERROR = 'Microsoft JScript runtime error';
const COMPILATION_ERROR = 'Microsoft JScript compilation error';
/** JScript's text for a thrown value that is no error object (`throw "x"`). */
const EXCEPTION_NOT_CAUGHT = 'Exception thrown and not caught';

interface Position {
  readonly line: number;
  readonly column: number;
}

interface ErrorFields {
  readonly stack?: unknown;
  readonly description?: unknown;
  readonly message?: unknown;
  readonly source?: unknown;
}

function fieldsOf(error: unknown): ErrorFields {
  return error !== null && typeof error === 'object' ? (error as ErrorFields) : {};
}

/** The first `scriptPath:line:column` of a stack trace: the innermost frame in the script. */
function positionInStack(stack: string, scriptPath: string): Position | undefined {
  const marker = `${scriptPath}:`;
  for (let at = stack.indexOf(marker); at >= 0; at = stack.indexOf(marker, at + 1)) {
    const match = /^(\d+):(\d+)/.exec(stack.slice(at + marker.length));
    if (match) return { line: Number(match[1]), column: Number(match[2]) };
  }
  return undefined;
}

/** A vm compile error's stack starts `path:line`, the source line, and a caret under the column. */
function positionOfSyntaxError(stack: string, scriptPath: string): Position | undefined {
  if (!stack.startsWith(`${scriptPath}:`)) return undefined;
  const [first, , caretLine] = stack.split('\n');
  const line = Number(first.slice(scriptPath.length + 1));
  const caret = caretLine?.indexOf('^') ?? -1;
  return Number.isInteger(line) ? { line, column: caret >= 0 ? caret + 1 : 1 } : undefined;
}

function text(error: unknown): string {
  const { description, message } = fieldsOf(error);
  if (typeof description === 'string') return description;
  if (typeof message === 'string') return message;
  return EXCEPTION_NOT_CAUGHT;
}

function format(scriptPath: string, position: Position | undefined, source: string, description: string): string {
  const where = position ? `${scriptPath}(${position.line}, ${position.column})` : scriptPath;
  return `${where} ${source}: ${description}`;
}

export function runtimeErrorReport(error: unknown, scriptPath: string): string {
  const { stack, source } = fieldsOf(error);
  const position = typeof stack === 'string' ? positionInStack(stack, scriptPath) : undefined;
  return format(scriptPath, position, typeof source === 'string' && source !== '' ? source : RUNTIME_ERROR, text(error));
}

export function compilationErrorReport(error: unknown, scriptPath: string): string {
  const { stack } = fieldsOf(error);
  const position = typeof stack === 'string' ? positionOfSyntaxError(stack, scriptPath) : undefined;
  return format(scriptPath, position, COMPILATION_ERROR, text(error));
}

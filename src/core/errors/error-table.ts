/**
 * Every error number the library can report: the 511 WinRM codes of wsmerror.h and the
 * system codes of system-errors.ts, looked up by HRESULT or by symbolic name.
 */
import winrmTable from './winrm-errors.json';
import { HRESULT_FACILITY, toUnsigned } from '../hresult';
import { SYSTEM_ERRORS } from './system-errors';

export interface ErrorDefinition {
  readonly name: string;
  /** Unsigned HRESULT. */
  readonly hresult: number;
  /** Message text as the message table holds it: line breaks as '\n', `%n` hard breaks included. */
  readonly message: string;
}

const FACILITY_WINRM = 0x33;

const byCode = new Map<number, ErrorDefinition>();
const byName = new Map<string, ErrorDefinition>();

function register(definition: ErrorDefinition): void {
  if (!byCode.has(definition.hresult)) byCode.set(definition.hresult, definition);
  byName.set(definition.name, definition);
}

for (const row of winrmTable.errors) {
  register({ name: row.name, hresult: toUnsigned(parseInt(row.hresult, 16)), message: row.message });
}
for (const row of SYSTEM_ERRORS) register(row);

/** All WinRM (facility 0x33) definitions, in header order. */
export function winrmErrorDefinitions(): readonly ErrorDefinition[] {
  return [...byCode.values()].filter((d) => HRESULT_FACILITY(d.hresult) === FACILITY_WINRM);
}

export function findError(hresult: number): ErrorDefinition | undefined {
  return byCode.get(toUnsigned(hresult));
}

/** Definition by symbolic name; an unknown name is a programming error of this library. */
export function errorNamed(name: string): ErrorDefinition {
  const definition = byName.get(name);
  if (!definition) throw new RangeError(`unknown error name ${name}`);
  return definition;
}

/** Shorthand for the HRESULT of a named error. */
export function hresultOf(name: string): number {
  return errorNamed(name).hresult;
}

/**
 * The text FormatMessage produces for a definition: each source line ends with CRLF unless it
 * already ends in a `%n` hard break, every `%n` becomes CRLF, and `%1`, `%2` … take the inserts.
 */
export function formatMessageText(definition: ErrorDefinition, inserts: readonly string[] = []): string {
  const text = definition.message
    .split('\n')
    .map((line) => (line.endsWith('%n') ? line : line + '%n'))
    .join('')
    .replace(/%([1-9])/g, (whole, index: string) => inserts[Number(index) - 1] ?? whole);
  return text.split('%n').join('\r\n');
}

/** The one-paragraph text used inside WSManFault XML and error descriptions (no trailing break). */
export function plainMessageText(definition: ErrorDefinition, inserts: readonly string[] = []): string {
  return formatMessageText(definition, inserts).replace(/(\r\n)+$/, '');
}

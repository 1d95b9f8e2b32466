/**
 * `@{KEY="VALUE";KEY=$null}` and `-options:{…}` / `-filter:{…}` as winrm.vbs reads them
 * (ProcessParameterHash): values quoted or `$null`, keys of word characters and colons, `;`
 * between pairs, nothing else; `{}` is an empty set. Keys compare case-sensitively, like the
 * Scripting.Dictionary it fills, and a repeated key is an error.
 */
import { CliError } from './cli-error';

export const HASH_SYNTAX_MESSAGE = 'Syntax Error: input must be of the form {KEY="VALUE"[;KEY="VALUE"]}';

/** One pair as winrm's PTRN_HASH_TOK matches it. */
const PAIR = /\s*([A-Za-z0-9_:]+)\s*=\s*(\$null|"([^"]*)")\s*/iy;

/** KEY → value; null stands for `$null`. Insertion order is the order written. */
export type ParameterHash = Map<string, string | null>;

/** Parses `{…}` (without the leading `@`). Malformed text gets winrm's messages, without the `Error: ` prefix where winrm has none. */
export function parseParameterHash(text: string): ParameterHash {
  const result: ParameterHash = new Map();
  if (text === '{}') return result;
  if (text.length <= 2 || !text.startsWith('{') || !text.endsWith('}')) throw new CliError(HASH_SYNTAX_MESSAGE, false);
  const body = text.slice(1, -1);
  let offset = 0;
  for (;;) {
    PAIR.lastIndex = offset;
    const match = PAIR.exec(body);
    if (!match) throw new CliError(HASH_SYNTAX_MESSAGE, false);
    const [, key, raw, quoted] = match;
    if (result.has(key)) throw new CliError(`Multiple matching parameter names not allowedin @{...}: ${key}`);
    result.set(key, raw.toLowerCase() === '$null' ? null : quoted);
    offset = PAIR.lastIndex;
    if (offset === body.length) return result;
    if (body[offset] !== ';') throw new CliError(HASH_SYNTAX_MESSAGE, false);
    offset += 1;
  }
}

/**
 * VBScript's tokens: case-insensitive names (keywords are names the parser recognises), `_`
 * line continuation, `:` and line ends as statement separators, `'` and `Rem` comments,
 * `&H`/`&O` literals, `#…#` dates, strings with `""` for a quote.
 */
import { parseDate } from './dates';
import { VbsCompileError } from './errors';
import { makeNum, VNum, VT, type Value } from './values';

export type TokenKind = 'name' | 'number' | 'string' | 'date' | 'op' | 'eol' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Names lower-cased in `key`; operators their text. */
  readonly text: string;
  readonly key: string;
  readonly value?: Value;
  readonly line: number;
  readonly column: number;
  /** Whitespace (or a line start) right before the token: `Foo .Bar` passes a With member. */
  readonly spaced: boolean;
}

const TWO_CHAR_OPS = new Set(['<=', '>=', '<>']);
const ONE_CHAR_OPS = new Set(['(', ')', ',', '.', '=', '<', '>', '+', '-', '*', '/', '\\', '^', '&']);

function isNameStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function isNamePart(c: string): boolean {
  return isNameStart(c) || (c >= '0' && c <= '9') || c === '_';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** A decimal literal: Integer up to 32767, Long up to 2^31-1, Double beyond and for any fraction or exponent. */
function decimalLiteral(text: string): Value {
  const n = Number(text);
  if (/[.eE]/.test(text)) return makeNum(VT.Double, n);
  return n;
}

/** `&H…`/`&O…`: up to 4 hex digits an Integer, up to 8 a Long, two's complement. */
function radixLiteral(digits: string, base: number): Value | undefined {
  const n = parseInt(digits, base);
  if (n > 0xffffffff) return undefined;
  if (n <= 0xffff && digits.length <= (base === 16 ? 4 : 6)) return (n << 16) >> 16;
  return makeNum(VT.Long, n | 0);
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  let line = 1;
  let lineStart = 0;
  let spaced = true;
  const length = source.length;
  const fail = (number: number, position = at): never => {
    throw new VbsCompileError(number, { line, column: position - lineStart + 1 });
  };
  const push = (kind: TokenKind, text: string, start: number, value?: Value): void => {
    tokens.push({ kind, text, key: kind === 'name' ? text.toLowerCase() : text, value, line, column: start - lineStart + 1, spaced });
    spaced = false;
  };
  const newline = (): void => {
    line++;
    lineStart = at;
    spaced = true;
  };

  while (at < length) {
    const c = source[at];
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\u00a0') {
      at++;
      spaced = true;
      continue;
    }
    if (c === '\r' || c === '\n') {
      const start = at;
      at += c === '\r' && source[at + 1] === '\n' ? 2 : 1;
      push('eol', '\n', start);
      newline();
      continue;
    }
    if (c === "'") {
      while (at < length && source[at] !== '\r' && source[at] !== '\n') at++;
      continue;
    }
    if (c === ':') {
      push('eol', ':', at);
      at++;
      spaced = true;
      continue;
    }
    if (c === '_' && spaced) {
      // A continuation: `_` then only blanks to the line end.
      let probe = at + 1;
      while (source[probe] === ' ' || source[probe] === '\t') probe++;
      if (source[probe] === '\r' || source[probe] === '\n' || probe >= length) {
        at = probe + (source[probe] === '\r' && source[probe + 1] === '\n' ? 2 : probe < length ? 1 : 0);
        newline();
        continue;
      }
    }
    if (c === '"') {
      const start = at;
      let text = '';
      at++;
      for (;;) {
        if (at >= length || source[at] === '\r' || source[at] === '\n') fail(1033, start);
        if (source[at] === '"') {
          if (source[at + 1] === '"') {
            text += '"';
            at += 2;
            continue;
          }
          at++;
          break;
        }
        text += source[at++];
      }
      push('string', text, start, text);
      continue;
    }
    if (isNameStart(c)) {
      const start = at;
      while (at < length && isNamePart(source[at])) at++;
      const name = source.slice(start, at);
      if (name.toLowerCase() === 'rem' && (at >= length || /[\s:]/.test(source[at]) || source[at] === "'")) {
        while (at < length && source[at] !== '\r' && source[at] !== '\n') at++;
        continue;
      }
      push('name', name, start);
      continue;
    }
    if (c === '[') {
      const start = at;
      const end = source.indexOf(']', at);
      if (end < 0 || /[\r\n]/.test(source.slice(at, end))) fail(1007, start);
      push('name', source.slice(at + 1, end), start);
      at = end + 1;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(source[at + 1] ?? ''))) {
      const start = at;
      while (isDigit(source[at] ?? '')) at++;
      if (source[at] === '.' && isDigit(source[at + 1] ?? '')) {
        at++;
        while (isDigit(source[at] ?? '')) at++;
      } else if (source[at] === '.' && !isNameStart(source[at + 1] ?? '')) {
        at++;
      }
      if ((source[at] === 'e' || source[at] === 'E') && /^[eE][+-]?\d/.test(source.slice(at, at + 3))) {
        at += source[at + 1] === '+' || source[at + 1] === '-' ? 2 : 1;
        while (isDigit(source[at] ?? '')) at++;
      }
      const text = source.slice(start, at);
      if (source[at] === '&' || source[at] === '#' || source[at] === '!' || source[at] === '@') at++;
      push('number', text, start, decimalLiteral(text));
      if (isNameStart(source[at] ?? '')) fail(1025, at);
      continue;
    }
    if (c === '&' && /[hHoO0-7]/.test(source[at + 1] ?? '')) {
      const start = at;
      const letter = source[at + 1].toLowerCase();
      const base = letter === 'h' ? 16 : 8;
      at += letter === 'h' || letter === 'o' ? 2 : 1;
      const digitsStart = at;
      const pattern = base === 16 ? /[0-9a-fA-F]/ : /[0-7]/;
      while (at < length && pattern.test(source[at])) at++;
      const digits = source.slice(digitsStart, at);
      if (digits === '') fail(1031, start);
      // A trailing `&` makes it a Long: &HFFFF& is 65535, &HFFFF is -1.
      const long = source[at] === '&';
      if (long) at++;
      const value = (long ? radixLiteral(digits.padStart(5, '0'), base) : radixLiteral(digits, base)) ?? fail(1031, start);
      push('number', source.slice(start, at), start, value);
      continue;
    }
    if (c === '#') {
      const start = at;
      const end = source.indexOf('#', at + 1);
      if (end < 0 || /[\r\n]/.test(source.slice(at, end))) fail(1032, start);
      const serial = parseDate(source.slice(at + 1, end)) ?? fail(1031, start);
      at = end + 1;
      push('date', source.slice(start, at), start, new VNum(VT.Date, serial));
      continue;
    }
    const two = source.slice(at, at + 2);
    if (TWO_CHAR_OPS.has(two)) {
      push('op', two, at);
      at += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(c)) {
      push('op', c, at);
      at++;
      continue;
    }
    fail(1032);
  }
  push('eol', '\n', at);
  tokens.push({ kind: 'eof', text: '', key: '', line, column: at - lineStart + 1, spaced: true });
  return tokens;
}

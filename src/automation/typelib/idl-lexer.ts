/** Tokens of the MIDL subset idl/wsmandisp.idl is written in. */

export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'raw';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly line: number;
}

export class IdlSyntaxError extends Error {
  override readonly name = 'IdlSyntaxError';
  constructor(message: string, readonly line: number) {
    super(`idl line ${line}: ${message}`);
  }
}

const PUNCTUATION = new Set(['[', ']', '(', ')', '{', '}', ',', ';', ':', '*', '=']);

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const push = (kind: TokenKind, text: string) => tokens.push({ kind, text, line });

  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end === -1) throw new IdlSyntaxError('unterminated comment', line);
      line += countNewlines(source.slice(i, end));
      i = end + 2;
    } else if (c === '"') {
      let text = '';
      i++;
      while (source[i] !== '"') {
        if (i >= source.length || source[i] === '\n') throw new IdlSyntaxError('unterminated string', line);
        if (source[i] === '\\') i++;
        text += source[i++];
      }
      i++;
      push('string', text);
    } else if (isUuidStart(tokens) ) {
      // uuid(…) holds a GUID, which is not a token of its own: take it raw up to ')'.
      const end = source.indexOf(')', i);
      if (end === -1) throw new IdlSyntaxError('unterminated uuid', line);
      push('raw', source.slice(i, end).trim());
      i = end;
    } else if (/[0-9-]/.test(c)) {
      const match = /^-?(?:0[xX][0-9A-Fa-f]+|[0-9]+(?:\.[0-9]+)?)/.exec(source.slice(i));
      if (!match) throw new IdlSyntaxError(`unexpected '${c}'`, line);
      push('number', match[0]);
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      push('ident', match[0]);
      i += match[0].length;
    } else if (PUNCTUATION.has(c)) {
      push('punct', c);
      i++;
    } else {
      throw new IdlSyntaxError(`unexpected '${c}'`, line);
    }
  }
  return tokens;
}

function isUuidStart(tokens: readonly Token[]): boolean {
  const n = tokens.length;
  return n >= 2 && tokens[n - 1].text === '(' && tokens[n - 2].kind === 'ident' && tokens[n - 2].text === 'uuid';
}

function countNewlines(text: string): number {
  let count = 0;
  for (const ch of text) if (ch === '\n') count++;
  return count;
}

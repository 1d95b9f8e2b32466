/**
 * VBScript's RegExp (vbscript.dll's RegExp 5.5: `New RegExp`, ProgID VBScript.RegExp) with its
 * Match, MatchCollection and SubMatches. The pattern dialect is JScript 5.5's (ECMAScript 3):
 * compiled as a JavaScript RegExp without the `u` flag, `.` narrowed to "anything but \n", and
 * the constructs VBScript does not know (lookbehind, named groups, \p{…}, inline modifiers)
 * refused with its error numbers 5017–5021 when the pattern is first used.
 */
import { DISPID_VALUE, DISPATCH_METHOD, type SyncDispatch, type Variant } from '../../automation/dispatch/contract';
import { hostDispatch, isSyncDispatch } from './host-dispatch';
import { runtimeError } from './runtime-errors';
import { toBool, toStr } from './variants';

/** Constructs of later JavaScript that JScript 5.5's engine rejects as a syntax error (5017). */
const UNSUPPORTED = /\(\?<[=!]|\(\?<[A-Za-z]|\\k<|\\[pP]\{|\(\?[a-zA-Z]/;

/** V8's SyntaxError texts → VBScript's regular-expression errors. */
const SYNTAX_ERRORS: readonly (readonly [RegExp, number])[] = [
  [/Nothing to repeat/, 5018],
  [/Unterminated character class/, 5019],
  [/Unterminated group/, 5020],
  [/Range out of order/, 5021],
];

/** `.` outside a character class becomes `[^\n]`: VBScript's dot excludes only the line feed. */
function translate(pattern: string): string {
  if (UNSUPPORTED.test(pattern)) throw runtimeError(5017);
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else {
      out += c === '.' ? '[^\\n]' : c;
    }
  }
  return out;
}

interface Options {
  pattern: string;
  global: boolean;
  ignoreCase: boolean;
  multiline: boolean;
}

/** `every`: the `g` flag, for walking the matches; Replace takes it from Global. */
function compile({ pattern, ignoreCase, multiline }: Options, every = true): RegExp {
  const source = translate(pattern);
  try {
    return new RegExp(source, `${every ? 'g' : ''}${ignoreCase ? 'i' : ''}${multiline ? 'm' : ''}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    throw runtimeError(SYNTAX_ERRORS.find(([text]) => text.test(message))?.[1] ?? 5017);
  }
}

/** Every match (one unless Global), stepping past empty matches as JScript does. */
function matchesIn(options: Options, text: string): RegExpExecArray[] {
  const regex = compile(options);
  const found: RegExpExecArray[] = [];
  for (let match = regex.exec(text); match; match = regex.exec(text)) {
    found.push(match);
    if (!options.global) break;
    if (match[0] === '') regex.lastIndex++;
  }
  return found;
}

function subMatches(match: RegExpExecArray): SyncDispatch {
  const groups = match.slice(1);
  const item = (index: Variant): Variant => {
    const position = Number(index);
    if (!Number.isInteger(position) || position < 0 || position >= groups.length) throw runtimeError(5);
    return groups[position];
  };
  return hostDispatch({
    typeName: 'ISubMatches',
    members: { Item: { dispid: DISPID_VALUE, params: ['index'], get: item }, Count: { dispid: 1, get: () => groups.length } },
    enumerate: () => groups,
  });
}

function matchObject(match: RegExpExecArray): SyncDispatch {
  let submatches: SyncDispatch | undefined;
  return hostDispatch({
    typeName: 'IMatch2',
    members: {
      Value: { dispid: DISPID_VALUE, get: () => match[0] },
      FirstIndex: { dispid: 10001, get: () => match.index },
      Length: { dispid: 10002, get: () => match[0].length },
      SubMatches: { dispid: 10003, get: () => (submatches ??= subMatches(match)) },
    },
  });
}

function matchCollection(found: readonly RegExpExecArray[]): SyncDispatch {
  const matches = found.map(matchObject);
  const item = (index: Variant): Variant => {
    const position = Number(index);
    if (!Number.isInteger(position) || position < 0 || position >= matches.length) throw runtimeError(5);
    return matches[position];
  };
  return hostDispatch({
    typeName: 'IMatchCollection2',
    members: { Item: { dispid: DISPID_VALUE, params: ['index'], get: item }, Count: { dispid: 1, get: () => matches.length } },
    enumerate: () => matches,
  });
}

/** A replacement is a string with $ tokens, or (VBScript 5.5) a function reference called with the match, submatches, offset and source. */
function replaceIn(options: Options, text: string, replacement: Variant): string {
  const regex = compile(options, options.global);
  if (isSyncDispatch(replacement)) {
    return text.replace(regex, (...parts: unknown[]) => {
      const groupCount = parts.length - 3;
      const args = [...parts.slice(0, groupCount + 1), parts[groupCount + 1], text] as Variant[];
      return toStr(replacement.Invoke(DISPID_VALUE, DISPATCH_METHOD, args));
    });
  }
  return text.replace(regex, toStr(replacement));
}

export function createRegExp(beforeInvoke?: () => void): SyncDispatch {
  const options: Options = { pattern: '', global: false, ignoreCase: false, multiline: false };
  return hostDispatch({
    typeName: 'IRegExp2',
    beforeInvoke,
    members: {
      Pattern: { dispid: 10001, get: () => options.pattern, put: (value: Variant) => void (options.pattern = toStr(value)) },
      IgnoreCase: { dispid: 10002, get: () => options.ignoreCase, put: (value: Variant) => void (options.ignoreCase = toBool(value)) },
      Global: { dispid: 10003, get: () => options.global, put: (value: Variant) => void (options.global = toBool(value)) },
      Execute: { dispid: 10004, params: ['sourceString'], call: (text: Variant) => matchCollection(matchesIn(options, toStr(text))) },
      Test: { dispid: 10005, params: ['sourceString'], call: (text: Variant) => compile(options, false).test(toStr(text)) },
      Replace: { dispid: 10006, params: ['sourceString', 'replaceVar'], call: (text: Variant, replacement: Variant) => replaceIn(options, toStr(text), replacement) },
      Multiline: { dispid: 10007, get: () => options.multiline, put: (value: Variant) => void (options.multiline = toBool(value)) },
    },
  });
}

/**
 * winrm.vbs's command line: positional arguments (operation, action, resource URI, `@{…}`) and
 * `-switch[:value]` / `/switch[:value]` arguments, switch names case-insensitive with winrm's
 * abbreviations, quoted values unwrapped and `\"` unescaped (CommandLineParser and
 * WSManCommandLineParser of winrm.vbs). Tokens arrive split by the shell; `splitCommandLine`
 * splits a whole line the way winrm.vbs splits its own (quotes and `{…}` keep spaces), for
 * runbook lines given as one string.
 */
import { CliError } from './cli-error';

/** Canonical operation names and the abbreviations winrm accepts. */
export const OPERATION_ALIASES: Readonly<Record<string, string>> = {
  g: 'get', get: 'get',
  s: 'set', set: 'set', put: 'set', p: 'set',
  c: 'create', create: 'create',
  d: 'delete', delete: 'delete',
  e: 'enumerate', enum: 'enumerate', enumerate: 'enumerate',
  i: 'invoke', invoke: 'invoke',
  id: 'identify', identify: 'identify',
  configsddl: 'configsddl',
  helpmsg: 'helpmsg',
  qc: 'quickconfig', quickconfig: 'quickconfig',
};

/** Switch abbreviation → switch name. */
const SWITCH_ALIASES: Readonly<Record<string, string>> = {
  a: 'authentication', auth: 'authentication',
  pa: 'proxyauthentication', proxyauth: 'proxyauthentication',
  pac: 'proxyaccess',
  f: 'format',
  p: 'password',
  pp: 'proxypassword',
  r: 'remote', machine: 'remote',
  u: 'username',
  pu: 'proxyusername',
  un: 'unencrypted',
  ssl: 'usessl',
  q: 'quiet',
  c: 'certificate',
};

/** Every switch winrm knows (m_knownParameterNames). */
export const KNOWN_SWITCHES: ReadonlySet<string> = new Set([
  '?', 'quiet', 'force', 'transport', 'username', 'password', 'proxyusername', 'proxypassword', 'certificate', 'dialect',
  'associations', 'file', 'filter', 'remote', 'skipcacheck', 'skipcncheck', 'skiprevocationcheck', 'defaultcreds', 'spnport',
  'timeout', 'authentication', 'proxyaccess', 'proxyauthentication', 'unencrypted', 'usessl', 'encoding', 'format', 'options',
  'fragment', 'returntype', 'shallow', 'basepropertiesonly',
]);

const CONNECTION_SWITCHES = [
  'username', 'password', 'proxyusername', 'proxypassword', 'certificate', 'remote', 'skipcacheck', 'skipcncheck',
  'skiprevocationcheck', 'defaultcreds', 'spnport', 'timeout', 'authentication', 'proxyaccess', 'proxyauthentication',
  'unencrypted', 'usessl', 'encoding', 'format',
];

/** Switches each operation accepts (LoadAllowedParameters). */
export function allowedSwitches(operation: string): ReadonlySet<string> {
  if (operation === 'quickconfig') return new Set(['?', 'quiet', 'transport', 'force']);
  if (operation === 'identify') return new Set(['?', ...CONNECTION_SWITCHES]);
  const common = ['?', ...CONNECTION_SWITCHES, 'dialect', 'file', 'filter', 'options', 'fragment'];
  if (operation === 'enumerate') common.push('returntype', 'shallow', 'basepropertiesonly', 'associations');
  return new Set(common);
}

export interface ParsedCommandLine {
  /** Positional arguments in order, `@{…}` excluded, quotes removed. */
  readonly positionals: readonly string[];
  /** The `@{…}` argument without its `@`, if any. */
  readonly hash: string | undefined;
  /** Switch name (canonical, lower case) → value ('' for a switch without one), in the order given. */
  readonly switches: ReadonlyMap<string, string>;
  /** Index (among all arguments) of the first switch, -1 when there is none. */
  readonly firstSwitchIndex: number;
}

function unescapeQuotes(text: string): string {
  return text.replace(/\\"/g, '"');
}

/** One `-name[:value]` argument; `token` starts with `-` or `/`. */
function readSwitch(token: string): [string, string] {
  const colon = token.indexOf(':');
  let name: string;
  let value = '';
  if (colon > 0) {
    name = token.slice(1, colon).toLowerCase();
    const rest = token.slice(colon + 1);
    const opens = rest.startsWith('"');
    const closes = rest.length > (opens ? 1 : 0) && rest.endsWith('"');
    if (opens !== closes) throw new CliError(`A quoted parameter value must begin and end with quotes: ${name}`);
    value = opens ? rest.slice(1, -1) : rest;
  } else {
    name = token.slice(1).toLowerCase();
  }
  name = SWITCH_ALIASES[name] ?? name;
  if (name === '') throw new CliError('Missing switch name');
  return [name, unescapeQuotes(value)];
}

export function parseCommandLine(args: readonly string[]): ParsedCommandLine {
  const positionals: string[] = [];
  const switches = new Map<string, string>();
  let hash: string | undefined;
  let firstSwitchIndex = -1;
  args.forEach((token, index) => {
    if (token === '') return;
    if (token.startsWith('-') || token.startsWith('/')) {
      // Double-prefixed arguments belong to the script host (//nologo) and are skipped, as winrm.vbs does.
      if (token.startsWith('//') || token.startsWith('--')) return;
      const [name, value] = readSwitch(token);
      if (switches.has(name)) throw new CliError(`Option is not unique: ${name}`);
      if (firstSwitchIndex === -1) firstSwitchIndex = index;
      switches.set(name, value);
      return;
    }
    const value = unescapeQuotes(token.length >= 2 && token.startsWith('"') && token.endsWith('"') ? token.slice(1, -1) : token);
    if (value.startsWith('@') && hash === undefined) hash = value.slice(1);
    else positionals.push(value);
  });
  return { positionals, hash, switches, firstSwitchIndex };
}

/**
 * Splits a command line as winrm.vbs does: spaces separate arguments except inside double
 * quotes or `{…}`; a `\"` inside quotes does not end them. Quotes stay in the tokens (the
 * parser above removes them).
 */
export function splitCommandLine(line: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let inQuote = false;
  let inCurly = false;
  const flush = () => {
    if (current !== '') tokens.push(current);
    current = '';
    inQuote = false;
    inCurly = false;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '{' && !inQuote) inCurly = true;
    else if (ch === '}' && !inQuote) inCurly = false;
    else if (ch === '"') {
      if (!inQuote) inQuote = true;
      else if (line[i - 1] !== '\\') inQuote = false;
    } else if (ch === ' ' && !inQuote && !inCurly) {
      flush();
      continue;
    }
    current += ch;
  }
  flush();
  return tokens;
}

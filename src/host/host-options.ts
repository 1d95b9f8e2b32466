/**
 * The command line of `wsman run`, read like cscript's: `//option`s anywhere (case-insensitive)
 * belong to the host, the first other argument is the script, the rest are the script's.
 *   //B            batch mode: script errors are not shown (WScript.Interactive false)
 *   //I            interactive mode (the default)
 *   //E:JScript    run the file as JScript whatever its extension (//E:VBScript as VBScript);
 *                  otherwise .js is JScript and .vbs VBScript
 *   //Nologo //Logo //D //U   accepted and ignored: no banner is printed, there is no
 *                  debugger, output is UTF-8 anyway
 *   --user USER:PASSWORD   (before the script) the identity for sessions created without
 *                  credentials; WSMAN_USER / WSMAN_PASSWORD when not given
 *   --local URL    (before the script) the local computer's WinRM address
 */
import { extname } from 'node:path';

export interface RunCommand {
  readonly scriptPath: string;
  readonly scriptArguments: readonly string[];
  readonly batchMode: boolean;
  /** The script engine: from //E: or the file's extension. */
  readonly language: ScriptLanguage;
  /** `--user USER:PASSWORD`: the identity sessions created without credentials act for. */
  readonly user?: { readonly username: string; readonly password: string };
  /** `--local URL`: where `CreateSession()` and `CreateSession("localhost")` connect. */
  readonly localUrl?: string;
}

export type ScriptLanguage = 'JScript' | 'VBScript';

export type ParsedRunCommand = { readonly ok: true; readonly command: RunCommand } | { readonly ok: false; readonly message: string };

const IGNORED_OPTIONS = new Set(['nologo', 'logo', 'd', 'u']);
const ENGINES = new Map<string, ScriptLanguage>([
  ['jscript', 'JScript'],
  ['javascript', 'JScript'],
  ['vbscript', 'VBScript'],
]);
const EXTENSIONS = new Map<string, ScriptLanguage>([
  ['.js', 'JScript'],
  ['.vbs', 'VBScript'],
]);

/** The identity of `--user`, else of WSMAN_USER / WSMAN_PASSWORD, else none. */
export function withEnvironmentUser(command: RunCommand, environment: NodeJS.ProcessEnv): RunCommand {
  const { WSMAN_USER, WSMAN_PASSWORD } = environment;
  if (command.user || !WSMAN_USER) return command;
  return { ...command, user: { username: WSMAN_USER, password: WSMAN_PASSWORD ?? '' } };
}

/** `USER:PASSWORD`, split at the first colon (a password may contain colons, a user name may not). */
export function parseUser(value: string): RunCommand['user'] {
  const colon = value.indexOf(':');
  return colon > 0 ? { username: value.slice(0, colon), password: value.slice(colon + 1) } : undefined;
}

export function parseRunCommand(argv: readonly string[]): ParsedRunCommand {
  let batchMode = false;
  let engineChosen: ScriptLanguage | undefined;
  const positional: string[] = [];
  let user: RunCommand['user'];
  let localUrl: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    // The host's own options come before the script; after it, every argument is the script's.
    if (positional.length === 0 && (argument === '--user' || argument === '--local')) {
      const value = argv[++index];
      if (value === undefined) return { ok: false, message: `Input Error: ${argument} needs a value.` };
      if (argument === '--local') localUrl = value;
      else if (!(user = parseUser(value))) return { ok: false, message: 'Input Error: --user takes USER:PASSWORD.' };
      continue;
    }
    if (!argument.startsWith('//')) {
      positional.push(argument);
      continue;
    }
    const option = argument.slice(2).toLowerCase();
    if (option === 'b') batchMode = true;
    else if (option === 'i') batchMode = false;
    else if (option.startsWith('e:') && ENGINES.has(option.slice(2))) engineChosen = ENGINES.get(option.slice(2));
    else if (option.startsWith('e:')) return { ok: false, message: `Input Error: Can not find script engine "${argument.slice(4)}" for script.` };
    else if (!IGNORED_OPTIONS.has(option)) return { ok: false, message: `Input Error: Unknown option "${argument}" specified.` };
  }
  const [scriptPath, ...scriptArguments] = positional;
  if (scriptPath === undefined) return { ok: false, message: 'Input Error: There is no script file specified.' };
  const extension = extname(scriptPath);
  const language = engineChosen ?? EXTENSIONS.get(extension.toLowerCase());
  if (!language) {
    return { ok: false, message: `Input Error: There is no script engine for file extension "${extension}".` };
  }
  return { ok: true, command: { scriptPath, scriptArguments, batchMode, language, user, localUrl } };
}

/**
 * `wsman shell`: winrs for Node. Runs a command in a remote WinRS shell, streams its stdout and
 * stderr to ours as they arrive, pipes our stdin to it, and exits with its exit code.
 *
 *   wsman shell -r:URL [-u:USER -p:PASS] [-a:basic|negotiate] [-unencrypted] [-usessl]
 *               [-skipCAcheck] [-skipCNcheck] [-d:DIR] [-env:K=V]… [-noprofile] [-codepage:N]
 *               [COMMAND [ARGS…]]
 *
 * Switches as winrs writes them (`-` or `/`, any case, `name:value`, winrs's short forms); the first
 * word that is not a switch starts the command line. Ctrl-C sends ctrl_c, a second one terminate.
 * A dropped connection is replaced while the command still runs on the server. Without a command,
 * `cmd` (what a Windows host's interactive shell is) reads our stdin line by line.
 */
import 'reflect-metadata';
import { defaultContainer } from '../../composition-root';
import { WSManClientApi, type WSMAN_SESSION_HANDLE } from '../../core/capi/client-api';
import {
  dwordData,
  WSMAN_FLAG_REQUESTED_API_VERSION_1_1,
  WSMAN_SIGNAL_SHELL_CODE_CTRL_C,
  WSMAN_SIGNAL_SHELL_CODE_TERMINATE,
  WSManAuthenticationFlags as Auth,
  WSManSessionOption as Option,
} from '../../core/capi/constants';
import { WSManShellApi } from '../../core/capi/shell-api';
import { type ComResult } from '../../core/hresult';
import { RemoteShell, type RemoteCommand } from '../../core/shell/remote-shell';

export const SHELL_USAGE =
  'usage: wsman shell -r:URL [-u:USER -p:PASS] [-a:basic|negotiate] [-unencrypted] [-usessl] [-skipCAcheck] [-skipCNcheck] ' +
  '[-d:DIR] [-env:NAME=VALUE]... [-noprofile] [-codepage:N] [COMMAND [ARGS...]]';

/** How long a command that lost its connection is looked for again (winrs's robust connection retries for minutes). */
const RECONNECT_WINDOW_MS = 180_000;
/** The interactive shell of a Windows host. */
const INTERACTIVE_COMMAND = 'cmd';
/** winrs sends the console's code page; ours is UTF-8. */
const DEFAULT_CODEPAGE = 65001;

export interface ShellArguments {
  readonly remote: string;
  readonly user?: string;
  readonly password?: string;
  readonly authentication: 'basic' | 'negotiate';
  readonly unencrypted: boolean;
  readonly useSsl: boolean;
  readonly skipCaCheck: boolean;
  readonly skipCnCheck: boolean;
  readonly directory?: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly noProfile: boolean;
  readonly codepage: number;
  /** The command line as winrs sends it: one string; empty for the interactive shell. */
  readonly commandLine: string;
}

export class UsageError extends Error {}

/** The switch names winrs accepts (long and short), without case. */
const SWITCHES: Readonly<Record<string, string>> = {
  r: 'remote',
  remote: 'remote',
  u: 'username',
  username: 'username',
  p: 'password',
  password: 'password',
  a: 'authentication',
  auth: 'authentication',
  authentication: 'authentication',
  un: 'unencrypted',
  unencrypted: 'unencrypted',
  ssl: 'usessl',
  usessl: 'usessl',
  skipcacheck: 'skipcacheck',
  skipcncheck: 'skipcncheck',
  d: 'directory',
  directory: 'directory',
  env: 'environment',
  environment: 'environment',
  nop: 'noprofile',
  noprofile: 'noprofile',
  cp: 'codepage',
  codepage: 'codepage',
};
const VALUED = new Set(['remote', 'username', 'password', 'authentication', 'directory', 'environment', 'codepage']);

/** A word of the command line, quoted the way cmd.exe reads it when it has spaces or quotes. */
function quoted(word: string): string {
  return /[\s"]/.test(word) || word === '' ? `"${word.replace(/"/g, '\\"')}"` : word;
}

export function parseShellArguments(args: readonly string[]): ShellArguments {
  const values: Record<string, string | true> = {};
  const environment: Record<string, string> = {};
  let index = 0;
  for (; index < args.length; index++) {
    const match = /^[-/]([A-Za-z]+)(?::(.*))?$/s.exec(args[index]);
    const name = match ? SWITCHES[match[1].toLowerCase()] : undefined;
    // `-x` is always meant as a switch; `/x` may be a command (a path).
    if (match && !name && args[index].startsWith('-')) throw new UsageError(`unknown switch ${args[index]}`);
    if (!match || !name) break;
    const value = match[2];
    if (VALUED.has(name) !== (value !== undefined)) throw new UsageError(`-${match[1]} ${VALUED.has(name) ? 'needs a value (-name:value)' : 'takes no value'}`);
    if (name === 'environment') {
      const eq = value!.indexOf('=');
      if (eq <= 0) throw new UsageError(`-env needs NAME=VALUE, got "${value}"`);
      environment[value!.slice(0, eq)] = value!.slice(eq + 1);
    } else {
      values[name] = value ?? true;
    }
  }
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const remote = text('remote');
  if (!remote) throw new UsageError('-r:URL is required');
  const authentication = (text('authentication') ?? 'negotiate').toLowerCase();
  if (authentication !== 'basic' && authentication !== 'negotiate') throw new UsageError(`-a must be basic or negotiate, got "${authentication}"`);
  const codepageText = text('codepage');
  const codepage = codepageText === undefined ? DEFAULT_CODEPAGE : Number(codepageText);
  if (!Number.isInteger(codepage) || codepage <= 0) throw new UsageError(`-codepage needs a number, got "${codepageText}"`);
  const user = text('username');
  const password = text('password');
  const directory = text('directory');
  return {
    remote,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    authentication,
    unencrypted: values.unencrypted === true,
    useSsl: values.usessl === true,
    skipCaCheck: values.skipcacheck === true,
    skipCnCheck: values.skipcncheck === true,
    ...(directory !== undefined ? { directory } : {}),
    environment,
    noProfile: values.noprofile === true,
    codepage,
    commandLine: args.slice(index).map((word, i) => (i === 0 ? word : quoted(word))).join(' '),
  };
}

class ShellFailure extends Error {}

function checked<T>(result: ComResult<T>): T {
  if (result.error) throw new ShellFailure(result.error.description);
  return result.value as T;
}

/** A C API session for the arguments (API 1.1, as winrs). */
function openSession(api: WSManClientApi, options: ShellArguments): WSMAN_SESSION_HANDLE {
  const handle = checked(api.WSManInitialize(WSMAN_FLAG_REQUESTED_API_VERSION_1_1));
  const mechanism = options.authentication === 'basic' ? Auth.WSMAN_FLAG_AUTH_BASIC : Auth.WSMAN_FLAG_AUTH_NEGOTIATE;
  const credentials = options.user !== undefined ? { authenticationMechanism: mechanism, userAccount: { username: options.user, password: options.password ?? '' } } : { authenticationMechanism: mechanism };
  const session = checked(api.WSManCreateSession(handle, options.remote, 0, credentials, null));
  const set = (option: Option, on: boolean): void => {
    if (on) checked(api.WSManSetSessionOption(session, option, dwordData(1)));
  };
  set(Option.WSMAN_OPTION_USE_SSL, options.useSsl);
  set(Option.WSMAN_OPTION_UNENCRYPTED_MESSAGES, options.unencrypted);
  set(Option.WSMAN_OPTION_SKIP_CA_CHECK, options.skipCaCheck);
  set(Option.WSMAN_OPTION_SKIP_CN_CHECK, options.skipCnCheck);
  return session;
}

export interface ShellStdio {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Where Ctrl-C arrives (the process, for SIGINT). */
  readonly signals: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
}

const PROCESS_STDIO: ShellStdio = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, signals: process };

/** `wsman shell …`: the remote command's exit code, 1 for a WinRM failure, 2 for a usage error. */
export async function shellCommand(args: readonly string[], stdio: ShellStdio = PROCESS_STDIO): Promise<number> {
  let options: ShellArguments;
  try {
    options = parseShellArguments(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stdio.stderr.write(`${error.message}\n${SHELL_USAGE}\n`);
    return 2;
  }
  const container = defaultContainer();
  const api = container.get(WSManClientApi);
  let session: WSMAN_SESSION_HANDLE | undefined;
  try {
    session = openSession(api, options);
    const shell = await RemoteShell.create(container.get(WSManShellApi), session, {
      ...(options.directory !== undefined ? { workingDirectory: options.directory } : {}),
      environment: options.environment,
      noProfile: options.noProfile,
      codepage: options.codepage,
    });
    try {
      const command = await shell.run(options.commandLine || INTERACTIVE_COMMAND, [], {
        reconnectWithinMs: RECONNECT_WINDOW_MS,
        onReconnect: (error) => stdio.stderr.write(`Winrs error:${error.message} Reconnecting...\n`),
      });
      return await attach(command, stdio);
    } finally {
      await shell.close().catch(() => undefined);
    }
  } catch (error) {
    stdio.stderr.write(`Winrs error:${(error as Error).message}\n`);
    return 1;
  } finally {
    if (session) api.WSManCloseSession(session, 0);
  }
}

/** Wires the command to our streams and Ctrl-C until it is Done; its exit code. */
async function attach(command: RemoteCommand, stdio: ShellStdio): Promise<number> {
  let interrupts = 0;
  let ended = false;
  const interrupt = (): void => {
    interrupts += 1;
    const code = interrupts === 1 ? WSMAN_SIGNAL_SHELL_CODE_CTRL_C : WSMAN_SIGNAL_SHELL_CODE_TERMINATE;
    // A signal still in flight when the command ended is cancelled with it: nothing to report.
    command.signal(code).catch((error: Error) => ended || stdio.stderr.write(`Winrs error:${error.message}\n`));
  };
  stdio.signals.on('SIGINT', interrupt);
  command.stdout.pipe(stdio.stdout, { end: false });
  command.stderr.pipe(stdio.stderr, { end: false });
  // A failed Receive ends both streams with its error; exitCode carries it to the caller.
  command.stdout.on('error', () => undefined);
  command.stderr.on('error', () => undefined);
  // Our stdin goes as it comes (a line at a time from a terminal); its end is the command's End.
  stdio.stdin.pipe(command.stdin);
  // Input that arrives after the command ended has nowhere to go; the command's own outcome decides.
  command.stdin.on('error', () => undefined);
  try {
    const exitCode = await command.exitCode;
    await Promise.all([finished(command.stdout), finished(command.stderr)]);
    return exitCode;
  } finally {
    ended = true;
    stdio.signals.off('SIGINT', interrupt);
    stdio.stdin.unpipe(command.stdin);
    // A terminal stdin would keep the process alive after the command ended.
    if ('pause' in stdio.stdin) stdio.stdin.pause();
    await command.close().catch(() => undefined);
  }
}

function finished(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    if ((stream as { readableEnded?: boolean }).readableEnded) resolve();
    else stream.once('end', resolve).once('error', () => resolve());
  });
}

/**
 * Promise and Node stream helpers over the C API shell functions, for TypeScript users:
 * `RemoteShell.create(…)`, `shell.run(command, args)` → a RemoteCommand whose stdout/stderr are
 * Readable streams and stdin a Writable, and `exitCode` a Promise. Output is received one reply
 * at a time (WSMAN_FLAG_RECEIVE_DELAY_OUTPUT_STREAM): while a consumer does not read, no Receive
 * is sent, so the server holds the command's output instead of this process.
 */
import { Readable, Writable } from 'node:stream';
import { HRESULT_FROM_WIN32, type ComResult } from '../hresult';
import { WSManError, wsmanError, wsmanErrorFromHResult } from '../errors/wsman-error';
import type { WSMAN_SESSION_HANDLE } from '../capi/client-api';
import {
  WSMAN_CMDSHELL_OPTION_CODEPAGE,
  WSMAN_CMDSHELL_OPTION_CONSOLEMODE_STDIN,
  WSMAN_CMDSHELL_OPTION_SKIP_CMD_SHELL,
  WSMAN_CMDSHELL_URI,
  WSMAN_COMMAND_STATE_DONE,
  WSMAN_SHELL_OPTION_NOPROFILE,
  WSMAN_SIGNAL_SHELL_CODE_CTRL_C,
  WSMAN_SIGNAL_SHELL_CODE_TERMINATE,
  WSMAN_STREAM_ID_STDERR,
  WSMAN_STREAM_ID_STDIN,
  WSMAN_STREAM_ID_STDOUT,
  WSManCallbackFlags as Callback,
  WSManDataType,
  WSManShellFlag,
  type WSMAN_ERROR,
  type WSMAN_OPTION,
  type WSMAN_RECEIVE_DATA_RESULT,
  type WSMAN_RESPONSE_DATA,
} from '../capi/constants';
import type { ShellAsync, WSMAN_COMMAND_HANDLE, WSMAN_SHELL_HANDLE, WSManShellApi } from '../capi/shell-api';

export interface RemoteShellOptions {
  readonly resourceUri?: string;
  readonly workingDirectory?: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly idleTimeoutMs?: number;
  /** WINRS_NOPROFILE; winrs sends FALSE unless -noprofile. */
  readonly noProfile?: boolean;
  /** WINRS_CODEPAGE (437, 65001 …); winrs sends the console's code page. */
  readonly codepage?: number;
  /** A client-chosen ShellId (WSManCreateShellEx, API 1.1 sessions). */
  readonly shellId?: string;
}

export interface RunOptions {
  /** WINRS_SKIP_CMD_SHELL: run the executable without the platform's shell. */
  readonly skipCmdShell?: boolean;
  /** WINRS_CONSOLEMODE_STDIN: stdin is a console (TRUE, winrs's default) or a pipe. */
  readonly consoleModeStdin?: boolean;
  /**
   * When the connection drops (WinHTTP cannot connect / connection reset / timeout), keep asking
   * for the still-running command's output on a new connection for up to this long; 0 (default)
   * fails at once.
   */
  readonly reconnectWithinMs?: number;
  /** Told each time a dropped connection is being replaced. */
  readonly onReconnect?: (error: WSManError) => void;
}

/** The failures of the connection itself, after which the command may still be running on the server. */
const NETWORK_FAILURES = new Set(['ERROR_WINHTTP_CANNOT_CONNECT', 'ERROR_WINHTTP_CONNECTION_ERROR', 'ERROR_WINHTTP_TIMEOUT']);
const RECONNECT_DELAY_MS = 500;
/**
 * Output a stream holds unread before no further Receive is sent: the endpoint's own output
 * buffer, so that a reader taking its time still finds the next reply waiting.
 */
const OUTPUT_HIGH_WATER_MARK = 1024 * 1024;
/** ERROR_WSMAN_UNEXPECTED_SELECTORS: the server has no such command (any more). */
const COMMAND_GONE = 0x8033805b;

/** The WSManError a WSMAN_ERROR stands for (Win32 codes come without their HRESULT wrapping). */
export function errorFromCallback(error: WSMAN_ERROR): WSManError {
  const faultXml = error.errorDetail.startsWith('<') ? error.errorDetail : '';
  const message = faultXml ? /<f:Message>([\s\S]*?)<\/f:Message>/.exec(faultXml)?.[1]?.trim() : error.errorDetail;
  return wsmanErrorFromHResult(HRESULT_FROM_WIN32(error.code), { ...(message ? { message } : {}), faultXml });
}

/** The receive data of either callback form (API 1.0 passes the result itself, 1.1 the union). */
export function receiveDataOf(data: WSMAN_RESPONSE_DATA | WSMAN_RECEIVE_DATA_RESULT | null): WSMAN_RECEIVE_DATA_RESULT | undefined {
  if (!data) return undefined;
  return 'streamId' in data ? data : data.receiveData;
}

type Completion = Parameters<ShellAsync['completionFunction']>;

/**
 * Runs one C API call and resolves at its END_OF_OPERATION completion; `onData` sees every
 * completion (Receive reports several). An argument failure rejects at once.
 */
function complete<T>(start: (async: ShellAsync) => ComResult<T>, onData?: (flags: number, data: Completion[6]) => void): { value: T | undefined; done: Promise<void> } {
  let value: T | undefined;
  const done = new Promise<void>((resolve, reject) => {
    const result = start({
      completionFunction: (_context, flags, error, _shell, _command, _operation, data) => {
        if (error.code !== 0) {
          reject(errorFromCallback(error));
          return;
        }
        onData?.(flags, data);
        if (flags & Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION) resolve();
      },
    });
    if (result.error) reject(wsmanErrorFromHResult(result.hr, { message: result.error.description }));
    value = result.value;
  });
  return { value, done };
}

export class RemoteShell {
  private constructor(
    private readonly api: WSManShellApi,
    readonly handle: WSMAN_SHELL_HANDLE,
  ) {}

  /** Creates the shell (rsp:Shell on the cmd resource unless another URI is given). */
  static async create(api: WSManShellApi, session: WSMAN_SESSION_HANDLE, options: RemoteShellOptions = {}): Promise<RemoteShell> {
    const shellOptions: WSMAN_OPTION[] = [
      { name: WSMAN_SHELL_OPTION_NOPROFILE, value: options.noProfile ? 'TRUE' : 'FALSE' },
      ...(options.codepage !== undefined ? [{ name: WSMAN_CMDSHELL_OPTION_CODEPAGE, value: String(options.codepage) }] : []),
    ];
    const startup = {
      ...(options.workingDirectory ? { workingDirectory: options.workingDirectory } : {}),
      ...(options.environment ? { variableSet: { vars: Object.entries(options.environment).map(([name, value]) => ({ name, value })) } } : {}),
      ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    };
    const uri = options.resourceUri ?? WSMAN_CMDSHELL_URI;
    const call = complete((async) =>
      options.shellId
        ? api.WSManCreateShellEx(session, 0, uri, options.shellId, startup, { options: shellOptions }, null, async)
        : api.WSManCreateShell(session, 0, uri, startup, { options: shellOptions }, null, async),
    );
    await call.done;
    return new RemoteShell(api, call.value!);
  }

  /** Starts a command; its output streams start flowing when read. */
  async run(command: string, args: readonly string[] = [], options: RunOptions = {}): Promise<RemoteCommand> {
    const commandOptions: WSMAN_OPTION[] = [
      { name: WSMAN_CMDSHELL_OPTION_CONSOLEMODE_STDIN, value: options.consoleModeStdin === false ? 'FALSE' : 'TRUE' },
      { name: WSMAN_CMDSHELL_OPTION_SKIP_CMD_SHELL, value: options.skipCmdShell ? 'TRUE' : 'FALSE' },
    ];
    const call = complete((async) => this.api.WSManRunShellCommand(this.handle, 0, command, { args }, { options: commandOptions }, async));
    await call.done;
    return new RemoteCommand(this.api, this.handle, call.value!, options);
  }

  /** Runs a command to its end and collects its output. */
  async exec(command: string, args: readonly string[] = [], options: RunOptions & { readonly stdin?: Uint8Array | string } = {}): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }> {
    const running = await this.run(command, args, options);
    try {
      const collect = (stream: Readable): Promise<Buffer> =>
        new Promise((resolve, reject) => {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.once('end', () => resolve(Buffer.concat(chunks)));
          stream.once('error', reject);
        });
      const [stdout, stderr] = [collect(running.stdout), collect(running.stderr)];
      if (options.stdin !== undefined) running.stdin.end(options.stdin);
      const exitCode = await running.exitCode;
      return { stdout: await stdout, stderr: await stderr, exitCode };
    } finally {
      await running.close();
    }
  }

  async signal(code: string): Promise<void> {
    await complete((async) => this.api.WSManSignalShell(this.handle, null, 0, code, async)).done;
  }

  /** Deletes the shell on the server. */
  async close(): Promise<void> {
    await complete((async) => this.api.WSManCloseShell(this.handle, 0, async)).done;
  }
}

export class RemoteCommand {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly stdin: Writable;
  /** The command's exit code once its state is Done. */
  readonly exitCode: Promise<number>;
  #receiving = false;
  #finished = false;
  #closed = false;
  #settle!: { resolve: (code: number) => void; reject: (error: Error) => void };
  /** We sent terminate: the server may forget the command before it reports Done. */
  #terminated = false;
  /** When the connection was first found dropped, while reconnecting. */
  #droppedAt: number | undefined;

  constructor(
    private readonly api: WSManShellApi,
    private readonly shell: WSMAN_SHELL_HANDLE,
    readonly handle: WSMAN_COMMAND_HANDLE,
    private readonly options: RunOptions = {},
  ) {
    this.exitCode = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // Nobody awaiting exitCode must not turn a failed command into an unhandled rejection.
    this.exitCode.catch(() => undefined);
    this.stdout = new Readable({ highWaterMark: OUTPUT_HIGH_WATER_MARK, read: () => this.#pump() });
    this.stderr = new Readable({ highWaterMark: OUTPUT_HIGH_WATER_MARK, read: () => this.#pump() });
    this.stdin = new Writable({
      write: (chunk: Buffer, _encoding, callback) => this.#send(chunk, false).then(() => callback(), callback),
      final: (callback) => this.#send(Buffer.alloc(0), true).then(() => callback(), callback),
    });
  }

  /** ctrl_c by default; terminate ends the command. */
  async signal(code: string = WSMAN_SIGNAL_SHELL_CODE_CTRL_C): Promise<void> {
    if (code === WSMAN_SIGNAL_SHELL_CODE_TERMINATE) this.#terminated = true;
    await complete((async) => this.api.WSManSignalShell(this.shell, this.handle, 0, code, async)).done;
  }

  async terminate(): Promise<void> {
    await this.signal(WSMAN_SIGNAL_SHELL_CODE_TERMINATE);
  }

  /** Ends the command on the server (Signal terminate) and frees the handle. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await complete((async) => this.api.WSManCloseCommand(this.handle, 0, async)).done;
  }

  #send(data: Buffer, end: boolean): Promise<void> {
    const streamData = { type: WSManDataType.WSMAN_DATA_TYPE_BINARY, binary: data };
    return complete((async) => this.api.WSManSendShellInput(this.shell, this.handle, 0, WSMAN_STREAM_ID_STDIN, streamData, end, async)).done;
  }

  /**
   * One Receive (one reply) at a time while the streams want data. The next Receive goes out as
   * soon as a reply has arrived, before its data is handed to the streams, as WinRS does: the
   * wire still carries one Receive at a time, and the server gathers the next reply while this
   * process delivers the last. Not while a stream holds its highWaterMark unread: a stream holds at
   * most that and two replies (the one delivered, the one it sent for), and reading resumes them.
   */
  #pump(): void {
    if (this.#receiving || this.#finished) return;
    this.#receiving = true;
    let arrived = false;
    const call = complete(
      (async) => this.api.WSManReceiveShellOutput(this.shell, this.handle, WSManShellFlag.WSMAN_FLAG_RECEIVE_DELAY_OUTPUT_STREAM, null, async),
      (flags, data) => {
        const result = receiveDataOf(data);
        if (!result) return;
        const done = result.commandState === WSMAN_COMMAND_STATE_DONE;
        if (!arrived) {
          arrived = true;
          this.#receiving = false;
          this.#droppedAt = undefined;
          if (!done && this.#wanted()) this.#pump();
        }
        const target = result.streamId === WSMAN_STREAM_ID_STDOUT ? this.stdout : result.streamId === WSMAN_STREAM_ID_STDERR ? this.stderr : undefined;
        const bytes = result.streamData.binary;
        if (target && bytes && bytes.length > 0) target.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        if (flags & Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION && done) this.#finish(result.exitCode);
      },
    );
    call.done.catch((error: Error) => {
      this.#receiving = false;
      if (this.#reconnecting(error)) setTimeout(() => this.#pump(), RECONNECT_DELAY_MS);
      else if (this.#terminated && error instanceof WSManError && error.hresult === COMMAND_GONE) this.#endTerminated();
      else this.#fail(error);
    });
  }

  /** Both streams take more: none is destroyed or holds its highWaterMark unread. */
  #wanted(): boolean {
    return [this.stdout, this.stderr].every((stream) => !stream.destroyed && stream.readableLength < stream.readableHighWaterMark);
  }

  /** A dropped connection within the reconnect window: the next Receive goes out on a new one. */
  #reconnecting(error: Error): boolean {
    const window = this.options.reconnectWithinMs ?? 0;
    if (!(error instanceof WSManError) || !NETWORK_FAILURES.has(error.code) || window <= 0 || this.#closed) return false;
    this.#droppedAt ??= Date.now();
    if (Date.now() - this.#droppedAt > window) return false;
    this.options.onReconnect?.(error);
    return true;
  }

  #finish(exitCode: number): void {
    if (this.#finished) return;
    this.#finished = true;
    this.stdout.push(null);
    this.stderr.push(null);
    this.#settle.resolve(exitCode | 0);
  }

  /** A command we terminated and the server then forgot: its output ends; it has no exit code. */
  #endTerminated(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.stdout.push(null);
    this.stderr.push(null);
    this.#settle.reject(wsmanError('ERROR_WSMAN_COMMAND_TERMINATED'));
  }

  #fail(error: Error): void {
    if (this.#finished) return;
    this.#finished = true;
    this.stdout.destroy(error);
    this.stderr.destroy(error);
    this.#settle.reject(error);
  }
}

/**
 * The WinRM C API shell functions (wsman.h): WSManCreateShell … WSManCloseOperation, and under
 * API 1.1 the disconnect / reconnect / connect family. They work as in C: each call returns at
 * once with its handle, the outcome arrives through the WSMAN_SHELL_ASYNC completion function
 * (always later, never inside the call), with WSMAN_FLAG_CALLBACK_* flags, a WSMAN_ERROR and the
 * receive data. A call that breaks an argument or state rule also returns the failure as its
 * `{ hr }` (docs/decisions.md); nothing is sent for it.
 */
import { inject, injectable } from 'inversify';
import type { ServiceIdentifier } from 'inversify';
import { type ComResult, HRESULT_FACILITY, succeeded, toUnsigned } from '../hresult';
import { toComFailure } from '../errors/com-failure';
import { WSManError, wsmanError } from '../errors/wsman-error';
import type { OptionEntry } from '../protocol/envelope';
import { parseXml } from '../protocol/xml';
import type { BufferMode, ReceivedOutput } from '../shell/shell-messages';
import { ShellOperations, type ShellAddress, type ShellOptions } from '../shell/shell-operations';
import { WSManClientApi, type WSMAN_SESSION_HANDLE } from './client-api';
import {
  WSMAN_COMMAND_STATE_DONE,
  WSMAN_COMMAND_STATE_RUNNING,
  WSMAN_ERROR_OPERATION_ABORTED,
  WSMAN_FLAG_REQUESTED_API_VERSION_1_1,
  WSMAN_SIGNAL_SHELL_CODE_TERMINATE,
  WSMAN_STREAM_ID_STDERR,
  WSMAN_STREAM_ID_STDIN,
  WSMAN_STREAM_ID_STDOUT,
  WSManCallbackFlags as Callback,
  WSManDataType,
  WSManSessionOption,
  WSManShellFlag,
  type WSMAN_COMMAND_ARG_SET,
  type WSMAN_DATA,
  type WSMAN_ERROR,
  type WSMAN_OPTION_SET,
  type WSMAN_RECEIVE_DATA_RESULT,
  type WSMAN_RESPONSE_DATA,
  type WSMAN_SHELL_ASYNC,
  type WSMAN_SHELL_DISCONNECT_INFO,
  type WSMAN_SHELL_STARTUP_INFO,
  type WSMAN_STREAM_ID_SET,
} from './constants';

declare const shellBrand: unique symbol;
declare const commandBrand: unique symbol;
declare const operationBrand: unique symbol;
/** Opaque WSMAN_SHELL_HANDLE. */
export type WSMAN_SHELL_HANDLE = { readonly [shellBrand]: true };
/** Opaque WSMAN_COMMAND_HANDLE. */
export type WSMAN_COMMAND_HANDLE = { readonly [commandBrand]: true };
/** Opaque WSMAN_OPERATION_HANDLE (Receive, Send, Signal). */
export type WSMAN_OPERATION_HANDLE = { readonly [operationBrand]: true };

export type ShellAsync = WSMAN_SHELL_ASYNC<WSMAN_SHELL_HANDLE, WSMAN_COMMAND_HANDLE, WSMAN_OPERATION_HANDLE>;

export interface WSManShellApi {
  WSManCreateShell(
    session: WSMAN_SESSION_HANDLE | null,
    flags: number,
    resourceUri: string | null,
    startupInfo: WSMAN_SHELL_STARTUP_INFO | null,
    options: WSMAN_OPTION_SET | null,
    createXml: WSMAN_DATA | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_SHELL_HANDLE>;
  WSManCreateShellEx(
    session: WSMAN_SESSION_HANDLE | null,
    flags: number,
    resourceUri: string | null,
    shellId: string | null,
    startupInfo: WSMAN_SHELL_STARTUP_INFO | null,
    options: WSMAN_OPTION_SET | null,
    createXml: WSMAN_DATA | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_SHELL_HANDLE>;
  WSManRunShellCommand(
    shell: WSMAN_SHELL_HANDLE | null,
    flags: number,
    commandLine: string | null,
    args: WSMAN_COMMAND_ARG_SET | null,
    options: WSMAN_OPTION_SET | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_COMMAND_HANDLE>;
  WSManRunShellCommandEx(
    shell: WSMAN_SHELL_HANDLE | null,
    flags: number,
    commandId: string | null,
    commandLine: string | null,
    args: WSMAN_COMMAND_ARG_SET | null,
    options: WSMAN_OPTION_SET | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_COMMAND_HANDLE>;
  WSManReceiveShellOutput(
    shell: WSMAN_SHELL_HANDLE | null,
    command: WSMAN_COMMAND_HANDLE | null,
    flags: number,
    desiredStreamSet: WSMAN_STREAM_ID_SET | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_OPERATION_HANDLE>;
  WSManSendShellInput(
    shell: WSMAN_SHELL_HANDLE | null,
    command: WSMAN_COMMAND_HANDLE | null,
    flags: number,
    streamId: string | null,
    streamData: WSMAN_DATA | null,
    endOfStream: boolean,
    async: ShellAsync | null,
  ): ComResult<WSMAN_OPERATION_HANDLE>;
  WSManSignalShell(
    shell: WSMAN_SHELL_HANDLE | null,
    command: WSMAN_COMMAND_HANDLE | null,
    flags: number,
    code: string | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_OPERATION_HANDLE>;
  WSManCloseCommand(command: WSMAN_COMMAND_HANDLE | null, flags: number, async: ShellAsync | null): ComResult<void>;
  WSManCloseShell(shell: WSMAN_SHELL_HANDLE | null, flags: number, async: ShellAsync | null): ComResult<void>;
  WSManCloseOperation(operation: WSMAN_OPERATION_HANDLE | null, flags: number): ComResult<void>;
  WSManDisconnectShell(shell: WSMAN_SHELL_HANDLE | null, flags: number, disconnectInfo: WSMAN_SHELL_DISCONNECT_INFO | null, async: ShellAsync | null): ComResult<void>;
  WSManReconnectShell(shell: WSMAN_SHELL_HANDLE | null, flags: number, async: ShellAsync | null): ComResult<void>;
  WSManReconnectShellCommand(command: WSMAN_COMMAND_HANDLE | null, flags: number, async: ShellAsync | null): ComResult<void>;
  WSManConnectShell(
    session: WSMAN_SESSION_HANDLE | null,
    flags: number,
    resourceUri: string | null,
    shellId: string | null,
    options: WSMAN_OPTION_SET | null,
    connectXml: WSMAN_DATA | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_SHELL_HANDLE>;
  WSManConnectShellCommand(
    shell: WSMAN_SHELL_HANDLE | null,
    flags: number,
    commandId: string | null,
    options: WSMAN_OPTION_SET | null,
    connectXml: WSMAN_DATA | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_COMMAND_HANDLE>;
}
export const WSManShellApi: ServiceIdentifier<WSManShellApi> = Symbol.for('WSManShellApi');

/** A flag that callers can wait on until it opens (a shell or command connected again). */
class Gate {
  #open = true;
  #waiters: (() => void)[] = [];

  get open(): boolean {
    return this.#open;
  }

  set(open: boolean): void {
    this.#open = open;
    if (open) for (const wake of this.#waiters.splice(0)) wake();
  }

  wait(): Promise<void> {
    return this.#open ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }
}

interface ShellState {
  readonly handle: WSMAN_SHELL_HANDLE;
  readonly session: WSMAN_SESSION_HANDLE;
  readonly version: number;
  readonly resourceUri: string;
  inputStreams: readonly string[];
  outputStreams: readonly string[];
  /** Set once Create (or Connect) succeeded: the handle is usable from then on. */
  address: ShellAddress | undefined;
  closed: boolean;
  readonly connected: Gate;
  readonly commands: Set<CommandState>;
}

interface CommandState {
  readonly handle: WSMAN_COMMAND_HANDLE;
  readonly shell: ShellState;
  /** Set once the Command (or Connect) succeeded. */
  commandId: string | undefined;
  closed: boolean;
  readonly endedInputs: Set<string>;
  readonly connected: Gate;
  readonly operations: Set<OperationState>;
}

interface OperationState {
  readonly handle: WSMAN_OPERATION_HANDLE;
  /** The completion function has been told the operation ended. */
  ended: boolean;
  closed: boolean;
  readonly async: ShellAsync;
  readonly shell: ShellState;
  readonly command: CommandState | undefined;
}

const ERROR_SOURCE = 'WSMan';
/** ERROR_WSMAN_UNEXPECTED_SELECTORS: the answer to terminating a command or shell the server already ended. */
const ALREADY_GONE = 0x8033805b;
const DEFAULT_INPUT_STREAMS = [WSMAN_STREAM_ID_STDIN];
const DEFAULT_OUTPUT_STREAMS = [WSMAN_STREAM_ID_STDOUT, WSMAN_STREAM_ID_STDERR];
/** Room left in an envelope for the header and the Send element around the base64 text. */
const SEND_ENVELOPE_OVERHEAD = 4096;
const NO_ERROR: WSMAN_ERROR = Object.freeze({ code: 0, errorDetail: '', language: '', machineName: '', pluginName: '' });

/** WSMAN_ERROR.code is a DWORD: WinRM codes as they are, Win32 and WinHTTP codes without the HRESULT wrapping. */
function errorCodeOf(hresult: number): number {
  return HRESULT_FACILITY(hresult) === 7 ? toUnsigned(hresult) & 0xffff : toUnsigned(hresult);
}

function optionEntries(options: WSMAN_OPTION_SET | null | undefined): ShellOptions {
  if (!options) return { options: [], mustUnderstand: false };
  const entries: OptionEntry[] = options.options.map((o) => {
    if (!o || typeof o.name !== 'string' || o.name === '') throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_FLAG');
    return { name: o.name, value: o.value ?? null, ...(o.mustComply ? { mustComply: true } : {}) };
  });
  return { options: entries, mustUnderstand: options.optionsMustUnderstand === true };
}

function streamIds(set: WSMAN_STREAM_ID_SET | null | undefined, fallback: readonly string[]): readonly string[] {
  if (!set) return fallback;
  for (const id of set.streamIDs) if (typeof id !== 'string' || id === '') throw wsmanError('ERROR_WSMAN_CREATESHELL_NULL_STREAMID');
  return set.streamIDs.length ? [...set.streamIDs] : fallback;
}

/** WSMAN_DATA text holding XML to place inside the request body (createXml, connectXml). */
function xmlOf(data: WSMAN_DATA | null | undefined): string | undefined {
  if (!data || data.type === WSManDataType.WSMAN_DATA_NONE) return undefined;
  if (data.type !== WSManDataType.WSMAN_DATA_TYPE_TEXT || typeof data.text !== 'string') throw wsmanError('ERROR_WSMAN_INVALID_XML');
  try {
    parseXml(data.text);
  } catch {
    throw wsmanError('ERROR_WSMAN_INVALID_XML');
  }
  return data.text;
}

@injectable()
export class DefaultWSManShellApi implements WSManShellApi {
  readonly #shells = new WeakMap<WSMAN_SHELL_HANDLE, ShellState>();
  readonly #commands = new WeakMap<WSMAN_COMMAND_HANDLE, CommandState>();
  readonly #operations = new WeakMap<WSMAN_OPERATION_HANDLE, OperationState>();

  constructor(
    @inject(WSManClientApi) private readonly api: WSManClientApi,
    @inject(ShellOperations) private readonly wire: ShellOperations,
  ) {}

  WSManCreateShell(
    session: WSMAN_SESSION_HANDLE | null,
    flags: number,
    resourceUri: string | null,
    startupInfo: WSMAN_SHELL_STARTUP_INFO | null,
    options: WSMAN_OPTION_SET | null,
    createXml: WSMAN_DATA | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_SHELL_HANDLE> {
    return this.#createShell(session, flags, resourceUri, undefined, startupInfo, options, createXml, async, false);
  }

  WSManCreateShellEx(
    session: WSMAN_SESSION_HANDLE | null,
    flags: number,
    resourceUri: string | null,
    shellId: string | null,
    startupInfo: WSMAN_SHELL_STARTUP_INFO | null,
    options: WSMAN_OPTION_SET | null,
    createXml: WSMAN_DATA | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_SHELL_HANDLE> {
    return this.#createShell(session, flags, resourceUri, shellId ?? null, startupInfo, options, createXml, async, true);
  }

  #createShell(
    session: WSMAN_SESSION_HANDLE | null,
    flags: number,
    resourceUri: string | null,
    shellId: string | null | undefined,
    startupInfo: WSMAN_SHELL_STARTUP_INFO | null,
    options: WSMAN_OPTION_SET | null,
    createXml: WSMAN_DATA | null,
    async: ShellAsync | null,
    extended: boolean,
  ): ComResult<WSMAN_SHELL_HANDLE> {
    const NULL_PARAM = 'ERROR_WSMAN_CLIENT_CREATESHELL_NULL_PARAM';
    return this.#start(async, NULL_PARAM, () => {
      if (!session || !resourceUri || shellId === null || (extended && !shellId)) throw wsmanError(NULL_PARAM);
      this.api.sessionOf(session);
      if (extended) this.#require11(session);
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_CREATE_SHELL_FLAG');
      const environment = (startupInfo?.variableSet?.vars ?? []).map((v) => {
        if (!v || typeof v.name !== 'string' || v.name === '') throw wsmanError('ERROR_WSMAN_CREATESHELL_NULL_ENVIRONMENT_VARIABLE_NAME');
        return [v.name, v.value ?? ''] as const;
      });
      if (startupInfo?.name && startupInfo.name.length > 255) throw wsmanError('ERROR_WSMAN_CLIENT_CREATESHELL_NAME_INVALID');
      const idleTimeoutMs = startupInfo?.idleTimeoutMs ?? 0;
      if (!Number.isInteger(idleTimeoutMs) || idleTimeoutMs < 0 || idleTimeoutMs > 0xffffffff) throw wsmanError(NULL_PARAM);
      const inputStreams = streamIds(startupInfo?.inputStreamSet, DEFAULT_INPUT_STREAMS);
      const outputStreams = streamIds(startupInfo?.outputStreamSet, DEFAULT_OUTPUT_STREAMS);
      const shellOptions = optionEntries(options);
      const extraXml = xmlOf(createXml);
      const shell = this.#newShell(session, resourceUri, inputStreams, outputStreams);
      return {
        value: shell.handle,
        run: async (callback) => {
          const created = await this.wire.create(
            session,
            resourceUri,
            {
              ...(shellId ? { shellId } : {}),
              ...(startupInfo?.name ? { name: startupInfo.name } : {}),
              environment,
              ...(startupInfo?.workingDirectory ? { workingDirectory: startupInfo.workingDirectory } : {}),
              idleTimeoutMs,
              inputStreams,
              outputStreams,
              ...(extraXml ? { extraXml } : {}),
            },
            shellOptions,
          );
          if (shell.closed) {
            // Closed while Create was on its way: the shell the server made is deleted again.
            await this.wire.delete(session, { resourceUri, shellId: created.shellId }).catch(() => undefined);
            throw wsmanError('ERROR_OPERATION_ABORTED');
          }
          shell.address = { resourceUri, shellId: created.shellId };
          const data: WSMAN_RESPONSE_DATA | null =
            shell.version === WSMAN_FLAG_REQUESTED_API_VERSION_1_1 && created.shellXml
              ? { createData: { data: { type: WSManDataType.WSMAN_DATA_TYPE_TEXT, text: created.shellXml } } }
              : null;
          callback(Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, NO_ERROR, shell.handle, null, null, data);
        },
        shell: () => shell.handle,
      };
    });
  }

  WSManRunShellCommand(
    shell: WSMAN_SHELL_HANDLE | null,
    flags: number,
    commandLine: string | null,
    args: WSMAN_COMMAND_ARG_SET | null,
    options: WSMAN_OPTION_SET | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_COMMAND_HANDLE> {
    return this.#runCommand(shell, flags, undefined, commandLine, args, options, async);
  }

  WSManRunShellCommandEx(
    shell: WSMAN_SHELL_HANDLE | null,
    flags: number,
    commandId: string | null,
    commandLine: string | null,
    args: WSMAN_COMMAND_ARG_SET | null,
    options: WSMAN_OPTION_SET | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_COMMAND_HANDLE> {
    return this.#runCommand(shell, flags, commandId ?? null, commandLine, args, options, async);
  }

  #runCommand(
    shellHandle: WSMAN_SHELL_HANDLE | null,
    flags: number,
    commandId: string | null | undefined,
    commandLine: string | null,
    args: WSMAN_COMMAND_ARG_SET | null,
    options: WSMAN_OPTION_SET | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_COMMAND_HANDLE> {
    const NULL_PARAM = 'ERROR_WSMAN_CLIENT_RUNCOMMAND_NULL_PARAM';
    return this.#start(async, NULL_PARAM, () => {
      if (!shellHandle || typeof commandLine !== 'string' || commandLine === '' || commandId === null) throw wsmanError(NULL_PARAM);
      const shell = this.#usableShell(shellHandle);
      if (commandId !== undefined) {
        this.#require11(shell.session);
        if (commandId === '') throw wsmanError(NULL_PARAM);
      }
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_RUNCOMMAND_FLAG');
      const argv = (args?.args ?? []).map((a) => {
        if (typeof a !== 'string') throw wsmanError('ERROR_WSMAN_RUNSHELLCOMMAND_NULL_ARGUMENT');
        return a;
      });
      const commandOptions = optionEntries(options);
      const command = this.#newCommand(shell);
      return {
        value: command.handle,
        run: async (callback) => {
          const id = await this.wire.command(shell.session, shell.address!, commandLine, argv, commandOptions, commandId);
          if (command.closed) {
            // Closed while the Command was on its way: the command the server started is ended again.
            if (!shell.closed) await this.wire.signal(shell.session, shell.address!, WSMAN_SIGNAL_SHELL_CODE_TERMINATE, id).catch(() => undefined);
            throw wsmanError('ERROR_OPERATION_ABORTED');
          }
          command.commandId = id;
          callback(Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, NO_ERROR, shell.handle, command.handle, null, null);
        },
        shell: () => shell.handle,
        command: () => command.handle,
      };
    });
  }

  WSManReceiveShellOutput(
    shellHandle: WSMAN_SHELL_HANDLE | null,
    commandHandle: WSMAN_COMMAND_HANDLE | null,
    flags: number,
    desiredStreamSet: WSMAN_STREAM_ID_SET | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_OPERATION_HANDLE> {
    const NULL_PARAM = 'ERROR_WSMAN_CLIENT_RECEIVE_NULL_PARAM';
    return this.#start(async, NULL_PARAM, () => {
      if (!shellHandle) throw wsmanError(NULL_PARAM);
      const shell = this.#usableShell(shellHandle);
      const command = commandHandle ? this.#usableCommand(commandHandle, shell) : undefined;
      if ((flags & ~WSManShellFlag.WSMAN_FLAG_RECEIVE_DELAY_OUTPUT_STREAM) !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_RECEIVE_SHELL_FLAG');
      const streams = desiredStreamSet ? [...desiredStreamSet.streamIDs] : [...shell.outputStreams];
      if (streams.length === 0 || streams.some((s) => typeof s !== 'string' || !shell.outputStreams.includes(s))) throw wsmanError('ERROR_WSMAN_SHELL_INVALID_DESIRED_STREAMS');
      const operation = this.#newOperation(async!, shell, command);
      const delay = (flags & WSManShellFlag.WSMAN_FLAG_RECEIVE_DELAY_OUTPUT_STREAM) !== 0;
      return {
        value: operation.handle,
        run: (callback) => this.#receiveLoop(operation, streams, delay, callback),
        shell: () => shell.handle,
        command: () => command?.handle ?? null,
        operation,
      };
    });
  }

  /**
   * Receives until the command is Done: one completion call per stream element of each reply
   * (END_OF_STREAM on an element with End="true"), END_OF_OPERATION on the last one. With
   * WSMAN_FLAG_RECEIVE_DELAY_OUTPUT_STREAM a single reply is delivered and the operation ends with
   * RECEIVE_DELAY_STREAM_REQUEST_PROCESSED: the caller asks for more when it is ready (flow control).
   * While the shell or command is disconnected no Receive is sent; polling resumes on reconnect.
   * Polling, the next Receive goes out as soon as a reply has arrived, before its callbacks run
   * (still one Receive on the wire at a time).
   */
  async #receiveLoop(operation: OperationState, streams: readonly string[], delay: boolean, callback: Completion): Promise<void> {
    const { shell, command } = operation;
    const wanted = (): boolean => !operation.closed && shell.connected.open && (command?.connected.open ?? true);
    const receive = (): Promise<ReceivedOutput | undefined> => this.wire.receive(shell.session, shell.address!, streams, command?.commandId, wanted);
    let next: Promise<ReceivedOutput | undefined> | undefined;
    for (;;) {
      if (!next) {
        await shell.connected.wait();
        if (command) await command.connected.wait();
      }
      if (operation.closed) return;
      const pending = next ?? receive();
      next = undefined;
      let output: ReceivedOutput | undefined;
      try {
        output = await pending;
      } catch (error) {
        // A Receive cut short by Disconnect is resumed after Reconnect, not reported.
        if (!shell.connected.open || (command && !command.connected.open)) continue;
        throw error;
      }
      if (operation.closed) return;
      if (!output) continue;
      const state = output.commandState;
      const done = state !== undefined && state.state === WSMAN_COMMAND_STATE_DONE;
      const last = done ? Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION : delay ? Callback.WSMAN_FLAG_CALLBACK_RECEIVE_DELAY_STREAM_REQUEST_PROCESSED | Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION : 0;
      const commandState = state?.state ?? WSMAN_COMMAND_STATE_RUNNING;
      const exitCode = state?.exitCode ?? 0;
      const chunks = output.streams.length ? output.streams : last ? [undefined] : [];
      if (!last && wanted()) {
        next = receive();
        // Observed when awaited; a closed operation leaves it unawaited.
        next.catch(() => undefined);
      }
      chunks.forEach((chunk, i) => {
        const result: WSMAN_RECEIVE_DATA_RESULT = {
          streamId: chunk?.name ?? '',
          streamData: { type: WSManDataType.WSMAN_DATA_TYPE_BINARY, binary: chunk?.data ?? Buffer.alloc(0) },
          commandState,
          exitCode,
        };
        const flags = (chunk?.end ? Callback.WSMAN_FLAG_CALLBACK_END_OF_STREAM : 0) | (i === chunks.length - 1 ? last : 0);
        if (operation.closed) return;
        callback(flags, NO_ERROR, shell.handle, command?.handle ?? null, operation.handle, shell.version === WSMAN_FLAG_REQUESTED_API_VERSION_1_1 ? { receiveData: result } : result);
      });
      if (last) return;
    }
  }

  WSManSendShellInput(
    shellHandle: WSMAN_SHELL_HANDLE | null,
    commandHandle: WSMAN_COMMAND_HANDLE | null,
    flags: number,
    streamId: string | null,
    streamData: WSMAN_DATA | null,
    endOfStream: boolean,
    async: ShellAsync | null,
  ): ComResult<WSMAN_OPERATION_HANDLE> {
    const NULL_PARAM = 'ERROR_WSMAN_CLIENT_SEND_NULL_PARAM';
    return this.#start(async, NULL_PARAM, () => {
      if (!shellHandle || !streamId || !streamData) throw wsmanError(NULL_PARAM);
      const shell = this.#usableShell(shellHandle);
      const command = commandHandle ? this.#usableCommand(commandHandle, shell) : undefined;
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_SEND_SHELL_FLAG');
      if (streamData.type !== WSManDataType.WSMAN_DATA_TYPE_BINARY || !(streamData.binary instanceof Uint8Array)) {
        throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_SEND_SHELL_PARAMETER');
      }
      // A stream that was ended is no longer an input stream of the command.
      if (!shell.inputStreams.includes(streamId) || command?.endedInputs.has(streamId)) throw wsmanError('ERROR_WSMAN_SHELL_INVALID_INPUT_STREAM');
      if (endOfStream) command?.endedInputs.add(streamId);
      const data = Buffer.from(streamData.binary);
      const operation = this.#newOperation(async!, shell, command);
      const envelopeKb = this.api.sessionOf(shell.session).getDword(WSManSessionOption.WSMAN_OPTION_MAX_ENVELOPE_SIZE_KB);
      const chunkSize = Math.max(1024, Math.floor(((envelopeKb * 1024 - SEND_ENVELOPE_OVERHEAD) * 3) / 4));
      return {
        value: operation.handle,
        run: async (callback) => {
          // Larger input than one envelope holds goes in several Sends, End only on the last.
          for (let offset = 0; offset === 0 || offset < data.length; offset += chunkSize) {
            const piece = data.subarray(offset, offset + chunkSize);
            const final = offset + chunkSize >= data.length;
            await this.wire.send(shell.session, shell.address!, streamId, piece, endOfStream && final, command?.commandId);
            if (operation.closed) return;
          }
          callback(Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, NO_ERROR, shell.handle, command?.handle ?? null, operation.handle, null);
        },
        shell: () => shell.handle,
        command: () => command?.handle ?? null,
        operation,
      };
    });
  }

  WSManSignalShell(
    shellHandle: WSMAN_SHELL_HANDLE | null,
    commandHandle: WSMAN_COMMAND_HANDLE | null,
    flags: number,
    code: string | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_OPERATION_HANDLE> {
    const NULL_PARAM = 'ERROR_WSMAN_CLIENT_SIGNAL_NULL_PARAM';
    return this.#start(async, NULL_PARAM, () => {
      if (!shellHandle || !code) throw wsmanError(NULL_PARAM);
      const shell = this.#usableShell(shellHandle);
      const command = commandHandle ? this.#usableCommand(commandHandle, shell) : undefined;
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_SIGNAL_SHELL_FLAG');
      const operation = this.#newOperation(async!, shell, command);
      return {
        value: operation.handle,
        run: async (callback) => {
          await this.wire.signal(shell.session, shell.address!, code, command?.commandId);
          if (operation.closed) return;
          callback(Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, NO_ERROR, shell.handle, command?.handle ?? null, operation.handle, null);
        },
        shell: () => shell.handle,
        command: () => command?.handle ?? null,
        operation,
      };
    });
  }

  WSManCloseCommand(commandHandle: WSMAN_COMMAND_HANDLE | null, flags: number, async: ShellAsync | null): ComResult<void> {
    const NULL_PARAM = 'ERROR_WSMAN_CLIENT_CLOSECOMMAND_NULL_PARAM';
    return this.#start(async, NULL_PARAM, () => {
      if (!commandHandle) throw wsmanError(NULL_PARAM);
      const command = this.#knownCommand(commandHandle);
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_CLOSE_COMMAND_FLAG');
      const { shell } = command;
      this.#closeCommand(command);
      return {
        value: undefined,
        run: async (callback) => {
          // The command ends on the server with Signal terminate (MS-WSMV §3.1.4.14); one already gone is fine.
          if (command.commandId && shell.address && !shell.closed && shell.connected.open) {
            await this.wire.signal(shell.session, shell.address, WSMAN_SIGNAL_SHELL_CODE_TERMINATE, command.commandId).catch(ignoreAlreadyGone);
          }
          callback(Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, NO_ERROR, shell.handle, command.handle, null, null);
        },
        shell: () => shell.handle,
        command: () => command.handle,
      };
    });
  }

  WSManCloseShell(shellHandle: WSMAN_SHELL_HANDLE | null, flags: number, async: ShellAsync | null): ComResult<void> {
    const NULL_PARAM = 'ERROR_WSMAN_CLIENT_CLOSESHELL_NULL_PARAM';
    return this.#start(async, NULL_PARAM, () => {
      if (!shellHandle) throw wsmanError(NULL_PARAM);
      const shell = this.#shells.get(shellHandle);
      if (!shell) throw wsmanError('ERROR_WSMAN_SHELL_INVALID_SHELL_HANDLE');
      if (shell.closed) throw wsmanError('ERROR_WSMAN_SHELL_ALREADY_CLOSED');
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_CLOSE_SHELL_FLAG');
      shell.closed = true;
      for (const command of shell.commands) this.#closeCommand(command);
      shell.connected.set(true);
      return {
        value: undefined,
        run: async (callback) => {
          if (shell.address) await this.wire.delete(shell.session, shell.address).catch(ignoreAlreadyGone);
          callback(Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, NO_ERROR, shell.handle, null, null, null);
        },
        shell: () => shell.handle,
      };
    });
  }

  WSManCloseOperation(operationHandle: WSMAN_OPERATION_HANDLE | null, flags: number): ComResult<void> {
    return this.#call(() => {
      if (!operationHandle) throw wsmanError('E_INVALIDARG');
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_FLAG');
      const operation = this.#operations.get(operationHandle);
      if (!operation || operation.closed) throw wsmanError('ERROR_INVALID_HANDLE');
      this.#abort(operation);
    });
  }

  WSManDisconnectShell(shellHandle: WSMAN_SHELL_HANDLE | null, flags: number, disconnectInfo: WSMAN_SHELL_DISCONNECT_INFO | null, async: ShellAsync | null): ComResult<void> {
    const NULL_PARAM = 'ERROR_WSMAN_CLIENT_DISCONNECTSHELL_NULL_PARAM';
    return this.#start(async, NULL_PARAM, () => {
      if (!shellHandle) throw wsmanError(NULL_PARAM);
      const shell = this.#knownShell(shellHandle);
      this.#require11(shell.session);
      if (!shell.address) throw wsmanError('ERROR_WSMAN_SHELL_INVALID_SHELL_HANDLE');
      const modes = WSManShellFlag.WSMAN_FLAG_SERVER_BUFFERING_MODE_DROP | WSManShellFlag.WSMAN_FLAG_SERVER_BUFFERING_MODE_BLOCK;
      if ((flags & ~modes) !== 0 || (flags & modes) === modes) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_DISCONNECT_SHELL_FLAG');
      if (!shell.connected.open) throw wsmanError('ERROR_WINRS_SHELL_DISCONNECT_OPERATION_NOT_VALID');
      const idle = disconnectInfo?.idleTimeoutMs;
      if (idle !== undefined && (!Number.isInteger(idle) || idle < 0 || idle > 0xffffffff)) throw wsmanError(NULL_PARAM);
      const mode: BufferMode | undefined =
        flags & WSManShellFlag.WSMAN_FLAG_SERVER_BUFFERING_MODE_DROP ? 'Drop' : flags & WSManShellFlag.WSMAN_FLAG_SERVER_BUFFERING_MODE_BLOCK ? 'Block' : undefined;
      // From now on no Receive is issued: the streams are suspended until Reconnect.
      shell.connected.set(false);
      for (const command of shell.commands) command.connected.set(false);
      return {
        value: undefined,
        run: async (callback) => {
          try {
            await this.wire.disconnect(shell.session, shell.address!, idle, mode);
          } catch (error) {
            // A fault is the server refusing: still connected. A network failure leaves the client disconnected anyway.
            if (error instanceof WSManError && !error.faultXml && HRESULT_FACILITY(error.hresult) === 7) {
              throw wsmanError('ERROR_WINRS_SHELL_DISCONNECT_OPERATION_NOT_GRACEFUL', { cause: error });
            }
            shell.connected.set(true);
            for (const command of shell.commands) command.connected.set(true);
            throw error;
          }
          callback(Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, NO_ERROR, shell.handle, null, null, null);
        },
        shell: () => shell.handle,
      };
    });
  }

  WSManReconnectShell(shellHandle: WSMAN_SHELL_HANDLE | null, flags: number, async: ShellAsync | null): ComResult<void> {
    const NULL_PARAM = 'ERROR_WSMAN_CLIENT_RECONNECTSHELL_NULL_PARAM';
    return this.#start(async, NULL_PARAM, () => {
      if (!shellHandle) throw wsmanError(NULL_PARAM);
      const shell = this.#knownShell(shellHandle);
      this.#require11(shell.session);
      if (!shell.address) throw wsmanError('ERROR_WSMAN_SHELL_INVALID_SHELL_HANDLE');
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_FLAG');
      if (shell.connected.open) throw wsmanError('ERROR_WINRS_SHELL_RECONNECT_OPERATION_NOT_VALID');
      return {
        value: undefined,
        run: async (callback) => {
          await this.wire.reconnect(shell.session, shell.address!);
          shell.connected.set(true);
          callback(Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, NO_ERROR, shell.handle, null, null, null);
        },
        shell: () => shell.handle,
      };
    });
  }

  /** Resumes a command of a reconnected shell on the client side (Reconnect is one message for the whole shell). */
  WSManReconnectShellCommand(commandHandle: WSMAN_COMMAND_HANDLE | null, flags: number, async: ShellAsync | null): ComResult<void> {
    const NULL_PARAM = 'ERROR_WSMAN_CLIENT_RECONNECTSHELLCOMMAND_NULL_PARAM';
    return this.#start(async, NULL_PARAM, () => {
      if (!commandHandle) throw wsmanError(NULL_PARAM);
      const command = this.#knownCommand(commandHandle);
      this.#require11(command.shell.session);
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_FLAG');
      if (command.connected.open) throw wsmanError('ERROR_WINRS_SHELLCOMMAND_RECONNECT_OPERATION_NOT_VALID');
      if (!command.shell.connected.open) throw wsmanError('ERROR_WINRS_SHELL_DISCONNECTED');
      return {
        value: undefined,
        run: async (callback) => {
          command.connected.set(true);
          callback(Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, NO_ERROR, command.shell.handle, command.handle, null, null);
        },
        shell: () => command.shell.handle,
        command: () => command.handle,
      };
    });
  }

  WSManConnectShell(
    session: WSMAN_SESSION_HANDLE | null,
    flags: number,
    resourceUri: string | null,
    shellId: string | null,
    options: WSMAN_OPTION_SET | null,
    connectXml: WSMAN_DATA | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_SHELL_HANDLE> {
    const NULL_PARAM = 'ERROR_WSMAN_CLIENT_CONNECTSHELL_NULL_PARAM';
    return this.#start(async, NULL_PARAM, () => {
      if (!session || !resourceUri || !shellId) throw wsmanError(NULL_PARAM);
      this.api.sessionOf(session);
      this.#require11(session);
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_FLAG');
      const connectOptions = optionEntries(options);
      const extraXml = xmlOf(connectXml);
      const shell = this.#newShell(session, resourceUri, DEFAULT_INPUT_STREAMS, DEFAULT_OUTPUT_STREAMS);
      return {
        value: shell.handle,
        run: async (callback) => {
          const address = { resourceUri, shellId };
          const answer = await this.wire.connect(session, address, connectOptions, extraXml);
          if (shell.closed) return;
          shell.address = address;
          shell.inputStreams = answer.inputStreams ?? shell.inputStreams;
          shell.outputStreams = answer.outputStreams ?? shell.outputStreams;
          callback(Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, NO_ERROR, shell.handle, null, null, connectData(answer.xml));
        },
        shell: () => shell.handle,
      };
    });
  }

  WSManConnectShellCommand(
    shellHandle: WSMAN_SHELL_HANDLE | null,
    flags: number,
    commandId: string | null,
    options: WSMAN_OPTION_SET | null,
    connectXml: WSMAN_DATA | null,
    async: ShellAsync | null,
  ): ComResult<WSMAN_COMMAND_HANDLE> {
    const NULL_PARAM = 'ERROR_WSMAN_CLIENT_CONNECTCOMMAND_NULL_PARAM';
    return this.#start(async, NULL_PARAM, () => {
      if (!shellHandle || !commandId) throw wsmanError(NULL_PARAM);
      const shell = this.#usableShell(shellHandle);
      this.#require11(shell.session);
      if (flags !== 0) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_FLAG');
      // Connect is a message of the shell (MS-WSMV §3.1.4.17): a command's options and connect XML have no message to travel in.
      if (options?.options.length || xmlOf(connectXml) !== undefined) throw wsmanError('ERROR_WSMAN_UNSUPPORTED_FEATURE');
      const command = this.#newCommand(shell);
      return {
        value: command.handle,
        run: async (callback) => {
          if (command.closed) return;
          command.commandId = commandId;
          callback(Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, NO_ERROR, shell.handle, command.handle, null, null);
        },
        shell: () => shell.handle,
        command: () => command.handle,
      };
    });
  }

  // ---- handles and state ----------------------------------------------------------------------

  #newShell(session: WSMAN_SESSION_HANDLE, resourceUri: string, inputStreams: readonly string[], outputStreams: readonly string[]): ShellState {
    const handle = Object.freeze({}) as WSMAN_SHELL_HANDLE;
    const shell: ShellState = {
      handle,
      session,
      version: this.api.apiVersionOf(session),
      resourceUri,
      inputStreams,
      outputStreams,
      address: undefined,
      closed: false,
      connected: new Gate(),
      commands: new Set(),
    };
    this.#shells.set(handle, shell);
    return shell;
  }

  #newCommand(shell: ShellState): CommandState {
    const handle = Object.freeze({}) as WSMAN_COMMAND_HANDLE;
    const command: CommandState = { handle, shell, commandId: undefined, closed: false, endedInputs: new Set(), connected: new Gate(), operations: new Set() };
    this.#commands.set(handle, command);
    shell.commands.add(command);
    return command;
  }

  #newOperation(async: ShellAsync, shell: ShellState, command: CommandState | undefined): OperationState {
    const handle = Object.freeze({}) as WSMAN_OPERATION_HANDLE;
    const operation: OperationState = { handle, ended: false, closed: false, async, shell, command };
    this.#operations.set(handle, operation);
    command?.operations.add(operation);
    return operation;
  }

  #closeCommand(command: CommandState): void {
    command.closed = true;
    command.connected.set(true);
    for (const operation of command.operations) this.#abort(operation);
    command.shell.commands.delete(command);
  }

  /** Closing an operation whose completion was not yet reported tells it WSMAN_ERROR_OPERATION_ABORTED. */
  #abort(operation: OperationState): void {
    if (operation.closed) return;
    operation.closed = true;
    operation.command?.operations.delete(operation);
    if (operation.ended) return;
    operation.ended = true;
    const error: WSMAN_ERROR = { ...NO_ERROR, code: WSMAN_ERROR_OPERATION_ABORTED, errorDetail: wsmanError('ERROR_OPERATION_ABORTED').message, language: 'en-US' };
    const { shell, command } = operation;
    queueMicrotask(() => invoke(operation.async, Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, error, shell.handle, command?.handle ?? null, operation.handle, null));
  }

  #knownShell(handle: WSMAN_SHELL_HANDLE): ShellState {
    const shell = this.#shells.get(handle);
    if (!shell) throw wsmanError('ERROR_WSMAN_SHELL_INVALID_SHELL_HANDLE');
    if (shell.closed) throw wsmanError('ERROR_WSMAN_SHELL_ALREADY_CLOSED');
    this.api.sessionOf(shell.session);
    return shell;
  }

  /** A shell that was created (or connected), is not closed, and is connected. */
  #usableShell(handle: WSMAN_SHELL_HANDLE): ShellState {
    const shell = this.#knownShell(handle);
    if (!shell.address) throw wsmanError('ERROR_WSMAN_SHELL_INVALID_SHELL_HANDLE');
    if (!shell.connected.open) throw wsmanError('ERROR_WINRS_SHELL_DISCONNECTED');
    return shell;
  }

  #knownCommand(handle: WSMAN_COMMAND_HANDLE): CommandState {
    const command = this.#commands.get(handle);
    if (!command) throw wsmanError('ERROR_WSMAN_SHELL_INVALID_COMMAND_HANDLE');
    if (command.closed) throw wsmanError('ERROR_WSMAN_COMMAND_ALREADY_CLOSED');
    return command;
  }

  /** A command the server has started (it has an id), not closed, of this shell. */
  #usableCommand(handle: WSMAN_COMMAND_HANDLE, shell: ShellState): CommandState {
    const command = this.#commands.get(handle);
    if (!command || !command.commandId) throw wsmanError('ERROR_WSMAN_SHELL_INVALID_COMMAND_HANDLE');
    if (command.closed) throw wsmanError('ERROR_WSMAN_COMMAND_ALREADY_CLOSED');
    if (command.shell !== shell) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_SHELL_COMMAND_PAIR');
    return command;
  }

  /** Disconnect, reconnect, connect and the client-chosen ids exist only for API 1.1 handles. */
  #require11(session: WSMAN_SESSION_HANDLE): void {
    if (this.api.apiVersionOf(session) !== WSMAN_FLAG_REQUESTED_API_VERSION_1_1) throw wsmanError('ERROR_WINRS_SHELL_DISCONNECT_NOT_SUPPORTED');
  }

  /**
   * Checks the call synchronously; then runs its wire part after the call returned. Failures of
   * either kind reach the completion function with END_OF_OPERATION; argument failures are also
   * the call's own result. Without a completion function nothing can be reported: the call fails.
   */
  #start<T>(async: ShellAsync | null, nullParam: string, prepare: () => Prepared<T>): ComResult<T> {
    if (!async || typeof async.completionFunction !== 'function') return toComFailure(wsmanError(nullParam), ERROR_SOURCE);
    let prepared: Prepared<T>;
    try {
      prepared = prepare();
    } catch (error) {
      queueMicrotask(() => invoke(async, Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, errorOf(error), null, null, null, null));
      return toComFailure(error, ERROR_SOURCE);
    }
    const operation = prepared.operation;
    const callback: Completion = (flags, error, shell, command, op, data) => {
      if (operation) {
        if (operation.closed && operation.ended) return;
        if (flags & Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION) operation.ended = true;
      }
      invoke(async, flags, error, shell, command, op, data);
    };
    setImmediate(() => {
      prepared.run(callback).catch((error: unknown) => {
        if (operation?.closed) return;
        callback(Callback.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, errorOf(error), prepared.shell(), prepared.command?.() ?? null, operation?.handle ?? null, null);
      });
    });
    return succeeded(prepared.value);
  }

  #call<T>(body: () => T): ComResult<T> {
    try {
      return succeeded(body());
    } catch (error) {
      return toComFailure(error, ERROR_SOURCE);
    }
  }
}

type Completion = (
  flags: number,
  error: WSMAN_ERROR,
  shell: WSMAN_SHELL_HANDLE | null,
  command: WSMAN_COMMAND_HANDLE | null,
  operation: WSMAN_OPERATION_HANDLE | null,
  data: WSMAN_RESPONSE_DATA | WSMAN_RECEIVE_DATA_RESULT | null,
) => void;

interface Prepared<T> {
  readonly value: T;
  readonly run: (callback: Completion) => Promise<void>;
  readonly shell: () => WSMAN_SHELL_HANDLE | null;
  readonly command?: () => WSMAN_COMMAND_HANDLE | null;
  readonly operation?: OperationState;
}

function invoke(
  async: ShellAsync,
  flags: number,
  error: WSMAN_ERROR,
  shell: WSMAN_SHELL_HANDLE | null,
  command: WSMAN_COMMAND_HANDLE | null,
  operation: WSMAN_OPERATION_HANDLE | null,
  data: WSMAN_RESPONSE_DATA | WSMAN_RECEIVE_DATA_RESULT | null,
): void {
  async.completionFunction(async.operationContext, flags, error, shell, command, operation, error.code === 0 ? data : null);
}

/** WSMAN_ERROR of a failure: the WSManFault XML a server sent, else the message text. */
function errorOf(error: unknown): WSMAN_ERROR {
  const known = error instanceof WSManError ? error : wsmanError('E_UNEXPECTED', { cause: error });
  return { code: errorCodeOf(known.hresult), errorDetail: known.faultXml || known.message, language: 'en-US', machineName: '', pluginName: '' };
}

function ignoreAlreadyGone(error: unknown): void {
  if (error instanceof WSManError && error.hresult === ALREADY_GONE) return;
  throw error;
}

function connectData(answer: string): WSMAN_RESPONSE_DATA | null {
  return answer ? { connectData: { data: { type: WSManDataType.WSMAN_DATA_TYPE_TEXT, text: answer } } } : null;
}

/**
 * The shell operations of a client session on the wire: each builds the Windows request, sends it
 * on the session's connection with the shell timeout option that applies, and reads the answer.
 * Receive is a long poll: a `w:TimedOut` fault (no output within OperationTimeout) is answered
 * with another Receive, silently, as the Windows client does; Receive has its own connection so
 * that Send and Signal never wait behind it.
 */
import { inject, injectable } from 'inversify';
import { WSManClientApi, type WSMAN_SESSION_HANDLE } from '../capi/client-api';
import { WSManSessionOption as Option } from '../capi/constants';
import { WSManError } from '../errors/wsman-error';
import type { OptionEntry } from '../protocol/envelope';
import { ACTION } from '../protocol/namespaces';
import { SHELL_ACTION } from '../protocol/shell-protocol';
import { WSManOperations, type OperationTarget } from '../session/wsman-operations';
import {
  type BufferMode,
  commandBody,
  connectBody,
  type ConnectedShell,
  type CreatedShell,
  disconnectBody,
  readCommandResponse,
  readConnectResponse,
  readCreateResponse,
  readReceiveResponse,
  RECEIVE_OPTIONS,
  type ReceivedOutput,
  receiveBody,
  sendBody,
  type ShellCreateRequest,
  shellCreateBody,
  signalBody,
} from './shell-messages';

/** ERROR_WSMAN_OPERATION_TIMEDOUT: the w:TimedOut answer to a Receive with nothing to say. */
const OPERATION_TIMED_OUT = 0x80338029;
const RECEIVE_CHANNEL = 'shell-receive';

export interface ShellAddress {
  readonly resourceUri: string;
  readonly shellId: string;
}

function shellTarget(shell: ShellAddress, options: readonly OptionEntry[] = [], mustUnderstand = false): OperationTarget {
  return { resourceUri: shell.resourceUri, selectors: [{ name: 'ShellId', value: shell.shellId }], options, mustUnderstandOptions: mustUnderstand };
}

export interface ShellOptions {
  readonly options: readonly OptionEntry[];
  readonly mustUnderstand: boolean;
}

const NO_OPTIONS: ShellOptions = { options: [], mustUnderstand: false };

@injectable()
export class ShellOperations {
  constructor(
    @inject(WSManOperations) private readonly operations: WSManOperations,
    @inject(WSManClientApi) private readonly api: WSManClientApi,
  ) {}

  async create(session: WSMAN_SESSION_HANDLE, resourceUri: string, request: ShellCreateRequest, options: ShellOptions = NO_OPTIONS): Promise<CreatedShell> {
    const target: OperationTarget = { resourceUri, selectors: [], options: options.options, mustUnderstandOptions: options.mustUnderstand };
    const body = await this.operations.request(session, ACTION.create, target, shellCreateBody(request), this.timeout(session, Option.WSMAN_OPTION_TIMEOUTMS_CREATE_SHELL));
    return readCreateResponse(body);
  }

  async command(
    session: WSMAN_SESSION_HANDLE,
    shell: ShellAddress,
    command: string,
    args: readonly string[],
    options: ShellOptions = NO_OPTIONS,
    commandId?: string,
  ): Promise<string> {
    const body = await this.operations.request(
      session,
      SHELL_ACTION.command,
      shellTarget(shell, options.options, options.mustUnderstand),
      commandBody(command, args, commandId),
      this.timeout(session, Option.WSMAN_OPTION_TIMEOUTMS_RUN_SHELL_COMMAND),
    );
    return readCommandResponse(body);
  }

  /**
   * One Receive, re-issued while the service answers w:TimedOut; `stillWanted` is asked before each
   * new request (a closed operation stops polling).
   */
  async receive(session: WSMAN_SESSION_HANDLE, shell: ShellAddress, streams: readonly string[], commandId: string | undefined, stillWanted: () => boolean = () => true): Promise<ReceivedOutput | undefined> {
    const options = { ...this.timeout(session, Option.WSMAN_OPTION_TIMEOUTMS_RECEIVE_SHELL_OUTPUT), channel: RECEIVE_CHANNEL };
    while (stillWanted()) {
      try {
        const body = await this.operations.request(session, SHELL_ACTION.receive, shellTarget(shell, RECEIVE_OPTIONS), receiveBody(streams, commandId), options);
        return readReceiveResponse(body);
      } catch (error) {
        if (!(error instanceof WSManError) || error.hresult !== OPERATION_TIMED_OUT) throw error;
      }
    }
    return undefined;
  }

  async send(session: WSMAN_SESSION_HANDLE, shell: ShellAddress, stream: string, data: Uint8Array, end: boolean, commandId?: string): Promise<void> {
    await this.operations.request(session, SHELL_ACTION.send, shellTarget(shell), sendBody(stream, data, end, commandId), this.timeout(session, Option.WSMAN_OPTION_TIMEOUTMS_SEND_SHELL_INPUT));
  }

  async signal(session: WSMAN_SESSION_HANDLE, shell: ShellAddress, code: string, commandId?: string): Promise<void> {
    await this.operations.request(session, SHELL_ACTION.signal, shellTarget(shell), signalBody(code, commandId), this.timeout(session, Option.WSMAN_OPTION_TIMEOUTMS_SIGNAL_SHELL));
  }

  async delete(session: WSMAN_SESSION_HANDLE, shell: ShellAddress): Promise<void> {
    await this.operations.request(session, ACTION.delete, shellTarget(shell), '', this.timeout(session, Option.WSMAN_OPTION_TIMEOUTMS_CLOSE_SHELL));
  }

  async disconnect(session: WSMAN_SESSION_HANDLE, shell: ShellAddress, idleTimeoutMs: number | undefined, bufferMode: BufferMode | undefined): Promise<void> {
    await this.operations.request(session, SHELL_ACTION.disconnect, shellTarget(shell), disconnectBody(idleTimeoutMs, bufferMode), {});
  }

  /** Reconnect has an empty body (as recorded from Windows in pypsrp's test_psrp_disconnect_runspaces). */
  async reconnect(session: WSMAN_SESSION_HANDLE, shell: ShellAddress): Promise<void> {
    await this.operations.request(session, SHELL_ACTION.reconnect, shellTarget(shell), '', {});
  }

  /** Takes over a shell that another client left disconnected. */
  async connect(session: WSMAN_SESSION_HANDLE, shell: ShellAddress, options: ShellOptions, connectXml: string | undefined): Promise<ConnectedShell> {
    const body = await this.operations.request(session, SHELL_ACTION.connect, shellTarget(shell, options.options, options.mustUnderstand), connectBody(connectXml), {});
    return readConnectResponse(body);
  }

  private timeout(session: WSMAN_SESSION_HANDLE, option: Option): { operationTimeoutMs: number } {
    return { operationTimeoutMs: this.api.sessionOf(session).getDword(option) };
  }
}

/** The WinRM C API shell functions by their wsman.h names, backed by the default container's engine. */
import { defaultContainer } from './composition-root';
import type { WSMAN_SESSION_HANDLE } from './core/capi/client-api';
import type { WSMAN_COMMAND_ARG_SET, WSMAN_DATA, WSMAN_OPTION_SET, WSMAN_SHELL_DISCONNECT_INFO, WSMAN_SHELL_STARTUP_INFO, WSMAN_STREAM_ID_SET } from './core/capi/constants';
import { RemoteShell, type RemoteShellOptions } from './core/shell/remote-shell';
import { WSManShellApi, type ShellAsync, type WSMAN_COMMAND_HANDLE, type WSMAN_OPERATION_HANDLE, type WSMAN_SHELL_HANDLE } from './core/capi/shell-api';

const engine = (): WSManShellApi => defaultContainer().get(WSManShellApi);

export const WSManCreateShell = (
  session: WSMAN_SESSION_HANDLE | null,
  flags: number,
  resourceUri: string | null,
  startupInfo: WSMAN_SHELL_STARTUP_INFO | null,
  options: WSMAN_OPTION_SET | null,
  createXml: WSMAN_DATA | null,
  async: ShellAsync | null,
) => engine().WSManCreateShell(session, flags, resourceUri, startupInfo, options, createXml, async);
export const WSManCreateShellEx = (
  session: WSMAN_SESSION_HANDLE | null,
  flags: number,
  resourceUri: string | null,
  shellId: string | null,
  startupInfo: WSMAN_SHELL_STARTUP_INFO | null,
  options: WSMAN_OPTION_SET | null,
  createXml: WSMAN_DATA | null,
  async: ShellAsync | null,
) => engine().WSManCreateShellEx(session, flags, resourceUri, shellId, startupInfo, options, createXml, async);
export const WSManRunShellCommand = (
  shell: WSMAN_SHELL_HANDLE | null,
  flags: number,
  commandLine: string | null,
  args: WSMAN_COMMAND_ARG_SET | null,
  options: WSMAN_OPTION_SET | null,
  async: ShellAsync | null,
) => engine().WSManRunShellCommand(shell, flags, commandLine, args, options, async);
export const WSManRunShellCommandEx = (
  shell: WSMAN_SHELL_HANDLE | null,
  flags: number,
  commandId: string | null,
  commandLine: string | null,
  args: WSMAN_COMMAND_ARG_SET | null,
  options: WSMAN_OPTION_SET | null,
  async: ShellAsync | null,
) => engine().WSManRunShellCommandEx(shell, flags, commandId, commandLine, args, options, async);
export const WSManReceiveShellOutput = (
  shell: WSMAN_SHELL_HANDLE | null,
  command: WSMAN_COMMAND_HANDLE | null,
  flags: number,
  desiredStreamSet: WSMAN_STREAM_ID_SET | null,
  async: ShellAsync | null,
) => engine().WSManReceiveShellOutput(shell, command, flags, desiredStreamSet, async);
export const WSManSendShellInput = (
  shell: WSMAN_SHELL_HANDLE | null,
  command: WSMAN_COMMAND_HANDLE | null,
  flags: number,
  streamId: string | null,
  streamData: WSMAN_DATA | null,
  endOfStream: boolean,
  async: ShellAsync | null,
) => engine().WSManSendShellInput(shell, command, flags, streamId, streamData, endOfStream, async);
export const WSManSignalShell = (shell: WSMAN_SHELL_HANDLE | null, command: WSMAN_COMMAND_HANDLE | null, flags: number, code: string | null, async: ShellAsync | null) =>
  engine().WSManSignalShell(shell, command, flags, code, async);
export const WSManCloseCommand = (command: WSMAN_COMMAND_HANDLE | null, flags: number, async: ShellAsync | null) => engine().WSManCloseCommand(command, flags, async);
export const WSManCloseShell = (shell: WSMAN_SHELL_HANDLE | null, flags: number, async: ShellAsync | null) => engine().WSManCloseShell(shell, flags, async);
export const WSManCloseOperation = (operation: WSMAN_OPERATION_HANDLE | null, flags: number) => engine().WSManCloseOperation(operation, flags);
export const WSManDisconnectShell = (shell: WSMAN_SHELL_HANDLE | null, flags: number, disconnectInfo: WSMAN_SHELL_DISCONNECT_INFO | null, async: ShellAsync | null) =>
  engine().WSManDisconnectShell(shell, flags, disconnectInfo, async);
export const WSManReconnectShell = (shell: WSMAN_SHELL_HANDLE | null, flags: number, async: ShellAsync | null) => engine().WSManReconnectShell(shell, flags, async);
export const WSManReconnectShellCommand = (command: WSMAN_COMMAND_HANDLE | null, flags: number, async: ShellAsync | null) =>
  engine().WSManReconnectShellCommand(command, flags, async);
export const WSManConnectShell = (
  session: WSMAN_SESSION_HANDLE | null,
  flags: number,
  resourceUri: string | null,
  shellId: string | null,
  options: WSMAN_OPTION_SET | null,
  connectXml: WSMAN_DATA | null,
  async: ShellAsync | null,
) => engine().WSManConnectShell(session, flags, resourceUri, shellId, options, connectXml, async);
export const WSManConnectShellCommand = (
  shell: WSMAN_SHELL_HANDLE | null,
  flags: number,
  commandId: string | null,
  options: WSMAN_OPTION_SET | null,
  connectXml: WSMAN_DATA | null,
  async: ShellAsync | null,
) => engine().WSManConnectShellCommand(shell, flags, commandId, options, connectXml, async);

/** A remote shell through the default engine, with Promise and stream helpers (see RemoteShell). */
export const createRemoteShell = (session: WSMAN_SESSION_HANDLE, options?: RemoteShellOptions) => RemoteShell.create(engine(), session, options);

/**
 * The WinRS (remote shell) vocabulary both sides speak: wsman.h's shell constants and the
 * actions of MS-WSMV §3.1.4.11–3.1.4.17 (wire.md §3.8).
 */
import { NS } from './namespaces';

export const WSMAN_SHELL_NS = NS.shell;
export const WSMAN_CMDSHELL_URI = `${NS.shell}/cmd`;

export const WSMAN_STREAM_ID_STDIN = 'stdin';
export const WSMAN_STREAM_ID_STDOUT = 'stdout';
export const WSMAN_STREAM_ID_STDERR = 'stderr';

export const WSMAN_CMDSHELL_OPTION_CODEPAGE = 'WINRS_CODEPAGE';
export const WSMAN_SHELL_OPTION_NOPROFILE = 'WINRS_NOPROFILE';
export const WSMAN_CMDSHELL_OPTION_CONSOLEMODE_STDIN = 'WINRS_CONSOLEMODE_STDIN';
export const WSMAN_CMDSHELL_OPTION_SKIP_CMD_SHELL = 'WINRS_SKIP_CMD_SHELL';
/** Sent with every Receive by Windows clients (MS-WSMV §3.2.4.1.20); servers ignore it. */
export const WSMAN_CMDSHELL_OPTION_KEEPALIVE = 'WSMAN_CMDSHELL_OPTION_KEEPALIVE';

export const WSMAN_COMMAND_STATE_DONE = `${NS.shell}/CommandState/Done`;
export const WSMAN_COMMAND_STATE_PENDING = `${NS.shell}/CommandState/Pending`;
export const WSMAN_COMMAND_STATE_RUNNING = `${NS.shell}/CommandState/Running`;

export const WSMAN_SIGNAL_SHELL_CODE_TERMINATE = `${NS.shell}/signal/terminate`;
export const WSMAN_SIGNAL_SHELL_CODE_CTRL_C = `${NS.shell}/signal/ctrl_c`;
export const WSMAN_SIGNAL_SHELL_CODE_CTRL_BREAK = `${NS.shell}/signal/ctrl_break`;

/** Custom actions on a shell (the transfer actions Create/Delete and Enumerate are the standard ones). */
export const SHELL_ACTION = {
  command: `${NS.shell}/Command`,
  send: `${NS.shell}/Send`,
  receive: `${NS.shell}/Receive`,
  signal: `${NS.shell}/Signal`,
  disconnect: `${NS.shell}/Disconnect`,
  reconnect: `${NS.shell}/Reconnect`,
  connect: `${NS.shell}/Connect`,
} as const;

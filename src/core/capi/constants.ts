/** Enumerations and constants of wsman.h (the WinRM C API), with the header's values. */

export const WSMAN_FLAG_REQUESTED_API_VERSION_1_0 = 0x0;
export const WSMAN_FLAG_REQUESTED_API_VERSION_1_1 = 0x1;
export const WSMAN_DEFAULT_TIMEOUT_MS = 60000;

export enum WSManDataType {
  WSMAN_DATA_NONE = 0x0,
  WSMAN_DATA_TYPE_TEXT = 0x1,
  WSMAN_DATA_TYPE_BINARY = 0x2,
  WSMAN_DATA_TYPE_DWORD = 0x4,
}

export enum WSManAuthenticationFlags {
  WSMAN_FLAG_DEFAULT_AUTHENTICATION = 0x0,
  WSMAN_FLAG_NO_AUTHENTICATION = 0x1,
  WSMAN_FLAG_AUTH_DIGEST = 0x2,
  WSMAN_FLAG_AUTH_NEGOTIATE = 0x4,
  WSMAN_FLAG_AUTH_BASIC = 0x8,
  WSMAN_FLAG_AUTH_KERBEROS = 0x10,
  WSMAN_FLAG_AUTH_CLIENT_CERTIFICATE = 0x20,
  WSMAN_FLAG_AUTH_CREDSSP = 0x80,
}

export enum WSManProxyAccessType {
  WSMAN_OPTION_PROXY_IE_PROXY_CONFIG = 0x1,
  WSMAN_OPTION_PROXY_WINHTTP_PROXY_CONFIG = 0x2,
  WSMAN_OPTION_PROXY_AUTO_DETECT = 0x4,
  WSMAN_OPTION_PROXY_NO_PROXY_SERVER = 0x8,
}

export enum WSManSessionOption {
  WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS = 1,
  WSMAN_OPTION_MAX_RETRY_TIME = 11,
  WSMAN_OPTION_TIMEOUTMS_CREATE_SHELL = 12,
  WSMAN_OPTION_TIMEOUTMS_RUN_SHELL_COMMAND = 13,
  WSMAN_OPTION_TIMEOUTMS_RECEIVE_SHELL_OUTPUT = 14,
  WSMAN_OPTION_TIMEOUTMS_SEND_SHELL_INPUT = 15,
  WSMAN_OPTION_TIMEOUTMS_SIGNAL_SHELL = 16,
  WSMAN_OPTION_TIMEOUTMS_CLOSE_SHELL = 17,
  WSMAN_OPTION_SKIP_CA_CHECK = 18,
  WSMAN_OPTION_SKIP_CN_CHECK = 19,
  WSMAN_OPTION_UNENCRYPTED_MESSAGES = 20,
  WSMAN_OPTION_UTF16 = 21,
  WSMAN_OPTION_ENABLE_SPN_SERVER_PORT = 22,
  WSMAN_OPTION_MACHINE_ID = 23,
  WSMAN_OPTION_LOCALE = 25,
  WSMAN_OPTION_UI_LANGUAGE = 26,
  WSMAN_OPTION_MAX_ENVELOPE_SIZE_KB = 28,
  WSMAN_OPTION_SHELL_MAX_DATA_SIZE_PER_MESSAGE_KB = 29,
  WSMAN_OPTION_REDIRECT_LOCATION = 30,
  WSMAN_OPTION_SKIP_REVOCATION_CHECK = 31,
  WSMAN_OPTION_ALLOW_NEGOTIATE_IMPLICIT_CREDENTIALS = 32,
  WSMAN_OPTION_USE_SSL = 33,
  WSMAN_OPTION_USE_INTEARACTIVE_TOKEN = 34,
}

/** WSMAN_DATA: one of text, binary or DWORD, tagged by `type`. */
export interface WSMAN_DATA {
  readonly type: WSManDataType;
  readonly number?: number;
  readonly text?: string;
  readonly binary?: Uint8Array;
}

export interface WSMAN_USERNAME_PASSWORD_CREDS {
  readonly username: string;
  readonly password: string;
}

/** WSMAN_AUTHENTICATION_CREDENTIALS; the C union becomes two optional members. */
export interface WSMAN_AUTHENTICATION_CREDENTIALS {
  readonly authenticationMechanism: number;
  readonly userAccount?: WSMAN_USERNAME_PASSWORD_CREDS;
  readonly certificateThumbprint?: string;
}

export interface WSMAN_PROXY_INFO {
  readonly accessType: number;
  readonly authenticationCredentials?: WSMAN_AUTHENTICATION_CREDENTIALS;
}

export const dwordData = (number: number): WSMAN_DATA => ({ type: WSManDataType.WSMAN_DATA_TYPE_DWORD, number });
export const textData = (text: string): WSMAN_DATA => ({ type: WSManDataType.WSMAN_DATA_TYPE_TEXT, text });

// ---- shells (wsman.h, API 1.0 and 1.1) ----------------------------------------------------------

export enum WSManCallbackFlags {
  WSMAN_FLAG_CALLBACK_END_OF_OPERATION = 0x1,
  WSMAN_FLAG_CALLBACK_END_OF_STREAM = 0x8,
  WSMAN_FLAG_CALLBACK_SHELL_SUPPORTS_DISCONNECT = 0x20,
  WSMAN_FLAG_CALLBACK_SHELL_AUTODISCONNECTED = 0x40,
  WSMAN_FLAG_CALLBACK_NETWORK_FAILURE_DETECTED = 0x100,
  WSMAN_FLAG_CALLBACK_RETRYING_AFTER_NETWORK_FAILURE = 0x200,
  WSMAN_FLAG_CALLBACK_RECONNECTED_AFTER_NETWORK_FAILURE = 0x400,
  WSMAN_FLAG_CALLBACK_SHELL_AUTODISCONNECTING = 0x800,
  WSMAN_FLAG_CALLBACK_RETRY_ABORTED_DUE_TO_INTERNAL_ERROR = 0x1000,
  WSMAN_FLAG_CALLBACK_RECEIVE_DELAY_STREAM_REQUEST_PROCESSED = 0x2000,
}

export enum WSManShellFlag {
  WSMAN_FLAG_NO_COMPRESSION = 0x1,
  WSMAN_FLAG_DELETE_SERVER_SESSION = 0x2,
  WSMAN_FLAG_SERVER_BUFFERING_MODE_DROP = 0x4,
  WSMAN_FLAG_SERVER_BUFFERING_MODE_BLOCK = 0x8,
  WSMAN_FLAG_RECEIVE_DELAY_OUTPUT_STREAM = 0x10,
}

export {
  WSMAN_STREAM_ID_STDIN,
  WSMAN_STREAM_ID_STDOUT,
  WSMAN_STREAM_ID_STDERR,
  WSMAN_SHELL_NS,
  WSMAN_CMDSHELL_URI,
  WSMAN_CMDSHELL_OPTION_CODEPAGE,
  WSMAN_SHELL_OPTION_NOPROFILE,
  WSMAN_CMDSHELL_OPTION_CONSOLEMODE_STDIN,
  WSMAN_CMDSHELL_OPTION_SKIP_CMD_SHELL,
  WSMAN_COMMAND_STATE_DONE,
  WSMAN_COMMAND_STATE_PENDING,
  WSMAN_COMMAND_STATE_RUNNING,
  WSMAN_SIGNAL_SHELL_CODE_TERMINATE,
  WSMAN_SIGNAL_SHELL_CODE_CTRL_C,
  WSMAN_SIGNAL_SHELL_CODE_CTRL_BREAK,
} from '../protocol/shell-protocol';
export const WSMAN_FLAG_RECEIVE_RESULT_NO_MORE_DATA = 0x1;
export const WSMAN_FLAG_RECEIVE_FLUSH = 0x2;
export const WSMAN_FLAG_RECEIVE_RESULT_DATA_BOUNDARY = 0x4;
export const WSMAN_FLAG_SEND_NO_MORE_DATA = 0x1;
/** WSMAN_ERROR_OPERATION_ABORTED: what a cancelled operation's callback receives (ERROR_OPERATION_ABORTED). */
export const WSMAN_ERROR_OPERATION_ABORTED = 995;

export interface WSMAN_STREAM_ID_SET {
  readonly streamIDs: readonly string[];
}

export interface WSMAN_ENVIRONMENT_VARIABLE {
  readonly name: string;
  readonly value: string;
}

export interface WSMAN_ENVIRONMENT_VARIABLE_SET {
  readonly vars: readonly WSMAN_ENVIRONMENT_VARIABLE[];
}

/** WSMAN_SHELL_STARTUP_INFO (V11 under API 1.1: V10 plus `name`). */
export interface WSMAN_SHELL_STARTUP_INFO {
  readonly inputStreamSet?: WSMAN_STREAM_ID_SET | null;
  readonly outputStreamSet?: WSMAN_STREAM_ID_SET | null;
  /** 0: the server's IdleTimeout. */
  readonly idleTimeoutMs?: number;
  readonly workingDirectory?: string | null;
  readonly variableSet?: WSMAN_ENVIRONMENT_VARIABLE_SET | null;
  readonly name?: string | null;
}

export interface WSMAN_OPTION {
  readonly name: string;
  readonly value: string;
  readonly mustComply?: boolean;
}

export interface WSMAN_OPTION_SET {
  readonly options: readonly WSMAN_OPTION[];
  readonly optionsMustUnderstand?: boolean;
}

export interface WSMAN_COMMAND_ARG_SET {
  readonly args: readonly string[];
}

export interface WSMAN_SHELL_DISCONNECT_INFO {
  readonly idleTimeoutMs: number;
}

/** WSMAN_ERROR: `code` 0 on success; the message as WinRM or the server worded it. */
export interface WSMAN_ERROR {
  readonly code: number;
  readonly errorDetail: string;
  readonly language: string;
  readonly machineName: string;
  readonly pluginName: string;
}

/** WSMAN_RECEIVE_DATA_RESULT: one stream's data (binary), and the command's state and exit code. */
export interface WSMAN_RECEIVE_DATA_RESULT {
  readonly streamId: string;
  readonly streamData: WSMAN_DATA;
  readonly commandState: string;
  readonly exitCode: number;
}

/** WSMAN_RESPONSE_DATA (API 1.1): the member that matches the operation is set. */
export interface WSMAN_RESPONSE_DATA {
  readonly receiveData?: WSMAN_RECEIVE_DATA_RESULT;
  /** WSMAN_CONNECT_DATA: what the server answered to Connect. */
  readonly connectData?: { readonly data: WSMAN_DATA };
  /** WSMAN_CREATE_SHELL_DATA: the rsp:Shell the server answered to Create (2012+). */
  readonly createData?: { readonly data: WSMAN_DATA };
}

/**
 * WSMAN_SHELL_COMPLETION_FUNCTION. `data` is a WSMAN_RECEIVE_DATA_RESULT for an API 1.0 handle and a
 * WSMAN_RESPONSE_DATA under API 1.1, as the two declarations of wsman.h have it.
 */
export type WSMAN_SHELL_COMPLETION_FUNCTION<Shell = unknown, Command = unknown, Operation = unknown> = (
  operationContext: unknown,
  flags: number,
  error: WSMAN_ERROR,
  shell: Shell | null,
  command: Command | null,
  operationHandle: Operation | null,
  data: WSMAN_RESPONSE_DATA | WSMAN_RECEIVE_DATA_RESULT | null,
) => void;

export interface WSMAN_SHELL_ASYNC<Shell = unknown, Command = unknown, Operation = unknown> {
  readonly operationContext?: unknown;
  readonly completionFunction: WSMAN_SHELL_COMPLETION_FUNCTION<Shell, Command, Operation>;
}

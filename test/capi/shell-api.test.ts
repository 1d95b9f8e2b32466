/**
 * The C API shell functions: argument and state rules with the Windows codes (nothing is sent for
 * a refused call), the asynchronous model (completion flags, WSMAN_ERROR, handles, receive data of
 * API 1.0 and 1.1), WSManCloseOperation aborting a pending Receive, and a whole WinRS conversation
 * against pypsrp's recorded Windows answers.
 */
import { WSMAN_FLAG_REQUESTED_API_VERSION_1_0, WSMAN_CMDSHELL_URI, WSMAN_COMMAND_STATE_DONE, WSMAN_SIGNAL_SHELL_CODE_CTRL_C, WSManCallbackFlags as F, WSManDataType, WSManShellFlag, type WSMAN_ERROR, type WSMAN_RECEIVE_DATA_RESULT, type WSMAN_RESPONSE_DATA } from '../../src/core/capi/constants';
import type { ShellAsync, WSMAN_COMMAND_HANDLE, WSMAN_OPERATION_HANDLE, WSMAN_SHELL_HANDLE } from '../../src/core/capi/shell-api';
import { errorNamed } from '../../src/core/errors/error-table';
import { openShellSession, type ShellSession } from '../core/shell/shell-session';
import { startScriptedShellServer, type ScriptedShellServer } from '../helpers/scripted-shell-server';
import { describeWithSharedFixtures } from '../helpers/shared-reference';
import { readPypsrpRecording } from '../parity/recordings';
import { ReplayServer } from '../parity/replay-server';

interface Completion {
  readonly flags: number;
  readonly error: WSMAN_ERROR;
  readonly shell: WSMAN_SHELL_HANDLE | null;
  readonly command: WSMAN_COMMAND_HANDLE | null;
  readonly operation: WSMAN_OPERATION_HANDLE | null;
  readonly data: WSMAN_RESPONSE_DATA | WSMAN_RECEIVE_DATA_RESULT | null;
  readonly context: unknown;
}

/** A WSMAN_SHELL_ASYNC that records its completions; `ended` resolves at END_OF_OPERATION. */
function recorder(context: unknown = 'ctx'): { async: ShellAsync; calls: Completion[]; ended: Promise<Completion> } {
  const calls: Completion[] = [];
  let resolve!: (c: Completion) => void;
  const ended = new Promise<Completion>((r) => (resolve = r));
  return {
    calls,
    ended,
    async: {
      operationContext: context,
      completionFunction: (ctx, flags, error, shell, command, operation, data) => {
        const call = { flags, error, shell, command, operation, data, context: ctx };
        calls.push(call);
        if (flags & F.WSMAN_FLAG_CALLBACK_END_OF_OPERATION) resolve(call);
      },
    },
  };
}

const hr = (name: string): number => errorNamed(name)!.hresult;
const OUT_STREAMS = { streamIDs: ['stdout', 'stderr'] };

describe('C API shell functions: argument and state rules', () => {
  let s: ShellSession;
  beforeEach(() => {
    // Nothing listens here: a refused call must fail before any request.
    s = openShellSession('http://127.0.0.1:9/wsman');
  });

  it('a missing async structure fails the call with the function null-parameter code', () => {
    expect(s.shells.WSManCreateShell(s.session, 0, WSMAN_CMDSHELL_URI, null, null, null, null).hr).toBe(hr('ERROR_WSMAN_CLIENT_CREATESHELL_NULL_PARAM'));
    expect(s.shells.WSManRunShellCommand({} as WSMAN_SHELL_HANDLE, 0, 'x', null, null, null).hr).toBe(hr('ERROR_WSMAN_CLIENT_RUNCOMMAND_NULL_PARAM'));
    expect(s.shells.WSManReceiveShellOutput(null, null, 0, null, null).hr).toBe(hr('ERROR_WSMAN_CLIENT_RECEIVE_NULL_PARAM'));
    expect(s.shells.WSManSendShellInput(null, null, 0, 'stdin', null, false, null).hr).toBe(hr('ERROR_WSMAN_CLIENT_SEND_NULL_PARAM'));
    expect(s.shells.WSManSignalShell(null, null, 0, 'x', null).hr).toBe(hr('ERROR_WSMAN_CLIENT_SIGNAL_NULL_PARAM'));
    expect(s.shells.WSManCloseShell(null, 0, null).hr).toBe(hr('ERROR_WSMAN_CLIENT_CLOSESHELL_NULL_PARAM'));
    expect(s.shells.WSManCloseCommand(null, 0, null).hr).toBe(hr('ERROR_WSMAN_CLIENT_CLOSECOMMAND_NULL_PARAM'));
  });

  it('a refused call also reaches the completion function, later, with END_OF_OPERATION and the code', async () => {
    const r = recorder();
    const result = s.shells.WSManCreateShell(null, 0, WSMAN_CMDSHELL_URI, null, null, null, r.async);
    expect(result.hr).toBe(hr('ERROR_WSMAN_CLIENT_CREATESHELL_NULL_PARAM'));
    expect(r.calls).toHaveLength(0);
    const call = await r.ended;
    expect(call).toMatchObject({ flags: F.WSMAN_FLAG_CALLBACK_END_OF_OPERATION, error: { code: hr('ERROR_WSMAN_CLIENT_CREATESHELL_NULL_PARAM') }, data: null, context: 'ctx' });
    expect(call.error.errorDetail).toMatch(/WSManCreateShell function is null or zero/);
  });

  it.each([
    ['non-zero flags', (x: ShellSession, a: ShellAsync) => x.shells.WSManCreateShell(x.session, 1, WSMAN_CMDSHELL_URI, null, null, null, a), 'ERROR_WSMAN_CLIENT_INVALID_CREATE_SHELL_FLAG'],
    ['no resource URI', (x: ShellSession, a: ShellAsync) => x.shells.WSManCreateShell(x.session, 0, '', null, null, null, a), 'ERROR_WSMAN_CLIENT_CREATESHELL_NULL_PARAM'],
    [
      'an environment variable without a name',
      (x: ShellSession, a: ShellAsync) => x.shells.WSManCreateShell(x.session, 0, WSMAN_CMDSHELL_URI, { variableSet: { vars: [{ name: '', value: 'v' }] } }, null, null, a),
      'ERROR_WSMAN_CREATESHELL_NULL_ENVIRONMENT_VARIABLE_NAME',
    ],
    [
      'an empty stream id',
      (x: ShellSession, a: ShellAsync) => x.shells.WSManCreateShell(x.session, 0, WSMAN_CMDSHELL_URI, { outputStreamSet: { streamIDs: ['stdout', ''] } }, null, null, a),
      'ERROR_WSMAN_CREATESHELL_NULL_STREAMID',
    ],
    [
      'a name over 255 characters',
      (x: ShellSession, a: ShellAsync) => x.shells.WSManCreateShell(x.session, 0, WSMAN_CMDSHELL_URI, { name: 'n'.repeat(256) }, null, null, a),
      'ERROR_WSMAN_CLIENT_CREATESHELL_NAME_INVALID',
    ],
    ['a shell handle this engine never made', (x: ShellSession, a: ShellAsync) => x.shells.WSManRunShellCommand({} as WSMAN_SHELL_HANDLE, 0, 'dir', null, null, a), 'ERROR_WSMAN_SHELL_INVALID_SHELL_HANDLE'],
    ['WSManCloseShell of an unknown handle', (x: ShellSession, a: ShellAsync) => x.shells.WSManCloseShell({} as WSMAN_SHELL_HANDLE, 0, a), 'ERROR_WSMAN_SHELL_INVALID_SHELL_HANDLE'],
    ['WSManCloseCommand of an unknown handle', (x: ShellSession, a: ShellAsync) => x.shells.WSManCloseCommand({} as WSMAN_COMMAND_HANDLE, 0, a), 'ERROR_WSMAN_SHELL_INVALID_COMMAND_HANDLE'],
  ])('%s → the Windows code', async (_what, call, code) => {
    const r = recorder();
    expect(call(s, r.async).hr).toBe(hr(code));
    expect((await r.ended).error.code).toBe(hr(code));
  });

  it('a shell whose Create has not completed is not usable yet (its handle is valid once Create succeeded)', () => {
    const r = recorder();
    const shell = s.shells.WSManCreateShell(s.session, 0, WSMAN_CMDSHELL_URI, null, null, null, r.async).value!;
    expect(s.shells.WSManRunShellCommand(shell, 0, 'dir', null, null, recorder().async).hr).toBe(hr('ERROR_WSMAN_SHELL_INVALID_SHELL_HANDLE'));
    expect(s.shells.WSManCloseShell(shell, 0, recorder().async).hr).toBe(0);
    expect(s.shells.WSManCloseShell(shell, 0, recorder().async).hr).toBe(hr('ERROR_WSMAN_SHELL_ALREADY_CLOSED'));
  });

  it('API 1.0 handles asking for 1.1 functions get ERROR_WINRS_SHELL_DISCONNECT_NOT_SUPPORTED', async () => {
    const old = openShellSession('http://127.0.0.1:9/wsman', WSMAN_FLAG_REQUESTED_API_VERSION_1_0);
    const code = hr('ERROR_WINRS_SHELL_DISCONNECT_NOT_SUPPORTED');
    expect(old.shells.WSManCreateShellEx(old.session, 0, WSMAN_CMDSHELL_URI, 'ID', null, null, null, recorder().async).hr).toBe(code);
    expect(old.shells.WSManConnectShell(old.session, 0, WSMAN_CMDSHELL_URI, 'ID', null, null, recorder().async).hr).toBe(code);
    const shell = old.shells.WSManCreateShell(old.session, 0, WSMAN_CMDSHELL_URI, null, null, null, recorder().async).value!;
    expect(old.shells.WSManDisconnectShell(shell, 0, null, recorder().async).hr).toBe(code);
    expect(old.shells.WSManReconnectShell(shell, 0, recorder().async).hr).toBe(code);
  });

  it('WSManCloseOperation: null, flags, unknown handles', () => {
    expect(s.shells.WSManCloseOperation(null, 0).hr).toBe(0x80070057);
    expect(s.shells.WSManCloseOperation({} as WSMAN_OPERATION_HANDLE, 0).hr).toBe(0x80070006);
    expect(s.shells.WSManCloseOperation({} as WSMAN_OPERATION_HANDLE, 1).hr).toBe(hr('ERROR_WSMAN_CLIENT_INVALID_FLAG'));
  });

  it('a closed session fails every shell call with ERROR_WSMAN_SESSION_ALREADY_CLOSED', () => {
    s.api.WSManCloseSession(s.session, 0);
    expect(s.shells.WSManCreateShell(s.session, 0, WSMAN_CMDSHELL_URI, null, null, null, recorder().async).hr).toBe(hr('ERROR_WSMAN_SESSION_ALREADY_CLOSED'));
  });
});

/** Runs one call to its END_OF_OPERATION; fails the test on an error. */
async function run<T>(start: (async: ShellAsync) => { hr: number; value: T | undefined }): Promise<{ value: T; calls: Completion[] }> {
  const r = recorder();
  const result = start(r.async);
  expect(result.hr).toBe(0);
  const end = await r.ended;
  expect(end.error).toEqual({ code: 0, errorDetail: '', language: '', machineName: '', pluginName: '' });
  return { value: result.value as T, calls: r.calls };
}

describeWithSharedFixtures('C API shell functions against the recorded Windows answers', () => {
  let server: ReplayServer;
  let s: ShellSession;
  beforeEach(async () => {
    server = await ReplayServer.start();
    s = openShellSession(server.url);
  });
  afterEach(async () => {
    await server.close();
  });

  async function standardShell(name = 'test_winrs_standard', count = 2): Promise<{ shell: WSMAN_SHELL_HANDLE; command: WSMAN_COMMAND_HANDLE; createCalls: Completion[] }> {
    server.enqueue(...readPypsrpRecording(name).slice(0, count).map((e) => ({ status: e.status, body: e.response })));
    const created = await run((a) => s.shells.WSManCreateShell(s.session, 0, WSMAN_CMDSHELL_URI, null, null, null, a));
    const command = await run((a) => s.shells.WSManRunShellCommand(created.value, 0, 'cmd.exe', { args: ['/c', 'echo', 'hi'] }, null, a));
    return { shell: created.value, command: command.value, createCalls: created.calls };
  }

  it('Create → Command → Receive until Done → Signal → Close: flags, handles and receive data of API 1.1', async () => {
    const { shell, command, createCalls } = await standardShell('test_winrs_standard', 5);
    expect(createCalls).toHaveLength(1);
    expect(createCalls[0].shell).toBe(shell);
    const createData = (createCalls[0].data as WSMAN_RESPONSE_DATA).createData!.data;
    expect(createData.type).toBe(WSManDataType.WSMAN_DATA_TYPE_TEXT);
    expect(createData.text).toContain('<rsp:Owner>vagrant</rsp:Owner>');

    const received = await run((a) => s.shells.WSManReceiveShellOutput(shell, command, 0, OUT_STREAMS, a));
    const results = received.calls.map((c) => ({ flags: c.flags, ...(c.data as WSMAN_RESPONSE_DATA).receiveData! }));
    expect(received.calls.every((c) => c.shell === shell && c.command === command && c.operation === received.value)).toBe(true);
    expect(results.map((r) => [r.streamId, Buffer.from(r.streamData.binary!).toString(), r.flags])).toEqual([
      ['stdout', 'hi\r\n', 0],
      ['stdout', '', F.WSMAN_FLAG_CALLBACK_END_OF_STREAM],
      ['stderr', '', F.WSMAN_FLAG_CALLBACK_END_OF_STREAM | F.WSMAN_FLAG_CALLBACK_END_OF_OPERATION],
    ]);
    expect(results.every((r) => r.commandState === WSMAN_COMMAND_STATE_DONE && r.exitCode === 0)).toBe(true);

    await run((a) => s.shells.WSManSignalShell(shell, command, 0, WSMAN_SIGNAL_SHELL_CODE_CTRL_C, a));
    const closed = await run((a) => ({ hr: s.shells.WSManCloseShell(shell, 0, a).hr, value: undefined }));
    expect(closed.calls.map((c) => c.flags)).toEqual([F.WSMAN_FLAG_CALLBACK_END_OF_OPERATION]);
    expect(server.requests.map((r) => /\/(\w+)<\/a:Action>/.exec(r.text)![1])).toEqual(['Create', 'Command', 'Receive', 'Signal', 'Delete']);
    expect(server.problems).toEqual([]);
    // The shell is gone: every call on it is refused.
    expect(s.shells.WSManReceiveShellOutput(shell, null, 0, null, recorder().async).hr).toBe(hr('ERROR_WSMAN_SHELL_ALREADY_CLOSED'));
  });

  it('API 1.0: the completion data is the WSMAN_RECEIVE_DATA_RESULT itself; Create reports no data', async () => {
    s = openShellSession(server.url, WSMAN_FLAG_REQUESTED_API_VERSION_1_0);
    const { shell, command, createCalls } = await standardShell('test_winrs_stderr_rc', 3);
    expect(createCalls[0].data).toBeNull();
    const received = await run((a) => s.shells.WSManReceiveShellOutput(shell, command, 0, null, a));
    const results = received.calls.map((c) => c.data as WSMAN_RECEIVE_DATA_RESULT);
    const text = (id: string) => results.filter((r) => r.streamId === id).map((r) => Buffer.from(r.streamData.binary!).toString()).join('');
    expect(text('stdout')).toBe('out \r\n');
    expect(text('stderr')).toBe('err \r\n');
    expect(results[results.length - 1]).toMatchObject({ commandState: WSMAN_COMMAND_STATE_DONE, exitCode: 1 });
  });

  it('WSMAN_FLAG_RECEIVE_DELAY_OUTPUT_STREAM: one reply, then RECEIVE_DELAY_STREAM_REQUEST_PROCESSED ends the operation', async () => {
    const { shell, command } = await standardShell('test_winrs_operation_timeout', 3);
    const received = await run((a) => s.shells.WSManReceiveShellOutput(shell, command, WSManShellFlag.WSMAN_FLAG_RECEIVE_DELAY_OUTPUT_STREAM, null, a));
    const last = received.calls[received.calls.length - 1];
    expect(last.flags).toBe(F.WSMAN_FLAG_CALLBACK_RECEIVE_DELAY_STREAM_REQUEST_PROCESSED | F.WSMAN_FLAG_CALLBACK_END_OF_OPERATION);
    expect(server.requests).toHaveLength(3);
  });

  it('state rules: unknown desired stream, unknown input stream, data not binary, Send after end of stream, a command of another shell', async () => {
    const { shell, command } = await standardShell('test_winrs_send', 4);
    const a = () => recorder().async;
    expect(s.shells.WSManReceiveShellOutput(shell, command, 0, { streamIDs: ['stdout', 'pr'] }, a()).hr).toBe(hr('ERROR_WSMAN_SHELL_INVALID_DESIRED_STREAMS'));
    expect(s.shells.WSManReceiveShellOutput(shell, command, 2, null, a()).hr).toBe(hr('ERROR_WSMAN_CLIENT_INVALID_RECEIVE_SHELL_FLAG'));
    const bytes = { type: WSManDataType.WSMAN_DATA_TYPE_BINARY, binary: Buffer.from('x') };
    expect(s.shells.WSManSendShellInput(shell, command, 0, 'stdout', bytes, false, a()).hr).toBe(hr('ERROR_WSMAN_SHELL_INVALID_INPUT_STREAM'));
    expect(s.shells.WSManSendShellInput(shell, command, 0, 'stdin', { type: WSManDataType.WSMAN_DATA_TYPE_TEXT, text: 'x' }, false, a()).hr).toBe(
      hr('ERROR_WSMAN_CLIENT_INVALID_SEND_SHELL_PARAMETER'),
    );
    expect(s.shells.WSManSendShellInput(shell, command, 1, 'stdin', bytes, false, a()).hr).toBe(hr('ERROR_WSMAN_CLIENT_INVALID_SEND_SHELL_FLAG'));
    await run((c) => s.shells.WSManSendShellInput(shell, command, 0, 'stdin', bytes, false, c));
    await run((c) => s.shells.WSManSendShellInput(shell, command, 0, 'stdin', bytes, true, c));
    expect(s.shells.WSManSendShellInput(shell, command, 0, 'stdin', bytes, false, a()).hr).toBe(hr('ERROR_WSMAN_SHELL_INVALID_INPUT_STREAM'));
    expect(server.requests.filter((r) => r.text.includes('/Send</a:Action>'))).toHaveLength(2);
    expect(server.requests[3].text).toContain('End="true"');

    const other = openShellSession(server.url);
    server.enqueue({ status: 200, body: readPypsrpRecording('test_winrs_standard')[0].response });
    const otherShell = await run((c) => other.shells.WSManCreateShell(other.session, 0, WSMAN_CMDSHELL_URI, null, null, null, c));
    // Handles belong to their engine: a command of another engine's shell is unknown here.
    expect(s.shells.WSManSignalShell(shell, {} as WSMAN_COMMAND_HANDLE, 0, 'x', a()).hr).toBe(hr('ERROR_WSMAN_SHELL_INVALID_COMMAND_HANDLE'));
    expect(other.shells.WSManSignalShell(otherShell.value, command, 0, 'x', a()).hr).toBe(hr('ERROR_WSMAN_SHELL_INVALID_COMMAND_HANDLE'));
  });

  it('a command handle used with another shell of the same engine → ERROR_WSMAN_CLIENT_INVALID_SHELL_COMMAND_PAIR; a closed command → ERROR_WSMAN_COMMAND_ALREADY_CLOSED', async () => {
    const { shell, command } = await standardShell('test_winrs_standard', 2);
    server.enqueue({ status: 200, body: readPypsrpRecording('test_winrs_standard')[0].response });
    const second = await run((a) => s.shells.WSManCreateShell(s.session, 0, WSMAN_CMDSHELL_URI, null, null, null, a));
    expect(s.shells.WSManSignalShell(second.value, command, 0, 'x', recorder().async).hr).toBe(hr('ERROR_WSMAN_CLIENT_INVALID_SHELL_COMMAND_PAIR'));
    server.enqueue({ status: 200, body: readPypsrpRecording('test_winrs_standard')[3].response });
    await run((a) => ({ hr: s.shells.WSManCloseCommand(command, 0, a).hr, value: undefined }));
    expect(server.requests[server.requests.length - 1].text).toContain('/signal/terminate</rsp:Code>');
    expect(s.shells.WSManSignalShell(shell, command, 0, 'x', recorder().async).hr).toBe(hr('ERROR_WSMAN_COMMAND_ALREADY_CLOSED'));
    expect(s.shells.WSManCloseCommand(command, 0, recorder().async).hr).toBe(hr('ERROR_WSMAN_COMMAND_ALREADY_CLOSED'));
  });
});

describe('WSManCloseOperation on a Receive the server holds', () => {
  let server: ScriptedShellServer;
  let url: string;
  const pending: Array<() => void> = [];
  beforeAll(async () => {
    server = await startScriptedShellServer((_reply, response) => pending.push(() => response.destroy()));
    url = server.url;
  });
  afterAll(async () => {
    for (const end of pending) end();
    await server.close();
  });

  it('the callback gets WSMAN_ERROR_OPERATION_ABORTED (995) at once; the handle is then dead; Signal is not held behind the Receive', async () => {
    const s = openShellSession(url);
    const shell = await run((a) => s.shells.WSManCreateShell(s.session, 0, WSMAN_CMDSHELL_URI, null, null, null, a));
    const command = await run((a) => s.shells.WSManRunShellCommand(shell.value, 0, 'sleep', null, null, a));
    const r = recorder();
    const operation = s.shells.WSManReceiveShellOutput(shell.value, command.value, 0, null, r.async).value!;
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Receive has its own connection: a Signal goes through while the Receive is held.
    await run((a) => s.shells.WSManSignalShell(shell.value, command.value, 0, WSMAN_SIGNAL_SHELL_CODE_CTRL_C, a));
    expect(s.shells.WSManCloseOperation(operation, 0).hr).toBe(0);
    const end = await r.ended;
    expect(end.error.code).toBe(995);
    expect(end.operation).toBe(operation);
    expect(r.calls).toHaveLength(1);
    expect(s.shells.WSManCloseOperation(operation, 0).hr).toBe(0x80070006);
  });
});

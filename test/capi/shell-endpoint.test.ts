/**
 * The C API shell functions against the embedded endpoint running real processes: exit codes,
 * stdout and stderr apart, stdin, environment and working directory, Unicode in both code pages,
 * ctrl_c and terminate, API 1.1 disconnect / reconnect / connect (from another session), the
 * idle timeouts, quotas and another user's shell — with the codes the completion function reports.
 */
import { createObject } from '../../src/index';
import { WSManSessionFlags as SF } from '../../src/automation/flags';
import {
  WSMAN_CMDSHELL_URI,
  WSMAN_COMMAND_STATE_DONE,
  WSMAN_SIGNAL_SHELL_CODE_CTRL_C,
  WSMAN_SIGNAL_SHELL_CODE_TERMINATE,
  WSManCallbackFlags as F,
  WSManDataType,
  WSManShellFlag,
  type WSMAN_RECEIVE_DATA_RESULT,
  type WSMAN_RESPONSE_DATA,
} from '../../src/core/capi/constants';
import type { ShellAsync, WSMAN_COMMAND_HANDLE, WSMAN_SHELL_HANDLE } from '../../src/core/capi/shell-api';
import { errorNamed } from '../../src/core/errors/error-table';
import { NS } from '../../src/core/protocol/namespaces';
import { errorFromCallback, RemoteShell } from '../../src/core/shell/remote-shell';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { openShellSession, type ShellSession } from '../core/shell/shell-session';

const hr = (name: string): number => errorNamed(name)!.hresult;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const IS_WINDOWS = process.platform === 'win32';

// Real processes on a shared machine: generous, since a slow host is no failure here.
jest.setTimeout(30_000);

/** Runs one call to END_OF_OPERATION: its value and completions, or the WSManError it failed with. */
function call<T>(start: (async: ShellAsync) => { hr: number; value: T | undefined }): Promise<{ value: T; data: Array<WSMAN_RESPONSE_DATA | WSMAN_RECEIVE_DATA_RESULT | null>; flags: number[] }> {
  return new Promise((resolve, reject) => {
    const data: Array<WSMAN_RESPONSE_DATA | WSMAN_RECEIVE_DATA_RESULT | null> = [];
    const flags: number[] = [];
    let value: T | undefined;
    const result = start({
      completionFunction: (_ctx, f, error, _s, _c, _o, d) => {
        if (error.code !== 0) return reject(errorFromCallback(error));
        data.push(d);
        flags.push(f);
        if (f & F.WSMAN_FLAG_CALLBACK_END_OF_OPERATION) resolve({ value: value as T, data, flags });
      },
    });
    value = result.value;
  });
}

/** Receives to Done (continuous Receive) and returns the text of each stream and the exit code. */
async function receiveAll(s: ShellSession, shell: WSMAN_SHELL_HANDLE, command: WSMAN_COMMAND_HANDLE): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const received = await call((a) => s.shells.WSManReceiveShellOutput(shell, command, 0, null, a));
  const results = received.data.map((d) => (d as WSMAN_RESPONSE_DATA).receiveData!);
  const text = (id: string) => Buffer.concat(results.filter((r) => r.streamId === id).map((r) => Buffer.from(r.streamData.binary!))).toString();
  const last = results[results.length - 1];
  expect(last.commandState).toBe(WSMAN_COMMAND_STATE_DONE);
  return { stdout: text('stdout'), stderr: text('stderr'), exitCode: last.exitCode };
}

(IS_WINDOWS ? describe.skip : describe)('C API shells against the embedded endpoint', () => {
  let endpoint: RunningEndpoint;
  let s: ShellSession;
  beforeAll(async () => {
    endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1', 'bob:Secret#2', 'carol:Secret#3'], allowUnencrypted: true, machineName: 'WIN-CAPI' });
  });
  afterAll(async () => {
    await endpoint.close();
  });
  beforeEach(() => {
    s = openShellSession(endpoint.url!, 1, 'alice', 'Secret#1');
  });

  const createShell = async (idleTimeoutMs = 0, shellId?: string) =>
    (
      await call((a) =>
        shellId
          ? s.shells.WSManCreateShellEx(s.session, 0, WSMAN_CMDSHELL_URI, shellId, { idleTimeoutMs }, null, null, a)
          : s.shells.WSManCreateShell(s.session, 0, WSMAN_CMDSHELL_URI, { idleTimeoutMs }, null, null, a),
      )
    ).value;
  const runCommand = async (shell: WSMAN_SHELL_HANDLE, line: string) => (await call((a) => s.shells.WSManRunShellCommand(shell, 0, line, null, null, a))).value;

  it('exit code, stdout and stderr apart, stdin through WSManSendShellInput; the Create data is the rsp:Shell of the endpoint', async () => {
    const created = await call((a) => s.shells.WSManCreateShell(s.session, 0, WSMAN_CMDSHELL_URI, null, null, null, a));
    expect((created.data[0] as WSMAN_RESPONSE_DATA).createData!.data.text).toContain('<rsp:Owner>');
    const shell = created.value;
    const command = await runCommand(shell, 'read line; echo "got $line"; echo oops >&2; exit 42');
    await call((a) => s.shells.WSManSendShellInput(shell, command, 0, 'stdin', { type: WSManDataType.WSMAN_DATA_TYPE_BINARY, binary: Buffer.from('hello\n') }, true, a));
    expect(await receiveAll(s, shell, command)).toEqual({ stdout: 'got hello\n', stderr: 'oops\n', exitCode: 42 });
    await call((a) => ({ hr: s.shells.WSManCloseCommand(command, 0, a).hr, value: undefined }));
    await call((a) => ({ hr: s.shells.WSManCloseShell(shell, 0, a).hr, value: undefined }));
  });

  it('input larger than one envelope is sent in several Sends and arrives whole', async () => {
    const shell = await createShell();
    const command = await runCommand(shell, 'wc -c');
    const big = Buffer.alloc(800_000, 0x61);
    await call((a) => s.shells.WSManSendShellInput(shell, command, 0, 'stdin', { type: WSManDataType.WSMAN_DATA_TYPE_BINARY, binary: big }, true, a));
    expect((await receiveAll(s, shell, command)).stdout.trim()).toBe('800000');
  });

  it('environment, working directory and both code pages through the helpers', async () => {
    const utf8 = await RemoteShell.create(s.shells, s.session, { environment: { NAME: 'Zoë' }, workingDirectory: '/', codepage: 65001 });
    expect((await utf8.exec('echo "$NAME"; pwd')).stdout.toString('utf8')).toBe('Zoë\n/\n');
    await utf8.close();
    const oem = await RemoteShell.create(s.shells, s.session, { codepage: 437 });
    expect([...(await oem.exec("printf 'é'")).stdout]).toEqual([0x82]);
    await oem.close();
  });

  it('ctrl_c interrupts the command; terminate ends one that ignores it', async () => {
    const shell = await RemoteShell.create(s.shells, s.session);
    const interrupted = await shell.run("trap 'exit 3' INT; sleep 30");
    await sleep(300);
    await interrupted.signal(WSMAN_SIGNAL_SHELL_CODE_CTRL_C);
    interrupted.stdout.resume();
    interrupted.stderr.resume();
    expect(await interrupted.exitCode).toBe(3);
    await interrupted.close();

    const stubborn = await shell.run("trap '' INT; sleep 30");
    stubborn.stdout.resume();
    stubborn.stderr.resume();
    await sleep(300);
    await stubborn.signal(WSMAN_SIGNAL_SHELL_CODE_CTRL_C);
    await sleep(300);
    const started = Date.now();
    await stubborn.signal(WSMAN_SIGNAL_SHELL_CODE_TERMINATE);
    await expect(stubborn.exitCode).rejects.toMatchObject({ code: 'ERROR_WSMAN_COMMAND_TERMINATED' });
    expect(Date.now() - started).toBeLessThan(15_000);
    await shell.close();
  });

  it('API 1.1: Disconnect (Block) buffers the output; Reconnect + ReconnectShellCommand resume it; states are checked', async () => {
    const shell = await createShell(0, 'C2D7B1A0-1111-4222-8333-944455566677');
    const command = await runCommand(shell, 'echo one; sleep 0.4; echo two');
    // The Receive in progress is suspended by Disconnect and resumes after the reconnects.
    const receiving = receiveAll(s, shell, command);
    await sleep(200);
    await call((a) => ({ hr: s.shells.WSManDisconnectShell(shell, WSManShellFlag.WSMAN_FLAG_SERVER_BUFFERING_MODE_BLOCK, null, a).hr, value: undefined }));
    expect(s.shells.WSManReceiveShellOutput(shell, command, 0, null, { completionFunction: () => undefined }).hr).toBe(hr('ERROR_WINRS_SHELL_DISCONNECTED'));
    expect(s.shells.WSManDisconnectShell(shell, 0, null, { completionFunction: () => undefined }).hr).toBe(hr('ERROR_WINRS_SHELL_DISCONNECT_OPERATION_NOT_VALID'));
    expect(s.shells.WSManRunShellCommand(shell, 0, 'echo x', null, null, { completionFunction: () => undefined }).hr).toBe(hr('ERROR_WINRS_SHELL_DISCONNECTED'));
    expect(s.shells.WSManDisconnectShell(shell, 3, null, { completionFunction: () => undefined }).hr).toBe(hr('ERROR_WSMAN_CLIENT_INVALID_DISCONNECT_SHELL_FLAG'));
    await sleep(600);
    await call((a) => ({ hr: s.shells.WSManReconnectShell(shell, 0, a).hr, value: undefined }));
    expect(s.shells.WSManReconnectShell(shell, 0, { completionFunction: () => undefined }).hr).toBe(hr('ERROR_WINRS_SHELL_RECONNECT_OPERATION_NOT_VALID'));
    await call((a) => ({ hr: s.shells.WSManReconnectShellCommand(command, 0, a).hr, value: undefined }));
    expect(s.shells.WSManReconnectShellCommand(command, 0, { completionFunction: () => undefined }).hr).toBe(hr('ERROR_WINRS_SHELLCOMMAND_RECONNECT_OPERATION_NOT_VALID'));
    expect(await receiving).toEqual({ stdout: 'one\ntwo\n', stderr: '', exitCode: 0 });
    await call((a) => ({ hr: s.shells.WSManCloseShell(shell, 0, a).hr, value: undefined }));
  });

  it('API 1.1: another session of the same user connects to the disconnected shell and its command', async () => {
    const shellId = '0A1B2C3D-4E5F-4061-8273-849596A7B8C9';
    const shell = await createShell(0, shellId);
    // A client that means to connect again chooses its ids (WSManCreateShellEx / WSManRunShellCommandEx).
    const commandId = 'ABCDEF01-2345-4678-89AB-CDEF01234567';
    await call((a) => s.shells.WSManRunShellCommandEx(shell, 0, commandId, 'echo first; sleep 0.4; echo second; exit 6', null, null, a));
    await call((a) => ({ hr: s.shells.WSManDisconnectShell(shell, 0, { idleTimeoutMs: 60_000 }, a).hr, value: undefined }));

    const other = openShellSession(endpoint.url!, 1, 'alice', 'Secret#1');
    const connected = await call((a) => other.shells.WSManConnectShell(other.session, 0, WSMAN_CMDSHELL_URI, shellId, null, null, a));
    expect((connected.data[0] as WSMAN_RESPONSE_DATA).connectData!.data.text).toContain('<rsp:OutputStreams>stdout stderr</rsp:OutputStreams>');
    const attached = await call((a) => other.shells.WSManConnectShellCommand(connected.value, 0, commandId, null, null, a));
    expect(await receiveAll(other, connected.value, attached.value)).toEqual({ stdout: 'first\nsecond\n', stderr: '', exitCode: 6 });
    // The first session's shell is still disconnected on its side; Connect again fails: the shell is connected now.
    await expect(call((a) => s.shells.WSManConnectShell(s.session, 0, WSMAN_CMDSHELL_URI, shellId, null, null, a))).rejects.toMatchObject({ hresult: hr('ERROR_WINRS_SHELL_CONNECTED_TO_DIFFERENT_CLIENT') });
    await call((a) => ({ hr: other.shells.WSManCloseShell(connected.value, 0, a).hr, value: undefined }));
  });

  it("another user cannot connect to alice's shell", async () => {
    const shellId = '11111111-2222-4333-8444-555566667777';
    const shell = await createShell(0, shellId);
    await call((a) => ({ hr: s.shells.WSManDisconnectShell(shell, 0, null, a).hr, value: undefined }));
    const bob = openShellSession(endpoint.url!, 1, 'bob', 'Secret#2');
    const refused = await call((a) => bob.shells.WSManConnectShell(bob.session, 0, WSMAN_CMDSHELL_URI, shellId, null, null, a)).catch((e: unknown) => e);
    expect(refused).toMatchObject({ hresult: 0x80070005 });
    await call((a) => ({ hr: s.shells.WSManReconnectShell(shell, 0, a).hr, value: undefined }));
    await call((a) => ({ hr: s.shells.WSManCloseShell(shell, 0, a).hr, value: undefined }));
  });

  it("Disconnect's idle timeout ends the shell on the server; so does the shell's own idle timeout", async () => {
    const shellId = '99999999-8888-4777-8666-555544443333';
    const shell = await createShell(0, shellId);
    await call((a) => ({ hr: s.shells.WSManDisconnectShell(shell, 0, { idleTimeoutMs: 300 }, a).hr, value: undefined }));
    await sleep(1200);
    await expect(call((a) => s.shells.WSManConnectShell(s.session, 0, WSMAN_CMDSHELL_URI, shellId, null, null, a))).rejects.toMatchObject({ name: 'WinRMError' });

    const idle = await createShell(400);
    await sleep(1200);
    await expect(call((a) => s.shells.WSManRunShellCommand(idle, 0, 'echo late', null, null, a))).rejects.toMatchObject({ name: 'WinRMError' });
  });

  it('a shell closed while its Create is on the way: the Create reports 995 and the server shell is deleted again', async () => {
    const carol = openShellSession(endpoint.url!, 1, 'carol', 'Secret#3');
    const kept = call((a) => carol.shells.WSManCreateShell(carol.session, 0, WSMAN_CMDSHELL_URI, null, null, null, a));
    let createCode: number | undefined;
    const created = new Promise<void>((resolve) => {
      const pending = carol.shells.WSManCreateShell(carol.session, 0, WSMAN_CMDSHELL_URI, null, null, null, {
        completionFunction: (_c, _f, error) => {
          createCode = error.code;
          resolve();
        },
      }).value!;
      // Closed at once, before the Create has been answered.
      expect(carol.shells.WSManCloseShell(pending, 0, { completionFunction: () => undefined }).hr).toBe(0);
    });
    await kept;
    await created;
    expect(createCode).toBe(995);
    const wsman = createObject('WSMan.Automation');
    const options = wsman.CreateConnectionOptions().value!;
    options.put_UserName('carol');
    options.put_Password('Secret#3');
    const om = wsman.CreateSession(endpoint.url!, SF.WSManFlagUseBasic | SF.WSManFlagCredUsernamePassword | SF.WSManFlagNoEncryption, options).value!;
    const shells = (await om.Enumerate(WSMAN_CMDSHELL_URI)).value!;
    const items: string[] = [];
    while (!shells.get_AtEndOfStream().value) items.push((await shells.ReadItem()).value!);
    expect(items).toHaveLength(1);
  });

  it('MaxShellsPerUser (set by Put on winrm/config/winrs): the next Create fails with ERROR_WSMAN_QUOTA_MAX_SHELLS', async () => {
    const wsman = createObject('WSMan.Automation');
    const options = wsman.CreateConnectionOptions().value!;
    options.put_UserName('alice');
    options.put_Password('Secret#1');
    const admin = wsman.CreateSession(endpoint.url!, SF.WSManFlagUseBasic | SF.WSManFlagCredUsernamePassword | SF.WSManFlagNoEncryption, options).value!;
    const put = (n: number) => admin.Put('winrm/config/winrs', `<cfg:Winrs xmlns:cfg="${NS.config}"><cfg:MaxShellsPerUser>${n}</cfg:MaxShellsPerUser></cfg:Winrs>`);
    expect((await put(1)).hr).toBe(0);
    try {
      const quota = openShellSession(endpoint.url!, 1, 'bob', 'Secret#2');
      const first = await call((a) => quota.shells.WSManCreateShell(quota.session, 0, WSMAN_CMDSHELL_URI, null, null, null, a));
      await expect(call((a) => quota.shells.WSManCreateShell(quota.session, 0, WSMAN_CMDSHELL_URI, null, null, null, a))).rejects.toMatchObject({ hresult: hr('ERROR_WSMAN_QUOTA_MAX_SHELLS') });
      await call((a) => ({ hr: quota.shells.WSManCloseShell(first.value, 0, a).hr, value: undefined }));
    } finally {
      await put(2147483647);
    }
  });
});

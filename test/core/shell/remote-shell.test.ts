/**
 * The Promise and stream helpers over the C API, against pypsrp's recorded Windows answers: exec
 * collects stdout/stderr and the exit code; stdin is a Writable whose end sends End="true"; no
 * Receive is sent while nobody reads the output (back-pressure reaches the server).
 */
import { RemoteShell } from '../../../src/core/shell/remote-shell';
import { describeWithSharedFixtures } from '../../helpers/shared-reference';
import { readPypsrpRecording } from '../../parity/recordings';
import { ReplayServer } from '../../parity/replay-server';
import { openShellSession } from './shell-session';

const actions = (server: ReplayServer): string[] => server.requests.map((r) => /\/(\w+)<\/a:Action>/.exec(r.text)![1]);

describeWithSharedFixtures('RemoteShell / RemoteCommand', () => {
  let server: ReplayServer;
  beforeEach(async () => {
    server = await ReplayServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  const serve = (name: string) => server.enqueue(...readPypsrpRecording(name).map((e) => ({ status: e.status, body: e.response })));

  it('exec: stdout and stderr apart, the exit code, terminate on close, Delete; WINRS options as winrs sends them', async () => {
    serve('test_winrs_stderr_rc');
    const s = openShellSession(server.url);
    const shell = await RemoteShell.create(s.shells, s.session, { codepage: 437 });
    const result = await shell.exec('cmd.exe', ['/c echo out && echo err>&2 && exit 1']);
    await shell.close();
    expect({ stdout: result.stdout.toString(), stderr: result.stderr.toString(), exitCode: result.exitCode }).toEqual({ stdout: 'out \r\n', stderr: 'err \r\n', exitCode: 1 });
    expect(actions(server)).toEqual(['Create', 'Command', 'Receive', 'Signal', 'Delete']);
    expect(server.requests[0].text).toContain('<w:Option Name="WINRS_NOPROFILE">FALSE</w:Option><w:Option Name="WINRS_CODEPAGE">437</w:Option>');
    expect(server.requests[1].text).toContain('<w:Option Name="WINRS_CONSOLEMODE_STDIN">TRUE</w:Option><w:Option Name="WINRS_SKIP_CMD_SHELL">FALSE</w:Option>');
    expect(server.requests[3].text).toContain('/signal/terminate</rsp:Code>');
    expect(server.problems).toEqual([]);
  });

  it('no Receive is sent until the output is read; stdin.end() sends End="true"', async () => {
    const e = readPypsrpRecording('test_winrs_send');
    // stdin.end() after the last write: one more Send, empty, with End="true" (the recording's second SendResponse serves it too).
    server.enqueue(...[e[0], e[1], e[2], e[3], e[3], e[4]].map((x) => ({ status: x.status, body: x.response })));
    const s = openShellSession(server.url);
    const shell = await RemoteShell.create(s.shells, s.session);
    const command = await shell.run('powershell.exe', ['-']);
    await new Promise<void>((resolve, reject) => command.stdin.write('Write-Host "output 1";', (e) => (e ? reject(e) : resolve())));
    await new Promise<void>((resolve) => command.stdin.end('Write-Host "output 2";', resolve));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(actions(server)).toEqual(['Create', 'Command', 'Send', 'Send', 'Send']);
    expect(server.requests.map((r) => /<rsp:Stream[^>]*>([^<]*)</.exec(r.text)?.[0])).toEqual([
      undefined,
      undefined,
      `<rsp:Stream Name="stdin" CommandId="B0973E54-434E-4D99-B4BE-ADE584CE3BFB">${Buffer.from('Write-Host "output 1";').toString('base64')}<`,
      `<rsp:Stream Name="stdin" CommandId="B0973E54-434E-4D99-B4BE-ADE584CE3BFB">${Buffer.from('Write-Host "output 2";').toString('base64')}<`,
      '<rsp:Stream Name="stdin" CommandId="B0973E54-434E-4D99-B4BE-ADE584CE3BFB" End="true"><',
    ]);
    const chunks: Buffer[] = [];
    command.stdout.on('data', (c: Buffer) => chunks.push(c));
    command.stderr.resume();
    expect(await command.exitCode).toBe(0);
    expect(Buffer.concat(chunks).toString()).toContain('output 1');
    expect(actions(server)).toEqual(['Create', 'Command', 'Send', 'Send', 'Send', 'Receive']);
  });

  it('a failed Receive fails the streams and exitCode with the fault', async () => {
    const exchanges = readPypsrpRecording('test_winrs_bad_cmd_id');
    server.enqueue(...[exchanges[0], exchanges[1], exchanges[2]].map((e) => ({ status: e.status, body: e.response })));
    const s = openShellSession(server.url);
    const shell = await RemoteShell.create(s.shells, s.session);
    const command = await shell.run('cmd.exe', ['/c', 'echo', 'hi']);
    command.stdout.on('error', () => undefined);
    command.stderr.on('error', () => undefined);
    command.stdout.resume();
    await expect(command.exitCode).rejects.toMatchObject({ hresult: 0x8033805b });
  });
});

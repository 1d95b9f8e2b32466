/**
 * Shells through the object model, the way legacy scripts drive them: Session.Create with the
 * shell XML, Session.Invoke of Command / Receive / Signal on the shell URI with a ShellId selector,
 * Session.Delete — from TypeScript and from a JScript file run by `wsman run`, against pypsrp's
 * recorded Windows answers. The requests must be the Windows shapes (same information as the
 * recorded ones) and the script must print what Windows answered.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NS } from '../../src/core/protocol/namespaces';
import { startEndpoint } from '../../src/server/endpoint';
import { describeWithSharedFixtures } from '../helpers/shared-reference';
import { readPypsrpRecording } from './recordings';
import { BASIC_HTTP, openSession, ReplayServer } from './replay-server';
import { canonicalOf, envelopeOf, semanticHeaders, canonical } from './wsman-compare';

const ROOT = join(__dirname, '..', '..');
const SHELL_URI = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
const RSP = NS.shell;
const SHELL_XML = `<rsp:Shell xmlns:rsp="${RSP}"><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>`;
jest.setTimeout(30_000);

const COMMAND_XML = `<rsp:CommandLine xmlns:rsp="${RSP}"><rsp:Command>cmd.exe</rsp:Command><rsp:Arguments>/c</rsp:Arguments><rsp:Arguments>echo</rsp:Arguments><rsp:Arguments>hi</rsp:Arguments></rsp:CommandLine>`;

/** The recorded request and ours carry the same body and the same shell headers (selectors, action, resource). */
function expectSameOperation(ours: string, recorded: string): void {
  const a = semanticHeaders(ours);
  const b = semanticHeaders(recorded);
  expect([a.Action, a.ResourceURI, a.SelectorSet]).toEqual([b.Action, b.ResourceURI, b.SelectorSet]);
  const body = (text: string) => envelopeOf(text).bodyElements.map((e) => canonical(e));
  expect(body(ours)).toEqual(body(recorded));
}

describeWithSharedFixtures('shells through the object model', () => {
  let server: ReplayServer;
  beforeEach(async () => {
    server = await ReplayServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('Session.Create / Invoke Command, Receive, Signal / Delete: the Windows answers reach the caller, the requests are the recorded operations', async () => {
    const exchanges = readPypsrpRecording('test_winrs_standard');
    server.enqueue(...exchanges.map((e) => ({ status: e.status, body: e.response })));
    const { wsman, session } = openSession(server.url);

    const created = await session.Create(SHELL_URI, SHELL_XML);
    expect(created.hr).toBe(0);
    const shellId = /<w:Selector Name="ShellId">([^<]+)<\/w:Selector>/.exec(created.value!)![1];
    expect(shellId).toBe('4283CBDC-3706-415B-88BD-B385F3E51A53');
    const locator = wsman.CreateResourceLocator(SHELL_URI).value!;
    locator.AddSelector('ShellId', shellId);

    const command = await session.Invoke(`${RSP}/Command`, locator, COMMAND_XML);
    const commandId = /<rsp:CommandId>([^<]+)</.exec(command.value!)![1];
    expect(commandId).toBe('CF84C20A-0A35-43FA-AF78-0B4711DA5F30');

    const received = await session.Invoke(`${RSP}/Receive`, locator, `<rsp:Receive xmlns:rsp="${RSP}"><rsp:DesiredStream CommandId="${commandId}">stdout stderr</rsp:DesiredStream></rsp:Receive>`);
    expect(canonicalOf(received.value!)).toEqual(canonical(envelopeOf(exchanges[2].response).bodyElements[0]));

    const signalled = await session.Invoke(`${RSP}/Signal`, locator, `<rsp:Signal xmlns:rsp="${RSP}" CommandId="${commandId}"><rsp:Code>${RSP}/signal/ctrl_c</rsp:Code></rsp:Signal>`);
    expect(signalled.hr).toBe(0);
    expect((await session.Delete(locator)).hr).toBe(0);

    expect(server.problems).toEqual([]);
    server.requests.forEach((request, i) => expectSameOperation(request.text, exchanges[i].request!));
  });

  it('a JScript file run by `wsman run` drives a shell with Create / Invoke / Delete and prints the output and exit code', async () => {
    const exchanges = readPypsrpRecording('test_winrs_stderr_rc');
    server.enqueue(...exchanges.map((e) => ({ status: e.status, body: e.response })));
    const dir = mkdtempSync(join(tmpdir(), 'winrs-script-'));
    const file = join(dir, 'run-command.js');
    writeFileSync(file, SCRIPT);
    try {
      const run = await wsmanRun([file, server.url, 'cmd.exe', '/c echo out && echo err>&2 && exit 1']);
      expect({ stderr: run.stderr, code: run.code }).toEqual({ stderr: '', code: 0 });
      expect(run.stdout).toBe('stdout: out \r\n\nstderr: err \r\n\nExitCode: 1\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(server.problems).toEqual([]);
    server.requests.forEach((request, i) => expectSameOperation(request.text, exchanges[i].request!));
  }, 30_000);
});

function wsmanRun(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'cli', 'main.ts'), 'run', ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  child.stdin.end();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A legacy-style WSH script: no Node APIs, its own base64 decoder, the shell protocol through Session. */
const SCRIPT = String.raw`
var RSP = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell";
var SHELL_URI = RSP + "/cmd";
var wsman = new ActiveXObject("WSMan.Automation");
var options = wsman.CreateConnectionOptions();
options.UserName = "vagrant";
options.Password = "vagrant";
var flags = wsman.SessionFlagUseBasic() | wsman.SessionFlagCredUsernamePassword() | wsman.SessionFlagNoEncryption();
var session = wsman.CreateSession(WScript.Arguments(0), flags, options);

function decode(text) {
  var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var out = "", bits = 0, value = 0;
  for (var i = 0; i < text.length; i++) {
    var c = alphabet.indexOf(text.charAt(i));
    if (c < 0) continue;
    value = (value << 6) | c; bits += 6;
    if (bits >= 8) { bits -= 8; out += String.fromCharCode((value >> bits) & 0xFF); }
  }
  return out;
}

var created = session.Create(SHELL_URI, "<rsp:Shell xmlns:rsp='" + RSP + "'><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>");
var shellId = /<w:Selector Name="ShellId">([^<]+)</.exec(created)[1];
var locator = wsman.CreateResourceLocator(SHELL_URI);
locator.AddSelector("ShellId", shellId);

var args = "";
for (var a = 2; a < WScript.Arguments.Count(); a++) args += "<rsp:Arguments>" + WScript.Arguments(a).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;") + "</rsp:Arguments>";
var response = session.Invoke(RSP + "/Command", locator, "<rsp:CommandLine xmlns:rsp='" + RSP + "'><rsp:Command>" + WScript.Arguments(1) + "</rsp:Command>" + args + "</rsp:CommandLine>");
var commandId = /<rsp:CommandId>([^<]+)</.exec(response)[1];

var stdout = "", stderr = "", exitCode = null;
while (exitCode === null) {
  var received = session.Invoke(RSP + "/Receive", locator, "<rsp:Receive xmlns:rsp='" + RSP + "'><rsp:DesiredStream CommandId='" + commandId + "'>stdout stderr</rsp:DesiredStream></rsp:Receive>");
  var streams = /<rsp:Stream Name="(\w+)"[^>]*>([^<]*)</g, m;
  while ((m = streams.exec(received)) !== null) {
    if (m[1] == "stdout") stdout += decode(m[2]); else stderr += decode(m[2]);
  }
  var done = /State="[^"]*\/Done"[^>]*><rsp:ExitCode>(\d+)</.exec(received);
  if (done) exitCode = parseInt(done[1], 10);
}
session.Invoke(RSP + "/Signal", locator, "<rsp:Signal xmlns:rsp='" + RSP + "' CommandId='" + commandId + "'><rsp:Code>" + RSP + "/signal/ctrl_c</rsp:Code></rsp:Signal>");
session.Delete(locator);
WScript.Echo("stdout: " + stdout);
WScript.Echo("stderr: " + stderr);
WScript.Echo("ExitCode: " + exitCode);
`;

(process.platform === 'win32' ? describe.skip : describe)('shells through the object model against the embedded endpoint', () => {
  it('a real command: exit code, stdout and stderr apart, stdin through Send; another user is refused; Delete ends the shell', async () => {
    const endpoint = await startEndpoint({ port: 0, users: ['vagrant:vagrant', 'eve:Secret#9'], allowUnencrypted: true, machineName: 'WIN-OM' });
    try {
      const { wsman, session } = openSession(endpoint.url!);
      const created = await session.Create(SHELL_URI, SHELL_XML);
      const shellId = /<w:Selector Name="ShellId">([^<]+)<\/w:Selector>/.exec(created.value!)![1];
      const locator = wsman.CreateResourceLocator(SHELL_URI).value!;
      locator.AddSelector('ShellId', shellId);
      const command = await session.Invoke(`${RSP}/Command`, locator, `<rsp:CommandLine xmlns:rsp="${RSP}"><rsp:Command>read x; echo "out $x"; echo err &gt;&amp;2; exit 9</rsp:Command></rsp:CommandLine>`);
      const commandId = /<rsp:CommandId>([^<]+)</.exec(command.value!)![1];
      const sent = await session.Invoke(`${RSP}/Send`, locator, `<rsp:Send xmlns:rsp="${RSP}"><rsp:Stream Name="stdin" CommandId="${commandId}" End="true">${Buffer.from('typed\n').toString('base64')}</rsp:Stream></rsp:Send>`);
      expect(sent.hr).toBe(0);
      const streams: Record<string, string> = { stdout: '', stderr: '' };
      let exitCode: string | undefined;
      while (exitCode === undefined) {
        const received = await session.Invoke(`${RSP}/Receive`, locator, `<rsp:Receive xmlns:rsp="${RSP}"><rsp:DesiredStream CommandId="${commandId}">stdout stderr</rsp:DesiredStream></rsp:Receive>`);
        expect(received.hr).toBe(0);
        for (const m of received.value!.matchAll(/<rsp:Stream Name="(\w+)"[^>]*>([^<]*)</g)) streams[m[1]] += Buffer.from(m[2], 'base64').toString();
        exitCode = /CommandState\/Done"><rsp:ExitCode>(\d+)</.exec(received.value!)?.[1];
      }
      expect({ ...streams, exitCode }).toEqual({ stdout: 'out typed\n', stderr: 'err\n', exitCode: '9' });

      const options = wsman.CreateConnectionOptions().value!;
      options.put_UserName('eve');
      options.put_Password('Secret#9');
      const eve = wsman.CreateSession(endpoint.url!, BASIC_HTTP, options);
      expect(eve.error).toBeUndefined();
      const refused = await eve.value!.Invoke(`${RSP}/Signal`, locator, `<rsp:Signal xmlns:rsp="${RSP}" CommandId="${commandId}"><rsp:Code>${RSP}/signal/terminate</rsp:Code></rsp:Signal>`);
      expect(refused.hr).not.toBe(0);

      expect((await session.Delete(locator)).hr).toBe(0);
      expect((await session.Invoke(`${RSP}/Command`, locator, COMMAND_XML)).hr).toBe(0x8033805b);
    } finally {
      await endpoint.close();
    }
  });
});

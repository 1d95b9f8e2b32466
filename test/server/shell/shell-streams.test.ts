/**
 * The streams of a shell command: stdin through Send, code pages 65001 and 437 both ways, the
 * shell's environment and working directory, output flow control (a command nobody receives
 * from is paused, memory stays flat, and its output then arrives whole) and process cleanup
 * when the endpoint closes.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NS } from '../../../src/core/protocol/namespaces';
import { readSoapMessage } from '../../../src/core/protocol/message';
import { SHELL_ACTION, WSMAN_CMDSHELL_URI } from '../../../src/core/protocol/shell-protocol';
import { childElements, children, parseXml, textContent } from '../../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../../src/server/endpoint';
import { envelope, faultOf, post } from '../endpoint-harness';
import { ShellClient, alive } from './shell-client';

let endpoint: RunningEndpoint;
let alice: ShellClient;
let workDir: string;

beforeAll(async () => {
  workDir = realpathSync(mkdtempSync(join(tmpdir(), 'wsman-shell-streams-')));
  endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true, machineName: 'WIN-TEST' });
  alice = new ShellClient(endpoint.url!, 'alice', 'Secret#1');
});

afterAll(async () => {
  await endpoint.close();
  rmSync(workDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(file: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    try {
      const text = readFileSync(file, 'utf8');
      if (text.endsWith('\n')) return text.trim();
    } catch {
      // not written yet
    }
    await sleep(20);
  }
  throw new Error(`${file} never appeared`);
}

describe('stdin', () => {
  it('feeds Send pieces to the process and ends its stdin with End="true"', async () => {
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, 'cat; echo "[eof]"');
    expect((await alice.sendReply(shellId, commandId, Buffer.from('one\n'))).text).toContain('<rsp:SendResponse/>');
    expect((await alice.sendReply(shellId, commandId, Buffer.from('two\n'), true)).status).toBe(200);
    const output = await alice.receiveAll(shellId, commandId);
    expect(output.stdout.toString()).toBe('one\ntwo\n[eof]\n');
    await alice.deleteReply(shellId);
  });

  it('refuses a stream that is not an input stream, and writes nothing', async () => {
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, 'cat');
    const reply = await alice.call(
      'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send',
      shellId,
      `<rsp:Send xmlns:rsp="${NS.shell}"><rsp:Stream Name="stdin" CommandId="${commandId}">YQo=</rsp:Stream><rsp:Stream Name="stdout" CommandId="${commandId}" End="true">Ygo=</rsp:Stream></rsp:Send>`,
    );
    expect(faultOf(reply).hresult).toBe(0x80070057);
    await alice.sendReply(shellId, commandId, Buffer.from('c\n'), true);
    expect((await alice.receiveAll(shellId, commandId)).stdout.toString()).toBe('c\n');
    await alice.deleteReply(shellId);
  });
});

describe('code pages', () => {
  it('65001: UTF-8 both ways', async () => {
    const shellId = await alice.create({ codepage: 65001 });
    const commandId = await alice.command(shellId, 'cat');
    await alice.sendReply(shellId, commandId, Buffer.from('こんにちは ü\n'), true);
    expect((await alice.receiveAll(shellId, commandId)).stdout.toString('utf8')).toBe('こんにちは ü\n');
    await alice.deleteReply(shellId);
  });

  it('437: output transcoded to CP437 (unmappable → ?), CP437 stdin read as UTF-8 by the process', async () => {
    const shellId = await alice.create({ codepage: 437 });
    const commandId = await alice.command(shellId, 'cat; printf "\\342\\225\\224\\316\\261\\346\\227\\245"');
    // 0x82 = é, 0x9C = £ in CP437
    await alice.sendReply(shellId, commandId, Buffer.from([0x82, 0x9c, 0x0a]), true);
    const output = await alice.receiveAll(shellId, commandId);
    // The process saw UTF-8 "é£\n" and echoed it; ╔ (0xC9) α (0xE0) 日 (none) follow.
    expect(output.stdout).toEqual(Buffer.from([0x82, 0x9c, 0x0a, 0xc9, 0xe0, 0x3f]));
    await alice.deleteReply(shellId);
  });
});

describe('environment and working directory', () => {
  it('runs in the shell working directory with its variables (XML-escaped names and values)', async () => {
    const shellId = await alice.create({ workingDirectory: workDir, environment: { WSMAN_TEST: 'a<b>&"c"', second: '2' } });
    const commandId = await alice.command(shellId, 'pwd; printf "%s|%s\\n" "$WSMAN_TEST" "$second"');
    expect((await alice.receiveAll(shellId, commandId)).stdout.toString()).toBe(`${workDir}\na<b>&"c"|2\n`);
    await alice.deleteReply(shellId);
  });

  it('a working directory that does not exist fails the Command with ERROR_DIRECTORY', async () => {
    const shellId = await alice.create({ workingDirectory: 'C:\\Windows' });
    const reply = await alice.commandReply(shellId, 'pwd');
    expect(faultOf(reply).hresult).toBe(0x8007010b);
    expect(reply.text).toContain('Shell cmd plugin');
    await alice.deleteReply(shellId);
  });
});

describe('flow control', () => {
  it('pauses a command nobody receives from: it blocks on its pipe and memory stays flat', async () => {
    const pidFile = join(workDir, 'flow.pid');
    const shellId = await alice.create();
    const before = process.memoryUsage().rss;
    // 200 MB that the endpoint would hold if it kept reading.
    await alice.command(shellId, `echo $$ > ${pidFile}; exec head -c 200000000 /dev/zero`);
    const pid = Number(await waitFor(pidFile));
    await sleep(1000);
    expect(alive(pid)).toBe(true);
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024);
    await alice.deleteReply(shellId);
    expect(alive(pid)).toBe(false);
  });

  it('delivers output larger than its buffer whole, in replies that fit MaxEnvelopeSize', async () => {
    const total = 5 * 1024 * 1024;
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, `head -c ${total} /dev/zero | tr '\\0' 'x'; echo done >&2`);
    const output = await alice.receiveAll(shellId, commandId);
    expect(output.stdout.length).toBe(total);
    expect(output.stdout.every((byte) => byte === 0x78)).toBe(true);
    expect(output.stderr.toString()).toBe('done\n');
    expect(output.exitCode).toBe(0);
    // At most ~375 KB of output per 500 KB envelope.
    expect(output.replies).toBeGreaterThanOrEqual(14);
    await alice.deleteReply(shellId);
  });

  it('a small MaxEnvelopeSize makes smaller replies that fill it, never an oversized one', async () => {
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, 'head -c 100000 /dev/zero');
    await sleep(200);
    const reply = await alice.receiveReply(shellId, commandId, 5000, 8192);
    expect(reply.status).toBe(200);
    expect(Buffer.byteLength(reply.text)).toBeLessThanOrEqual(8192);
    // Filled as Windows fills it: only the End markers and a Done state with its exit code are held back.
    expect(Buffer.byteLength(reply.text)).toBeGreaterThan(8192 - 512);
    expect(children(reply.body!, NS.shell, 'Stream').length).toBeGreaterThan(0);
    expect(Buffer.from(textContent(children(reply.body!, NS.shell, 'Stream')[0]), 'base64').length).toBeGreaterThan(4000);
    await alice.deleteReply(shellId);
  });
  it('a UTF-16 client gets its Receive reply in UTF-16LE with a BOM, filled to its MaxEnvelopeSize in bytes', async () => {
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, "head -c 30000 /dev/zero | tr '\\0' 'u'");
    await sleep(200);
    const { xml } = envelope(endpoint.url!, {
      resourceUri: WSMAN_CMDSHELL_URI,
      action: SHELL_ACTION.receive,
      selectors: [{ name: 'ShellId', value: shellId }],
      maxEnvelopeSize: 16384,
      body: `<rsp:Receive xmlns:rsp="${NS.shell}"><rsp:DesiredStream CommandId="${commandId}">stdout stderr</rsp:DesiredStream></rsp:Receive>`,
    });
    const reply = await post(endpoint.url!, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]), {
      headers: { ...alice.auth.headers, 'Content-Type': 'application/soap+xml;charset=UTF-16' },
    });
    expect(reply.status).toBe(200);
    expect([...reply.body.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(reply.body.length).toBeLessThanOrEqual(16384 + 2);
    expect(reply.body.length).toBeGreaterThan(16384 - 1024);
    const stream = children(childElements(readSoapMessage(parseXml(reply.body.subarray(2).toString('utf16le'))).body!)[0], NS.shell, 'Stream')[0];
    const data = Buffer.from(textContent(stream), 'base64');
    expect(data.length).toBeGreaterThan(5000);
    expect(data.every((byte) => byte === 0x75)).toBe(true);
    await alice.deleteReply(shellId);
  });
});

describe('process cleanup', () => {
  it('Delete kills the process group, background children too', async () => {
    const pidFile = join(workDir, 'delete.pid');
    const shellId = await alice.create();
    await alice.command(shellId, `sleep 30 & echo "$$ $!" > ${pidFile}; wait`);
    const pids = (await waitFor(pidFile)).split(' ').map(Number);
    expect(pids.every(alive)).toBe(true);
    await alice.deleteReply(shellId);
    expect(pids.some(alive)).toBe(false);
  });

  it("nothing is left running after the endpoint's close()", async () => {
    const other = await startEndpoint({ port: 0, users: ['carol:Secret#3'], allowUnencrypted: true });
    const carol = new ShellClient(other.url!, 'carol', 'Secret#3');
    const pidFile = join(workDir, 'close.pid');
    const shellId = await carol.create();
    const commandId = await carol.command(shellId, `sleep 30 & echo "$$ $!" > ${pidFile}; wait`);
    const pids = (await waitFor(pidFile)).split(' ').map(Number);
    const pending = carol.receiveReply(shellId, commandId, 20_000);
    await sleep(100);
    await other.close();
    expect(pids.some(alive)).toBe(false);
    // The waiting Receive ends: its connection dropped, or, when the request reached the service only
    // after close() had ended the shells (a loaded host), the fault for a shell that is gone.
    const outcome = await pending.then(
      (reply) => reply.status,
      () => 'dropped',
    );
    expect([500, 'dropped']).toContain(outcome);
  });
});

/**
 * Disconnected shells (MS-WSMV §3.1.4.15–3.1.4.17): a disconnected shell keeps running and
 * buffers its output (Block pauses the command, Drop keeps the newest output), Reconnect and a
 * Connect from another client of the same user pick it up; and Enumerate lists the caller's
 * shells with the fields Windows shows.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION, NS } from '../../../src/core/protocol/namespaces';
import { SHELL_ACTION, WSMAN_CMDSHELL_URI } from '../../../src/core/protocol/shell-protocol';
import { child, childElements, textContent, type XmlElement } from '../../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../../src/server/endpoint';
import { faultOf, soap } from '../endpoint-harness';
import { ShellClient, alive } from './shell-client';

let endpoint: RunningEndpoint;
let alice: ShellClient;
let workDir: string;

beforeAll(async () => {
  workDir = realpathSync(mkdtempSync(join(tmpdir(), 'wsman-shell-disconnect-')));
  endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1', 'bob:Secret#2'], allowUnencrypted: true, machineName: 'WIN-TEST' });
  alice = new ShellClient(endpoint.url!, 'alice', 'Secret#1');
});

afterAll(async () => {
  await endpoint.close();
  rmSync(workDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function disconnect(client: ShellClient, shellId: string, inner = '') {
  return client.call(SHELL_ACTION.disconnect, shellId, `<rsp:Disconnect xmlns:rsp="${NS.shell}">${inner}</rsp:Disconnect>`);
}
const reconnect = (client: ShellClient, shellId: string) => client.call(SHELL_ACTION.reconnect, shellId, '');
const connect = (client: ShellClient, shellId: string) => client.call(SHELL_ACTION.connect, shellId, `<rsp:Connect xmlns:rsp="${NS.shell}"/>`);

async function enumerate(client: ShellClient, resourceUri: string, filter = ''): Promise<{ reply: Awaited<ReturnType<typeof soap>>; shells: XmlElement[] }> {
  const reply = await soap(
    client.url,
    { resourceUri, action: ACTION.enumerate, body: `<n:Enumerate xmlns:n="${NS.enumeration}" xmlns:w="${NS.wsman}"><w:OptimizeEnumeration/><w:MaxElements>32000</w:MaxElements>${filter}</n:Enumerate>` },
    client.auth,
  );
  const items = reply.status === 200 ? child(reply.body!, NS.wsman, 'Items') : undefined;
  return { reply, shells: items ? childElements(items) : [] };
}

describe('Disconnect and Reconnect', () => {
  it('a disconnected shell keeps running and buffers its output; Reconnect receives it', async () => {
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, 'for i in 1 2 3; do echo $i; sleep 0.1; done');
    const disconnected = await disconnect(alice, shellId);
    expect(disconnected.status).toBe(200);
    expect(disconnected.header.action).toBe('http://schemas.microsoft.com/wbem/wsman/1/windows/shell/DisconnectResponse');
    expect(disconnected.body).toBeUndefined();
    expect(faultOf(await alice.receiveReply(shellId, commandId)).hresult).toBe(0x803381c4);
    expect(faultOf(await disconnect(alice, shellId)).hresult).toBe(0x803381cf);
    await sleep(600);
    const reconnected = await reconnect(alice, shellId);
    expect(reconnected.status).toBe(200);
    expect(reconnected.body).toBeUndefined();
    const output = await alice.receiveAll(shellId, commandId);
    expect(output.stdout.toString()).toBe('1\n2\n3\n');
    expect(faultOf(await reconnect(alice, shellId)).hresult).toBe(0x803381d0);
    await alice.deleteReply(shellId);
  });

  it('Block pauses a disconnected command at the buffer limit; Drop lets it run on and keeps the newest output', async () => {
    const pidFile = join(workDir, 'block.pid');
    const shellId = await alice.create();
    const blocked = await alice.command(shellId, `echo $$ > ${pidFile}; head -c 3000000 /dev/zero; echo END`);
    await disconnect(alice, shellId, '<rsp:BufferMode>Block</rsp:BufferMode>');
    await sleep(500);
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(true);
    await reconnect(alice, shellId);
    const whole = await alice.receiveAll(shellId, blocked);
    expect(whole.stdout.length).toBe(3000000 + 4);

    const dropping = await alice.command(shellId, 'head -c 3000000 /dev/zero; echo END');
    await disconnect(alice, shellId, '<rsp:BufferMode>Drop</rsp:BufferMode>');
    await sleep(500);
    await reconnect(alice, shellId);
    const newest = await alice.receiveAll(shellId, dropping);
    expect(newest.exitCode).toBe(0);
    expect(newest.stdout.length).toBeLessThan(3000000);
    expect(newest.stdout.subarray(-4).toString()).toBe('END\n');
    await alice.deleteReply(shellId);
  });

  it("Disconnect's IdleTimeOut ends a shell nobody reconnects to", async () => {
    const shellId = await alice.create();
    await alice.command(shellId, 'sleep 30');
    await disconnect(alice, shellId, '<rsp:IdleTimeOut>PT0.300S</rsp:IdleTimeOut>');
    await sleep(700);
    expect(faultOf(await reconnect(alice, shellId)).hresult).toBe(0x8033805b);
  });
});

describe('Connect', () => {
  it('another client of the same user connects to a disconnected shell and receives its output', async () => {
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, 'sleep 0.2; echo from afar');
    await disconnect(alice, shellId);
    const elsewhere = new ShellClient(endpoint.url!, 'alice', 'Secret#1');
    const connected = await connect(elsewhere, shellId);
    expect(connected.header.action).toBe('http://schemas.microsoft.com/wbem/wsman/1/windows/shell/ConnectResponse');
    expect(connected.body).toMatchObject({ namespace: NS.shell, localName: 'ConnectResponse' });
    expect(textContent(child(connected.body!, NS.shell, 'InputStreams')!)).toBe('stdin');
    expect(textContent(child(connected.body!, NS.shell, 'OutputStreams')!)).toBe('stdout stderr');
    expect((await elsewhere.receiveAll(shellId, commandId)).stdout.toString()).toBe('from afar\n');
    // Connected now: a second Connect is refused, and so is another user's.
    expect(faultOf(await connect(elsewhere, shellId)).hresult).toBe(0x803381cd);
    expect(faultOf(await connect(new ShellClient(endpoint.url!, 'bob', 'Secret#2'), shellId)).hresult).toBe(0x80070005);
    await alice.deleteReply(shellId);
  });
});

describe('Enumerate', () => {
  it('lists the caller’s shells with the fields Windows shows, on …/shell/cmd and on the shell namespace', async () => {
    const shellId = await alice.create({ name: 'build box' });
    await alice.command(shellId, 'sleep 5');
    await disconnect(alice, shellId, '<rsp:BufferMode>Drop</rsp:BufferMode>');
    await sleep(50);
    const { reply, shells } = await enumerate(alice, WSMAN_CMDSHELL_URI);
    expect(reply.status).toBe(200);
    expect(shells).toHaveLength(1);
    const shell = shells[0];
    expect(shell).toMatchObject({ namespace: NS.shell, localName: 'Shell' });
    expect(childElements(shell).map((e) => e.localName)).toEqual([
      'ShellId',
      'Name',
      'ResourceUri',
      'Owner',
      'ClientIP',
      'ProcessId',
      'IdleTimeOut',
      'InputStreams',
      'OutputStreams',
      'BufferMode',
      'State',
      'ShellRunTime',
      'ShellInactivity',
      'MemoryUsed',
      'ChildProcesses',
    ]);
    const field = (name: string) => textContent(child(shell, NS.shell, name)!);
    expect(field('ShellId')).toBe(shellId);
    expect(field('Name')).toBe('build box');
    expect(field('Owner')).toBe('WIN-TEST\\alice');
    expect(field('ProcessId')).toBe(String(process.pid));
    expect(field('State')).toBe('Disconnected');
    expect(field('BufferMode')).toBe('Drop');
    expect(field('MemoryUsed')).toMatch(/^\d+MB$/);
    expect(Number(field('ChildProcesses'))).toBeGreaterThanOrEqual(1);
    expect((await enumerate(alice, NS.shell)).shells.map((s) => textContent(child(s, NS.shell, 'ShellId')!))).toEqual([shellId]);
    expect((await enumerate(new ShellClient(endpoint.url!, 'bob', 'Secret#2'), WSMAN_CMDSHELL_URI)).shells).toEqual([]);
    await alice.deleteReply(shellId);
  });

  it('refuses a filter (n:FilteringNotSupported)', async () => {
    const { reply } = await enumerate(alice, WSMAN_CMDSHELL_URI, `<w:Filter>select * from x</w:Filter>`);
    expect(reply.text).toContain('<s:Subcode><s:Value>n:FilteringNotSupported</s:Value>');
  });
});

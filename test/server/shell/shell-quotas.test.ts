/**
 * winrm/config/winrs over the endpoint's shells, each limit changed with a Put as an
 * administrator would: AllowRemoteShellAccess, MaxShellsPerUser, MaxConcurrentUsers,
 * IdleTimeout, MaxShellRunTime, MaxProcessesPerShell, MaxMemoryPerShellMB; and a shell belongs
 * to its creator.
 */
import { errorNamed } from '../../../src/core/errors/error-table';
import { ACTION, NS } from '../../../src/core/protocol/namespaces';
import { SHELL_ACTION, WSMAN_CMDSHELL_URI } from '../../../src/core/protocol/shell-protocol';
import { child, childElements, textContent } from '../../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../../src/server/endpoint';
import { faultOf, soap } from '../endpoint-harness';
import { ShellClient, createdShell } from './shell-client';

const WINRS = `${NS.config}/winrs`;
const DEFAULTS: Record<string, string> = {
  AllowRemoteShellAccess: 'true',
  IdleTimeout: '7200000',
  MaxConcurrentUsers: '2147483647',
  MaxShellRunTime: '2147483647',
  MaxProcessesPerShell: '2147483647',
  MaxMemoryPerShellMB: '2147483647',
  MaxShellsPerUser: '2147483647',
};

let endpoint: RunningEndpoint;
let alice: ShellClient;
let bob: ShellClient;

beforeAll(async () => {
  endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1', 'bob:Secret#2'], allowUnencrypted: true, machineName: 'WIN-TEST' });
  alice = new ShellClient(endpoint.url!, 'alice', 'Secret#1');
  bob = new ShellClient(endpoint.url!, 'bob', 'Secret#2');
});

afterAll(async () => {
  await endpoint.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function setWinrs(values: Record<string, string>): Promise<void> {
  const body = `<cfg:Winrs xmlns:cfg="${NS.config}">${Object.entries(values)
    .map(([name, value]) => `<cfg:${name}>${value}</cfg:${name}>`)
    .join('')}</cfg:Winrs>`;
  const reply = await soap(endpoint.url!, { resourceUri: WINRS, action: ACTION.put, body }, alice.auth);
  expect(reply.status).toBe(200);
}

async function enumerateShells(client: ShellClient): Promise<string[]> {
  const reply = await soap(
    endpoint.url!,
    { resourceUri: WSMAN_CMDSHELL_URI, action: ACTION.enumerate, body: `<n:Enumerate xmlns:n="${NS.enumeration}" xmlns:w="${NS.wsman}"><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements></n:Enumerate>` },
    client.auth,
  );
  const items = child(reply.body!, NS.wsman, 'Items')!;
  return childElements(items).map((shell) => textContent(child(shell, NS.shell, 'ShellId')!));
}

afterEach(async () => {
  await setWinrs(DEFAULTS);
  for (const client of [alice, bob]) for (const id of await enumerateShells(client)) await client.deleteReply(id);
});

describe('ownership', () => {
  it("refuses another user's Command, Receive, Send, Signal and Delete with Access denied, and leaves the shell intact", async () => {
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, 'cat');
    const refusals = [
      await bob.commandReply(shellId, 'true'),
      await bob.receiveReply(shellId, commandId),
      await bob.sendReply(shellId, commandId, Buffer.from('x'), true),
      await bob.signalReply(shellId, commandId),
      await bob.deleteReply(shellId),
    ];
    for (const reply of refusals) {
      expect(faultOf(reply).hresult).toBe(0x80070005);
      expect(reply.text).toContain('<s:Subcode><s:Value>w:AccessDenied</s:Value>');
    }
    expect(await enumerateShells(bob)).toEqual([]);
    expect(await enumerateShells(alice)).toEqual([shellId]);
    await alice.sendReply(shellId, commandId, Buffer.from('still mine\n'), true);
    expect((await alice.receiveAll(shellId, commandId)).stdout.toString()).toBe('still mine\n');
  });
});

describe('quotas on opening shells', () => {
  it('AllowRemoteShellAccess=false refuses Create with ERROR_WSMAN_REMOTESHELLS_NOT_ALLOWED', async () => {
    await setWinrs({ AllowRemoteShellAccess: 'false' });
    expect(faultOf(await alice.createReply()).hresult).toBe(0x803381ac);
  });

  it('MaxShellsPerUser: one shell too many is ERROR_WSMAN_QUOTA_MAX_SHELLS (w:QuotaLimit); the other user is not counted', async () => {
    await setWinrs({ MaxShellsPerUser: '2' });
    await alice.create();
    await alice.create();
    const refused = await alice.createReply();
    expect(faultOf(refused).hresult).toBe(0x803381a5);
    expect(refused.text).toContain('<s:Subcode><s:Value>w:QuotaLimit</s:Value>');
    expect(refused.text).toContain('Code="2150859173"');
    expect(await enumerateShells(alice)).toHaveLength(2);
    expect(await bob.create()).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('MaxConcurrentUsers: a second user cannot open a shell while the first has one', async () => {
    await setWinrs({ MaxConcurrentUsers: '1' });
    await alice.create();
    expect(faultOf(await bob.createReply()).hresult).toBe(0x803381ab);
    expect(await alice.create()).toMatch(/^[0-9A-F-]{36}$/);
  });
});

describe('operations', () => {
  it('a command holds one of the user’s MaxConcurrentOperationsPerUser until terminate', async () => {
    const service = `${NS.config}/service`;
    const put = (value: string) =>
      soap(endpoint.url!, { resourceUri: service, action: ACTION.put, body: `<cfg:Service xmlns:cfg="${NS.config}"><cfg:MaxConcurrentOperationsPerUser>${value}</cfg:MaxConcurrentOperationsPerUser></cfg:Service>` }, alice.auth);
    expect((await put('2')).status).toBe(200);
    try {
      const shellId = await alice.create();
      const first = await alice.command(shellId, 'true');
      await alice.command(shellId, 'true');
      const refused = await alice.commandReply(shellId, 'true');
      expect(faultOf(refused).hresult).toBe(0x803381a6);
      expect(refused.text).toContain('<s:Subcode><s:Value>w:QuotaLimit</s:Value>');
      await alice.signalReply(shellId, first);
      expect((await alice.commandReply(shellId, 'true')).status).toBe(200);
    } finally {
      await put('1500');
    }
  });
});

describe('clocks', () => {
  it('IdleTimeout: an idle shell is closed; one with a Receive waiting is not idle', async () => {
    await setWinrs({ IdleTimeout: '800' });
    const idle = await alice.create();
    const busy = await alice.create();
    const busyCommand = await alice.command(busy, 'sleep 1.5; echo awake');
    // The config bounds what the shell gets, and Create says so.
    expect(textContent(child(createdShell(await alice.createReply({ idleTimeOut: 'PT60S' })), NS.shell, 'IdleTimeOut')!)).toBe('PT0.800S');
    const output = await alice.receiveAll(busy, busyCommand);
    expect(output.stdout.toString()).toBe('awake\n');
    expect(faultOf(await alice.commandReply(idle, 'true')).hresult).toBe(0x8033805b);
  });

  it.each([
    ['MaxShellRunTime', { MaxShellRunTime: '500' }, {}],
    ["the shell's own rsp:Lifetime", {}, { lifetime: 'PT0.5S' }],
  ])('%s closes a shell however busy it is', async (_, config: Record<string, string>, options) => {
    await setWinrs(config);
    const shellId = await alice.create(options);
    const commandId = await alice.command(shellId, 'sleep 30');
    const pending = await alice.receiveReply(shellId, commandId, 5000);
    expect(faultOf(pending).hresult).toBe(0x8033805b);
    expect(await enumerateShells(alice)).toEqual([]);
  });
});

describe('process quotas', () => {
  it('MaxProcessesPerShell: a Command past the limit fails with ERROR_NOT_ENOUGH_QUOTA from the plugin', async () => {
    await setWinrs({ MaxProcessesPerShell: '2' });
    const shellId = await alice.create();
    await alice.command(shellId, 'sleep 5 & sleep 5');
    await sleep(200);
    const refused = await alice.commandReply(shellId, 'true');
    expect(faultOf(refused).hresult).toBe(0x80070718);
    expect(refused.text).toContain('Shell cmd plugin');
  });

  it('MaxMemoryPerShellMB: processes past the limit (resident memory read from /proc) are killed; Receive reports it', async () => {
    await setWinrs({ MaxMemoryPerShellMB: '20' });
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, `/usr/bin/python3 -c "import time; data = b'x' * 60_000_000; time.sleep(20)"`);
    const started = Date.now();
    const reply = await alice.receiveReply(shellId, commandId, 20_000);
    expect(faultOf(reply).hresult).toBe(0x8007000e);
    expect(Date.now() - started).toBeLessThan(9000);
  });
});

describe('shell actions on the wrong resource', () => {
  it('a shell action on the shell namespace without /cmd is not supported', async () => {
    const reply = await soap(endpoint.url!, { resourceUri: NS.shell, action: SHELL_ACTION.command, selectors: [{ name: 'ShellId', value: 'X' }], body: '' }, alice.auth);
    expect(faultOf(reply).hresult).toBe(errorNamed('ERROR_WSMAN_ACTION_NOT_SUPPORTED').hresult);
  });
});

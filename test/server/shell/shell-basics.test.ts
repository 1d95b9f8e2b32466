/**
 * The endpoint's cmd shell with real processes: Create (the rsp:Shell block Windows returns),
 * Command, Receive (long poll, TimedOut, Done with ExitCode), Signal, Delete, and the faults of
 * the pypsrp recordings for unknown ids and missing parameters.
 */
import { mkdtempSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NS } from '../../../src/core/protocol/namespaces';
import { SHELL_ACTION, WSMAN_CMDSHELL_URI, WSMAN_COMMAND_STATE_RUNNING, WSMAN_SIGNAL_SHELL_CODE_CTRL_C } from '../../../src/core/protocol/shell-protocol';
import { attribute, child, children, textContent } from '../../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../../src/server/endpoint';
import { request as httpRequest } from 'node:http';
import { envelope, faultOf } from '../endpoint-harness';
import { ShellClient, createdShell } from './shell-client';

const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

let endpoint: RunningEndpoint;
let alice: ShellClient;
let workDir: string;

beforeAll(async () => {
  workDir = realpathSync(mkdtempSync(join(tmpdir(), 'wsman-shell-')));
  endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1', 'bob:Secret#2'], allowUnencrypted: true, machineName: 'WIN-TEST' });
  alice = new ShellClient(endpoint.url!, 'alice', 'Secret#1');
});

afterAll(async () => {
  await endpoint.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('Create', () => {
  it('answers ResourceCreated with the ShellId selector and the rsp:Shell block as Windows does', async () => {
    const reply = await alice.createReply({ workingDirectory: workDir });
    expect(reply.status).toBe(200);
    expect(reply.header.action).toBe('http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse');
    const created = reply.body!;
    expect(created).toMatchObject({ namespace: NS.transfer, localName: 'ResourceCreated' });
    expect(textContent(child(created, NS.addressing, 'Address')!)).toBe(endpoint.url);
    const parameters = child(created, NS.addressing, 'ReferenceParameters')!;
    expect(textContent(child(parameters, NS.wsman, 'ResourceURI')!)).toBe(WSMAN_CMDSHELL_URI);
    const selector = child(child(parameters, NS.wsman, 'SelectorSet')!, NS.wsman, 'Selector')!;
    expect(attribute(selector, 'Name')).toBe('ShellId');
    const shellId = textContent(selector);
    expect(shellId).toMatch(GUID);

    const shell = createdShell(reply);
    const fields = shell.children.filter((node): node is typeof shell => 'localName' in node).map((element) => element.localName);
    expect(fields).toEqual(['ShellId', 'ResourceUri', 'Owner', 'ClientIP', 'WorkingDirectory', 'IdleTimeOut', 'InputStreams', 'OutputStreams', 'ShellRunTime', 'ShellInactivity']);
    const field = (name: string) => textContent(child(shell, NS.shell, name)!);
    expect(field('ShellId')).toBe(shellId);
    expect(field('Owner')).toBe('alice');
    expect(field('ClientIP')).toBe('127.0.0.1');
    expect(field('IdleTimeOut')).toBe('PT7200.000S');
    expect(field('OutputStreams')).toBe('stdout stderr');
    expect(field('ShellInactivity')).toBe('P0DT0H0M0S');
    expect((await alice.deleteReply(shellId)).status).toBe(200);
  });

  it('honours a client-chosen ShellId and refuses it twice or malformed', async () => {
    const id = 'C0FFEE00-1234-4321-ABCD-0123456789AB';
    expect(await alice.create({ shellId: id })).toBe(id);
    expect(faultOf(await alice.createReply({ shellId: id })).hresult).toBe(0x803381d7);
    expect(faultOf(await alice.createReply({ shellId: 'not-a-guid' })).hresult).toBe(0x803381d5);
    await alice.deleteReply(id);
  });

  it('refuses a code page it cannot set', async () => {
    expect(faultOf(await alice.createReply({ codepage: 1252 })).hresult).toBe(0x80338140);
  });
});

describe('Command and Receive', () => {
  it('runs the command line through /bin/sh, stdout and stderr apart, with its exit code', async () => {
    const output = await alice.run('echo', ['out;', 'echo', 'err', '1>&2;', 'exit', '3']);
    expect(output.stdout.toString()).toBe('out\n');
    expect(output.stderr.toString()).toBe('err\n');
    expect(output.exitCode).toBe(3);
  });

  it('writes the ReceiveResponse in the recorded shape: data, End markers, CommandState Done', async () => {
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, 'printf', ['hi']);
    expect(commandId).toMatch(GUID);
    let reply = await alice.receiveReply(shellId, commandId);
    // The first reply may come before the exit; poll until Done.
    while (attribute(child(reply.body!, NS.shell, 'CommandState')!, 'State') === WSMAN_COMMAND_STATE_RUNNING) reply = await alice.receiveReply(shellId, commandId);
    expect(reply.header.action).toBe('http://schemas.microsoft.com/wbem/wsman/1/windows/shell/ReceiveResponse');
    const streams = children(reply.body!, NS.shell, 'Stream');
    const ends = streams.filter((s) => attribute(s, 'End') === 'true').map((s) => [attribute(s, 'Name'), attribute(s, 'CommandId'), textContent(s)]);
    expect(ends).toEqual([
      ['stdout', commandId, ''],
      ['stderr', commandId, ''],
    ]);
    const state = child(reply.body!, NS.shell, 'CommandState')!;
    expect(attribute(state, 'CommandId')).toBe(commandId);
    expect(textContent(child(state, NS.shell, 'ExitCode')!)).toBe('0');
    expect((await alice.signalReply(shellId, commandId)).text).toContain('<rsp:SignalResponse/>');
    await alice.deleteReply(shellId);
  });

  it('honours a client-chosen CommandId', async () => {
    const shellId = await alice.create();
    const id = 'ABCDEF01-2345-6789-ABCD-EF0123456789';
    expect(await alice.command(shellId, 'true', [], { commandId: id })).toBe(id);
    expect(faultOf(await alice.commandReply(shellId, 'true', [], { commandId: id })).hresult).toBe(0x803381d6);
    await alice.deleteReply(shellId);
  });

  it('long-polls: w:TimedOut (2150858793) when no output comes within OperationTimeout, then the output', async () => {
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, 'sleep 1.2; echo late');
    const started = Date.now();
    const timedOut = await alice.receiveReply(shellId, commandId, 500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    const fault = faultOf(timedOut);
    expect(fault.hresult).toBe(0x80338029);
    expect(timedOut.text).toContain('<s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:TimedOut</s:Value>');
    expect(timedOut.text).toContain('Code="2150858793"');
    const output = await alice.receiveAll(shellId, commandId);
    expect(output.stdout.toString()).toBe('late\n');
    await alice.deleteReply(shellId);
  });

  it('runs the executable itself with WINRS_SKIP_CMD_SHELL, and a missing one fails as the plugin reports it', async () => {
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, '/bin/echo', ['a;b', '$HOME'], { skipShell: true });
    expect((await alice.receiveAll(shellId, commandId)).stdout.toString()).toBe('a;b $HOME\n');
    const missing = await alice.commandReply(shellId, 'no-such-program-here', [], { skipShell: true });
    expect(faultOf(missing).hresult).toBe(0x80070002);
    expect(missing.text).toContain('<s:Subcode><s:Value>w:InternalError</s:Value>');
    expect(missing.text).toContain('Code="2147942402"');
    expect(missing.text).toContain('<f:ProviderFault provider="Shell cmd plugin" path="%systemroot%\\system32\\winrscmd.dll">The system cannot find the file specified. </f:ProviderFault>');
    await alice.deleteReply(shellId);
  });
});

describe('a client that goes away', () => {
  it('a Receive whose connection closes takes no output: the next Receive gets all of it', async () => {
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, 'sleep 0.4; echo kept');
    const { xml } = envelope(endpoint.url!, {
      resourceUri: WSMAN_CMDSHELL_URI,
      action: SHELL_ACTION.receive,
      selectors: [{ name: 'ShellId', value: shellId }],
      operationTimeoutMs: 20_000,
      body: `<rsp:Receive xmlns:rsp="${NS.shell}"><rsp:DesiredStream CommandId="${commandId}">stdout stderr</rsp:DesiredStream></rsp:Receive>`,
    });
    const abandoned = httpRequest(endpoint.url!, { method: 'POST', headers: { ...alice.auth.headers, 'Content-Type': 'application/soap+xml;charset=UTF-8' } });
    abandoned.on('error', () => undefined);
    abandoned.end(xml);
    await new Promise((resolve) => setTimeout(resolve, 150));
    abandoned.destroy();
    const output = await alice.receiveAll(shellId, commandId);
    expect(output.stdout.toString()).toBe('kept\n');
    await alice.deleteReply(shellId);
  });
});

describe('Signal and Delete', () => {
  it('ctrl_c interrupts the process group; terminate forgets the command', async () => {
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, "trap 'echo interrupted; exit 7' INT; echo ready; while :; do sleep 0.05; done");
    const first = await alice.receiveReply(shellId, commandId);
    expect(Buffer.from(textContent(children(first.body!, NS.shell, 'Stream')[0]), 'base64').toString()).toBe('ready\n');
    expect((await alice.signalReply(shellId, commandId, WSMAN_SIGNAL_SHELL_CODE_CTRL_C)).status).toBe(200);
    const output = await alice.receiveAll(shellId, commandId);
    expect(output.stdout.toString()).toBe('interrupted\n');
    expect(output.exitCode).toBe(7);
    expect((await alice.signalReply(shellId, commandId)).status).toBe(200);
    const gone = await alice.receiveReply(shellId, commandId);
    expect(faultOf(gone).hresult).toBe(0x8033805b);
    await alice.deleteReply(shellId);
  });

  it('terminate kills a command that ignores ctrl_c, with the exit code of a SIGKILL', async () => {
    const shellId = await alice.create();
    const commandId = await alice.command(shellId, "trap '' INT; sleep 30");
    const pending = alice.receiveReply(shellId, commandId, 5000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await alice.signalReply(shellId, commandId);
    // The Receive that was waiting learns the command is gone.
    expect(faultOf(await pending).hresult).toBe(0x8033805b);
    await alice.deleteReply(shellId);
  });

  it('Delete ends the shell: its ShellId is unknown afterwards (the shell provider fault)', async () => {
    const shellId = await alice.create();
    expect((await alice.deleteReply(shellId)).status).toBe(200);
    const reply = await alice.commandReply(shellId, 'true');
    expect(faultOf(reply).hresult).toBe(0x8033805b);
    expect(reply.text).toContain('<w:FaultDetail>http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors</w:FaultDetail>');
    expect(reply.text).toContain('<f:ProviderFault provider="Shell provider" path="%systemroot%\\system32\\WsmSvc.dll"><f:WSManFault');
  });
});

describe('faults of the recordings', () => {
  it('an unknown CommandId: InvalidSelectors / UnexpectedSelectors, Code 2150858843, the WinRS message, unnested', async () => {
    const shellId = await alice.create();
    const reply = await alice.receiveReply(shellId, '00000000-0000-0000-0000-000000000000');
    expect(reply.text).toContain('<s:Value>s:Sender</s:Value><s:Subcode><s:Value>w:InvalidSelectors</s:Value>');
    expect(reply.text).toContain('Code="2150858843"');
    expect(reply.text).toContain('<f:Message>The Windows Remote Shell received a request to perform an operation on a command identifier that does not exist.');
    expect(reply.text).not.toContain('ProviderFault');
    await alice.deleteReply(shellId);
  });

  it('a Receive without CommandId: w:InvalidParameter, Code 87, nested in the cmd plugin', async () => {
    const shellId = await alice.create();
    const reply = await alice.receiveReply(shellId, undefined);
    expect(reply.text).toContain('<s:Value>s:Sender</s:Value><s:Subcode><s:Value>w:InvalidParameter</s:Value>');
    expect(reply.text).toContain('<w:FaultDetail>http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidValue</w:FaultDetail>');
    expect(reply.text).toContain('Code="87"');
    expect(reply.text).toContain('<f:Message><f:ProviderFault provider="Shell cmd plugin" path="%systemroot%\\system32\\winrscmd.dll">The parameter is incorrect. </f:ProviderFault></f:Message>');
    await alice.deleteReply(shellId);
  });
});

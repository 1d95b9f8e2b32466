/**
 * The recorded WinRS conversations (pypsrp test_winrs_* and test_client_execute_cmd, winrm4j win12,
 * WinRb open_shell_*) replayed through our shell client (src/core/shell): each recorded request is
 * re-issued as the same shell operation with the same inputs, the replay server answers with the
 * recorded Windows response, and
 *  - what our client reads must be what Windows said (ShellId, CommandId, stream bytes, End marks,
 *    command state and exit code, fault HRESULTs);
 *  - the request we put on the wire carries the same information as the recorded one, header by
 *    header (apart from the peer defaults of wsman-compare.ts and the differences listed below),
 *    and the same body;
 *  - a w:TimedOut answer to Receive is followed by another Receive without the caller seeing it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WSMAN_SESSION_HANDLE } from '../../src/core/capi/client-api';
import { WSManError } from '../../src/core/errors/wsman-error';
import { parseDuration } from '../../src/core/protocol/duration';
import { NS } from '../../src/core/protocol/namespaces';
import { attribute, textContent, type XmlElement } from '../../src/core/protocol/xml';
import { ShellOperations, type ShellAddress } from '../../src/core/shell/shell-operations';
import { openShellSession } from '../core/shell/shell-session';
import { describeWithSharedFixtures, SHARED_REFERENCE, sharedFixture } from '../helpers/shared-reference';
import { readPypsrpRecording, readWinrm4jRecording, winrbFile, type RecordedExchange } from './recordings';
import { ReplayServer } from './replay-server';
import { canonical, envelopeOf, expectedFault, findChild, findChildren, semanticHeaders, withoutExpectedDifferences, type Canonical } from './wsman-compare';

const CMD = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
const TIMED_OUT = 0x80338029;


interface Recorded {
  readonly action: string;
  readonly body: XmlElement | undefined;
  readonly shell: ShellAddress | undefined;
  readonly options: Array<{ name: string; value: string | null; mustComply?: boolean }>;
  readonly optionsMustUnderstand: boolean;
}

function readRecorded(text: string): Recorded {
  const { header, bodyElements } = envelopeOf(text);
  const find = (ns: string, name: string) => findChild(header, ns, name);
  const action = textContent(find(NS.addressing, 'Action')!).trim();
  const resourceUri = textContent(find(NS.wsman, 'ResourceURI')!).trim();
  const shellId = findChildren(find(NS.wsman, 'SelectorSet'), NS.wsman, 'Selector').find((s) => attribute(s, 'Name') === 'ShellId');
  const optionSet = find(NS.wsman, 'OptionSet');
  return {
    action,
    body: bodyElements[0],
    shell: shellId ? { resourceUri, shellId: textContent(shellId).trim() } : undefined,
    options: findChildren(optionSet, NS.wsman, 'Option').map((o) => ({
      name: attribute(o, 'Name')!,
      value: textContent(o),
      ...(attribute(o, 'MustComply') === 'true' ? { mustComply: true } : {}),
    })),
    optionsMustUnderstand: optionSet ? attribute(optionSet, 'mustUnderstand', NS.soap) === 'true' : false,
  };
}

/** winrm4j (JAX-WS) qualifies the rsp attributes (ns1:CommandId); everyone else leaves them unqualified. */
const attr = (element: XmlElement, name: string): string | undefined => attribute(element, name) ?? attribute(element, name, NS.shell);
const shellChild = (body: XmlElement, name: string) => findChild(body, NS.shell, name);
const shellText = (body: XmlElement, name: string) => {
  const element = shellChild(body, name);
  return element ? textContent(element).trim() : undefined;
};

/** Issues the recorded request again through ShellOperations; returns what our client read. */
async function reissue(ops: ShellOperations, session: WSMAN_SESSION_HANDLE, text: string): Promise<unknown> {
  const r = readRecorded(text);
  const options = { options: r.options, mustUnderstand: r.optionsMustUnderstand };
  const body = r.body!;
  switch (r.action.slice(r.action.lastIndexOf('/') + 1)) {
    case 'Create': {
      const vars = findChildren(shellChild(body, 'Environment'), NS.shell, 'Variable').map((v) => [attribute(v, 'Name')!, textContent(v)] as const);
      const idle = shellText(body, 'IdleTimeOut');
      const name = shellText(body, 'Name');
      const directory = shellText(body, 'WorkingDirectory');
      return ops.create(
        session,
        textContent(findChild(envelopeOf(text).header, NS.wsman, 'ResourceURI')!).trim(),
        {
          ...(attribute(body, 'ShellId') ? { shellId: attribute(body, 'ShellId')! } : {}),
          ...(name ? { name } : {}),
          environment: vars,
          ...(directory ? { workingDirectory: directory } : {}),
          ...(idle ? { idleTimeoutMs: parseDuration(idle)! } : {}),
          inputStreams: shellText(body, 'InputStreams')!.split(' '),
          outputStreams: shellText(body, 'OutputStreams')!.split(' '),
        },
        options,
      );
    }
    case 'Command':
      return ops.command(
        session,
        r.shell!,
        shellText(body, 'Command')!,
        findChildren(body, NS.shell, 'Arguments').map((a) => textContent(a)),
        options,
        attr(body, 'CommandId'),
      );
    case 'Receive': {
      const desired = shellChild(body, 'DesiredStream')!;
      return ops.receive(session, r.shell!, textContent(desired).trim().split(' '), attr(desired, 'CommandId'));
    }
    case 'Send': {
      const stream = shellChild(body, 'Stream')!;
      const end = (attr(stream, 'End') ?? '').toLowerCase() === 'true';
      return ops.send(session, r.shell!, attr(stream, 'Name')!, Buffer.from(textContent(stream), 'base64'), end, attr(stream, 'CommandId'));
    }
    case 'Signal':
      return ops.signal(session, r.shell!, shellText(body, 'Code')!, attr(body, 'CommandId'));
    case 'Delete':
      return ops.delete(session, r.shell!);
    default:
      throw new Error(`not a shell action: ${r.action}`);
  }
}

/** What Windows answered, read independently of the client's readers. */
function expectedOutcome(response: string): unknown {
  const { bodyElements } = envelopeOf(response);
  const first = bodyElements[0];
  if (!first) return undefined;
  if (first.localName === 'ResourceCreated') {
    const selector = findChildren(findChild(findChild(first, NS.addressing, 'ReferenceParameters'), NS.wsman, 'SelectorSet'), NS.wsman, 'Selector')[0];
    return expect.objectContaining({ shellId: textContent(selector).trim() });
  }
  if (first.localName === 'CommandResponse') return textContent(shellChild(first, 'CommandId')!).trim();
  if (first.localName === 'ReceiveResponse') {
    const state = shellChild(first, 'CommandState');
    const exit = state ? shellChild(state, 'ExitCode') : undefined;
    return {
      streams: findChildren(first, NS.shell, 'Stream').map((s) => ({
        name: attribute(s, 'Name'),
        commandId: attribute(s, 'CommandId'),
        data: Buffer.from(textContent(s), 'base64'),
        end: attribute(s, 'End') === 'true',
      })),
      commandState: state ? { commandId: attribute(state, 'CommandId'), state: attribute(state, 'State'), exitCode: exit ? Number(textContent(exit)) : undefined } : undefined,
    };
  }
  return undefined;
}

/** A body in canonical form with the differences of presentation that carry no information removed. */
function comparableBody(body: XmlElement | undefined, peer: 'pypsrp' | 'winrm4j'): Canonical | undefined {
  if (!body) return undefined;
  const form = canonical(body, { ignoreWhitespaceText: peer === 'winrm4j' });
  const normalise = (node: Canonical): Canonical => {
    const attributes = Object.fromEntries(Object.entries(node.attributes).map(([k, v]) => [k.replace(`{${NS.shell}}`, ''), v]));
    // Send: pypsrp writes End="False" on a stream that goes on and "True"/"true" on the last; Windows writes End="true" only.
    if (node.name === `{${NS.shell}}Stream`) {
      if (attributes.End?.toLowerCase() === 'false') delete attributes.End;
      else if (attributes.End) attributes.End = attributes.End.toLowerCase();
    }
    let children = node.children.map((c) => (typeof c === 'string' ? c : normalise(c)));
    // xs:duration: PT60S and PT60.000S are the same 60 s.
    if (node.name === `{${NS.shell}}IdleTimeOut`) children = children.map((c) => (typeof c === 'string' ? String(parseDuration(c.trim())) : c));
    // rsp:Shell: pypsrp writes the streams first and Lifetime (a field WSMAN_SHELL_STARTUP_INFO does not have); we write schema order.
    if (node.name === `{${NS.shell}}Shell`) {
      children = children.filter((c) => typeof c === 'string' || c.name !== `{${NS.shell}}Lifetime`);
      children.sort((a, b) => (typeof a === 'string' || typeof b === 'string' ? 0 : a.name.localeCompare(b.name)));
    }
    return { ...node, attributes, children };
  };
  return normalise(form);
}

/** Receive options: Windows sends KEEPALIVE "TRUE" in an OptionSet without mustUnderstand (wire.md §3.8 example); pypsrp "True" with it. */
function receiveOptionDifference(action: string, ours: Record<string, unknown>, theirs: Record<string, unknown>): void {
  if (!action.endsWith('/Receive')) return;
  expect(ours.OptionSet).toEqual([{ name: 'WSMAN_CMDSHELL_OPTION_KEEPALIVE', value: 'TRUE' }]);
  // winrm4j sends no OptionSet on Receive at all.
  expect(((theirs.OptionSet ?? [{ value: 'TRUE' }]) as Array<{ value: string }>).map((o) => o.value.toUpperCase())).toEqual(['TRUE']);
  for (const side of [ours, theirs]) {
    delete side.OptionSet;
    const mustUnderstand = side.mustUnderstand as Record<string, string> | undefined;
    if (mustUnderstand) delete mustUnderstand.OptionSet;
  }
}

const PYPSRP_WINRS = [
  'test_winrs_standard',
  'test_winrs_unicode',
  'test_winrs_send',
  'test_winrs_operation_timeout',
  'test_winrs_bad_cmd_id',
  'test_winrs_environment',
  'test_winrs_noprofile',
  'test_winrs_extra_opts',
  'test_winrs_stderr_rc',
  'test_winrs_no_cmd_shell',
  'test_winrs_fail_poll_process',
  'test_winrs_open_already_opened',
  'test_client_execute_cmd',
];

describeWithSharedFixtures('WinRS recordings replayed through the shell client', () => {
  let server: ReplayServer;
  let ops: ShellOperations;
  let session: WSMAN_SESSION_HANDLE;

  beforeEach(async () => {
    server = await ReplayServer.start();
    ({ wire: ops, session } = openShellSession(server.url));
  });
  afterEach(async () => {
    await server.close();
  });

  async function replay(exchanges: readonly RecordedExchange[], peer: 'pypsrp' | 'winrm4j'): Promise<void> {
    server.enqueue(...exchanges.map((e) => ({ status: e.status, body: e.response })));
    for (let i = 0; i < exchanges.length; i++) {
      const exchange = exchanges[i];
      const label = `${peer} #${i}`;
      // A TimedOut Receive is re-issued by the client itself: the next recorded Receive is its retry.
      if (expectedFault(exchange.response)?.hresult === TIMED_OUT) continue;
      const before = server.requests.length;
      const outcome = await reissue(ops, session, exchange.request!).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      const fault = expectedFault(exchange.response);
      if (fault) {
        expect({ label, hr: 'error' in outcome && outcome.error instanceof WSManError ? outcome.error.hresult : outcome }).toEqual({ label, hr: fault.hresult });
      } else {
        expect({ label, outcome }).toEqual({ label, outcome: { value: expectedOutcome(exchange.response) } });
      }
      // Each recorded request (and the TimedOut ones before it) against what we sent.
      const firstRecorded = i - (server.requests.length - before - 1);
      for (let k = before; k < server.requests.length; k++) {
        const recorded = exchanges[firstRecorded + (k - before)];
        const ours = semanticHeaders(server.requests[k].text);
        const theirs = semanticHeaders(recorded.request!);
        const compared = withoutExpectedDifferences(ours, theirs, peer);
        expect({ label, violations: compared.violations }).toEqual({ label, violations: [] });
        receiveOptionDifference(String(ours.Action), compared.ours, compared.theirs);
        expect({ label, headers: compared.ours }).toEqual({ label, headers: compared.theirs });
        expect({ label, body: comparableBody(envelopeOf(server.requests[k].text).bodyElements[0], peer) }).toEqual({
          label,
          body: comparableBody(envelopeOf(recorded.request!).bodyElements[0], peer),
        });
      }
    }
    expect(server.problems).toEqual([]);
    expect(server.requests).toHaveLength(exchanges.length);
  }

  it.each(PYPSRP_WINRS)('pypsrp %s', async (name) => {
    await replay(readPypsrpRecording(name), 'pypsrp');
  });

  it('winrm4j win12: Create / Command / Receive / Signal / Delete from Windows Server 2012', async () => {
    await replay(readWinrm4jRecording('win12', 5), 'winrm4j');
  });

  it('pypsrp test_winrs_operation_timeout: two w:TimedOut answers are retried silently; the caller gets the data', async () => {
    const exchanges = readPypsrpRecording('test_winrs_operation_timeout');
    server.enqueue(...exchanges.slice(0, 6).map((e) => ({ status: e.status, body: e.response })));
    const shell = await ops.create(session, CMD, { inputStreams: ['stdin'], outputStreams: ['stdout', 'stderr'] });
    const commandId = await ops.command(session, { resourceUri: CMD, shellId: shell.shellId }, 'powershell.exe', ['x']);
    const address = { resourceUri: CMD, shellId: shell.shellId };
    const first = await ops.receive(session, address, ['stdout', 'stderr'], commandId);
    const second = await ops.receive(session, address, ['stdout', 'stderr'], commandId);
    expect(Buffer.concat(first!.streams.map((s) => s.data)).toString()).toBe('hi\n');
    expect(Buffer.concat(second!.streams.map((s) => s.data)).toString()).toContain('again');
    expect(second!.commandState).toEqual({ commandId, state: `${NS.shell}/CommandState/Done`, exitCode: 0 });
    expect(server.requests.map((r) => /<a:Action[^>]*>[^<]*\/(\w+)<\/a:Action>/.exec(r.text)![1])).toEqual(['Create', 'Command', 'Receive', 'Receive', 'Receive', 'Receive']);
  });

  it('pypsrp test_winrs_unicode: UTF-8 output of codepage 65001 decodes as written', async () => {
    const exchanges = readPypsrpRecording('test_winrs_unicode');
    server.enqueue(...exchanges.slice(0, 3).map((e) => ({ status: e.status, body: e.response })));
    const shell = await ops.create(session, CMD, { inputStreams: ['stdin'], outputStreams: ['stdout', 'stderr'] });
    const address = { resourceUri: CMD, shellId: shell.shellId };
    const id = await ops.command(session, address, 'powershell.exe', ['Write-Host こんにちは']);
    const output = await ops.receive(session, address, ['stdout', 'stderr'], id);
    expect(Buffer.concat(output!.streams.filter((s) => s.name === 'stdout').map((s) => s.data)).toString('utf8')).toContain('こんにちは');
  });

  it('our Receive is, byte for byte, the Windows Receive of wire.md §3.8 ("…" elisions matched loosely)', async () => {
    const lines = readFileSync(join(SHARED_REFERENCE, 'wire.md'), 'utf8').split('\n');
    const example = lines[lines.findIndex((line) => line.trim() === '<!-- Receive on a WinRS command -->') + 1].trim();
    server.enqueue({ status: 200, body: readPypsrpRecording('test_winrs_standard')[2].response });
    await ops.receive(session, { resourceUri: CMD, shellId: '4283CBDC-3706-415B-88BD-B385F3E51A53' }, ['stdout', 'stderr'], 'CF84C20A-0A35-43FA-AF78-0B4711DA5F30');
    const sent = server.requests[0].text.split(`<a:To>${server.url}</a:To>`).join('<a:To>http://srv:5985/wsman</a:To>');
    const pattern = new RegExp(
      `^${example
        .split('…')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^<>]*?')
        .replace('<a:ReplyTo>[^<>]*?</a:ReplyTo>', '<a:ReplyTo>(?:<[^>]+>[^<>]*)*?</a:ReplyTo>')}$`,
    );
    expect(sent).toMatch(pattern);
  });

  it.each([
    ['open_shell_v1', 'uuid:'],
    ['open_shell_v2', ''],
  ])('WinRb %s: the ShellId of the CreateResponse is kept exactly as the server wrote it', async (stub, prefix) => {
    server.enqueue({ status: 200, body: sharedFixture(winrbFile(stub)), verbatim: true });
    await expect(ops.create(session, CMD, { inputStreams: ['stdin'], outputStreams: ['stdout', 'stderr'] })).rejects.toMatchObject({
      code: 'ERROR_WSMAN_RESPONSE_INVALID_MESSAGE_INFORMATION_HEADER',
    });
    // Served with the RelatesTo echo, the EPR's ShellId is what the stub holds.
    server.enqueue({ status: 200, body: sharedFixture(winrbFile(stub)) });
    const created = await ops.create(session, CMD, { inputStreams: ['stdin'], outputStreams: ['stdout', 'stderr'] });
    expect(created.shellId.startsWith(prefix)).toBe(true);
    expect(sharedFixture(winrbFile(stub))).toContain(created.shellId);
  });
});


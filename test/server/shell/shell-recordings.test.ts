/**
 * The recorded WinRS conversations replayed against the endpoint: every request pypsrp and
 * winrm4j sent a real Windows host is sent to ours (with our ShellId and CommandId in place of
 * the recorded ones), and each reply must have the shape of the recorded Windows reply: the
 * same Action, the same elements and attributes in the same order. Text is not compared: the
 * recorded commands are Windows programs (cmd.exe, powershell.exe), which /bin/sh does not have.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newMessageId } from '../../../src/core/protocol/envelope';
import { NS } from '../../../src/core/protocol/namespaces';
import { WSMAN_COMMAND_STATE_RUNNING } from '../../../src/core/protocol/shell-protocol';
import { attribute, child, childElements, parseXml, textContent, type XmlElement } from '../../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../../src/server/endpoint';
import { describeWithSharedFixtures } from '../../helpers/shared-reference';
import { readPypsrpRecording, readWinrm4jRecording, type RecordedExchange } from '../../parity/recordings';
import { basic, post } from '../endpoint-harness';

/** Element names and attribute names, depth first; rsp:Stream elements carrying output (whose number depends on timing) left out. */
function shape(element: XmlElement): string[] {
  const attributes = element.attributes.filter((a) => a.namespace !== 'http://www.w3.org/2000/xmlns/' && a.prefix !== 'xmlns').map((a) => a.localName);
  const own = `${element.namespace === NS.shell ? 'rsp' : element.namespace}:${element.localName}[${attributes.join(',')}]`;
  const children = childElements(element).filter((c) => !(c.localName === 'Stream' && attribute(c, 'End') === undefined));
  return [own, ...children.flatMap((c) => shape(c).map((line) => `  ${line}`))];
}

function envelopeParts(text: string): { action: string; relatesTo: string; body: XmlElement } {
  const root = parseXml(text);
  const header = child(root, NS.soap, 'Header')!;
  return {
    action: textContent(child(header, NS.addressing, 'Action')!).trim(),
    relatesTo: textContent(child(header, NS.addressing, 'RelatesTo')!).trim(),
    body: child(root, NS.soap, 'Body')!,
  };
}

const GUID = /[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/gi;

/** Replays a conversation, mapping the recorded ids to ours as they appear in the replies. */
async function replay(url: string, exchanges: readonly RecordedExchange[], translate: (request: string) => string): Promise<void> {
  const ids = new Map<string, string>();
  for (const [index, exchange] of exchanges.entries()) {
    const messageId = `uuid:${newMessageId().replace(/^uuid:/, '')}`;
    let request = translate(exchange.request!)
      .replace(/\$\{messageId\}/g, messageId)
      .replace(/\$\{serviceUrl\}/g, url)
      .replace(GUID, (id) => ids.get(id.toUpperCase()) ?? id);
    request = request.replace(/(<(?:\w+:)?MessageID(?:\s[^>]*)?>)[^<]*(<\/)/, `$1${messageId}$2`);
    let reply = await post(url, request, { headers: { Authorization: basic('vagrant', 'Vagrant#1') } });
    // A command still running answers Running; Windows' recorded reply came after the exit: ask again.
    while (reply.status === 200 && reply.body.toString().includes(WSMAN_COMMAND_STATE_RUNNING) && !exchange.response.includes(WSMAN_COMMAND_STATE_RUNNING)) {
      reply = await post(url, request, { headers: { Authorization: basic('vagrant', 'Vagrant#1') } });
    }
    const ours = envelopeParts(reply.body.toString());
    const recorded = envelopeParts(exchange.response);
    const where = `exchange ${index} (${recorded.action.split('/').pop()})${reply.status === 500 ? `: ${reply.body.toString().slice(-700)}` : ''}`;
    expect({ where, status: reply.status }).toEqual({ where, status: exchange.status });
    expect({ where, action: ours.action }).toEqual({ where, action: recorded.action });
    expect({ where, relatesTo: ours.relatesTo }).toEqual({ where, relatesTo: messageId });
    expect({ where, shape: shape(ours.body) }).toEqual({ where, shape: shape(recorded.body) });
    // Learn our ids where the recorded reply introduced its own.
    for (const element of [child(recorded.body, NS.shell, 'CommandResponse')].filter(Boolean) as XmlElement[]) {
      ids.set(textContent(child(element, NS.shell, 'CommandId')!).trim().toUpperCase(), textContent(child(child(ours.body, NS.shell, 'CommandResponse')!, NS.shell, 'CommandId')!).trim());
    }
    for (const created of [child(recorded.body, NS.transfer, 'ResourceCreated')].filter(Boolean) as XmlElement[]) {
      const selectorOf = (element: XmlElement) => textContent(child(child(child(element, NS.addressing, 'ReferenceParameters')!, NS.wsman, 'SelectorSet')!, NS.wsman, 'Selector')!).trim();
      ids.set(selectorOf(created).toUpperCase(), selectorOf(child(ours.body, NS.transfer, 'ResourceCreated')!));
    }
  }
}

describeWithSharedFixtures('recorded WinRS conversations replayed against the endpoint', () => {
  let endpoint: RunningEndpoint;
  let workDir: string;

  beforeAll(async () => {
    workDir = realpathSync(mkdtempSync(join(tmpdir(), 'wsman-shell-replay-')));
    endpoint = await startEndpoint({ port: 0, users: ['vagrant:Vagrant#1'], allowUnencrypted: true, machineName: 'WIN-TEST' });
  });

  afterAll(async () => {
    await endpoint.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it.each([
    'test_winrs_standard',
    'test_winrs_send',
    'test_winrs_stderr_rc',
    'test_winrs_environment',
    'test_winrs_extra_opts',
    'test_winrs_unicode',
    'test_winrs_noprofile',
    'test_winrs_open_already_opened',
    'test_winrs_bad_cmd_id',
    'test_winrs_fail_poll_process',
  ])('pypsrp %s', async (name) => {
    // The Windows working directory of test_winrs_extra_opts becomes one that exists here.
    await replay(endpoint.url!, readPypsrpRecording(name), (request) => request.replace(/C:\\Windows/g, workDir));
  });

  it('pypsrp test_winrs_no_cmd_shell: WINRS_SKIP_CMD_SHELL with a bare name fails as a missing file, a full path runs', async () => {
    const exchanges = readPypsrpRecording('test_winrs_no_cmd_shell');
    await replay(endpoint.url!, exchanges, (request) => request.replace('C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\powershell.exe', '/bin/echo'));
  });

  // win7 is WinRM 2.0, whose CreateResponse has no rsp:Shell block; the endpoint answers as 2012 and later do.
  it('winrm4j win12 (JAX-WS requests in default-namespace style)', async () => {
    await replay(endpoint.url!, readWinrm4jRecording('win12', 5), (request) => request);
  });
});

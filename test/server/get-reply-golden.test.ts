/**
 * Get replies, byte for byte: the service's answer to a set of Gets (instances, fragments, a
 * singleton without selectors, config, faults of header validation and lookup) must stay exactly
 * what test/server/golden/get-replies.json recorded. Only the reply's own MessageID (random) is
 * masked. Regenerate deliberately with GOLDEN_UPDATE=1 after a change meant to alter the bytes.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRequestEnvelope, type RequestHeader } from '../../src/core/protocol/envelope';
import { ACTION, WMI_URI_PREFIX } from '../../src/core/protocol/namespaces';
import { CimStore } from '../../src/server/cim/cim-store';
import { WinRMConfig } from '../../src/server/config/winrm-config';
import { ConnectionBudget } from '../../src/server/http/connection-budget';
import { createEndpointContainer } from '../../src/server/server-module';
import type { EndpointState } from '../../src/server/service/endpoint-state';
import { WSManService, type CallerContext } from '../../src/server/service/wsman-service';

const GOLDEN = join(__dirname, 'golden', 'get-replies.json');
const CIMV2 = `${WMI_URI_PREFIX}root/cimv2/`;
const CALLER: CallerContext = { principal: { userName: 'alice', scheme: 'Basic' }, secure: false, bytesPerUnit: 1 };

function service(): WSManService {
  const state: EndpointState = { machineName: 'WIN-GOLDEN', osVersion: '10.0.20348', config: new WinRMConfig({}), listeners: [], saveConfig: () => undefined };
  const connectionBudget = new ConnectionBudget({ maxConnections: () => 300, unauthenticatedDeadlineMs: 10_000, bodyDeadlineMs: 10_000 });
  const container = createEndpointContainer({ state, users: [], certificateMappings: [], cimStore: CimStore.load({ machineName: 'WIN-GOLDEN' }), connectionBudget });
  return container.get(WSManService);
}

let counter = 0;
function get(resourceUri: string, extra: Partial<RequestHeader> = {}): string {
  counter += 1;
  const messageId = `uuid:0000000${counter % 10}-1111-2222-3333-444444444444`;
  return buildRequestEnvelope(
    { to: 'http://golden:5985/wsman', resourceUri, action: ACTION.get, maxEnvelopeSize: 512000, messageId, locale: 'en-US', dataLocale: 'en-US', operationTimeoutMs: 60000, ...extra },
    '',
  );
}

const CASES: Record<string, () => string> = {
  'service by key': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }] }),
  'service by key, other case': () => get(`${CIMV2}win32_service`, { selectors: [{ name: 'name', value: 'winrm' }] }),
  'service, fragment text': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'State/text()' } }),
  'service, fragment element': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: '/p:Win32_Service/p:DisplayName' } }),
  'fragment InstallDate (text)': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'InstallDate/text()' } }),
  'fragment InstallDate (element)': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'InstallDate' } }),
  'fragment PathName (text)': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'PathName/text()' } }),
  'fragment PathName (element)': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'PathName' } }),
  'fragment ProcessId (text)': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'ProcessId/text()' } }),
  'fragment ProcessId (element)': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'ProcessId' } }),
  'fragment Started (text)': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'Started/text()' } }),
  'fragment Started (element)': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'Started' } }),
  'fragment Description (text)': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'Description/text()' } }),
  'fragment Description (element)': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'Description' } }),
  'fragment Name (text)': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'Name/text()' } }),
  'fragment Name (element)': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'Name' } }),
  'fragment on a class with one instance': () => get(`${CIMV2}Win32_ComputerSystem`, { fragment: { path: 'Name' } }),
  'service, unknown fragment': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], fragment: { path: 'Nope' } }),
  'service, unknown key value': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'NoSuchService' }] }),
  'service, wrong selector': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Bogus', value: 'x' }] }),
  'service, duplicate selectors': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'a' }, { name: 'NAME', value: 'b' }] }),
  'service, no selectors': () => get(`${CIMV2}Win32_Service`),
  'computer system, no selectors': () => get(`${CIMV2}Win32_ComputerSystem`),
  'another service': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'Spooler' }] }),
  'service, UTF-16 sizes': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], maxEnvelopeSize: 8192 }),
  'unknown class': () => get(`${CIMV2}Win32_NoSuchClass`, { selectors: [{ name: 'Name', value: 'x' }] }),
  'unknown namespace': () => get(`${WMI_URI_PREFIX}root/nope/Win32_Service`, { selectors: [{ name: 'Name', value: 'x' }] }),
  'mustComply option': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], options: [{ name: 'X', value: '1', mustComply: true }] }),
  'smallest MaxEnvelopeSize': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], maxEnvelopeSize: 8192 }),
  'MaxEnvelopeSize below the minimum': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }], maxEnvelopeSize: 100 }),
  'MaxEnvelopeSize not a number': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }] }).replace('>512000<', '>12a<'),
  'OperationTimeout malformed': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }] }).replace('>PT60.000S<', '>P60<'),
  'Locale mustUnderstand': () => get(`${CIMV2}Win32_Service`, { selectors: [{ name: 'Name', value: 'WinRM' }] }).replace('<w:Locale xml:lang="en-US" s:mustUnderstand="false" />', '<w:Locale xml:lang="en-US" s:mustUnderstand="true" />'),
  'winrm config': () => get('http://schemas.microsoft.com/wbem/wsman/1/config'),
  'winrm config service': () => get('http://schemas.microsoft.com/wbem/wsman/1/config/service'),
};

async function replies(): Promise<Record<string, { status: number; body: string }>> {
  const svc = service();
  const out: Record<string, { status: number; body: string }> = {};
  counter = 0;
  for (const [name, build] of Object.entries(CASES)) {
    const reply = await svc.handle(build(), name.includes('UTF-16') ? { ...CALLER, bytesPerUnit: 2 } : CALLER);
    if (reply.status !== 200 && reply.status !== 500) throw new Error(`${name}: status ${reply.status}`);
    const body = [reply.body].flat().join('');
    out[name] = { status: reply.status, body: body.replace(/(<a:MessageID>)uuid:[0-9A-F-]{36}(<\/a:MessageID>)/, '$1MASKED$2') };
  }
  return out;
}

describe('Get replies stay byte-identical', () => {
  it('every case answers exactly as recorded', async () => {
    const actual = await replies();
    if (process.env.GOLDEN_UPDATE === '1') writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 1)}\n`);
    const expected = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, { status: number; body: string }>;
    expect(Object.keys(actual)).toEqual(Object.keys(expected));
    for (const name of Object.keys(expected)) expect({ name, ...actual[name] }).toEqual({ name, ...expected[name] });
  });
});

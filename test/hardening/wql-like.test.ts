/**
 * Defect 3 of issue 11: WQL LIKE is a linear matcher (no backtracking regular expression), and a
 * costly WHERE clause over a large store shares the event loop and ends with the Windows timeout
 * fault when OperationTimeout passes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIdentifyEnvelope } from '../../src/core/protocol/envelope';
import { ACTION, DIALECT, NS } from '../../src/core/protocol/namespaces';
import { DEFAULT_CIM_DATA_DIR } from '../../src/server/cim/cim-store';
import { likePattern } from '../../src/server/cim/wql';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { basic, faultOf, post, soap } from '../server/endpoint-harness';

const SERVICE_QUERY_URI = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/*';
const OPERATION_TIMEDOUT = 2150858793;

describe('LIKE', () => {
  it("answers the issue's '%_%_%_%_%_%_%_%!' against 90 characters (a backtracking RegExp took 46 s)", () => {
    const matcher = likePattern('%_%_%_%_%_%_%_%!');
    expect(matcher.test('x'.repeat(90))).toBe(false);
    expect(matcher.test(`${'x'.repeat(89)}!`)).toBe(true);
    expect(likePattern('%_%_%_%_%_%_%_%!').test('x'.repeat(20000))).toBe(false);
  });

  it('keeps the WQL meaning: runs, single characters, sets, ranges, negation, no case', () => {
    expect(likePattern('w%').test('WinRM')).toBe(true);
    expect(likePattern('%rm').test('WinRM')).toBe(true);
    expect(likePattern('w_n%').test('WinRM')).toBe(true);
    expect(likePattern('w_n').test('WinRM')).toBe(false);
    expect(likePattern('[a-w]in[^x]M').test('winRM')).toBe(true);
    expect(likePattern('[^w]%').test('WinRM')).toBe(false);
    expect(likePattern('100[%]').test('100%')).toBe(true);
    expect(likePattern('100[%]').test('1000')).toBe(false);
    expect(likePattern('%%a%%').test('xax')).toBe(true);
    expect(likePattern('').test('')).toBe(true);
    expect(likePattern('%').test('')).toBe(true);
    expect(likePattern('_').test('')).toBe(false);
  });
});

describe('a costly query on the endpoint', () => {
  let endpoint: RunningEndpoint;
  let instancesDir: string;
  beforeAll(async () => {
    // 300 services whose Description is 20,000 characters: each LIKE below costs about 10^8 steps.
    const templates = JSON.parse(readFileSync(join(DEFAULT_CIM_DATA_DIR, 'instances', 'Win32_Service.json'), 'utf8')) as Record<string, unknown>[];
    const records = Array.from({ length: 300 }, (_, i) => ({ ...templates[0], Name: `Svc${i}`, Description: 'a'.repeat(20000) }));
    instancesDir = mkdtempSync(join(tmpdir(), 'wsman-wql-'));
    writeFileSync(join(instancesDir, 'Win32_Service.json'), JSON.stringify(records));
    endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], cimInstancesDir: instancesDir, allowUnencrypted: true });
  });
  afterAll(async () => {
    await endpoint.close();
    rmSync(instancesDir, { recursive: true, force: true });
  });

  it('faults with ERROR_WSMAN_OPERATION_TIMEDOUT at OperationTimeout and answers others meanwhile', async () => {
    const query = `SELECT Name FROM Win32_Service WHERE Description LIKE '%${'a'.repeat(5000)}b'`;
    const order: string[] = [];
    const enumeration = soap(
      endpoint.url!,
      {
        resourceUri: SERVICE_QUERY_URI,
        action: ACTION.enumerate,
        operationTimeoutMs: 1000,
        body: `<n:Enumerate xmlns:n="${NS.enumeration}"><w:OptimizeEnumeration/><w:Filter Dialect="${DIALECT.wql}">${query}</w:Filter></n:Enumerate>`,
      },
      { headers: { Authorization: basic('alice', 'Secret#1') } },
    ).then((reply) => {
      order.push('query');
      return reply;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const identify = await post(endpoint.url!, buildIdentifyEnvelope(), { headers: { WSMANIDENTIFY: 'unauthenticated' } });
    order.push('identify');
    expect(identify.status).toBe(200);
    const fault = faultOf(await enumeration);
    expect(fault.hresult).toBe(OPERATION_TIMEDOUT);
    expect(order).toEqual(['identify', 'query']);
  });
});

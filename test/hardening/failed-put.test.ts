/**
 * Defects 4 and 5 of issue 11: a Put that faults changes nothing, in memory or in --data; a Put is
 * live only once it is durable, so a failed save leaves the old value everywhere.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION, NS } from '../../src/core/protocol/namespaces';
import { child, textContent } from '../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { basic, envelope, faultOf, soap } from '../server/endpoint-harness';

const CLIENT = `${NS.config}/client`;
const AUTH = { headers: { Authorization: basic('alice', 'Secret#1') } };
const MAX_ENVELOPE_SIZE_EXCEEDED = 0x80338048;
const ERROR_INTERNAL_ERROR = 0x8007054f; // HRESULT_FROM_WIN32(1359)

const putTrustedHosts = (value: string): string => `<cfg:Client xmlns:cfg="${NS.config}"><cfg:TrustedHosts>${value}</cfg:TrustedHosts></cfg:Client>`;

async function trustedHosts(url: string): Promise<string> {
  const reply = await soap(url, { resourceUri: CLIENT, action: ACTION.get }, AUTH);
  return textContent(child(reply.body!, NS.config, 'TrustedHosts')!);
}

describe('a Put that faults', () => {
  let dataDir: string;
  let endpoint: RunningEndpoint;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wsman-put-'));
    endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true, dataDir });
  });
  afterEach(async () => {
    await endpoint.close();
    chmodSync(dataDir, 0o700);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('whose reply exceeds MaxEnvelopeSize leaves TrustedHosts and --data as they were', async () => {
    const hosts = 'h'.repeat(9000);
    // Room for the request, not for the reply (the whole Client subtree around the 9,000 characters).
    const size = Buffer.byteLength(envelope(endpoint.url!, { resourceUri: CLIENT, action: ACTION.put, body: putTrustedHosts(hosts) }).xml) + 64;
    const reply = await soap(endpoint.url!, { resourceUri: CLIENT, action: ACTION.put, body: putTrustedHosts(hosts), maxEnvelopeSize: size }, AUTH);
    expect(faultOf(reply).hresult).toBe(MAX_ENVELOPE_SIZE_EXCEEDED);
    expect(await trustedHosts(endpoint.url!)).toBe('');
    expect(existsSync(join(dataDir, 'config.json'))).toBe(false);
  });

  it('whose save fails (--data unwritable) is ERROR_INTERNAL_ERROR and the old value stays, in memory and after a restart', async () => {
    const good = await soap(endpoint.url!, { resourceUri: CLIENT, action: ACTION.put, body: putTrustedHosts('before') }, AUTH);
    expect(good.status).toBe(200);
    const configFile = join(dataDir, 'config.json');
    const saved = readFileSync(configFile);
    const root = process.getuid?.() === 0;
    // root writes through permissions: for root the file is swapped for a directory, which no rename can replace.
    if (root) {
      rmSync(configFile);
      mkdirSync(join(configFile, 'occupied'), { recursive: true });
    } else {
      chmodSync(dataDir, 0o500);
    }
    const reply = await soap(endpoint.url!, { resourceUri: CLIENT, action: ACTION.put, body: putTrustedHosts('after') }, AUTH);
    expect(faultOf(reply).hresult).toBe(ERROR_INTERNAL_ERROR);
    expect(await trustedHosts(endpoint.url!)).toBe('before');

    await endpoint.close();
    chmodSync(dataDir, 0o700);
    if (root) {
      rmSync(configFile, { recursive: true });
      writeFileSync(configFile, saved);
    }
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toMatchObject({ 'Client/TrustedHosts': 'before' });
    expect(readdirSync(dataDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true, dataDir });
    expect(await trustedHosts(endpoint.url!)).toBe('before');
  });
});

/** The embedded endpoint over HTTP: Identify, auth, config, limits and the HTTP-level refusals. */
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION, NS } from '../../src/core/protocol/namespaces';
import { buildIdentifyEnvelope } from '../../src/core/protocol/envelope';
import { readFault } from '../../src/core/protocol/faults';
import { child, childElements, parseXml, textContent } from '../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { basic, envelope, faultOf, post, soap } from './endpoint-harness';

const CONFIG = 'http://schemas.microsoft.com/wbem/wsman/1/config';
const AUTH = { headers: { Authorization: basic('alice', 'Secret#1') } };

let endpoint: RunningEndpoint;
let url: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wsman-endpoint-'));
  endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true, machineName: 'WIN-TEST', dataDir });
  url = endpoint.url!;
});

afterAll(async () => {
  await endpoint.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const configValue = async (path: string[]): Promise<string> => {
  const reply = await soap(url, { resourceUri: CONFIG, action: ACTION.get }, AUTH);
  let element = reply.body!;
  for (const name of path) element = child(element, NS.config, name)!;
  return textContent(element);
};

describe('Identify', () => {
  it('answers unauthenticated Identify with OS 0.0.0 and no security profiles', async () => {
    const reply = await post(url, buildIdentifyEnvelope(), { headers: { WSMANIDENTIFY: 'unauthenticated' } });
    expect(reply.status).toBe(200);
    const text = reply.body.toString();
    expect(text.startsWith('<s:Envelope')).toBe(true);
    const response = childElements(child(parseXml(text), NS.soap, 'Body')!)[0];
    expect(response).toMatchObject({ namespace: NS.identity, localName: 'IdentifyResponse' });
    expect(textContent(child(response, NS.identity, 'ProtocolVersion')!)).toBe(NS.wsman);
    expect(textContent(child(response, NS.identity, 'ProductVendor')!)).toBe('Microsoft Corporation');
    expect(textContent(child(response, NS.identity, 'ProductVersion')!)).toBe('OS: 0.0.0 SP: 0.0 Stack: 3.0');
    expect(child(response, NS.identity, 'SecurityProfiles')).toBeUndefined();
  });

  it('answers on /wsman-anon/identify without credentials', async () => {
    const reply = await post(url.replace('/wsman', '/wsman-anon/identify'), buildIdentifyEnvelope());
    expect(reply.status).toBe(200);
  });

  it('gives OS detail and security profiles to an authenticated caller', async () => {
    const reply = await post(url, buildIdentifyEnvelope(), AUTH);
    const text = reply.body.toString();
    expect(text).toContain('<wsmid:ProductVersion>OS: 10.0.20348 SP: 0.0 Stack: 3.0</wsmid:ProductVersion>');
    const profiles = [...text.matchAll(/secprofile\/([a-z/-]+)</g)].map((m) => m[1]);
    // HTTP listener only, Negotiate and Basic on, AllowUnencrypted: the SPNEGO profile first, as Windows lists it.
    expect(profiles).toEqual(['http/spnego-kerberos', 'http/basic']);
  });

  it('the unauthenticated header does not open other operations', async () => {
    const { xml } = envelope(url, { resourceUri: CONFIG, action: ACTION.get });
    const reply = await post(url, xml, { headers: { WSMANIDENTIFY: 'unauthenticated' } });
    expect(reply.status).toBe(401);
  });
});

describe('authentication', () => {
  it('401 offering Negotiate then Basic, and Connection: close, without credentials', async () => {
    const { xml } = envelope(url, { resourceUri: CONFIG, action: ACTION.get });
    const reply = await post(url, xml);
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Negotiate, Basic realm="WSMAN"');
    expect(reply.headers.connection).toBe('close');
    expect(reply.body.length).toBe(0);
  });

  it.each([
    ['a wrong password', basic('alice', 'nope')],
    ['an unknown user', basic('mallory', 'Secret#1')],
    ['a malformed header', 'Basic !!!'],
    ['an unknown scheme', 'Digest abc'],
    ['certificate auth over HTTP', 'http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual'],
  ])('401 for %s', async (_name, authorization) => {
    const { xml } = envelope(url, { resourceUri: CONFIG, action: ACTION.get });
    expect((await post(url, xml, { headers: { Authorization: authorization } })).status).toBe(401);
  });

  it('user names are case-insensitive like Windows accounts', async () => {
    const reply = await soap(url, { resourceUri: CONFIG, action: ACTION.get }, { headers: { Authorization: basic('ALICE', 'Secret#1') } });
    expect(reply.status).toBe(200);
  });

  it('refuses Basic over plain HTTP unless AllowUnencrypted, and does not offer it', async () => {
    const strict = await startEndpoint({ port: 0, users: ['alice:Secret#1'], machineName: 'WIN-TEST' });
    try {
      const { xml } = envelope(strict.url!, { resourceUri: CONFIG, action: ACTION.get });
      const reply = await post(strict.url!, xml, AUTH);
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Negotiate');
    } finally {
      await strict.close();
    }
  });
});

describe('responses in the Windows shape', () => {
  it('Get winrm/config: the 2012 R2 defaults, RelatesTo echoing the MessageID exactly, no XML declaration', async () => {
    const messageId = 'uuid:abcdef01-2345-6789-abcd-ef0123456789';
    const reply = await soap(url, { resourceUri: CONFIG, action: ACTION.get, messageId }, AUTH);
    expect(reply.status).toBe(200);
    expect(reply.text.startsWith('<s:Envelope xml:lang="en-US" xmlns:s=')).toBe(true);
    expect(reply.header).toMatchObject({ action: `${ACTION.get}Response`, relatesTo: messageId });
    expect(reply.header.messageId).toMatch(/^uuid:[0-9A-F-]{36}$/);
    expect(reply.text).toMatch(/<s:Header><a:Action>.*<\/a:Action><a:MessageID>.*<\/a:MessageID><a:To>http:\/\/schemas\.xmlsoap\.org\/ws\/2004\/08\/addressing\/role\/anonymous<\/a:To><a:RelatesTo>/);
    expect(reply.body).toMatchObject({ namespace: NS.config, localName: 'Config' });
    expect(await configValue(['MaxEnvelopeSizekb'])).toBe('500');
    expect(await configValue(['MaxTimeoutms'])).toBe('60000');
    expect(await configValue(['MaxBatchItems'])).toBe('32000');
    expect(await configValue(['Service', 'AllowUnencrypted'])).toBe('true');
    expect(await configValue(['Winrs', 'IdleTimeout'])).toBe('7200000');
  });

  it('serves the config children', async () => {
    const reply = await soap(url, { resourceUri: `${CONFIG}/service/auth`, action: ACTION.get }, AUTH);
    expect(reply.body).toMatchObject({ namespace: NS.config, localName: 'Auth' });
    expect(childElements(reply.body!).map((e) => e.localName)).toEqual(['Basic', 'Kerberos', 'Negotiate', 'Certificate', 'CredSSP', 'CbtHardeningLevel']);
  });

  it('enumerates the listeners', async () => {
    const start = await soap(url, { resourceUri: `${CONFIG}/listener`, action: ACTION.enumerate, body: '<n:Enumerate xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration"><w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements></n:Enumerate>' }, AUTH);
    expect(start.status).toBe(200);
    const items = child(start.body!, NS.wsman, 'Items')!;
    const listener = childElements(items)[0];
    expect(textContent(child(listener, NS.config, 'Transport')!)).toBe('HTTP');
    expect(textContent(child(listener, NS.config, 'Port')!)).toBe(new URL(url).port);
    expect(child(start.body!, NS.wsman, 'EndOfSequence')).toBeDefined();
  });
});

describe('Put winrm/config changes the endpoint', () => {
  afterEach(async () => {
    await soap(url, { resourceUri: CONFIG, action: ACTION.put, body: `<cfg:Config xmlns:cfg="${CONFIG}"><cfg:MaxEnvelopeSizekb>500</cfg:MaxEnvelopeSizekb><cfg:MaxBatchItems>32000</cfg:MaxBatchItems></cfg:Config>` }, AUTH);
  });

  it('MaxEnvelopeSizekb caps request bodies (HTTP 413) and responses (EncodingLimit)', async () => {
    const put = await soap(url, { resourceUri: CONFIG, action: ACTION.put, body: `<cfg:Config xmlns:cfg="${CONFIG}"><cfg:MaxEnvelopeSizekb>32</cfg:MaxEnvelopeSizekb></cfg:Config>` }, AUTH);
    expect(put.status).toBe(200);
    expect(textContent(child(put.body!, NS.config, 'MaxEnvelopeSizekb')!)).toBe('32');
    const big = envelope(url, { resourceUri: CONFIG, action: ACTION.get, body: `<x>${'a'.repeat(40 * 1024)}</x>` });
    expect((await post(url, big.xml, AUTH)).status).toBe(413);
    // Every service enumeration item fits, but 33 KB of processes does not fit in one reply.
    const enumerate = await soap(url, {
      resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service',
      action: ACTION.enumerate,
      body: `<n:Enumerate xmlns:n="${NS.enumeration}"><w:OptimizeEnumeration/><w:MaxElements>32000</w:MaxElements></n:Enumerate>`,
    }, AUTH);
    expect(enumerate.status).toBe(200);
    expect(Buffer.byteLength(enumerate.text)).toBeLessThanOrEqual(32 * 1024);
    expect(child(enumerate.body!, NS.wsman, 'EndOfSequence')).toBeUndefined();
  });

  it('a refused Put changes nothing', async () => {
    const reply = await soap(url, { resourceUri: CONFIG, action: ACTION.put, body: `<cfg:Config xmlns:cfg="${CONFIG}"><cfg:MaxBatchItems>7</cfg:MaxBatchItems><cfg:MaxTimeoutms>fast</cfg:MaxTimeoutms></cfg:Config>` }, AUTH);
    expect(faultOf(reply).hresult).toBe(0x80338015);
    expect(await configValue(['MaxBatchItems'])).toBe('32000');
  });

  it.each([
    ['an unknown element', '<cfg:Config xmlns:cfg="CONFIG"><cfg:Nope>1</cfg:Nope></cfg:Config>', 0x80338015],
    ['a wrong root', '<cfg:Client xmlns:cfg="CONFIG"/>', 0x80338015],
    ['a deprecated setting', '<cfg:Config xmlns:cfg="CONFIG"><cfg:MaxProviderRequests>5</cfg:MaxProviderRequests></cfg:Config>', 0x803381ae],
    ['a value below the minimum', '<cfg:Config xmlns:cfg="CONFIG"><cfg:MaxEnvelopeSizekb>1</cfg:MaxEnvelopeSizekb></cfg:Config>', 0x80338015],
  ])('refuses %s', async (_name, body, hresult) => {
    const reply = await soap(url, { resourceUri: CONFIG, action: ACTION.put, body: body.replace('CONFIG', CONFIG) }, AUTH);
    expect(faultOf(reply).hresult).toBe(hresult);
  });

  it('keeps changed settings in the data directory across a restart', async () => {
    await soap(url, { resourceUri: `${CONFIG}/winrs`, action: ACTION.put, body: `<cfg:Winrs xmlns:cfg="${CONFIG}"><cfg:MaxShellsPerUser>30</cfg:MaxShellsPerUser></cfg:Winrs>` }, AUTH);
    const again = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true, machineName: 'WIN-TEST', dataDir });
    try {
      const reply = await soap(again.url!, { resourceUri: `${CONFIG}/winrs`, action: ACTION.get }, AUTH);
      expect(textContent(child(reply.body!, NS.config, 'MaxShellsPerUser')!)).toBe('30');
    } finally {
      await again.close();
    }
  });
});

describe('header checks like a Windows service', () => {
  it.each([
    ['an unknown action', { action: 'http://example.org/Frobnicate' }, 0x80338013],
    ['OperationTimeout PT-1S', { operationTimeoutMs: -1000 }, 0x8033800f],
    ['MaxEnvelopeSize below 8192', { maxEnvelopeSize: 4096 }, 0x80338035],
    ['an unknown resource URI', { resourceUri: 'http://example.org/nothing' }, 0x8033803b],
  ])('faults on %s', async (_name, change, hresult) => {
    const reply = await soap(url, { resourceUri: CONFIG, action: ACTION.get, ...change }, AUTH);
    expect(faultOf(reply).hresult).toBe(hresult);
    expect(reply.header.relatesTo).toBe(reply.messageId);
  });

  const rewrite = async (edit: (xml: string) => string): Promise<number | undefined> => {
    const { xml } = envelope(url, { resourceUri: CONFIG, action: ACTION.get });
    const reply = await post(url, edit(xml), AUTH);
    const body = childElements(child(parseXml(reply.body.toString()), NS.soap, 'Body')!)[0];
    return readFault(body).hresult;
  };

  it('a mustUnderstand header it does not know is a MustUnderstand fault', async () => {
    expect(await rewrite((xml) => xml.replace('</s:Header>', '<x:Odd xmlns:x="urn:odd" s:mustUnderstand="true"/></s:Header>'))).toBe(0x80338010);
  });

  it('Locale with mustUnderstand="true" is an unsupported feature', async () => {
    expect(await rewrite((xml) => xml.replace('<w:Locale xml:lang="en-US" s:mustUnderstand="false" />', '<w:Locale xml:lang="en-US" s:mustUnderstand="true" />'))).toBe(0x80338042);
  });

  it('a missing ReplyTo is MessageInformationHeaderRequired', async () => {
    expect(await rewrite((xml) => xml.replace(/<a:ReplyTo>.*<\/a:ReplyTo>/, ''))).toBe(0x80338011);
  });

  it('duplicate selectors are refused', async () => {
    const reply = await soap(url, { resourceUri: CONFIG, action: ACTION.get, selectors: [{ name: 'a', value: '1' }, { name: 'A', value: '2' }] }, AUTH);
    expect(faultOf(reply).hresult).toBe(0x8033805f);
  });
});

describe('HTTP-level refusals: never a crash, never a hang', () => {
  it.each([
    ['malformed XML', 400, '<s:Envelope'],
    ['a DOCTYPE', 400, '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'],
    ['invalid UTF-8', 400, Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e])],
  ])('%s → HTTP %d', async (_name, status, body) => {
    expect((await post(url, body, AUTH)).status).toBe(status);
  });

  it('a wrong Content-Type is 415', async () => {
    const { xml } = envelope(url, { resourceUri: CONFIG, action: ACTION.get });
    expect((await post(url, xml, { headers: { ...AUTH.headers, 'Content-Type': 'text/xml' } })).status).toBe(415);
  });

  it('GET is 405 and other paths are 404', async () => {
    expect((await post(url, '', { method: 'GET' })).status).toBe(405);
    expect((await post(url.replace('/wsman', '/other'), '')).status).toBe(404);
  });

  it('a chunked body past the limit is 413 without reading the rest', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { ...AUTH.headers, 'Content-Type': 'application/soap+xml;charset=UTF-8' } }, (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      req.on('error', reject);
      req.write('<a>' + 'x'.repeat(600 * 1024));
      req.end();
    });
    expect(status).toBe(413);
  });

  it('UTF-16 requests get UTF-16 replies', async () => {
    const { xml } = envelope(url, { resourceUri: CONFIG, action: ACTION.get });
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
    const reply = await post(url, body, { headers: { ...AUTH.headers, 'Content-Type': 'application/soap+xml;charset=UTF-16' } });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/soap+xml;charset=UTF-16');
    expect([...reply.body.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(reply.body.subarray(2).toString('utf16le')).toContain('<cfg:MaxEnvelopeSizekb>');
  });

  it('serves many requests on one keep-alive connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    agent.on('free', (socket) => sockets.add(socket));
    try {
      for (let i = 0; i < 5; i++) {
        const reply = await soap(url, { resourceUri: CONFIG, action: ACTION.get }, { ...AUTH, agent });
        expect(reply.status).toBe(200);
      }
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('closes idle keep-alive connections', async () => {
    const quick = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true, idleTimeoutMs: 100 });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      let closed = false;
      agent.on('free', (socket) => socket.once('close', () => (closed = true)));
      await soap(quick.url!, { resourceUri: CONFIG, action: ACTION.get }, { ...AUTH, agent });
      await new Promise((r) => setTimeout(r, 400));
      expect(closed).toBe(true);
    } finally {
      agent.destroy();
      await quick.close();
    }
  });
});

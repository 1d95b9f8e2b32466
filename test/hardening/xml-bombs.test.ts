/**
 * Defects 1 and 2 of issue 11: a document with tens of thousands of namespace declarations, or
 * nested without end, costs linear work and is refused — a 400 from the endpoint, an
 * ERROR_WSMAN_… error with its message on the client — and neither side falls over.
 */
import { buildIdentifyEnvelope } from '../../src/core/protocol/envelope';
import { parseXml, serializeXml, XmlSyntaxError } from '../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { post } from '../server/endpoint-harness';
import { openSession } from '../parity/replay-server';
import { depthBomb, fixedReplyServer, namespaceBomb } from './hostile-peer';

const INVALID_CHARACTERS_IN_RESPONSE = 0x8033810a;

describe('the XML reader', () => {
  it('builds a document of 250 root and 20,000 element declarations (prefix scopes chain, no copies)', () => {
    const root = parseXml(namespaceBomb(250, 20000));
    // serializeXml walks every scope too: both must be linear for this to finish at all on a small heap.
    expect(serializeXml(root).length).toBeGreaterThan(330000);
  });

  it('refuses more than 256 attributes on an element, more than 1,024 bindings in scope, and nesting deeper than 256 levels', () => {
    expect(() => parseXml(namespaceBomb(300, 1))).toThrow(/more than 256 attributes/);
    const declarations = (level: number): string => Array.from({ length: 250 }, (_, i) => ` xmlns:l${level}n${i}="u"`).join('');
    const nested = (levels: number): string =>
      `${Array.from({ length: levels }, (_, level) => `<e${declarations(level)}>`).join('')}${'</e>'.repeat(levels)}`;
    expect(() => parseXml(nested(4))).not.toThrow();
    expect(() => parseXml(nested(5))).toThrow(/namespace bindings in scope/);
    expect(() => parseXml(depthBomb(300))).toThrow(XmlSyntaxError);
    expect(() => parseXml(depthBomb(250))).not.toThrow();
    expect(() => parseXml(depthBomb(255))).toThrow(/deeper than 256/);
  });
});

describe('the endpoint', () => {
  let endpoint: RunningEndpoint;
  beforeAll(async () => {
    endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'] });
  });
  afterAll(() => endpoint.close());

  it.each([
    ['8,000 root and 18,000 element prefixes', namespaceBomb(8000, 18000)],
    ['60,000 nested elements', depthBomb(60000)],
  ])('answers an unauthenticated Identify of %s with 400 and goes on serving', async (_name, bomb) => {
    expect(Buffer.byteLength(bomb)).toBeLessThan(500 * 1024);
    const reply = await post(endpoint.url!, bomb, { headers: { WSMANIDENTIFY: 'unauthenticated' } });
    expect(reply.status).toBe(400);
    const identify = await post(endpoint.url!, buildIdentifyEnvelope(), { headers: { WSMANIDENTIFY: 'unauthenticated' } });
    expect(identify.status).toBe(200);
  });
});

describe('the client', () => {
  it.each([
    ['8,000 root and 18,000 element prefixes', namespaceBomb(8000, 18000)],
    ['60,000 nested elements', depthBomb(60000)],
  ])('ends a reply of %s with ERROR_WSMAN_INVALID_CHARACTERS_IN_RESPONSE and its message', async (_name, bomb) => {
    const server = await fixedReplyServer(200, bomb);
    try {
      const { session } = openSession(server.url);
      const result = await session.Identify();
      expect(result.hr).toBe(INVALID_CHARACTERS_IN_RESPONSE);
      expect(result.error?.description).toMatch(/\S/);
    } finally {
      await server.close();
    }
  });
});

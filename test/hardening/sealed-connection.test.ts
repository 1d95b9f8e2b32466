/**
 * Defect 7 of issue 11: a correctly sealed body whose payload is not readable XML gets its 400 and
 * leaves the connection and its NTLM context in place (pywinrm's session goes on); a body that
 * fails its seal still ends them.
 */
import { buildIdentifyEnvelope } from '../../src/core/protocol/envelope';
import { ACTION, NS } from '../../src/core/protocol/namespaces';
import { encryptMessage } from '../../src/core/transport/message-encryption';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { envelope } from '../server/endpoint-harness';
import { bodyOf, NegotiateConnection, PASSWORD, USER } from '../server/negotiate-connection';

let endpoint: RunningEndpoint;
const open: NegotiateConnection[] = [];
beforeAll(async () => {
  endpoint = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], machineName: 'WIN-TEST' });
});
afterEach(() => {
  for (const connection of open.splice(0)) connection.close();
});
afterAll(() => endpoint.close());

const getConfig = (): string => envelope(endpoint.url!, { resourceUri: NS.config, action: ACTION.get }).xml;

async function sealedSession(): Promise<NegotiateConnection> {
  const connection = new NegotiateConnection(endpoint.url!);
  open.push(connection);
  expect((await connection.windowsHandshake(buildIdentifyEnvelope())).status).toBe(200);
  return connection;
}

describe('an unreadable payload inside a good seal', () => {
  it.each([
    ['text that is not XML', 'this is not XML'],
    ['an unclosed element', '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>'],
    ['a DOCTYPE', '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'],
    ['nesting 300 deep', `${'<x>'.repeat(300)}${'</x>'.repeat(300)}`],
  ])('%s: 400, the connection kept, the next sealed request answered on it', async (_name, payload) => {
    const connection = await sealedSession();
    const bad = await connection.send(payload);
    expect(bad.status).toBe(400);
    expect(bad.http.headers.connection).not.toBe('close');
    const next = await connection.send(getConfig());
    expect(next.status).toBe(200);
    expect(bodyOf(next.text)).toMatchObject({ namespace: NS.config, localName: 'Config' });
  });
});

describe('a body that fails its seal', () => {
  it('ends the connection and its context: 400 with Connection: close', async () => {
    const connection = await sealedSession();
    const sealed = encryptMessage(connection.client.security, Buffer.from(getConfig()), 'UTF-8');
    sealed.body[sealed.body.length - 40]! ^= 0xff;
    const reply = await connection.post(sealed.body, { 'Content-Type': sealed.contentType });
    expect(reply.status).toBe(400);
    expect(reply.headers.connection).toBe('close');
  });
});

/**
 * A Negotiate session against a server that offers other schemes in WWW-Authenticate headers of
 * their own beside its Negotiate token (IIS and HTTP.sys list every enabled scheme): the client
 * finds its token among them and completes the handshake, then talks sealed on that connection.
 */
import { createObject } from '../../src/index';
import { WSManSessionFlags as F } from '../../src/automation/flags';
import { NS } from '../../src/core/protocol/namespaces';
import { NegotiateServer, opensExchange } from '../../src/core/transport/auth/negotiate';
import { decryptMessage, encryptMessage } from '../../src/core/transport/message-encryption';
import { rawServer, reply, type RawServer } from './raw-server';

const USER = 'dave';
const PASSWORD = 'N3g0tiate!';

let server: RawServer;

afterAll(async () => {
  await server?.close();
});

function envelope(relatesTo: string): string {
  return (
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}"><s:Header>` +
    '<a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse</a:Action>' +
    '<a:MessageID>uuid:00000000-0000-0000-0000-000000000002</a:MessageID>' +
    `<a:RelatesTo>${relatesTo}</a:RelatesTo>` +
    `</s:Header><s:Body><cfg:Config xmlns:cfg="${NS.config}"><cfg:MaxEnvelopeSizekb>500</cfg:MaxEnvelopeSizekb></cfg:Config></s:Body></s:Envelope>`
  );
}

it('finds its Negotiate token among separate WWW-Authenticate headers, then exchanges sealed messages on the connection', async () => {
  const contexts = new Map<number, NegotiateServer>();
  server = await rawServer((request, socket) => {
    const header = (name: string): string | undefined => new RegExp(`\\r\\n${name}: ([^\\r]*)`, 'i').exec(request.head)?.[1];
    const authorization = header('authorization');
    let context = contexts.get(request.connection);
    let final: Record<string, string> = {};
    if (authorization) {
      const token = Buffer.from(authorization.slice('Negotiate '.length), 'base64');
      if (!context || opensExchange(token)) {
        context = new NegotiateServer({ lookupPassword: (user) => (user.toLowerCase() === USER ? PASSWORD : undefined), computerName: 'WIN-TEST' });
        contexts.set(request.connection, context);
      }
      const step = context.step(token);
      if (step.kind === 'rejected') return void socket.end(reply(401, { 'WWW-Authenticate': 'Negotiate' }));
      if (step.kind === 'continue') {
        // The token in a header of its own, between two other schemes' headers.
        const head = `HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="WSMAN"\r\nWWW-Authenticate: Negotiate ${step.token.toString('base64')}\r\nWWW-Authenticate: Kerberos\r\nContent-Length: 0\r\n\r\n`;
        return void socket.write(head);
      }
      if (step.token) final = { 'WWW-Authenticate': `Negotiate ${step.token.toString('base64')}` };
    }
    if (!context || request.body.length === 0) return void socket.write(reply(401, { 'WWW-Authenticate': 'Negotiate' }));
    const plain = decryptMessage(context.security, header('content-type') ?? '', request.body).payload.toString('utf8');
    const messageId = /<a:MessageID>([^<]*)</.exec(plain)?.[1] ?? '';
    const sealed = encryptMessage(context.security, Buffer.from(envelope(messageId), 'utf8'), 'UTF-8');
    socket.write(reply(200, { ...final, 'Content-Type': sealed.contentType }, sealed.body));
  });
  const wsman = createObject('WSMan.Automation');
  const options = wsman.CreateConnectionOptions().value!;
  options.put_UserName(USER);
  options.put_Password(PASSWORD);
  const session = wsman.CreateSession(server.url, F.WSManFlagUseNegotiate | F.WSManFlagCredUsernamePassword, options).value!;
  for (let i = 0; i < 3; i++) {
    const result = await session.Get('winrm/config');
    expect(result.error?.description).toBeUndefined();
    expect(result.value).toContain('<cfg:MaxEnvelopeSizekb>500</cfg:MaxEnvelopeSizekb>');
  }
  // One connection: the handshake's legs and the three sealed Gets.
  expect(server.sockets).toHaveLength(1);
  expect(server.requests.every((request) => request.connection === 0)).toBe(true);
});

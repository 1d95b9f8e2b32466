/**
 * Connection-bound authentication sends one exchange at a time on its connection: concurrent
 * requests through one transport are queued (NTLM's sequence numbers and RC4 handles follow the
 * wire), each answered with its own reply, and a failed exchange does not stall the queue.
 */
import { ACTION, NS } from '../../src/core/protocol/namespaces';
import { NegotiateAuth } from '../../src/core/transport/client-auth';
import { WSManTransport } from '../../src/core/transport/wsman-transport';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { envelope } from '../server/endpoint-harness';

const USER = 'queue-user';
const PASSWORD = 'Queue#Pass1';
let endpoint: RunningEndpoint;
beforeAll(async () => {
  endpoint = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], machineName: 'WIN-TEST' });
});
afterAll(() => endpoint.close());

const OPTIONS = { timeoutMs: 10_000, responseLimit: 512_000 };

function transport(): WSManTransport {
  return new WSManTransport({ url: endpoint.url!, auth: new NegotiateAuth({ userName: USER, password: PASSWORD }), utf16: false, encrypt: true });
}

describe('a sealed Negotiate transport', () => {
  it('answers concurrent exchanges one by one, each with its own reply, on one authenticated connection', async () => {
    const client = transport();
    try {
      const requests = Array.from({ length: 6 }, () => envelope(endpoint.url!, { resourceUri: NS.config, action: ACTION.get }));
      const replies = await Promise.all(requests.map((request) => client.exchange(request.xml, OPTIONS)));
      replies.forEach((reply, n) => {
        expect(reply.status).toBe(200);
        expect(reply.text).toContain(`RelatesTo>${requests[n]!.messageId}<`);
      });
      // Later ones still go on the same keys: the queue ran dry and starts the next at once.
      const later = envelope(endpoint.url!, { resourceUri: NS.config, action: ACTION.get });
      expect((await client.exchange(later.xml, OPTIONS)).text).toContain(`RelatesTo>${later.messageId}<`);
    } finally {
      client.close();
    }
  });

  it('goes on after an exchange that failed (a reply over its size limit), queued behind it or not', async () => {
    const client = transport();
    try {
      const first = envelope(endpoint.url!, { resourceUri: NS.config, action: ACTION.get });
      expect((await client.exchange(first.xml, OPTIONS)).status).toBe(200);
      const bad = client.exchange(first.xml, { ...OPTIONS, responseLimit: 100 });
      const good = envelope(endpoint.url!, { resourceUri: NS.config, action: ACTION.get });
      const after = client.exchange(good.xml, OPTIONS);
      await expect(bad).rejects.toBeDefined();
      expect((await after).text).toContain(`RelatesTo>${good.messageId}<`);
    } finally {
      client.close();
    }
  });
});

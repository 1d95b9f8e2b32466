/**
 * Every reply leaves the endpoint as one write on its socket (status line, headers and body
 * together), plain or sealed, success or refusal: keep-alive round trips then never wait on a
 * delayed ACK between a header segment and a body segment. Observed on the server's sockets
 * (each call of net.Socket's write path is one write(2)/writev(2)) while a raw client socket talks.
 */
import { connect, Socket } from 'node:net';
import { buildIdentifyEnvelope } from '../../src/core/protocol/envelope';
import { ACTION } from '../../src/core/protocol/namespaces';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { basic, envelope } from './endpoint-harness';
import { NegotiateConnection, PASSWORD, USER } from './negotiate-connection';

const CONFIG = 'http://schemas.microsoft.com/wbem/wsman/1/config';

let endpoint: RunningEndpoint;
let port: number;
/** Writes made on the endpoint's side of its connections. */
let serverWrites = 0;

type WriteGeneric = (this: Socket, ...args: unknown[]) => unknown;
const socketPrototype = Socket.prototype as unknown as { _writeGeneric: WriteGeneric };
const originalWriteGeneric = socketPrototype._writeGeneric;

beforeAll(async () => {
  endpoint = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], allowUnencrypted: true, machineName: 'WIN-TEST' });
  port = Number(new URL(endpoint.url!).port);
  socketPrototype._writeGeneric = function (this: Socket, ...args: unknown[]) {
    if (this.localPort === port) serverWrites++;
    return originalWriteGeneric.apply(this, args);
  };
});

afterAll(async () => {
  socketPrototype._writeGeneric = originalWriteGeneric;
  await endpoint.close();
});

interface RawReply {
  readonly status: number;
  readonly head: string;
  readonly body: Buffer;
}

/** One raw keep-alive connection: requests written by hand, replies read by Content-Length. */
class RawConnection {
  private readonly socket: Socket;
  private buffered = Buffer.alloc(0);
  private waiting: (() => void) | undefined;

  constructor() {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiting?.();
    });
  }

  async request(body: string, headers: Record<string, string>): Promise<RawReply> {
    const payload = Buffer.from(body, 'utf8');
    const lines = [`POST /wsman HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Content-Type: application/soap+xml;charset=UTF-8', `Content-Length: ${payload.length}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    this.socket.write(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), payload]));
    for (;;) {
      const end = this.buffered.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = this.buffered.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (this.buffered.length >= end + 4 + length) {
          const reply = { status: Number(head.split(' ')[1]), head, body: this.buffered.subarray(end + 4, end + 4 + length) };
          this.buffered = this.buffered.subarray(end + 4 + length);
          return reply;
        }
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The reply to `exchange`, and how many writes the endpoint made for it. */
async function counted<T>(exchange: () => Promise<T>): Promise<{ reply: T; writes: number }> {
  const before = serverWrites;
  const reply = await exchange();
  // Anything written after the reply was complete would show up by now.
  await new Promise((resolve) => setImmediate(resolve));
  return { reply, writes: serverWrites - before };
}

describe('one write per reply', () => {
  it('plain replies over Basic on a keep-alive connection, and the 401 that ends one', async () => {
    const raw = new RawConnection();
    try {
      const authorization = { Authorization: basic(USER, PASSWORD) };
      const identify = await counted(() => raw.request(buildIdentifyEnvelope(), authorization));
      expect(identify.reply.status).toBe(200);
      expect(identify.writes).toBe(1);
      const get = await counted(() => raw.request(envelope(`http://127.0.0.1:${port}/wsman`, { resourceUri: CONFIG, action: ACTION.get }).xml, authorization));
      expect(get.reply.status).toBe(200);
      expect(get.reply.body.toString('utf8')).toContain('MaxEnvelopeSizekb');
      expect(get.writes).toBe(1);
      const refused = await counted(() => raw.request(buildIdentifyEnvelope(), { Authorization: basic(USER, 'wrong') }));
      expect(refused.reply.status).toBe(401);
      expect(refused.writes).toBe(1);
    } finally {
      raw.close();
    }
  });

  it('sealed replies on a Negotiate connection', async () => {
    const connection = new NegotiateConnection(endpoint.url!);
    try {
      const first = await counted(() => connection.windowsHandshake(buildIdentifyEnvelope()));
      expect(first.reply.status).toBe(200);
      // The 401 continuation and the sealed reply of leg 3.
      expect(first.writes).toBe(2);
      const get = await counted(() => connection.send(envelope(endpoint.url!, { resourceUri: CONFIG, action: ACTION.get }).xml));
      expect(get.reply.status).toBe(200);
      expect(get.reply.text).toContain('MaxEnvelopeSizekb');
      expect(get.writes).toBe(1);
    } finally {
      connection.close();
    }
  });
});

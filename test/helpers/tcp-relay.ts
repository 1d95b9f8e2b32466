/** A TCP relay in front of an endpoint for client tests: what the client sent, dropped connections, a tampered sealed reply. */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Relays TCP to the endpoint, keeps what the client sent, and can drop connections or flip reply bytes. */
export class Relay {
  readonly sent: string[] = [];
  private readonly sockets = new Set<Socket>();
  /** Flips one ciphertext byte in the next sealed reply. */
  tamperNextReply = false;

  /** The host name the URL uses (Kerberos needs a name, not an address, for its SPN). */
  host = '127.0.0.1';

  private constructor(private readonly server: Server) {}

  static start(target: URL): Promise<Relay> {
    let relay: Relay;
    const server = createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      relay.sockets.add(client).add(upstream);
      client.on('data', (chunk: Buffer) => {
        relay.sent.push(chunk.toString('latin1'));
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => client.write(relay.maybeTamper(chunk)));
      const end = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    });
    relay = new Relay(server);
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(relay)));
  }

  get url(): string {
    return `http://${this.host}:${(this.server.address() as AddressInfo).port}/wsman`;
  }

  /** HTTP requests the client sent (request lines). */
  requests(): string[] {
    return this.sent.join('').match(/^POST \/wsman HTTP\/1\.1$/gm) ?? [];
  }

  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private maybeTamper(chunk: Buffer): Buffer {
    const closing = chunk.lastIndexOf('--Encrypted Boundary--');
    if (!this.tamperNextReply || closing < 0) return chunk;
    this.tamperNextReply = false;
    const copy = Buffer.from(chunk);
    copy[closing - 10] ^= 0x01;
    return copy;
  }

  close(): Promise<void> {
    this.dropConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The benchmark's HTTP client: one keep-alive connection (maxSockets 1), requests one after
 * another, like a WinRM client session. The same code drives the baseline and the endpoint.
 */
import { Agent, request, type OutgoingHttpHeaders } from 'node:http';

export interface Reply {
  readonly status: number;
  readonly body: Buffer;
}

export class SessionClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly target: URL;
  /** Requests that had to open a connection (1 for a well-behaved keep-alive session). */
  connectionsOpened = 0;
  requests = 0;

  constructor(url: string) {
    this.target = new URL(url);
  }

  post(body: Buffer, headers: OutgoingHttpHeaders = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          method: 'POST',
          agent: this.agent,
          headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', 'Content-Length': body.length, ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('socket', () => {
        this.requests++;
        if (!req.reusedSocket) this.connectionsOpened++;
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Fails loudly on anything but the expected status, quoting the start of the reply. */
export function expectStatus(reply: Reply, status: number, what: string): void {
  if (reply.status !== status) {
    throw new Error(`${what}: HTTP ${reply.status} (expected ${status}): ${reply.body.toString('utf8').slice(0, 400)}`);
  }
}

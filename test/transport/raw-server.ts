/**
 * A raw TCP server for the HTTP exchange tests: it reads requests by Content-Length and lets the
 * test answer with exact bytes, in pieces, or not at all.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface RawRequest {
  /** Request line and headers, as sent. */
  readonly head: string;
  readonly body: Buffer;
  /** Bytes of this request in the first chunk the server read for it (head and body in one write → all of them). */
  readonly firstChunkBytes: number;
  /** 0 for the first connection the server accepted, 1 for the second, … */
  readonly connection: number;
  /** Index of this request on its connection. */
  readonly indexOnConnection: number;
}

export type RawHandler = (request: RawRequest, socket: Socket) => void;

export interface RawServer {
  readonly port: number;
  readonly url: string;
  readonly requests: RawRequest[];
  readonly sockets: Socket[];
  handler: RawHandler;
  close(): Promise<void>;
}

export async function rawServer(handler: RawHandler): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const sockets: Socket[] = [];
  const state = { handler };
  const server: Server = createServer((socket) => {
    const connection = sockets.length;
    sockets.push(socket);
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let firstChunk = -1;
    let served = 0;
    socket.on('data', (chunk: Buffer) => {
      if (firstChunk === -1) firstChunk = chunk.length;
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const request: RawRequest = {
          head,
          body: buffer.subarray(end + 4, end + 4 + length),
          firstChunkBytes: firstChunk,
          connection,
          indexOnConnection: served++,
        };
        buffer = buffer.subarray(end + 4 + length);
        firstChunk = buffer.length > 0 ? buffer.length : -1;
        requests.push(request);
        state.handler(request, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/wsman`,
    requests,
    sockets,
    get handler() {
      return state.handler;
    },
    set handler(next: RawHandler) {
      state.handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP/1.1 response with a Content-Length. */
export function reply(status: number, headers: Readonly<Record<string, string>>, body: string | Buffer = ''): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return Buffer.concat([Buffer.from(`HTTP/1.1 ${status} X\r\n${lines}Content-Length: ${bytes.length}\r\n\r\n`, 'latin1'), bytes]);
}

/** Writes the pieces one by one, each in its own TCP segment (a pause between them). */
export async function writeInPieces(socket: Socket, pieces: readonly (string | Buffer)[]): Promise<void> {
  for (const piece of pieces) {
    if (socket.destroyed) return;
    socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

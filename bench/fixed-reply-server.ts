/**
 * A fixed-reply WinRM server for the client benchmarks, run in its own process so that its CPU
 * is not the client's: every POST gets one recorded endpoint reply, with the request's
 * MessageID spliced into RelatesTo (the client checks it). A raw `net` server reading requests by
 * Content-Length, replies written in one segment.
 *
 * With `negotiate`, each connection first runs the Negotiate (NTLM) handshake the way the
 * endpoint does (401 legs, the completing leg carrying the first sealed message) and then
 * unseals every request and seals every reply (MS-WSMV message encryption).
 *
 * Started by bench/client-get.ts: one JSON job line on stdin, `{"port": n}` on stdout when
 * listening; it exits when stdin ends.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { NegotiateServer, opensExchange } from '../src/core/transport/auth/negotiate';
import { decryptMessage, encryptMessage } from '../src/core/transport/message-encryption';

export interface FixedReplyJob {
  /** The reply up to and including the RelatesTo start tag, and from its end tag on. */
  readonly head: string;
  readonly tail: string;
  readonly negotiate?: { readonly user: string; readonly password: string };
}

const SOAP = 'application/soap+xml;charset=UTF-8';
const MESSAGE_ID = Buffer.from('MessageID>', 'latin1');

function response(status: number, headers: string, body: Buffer): Buffer {
  const head = Buffer.from(`HTTP/1.1 ${status} \r\nServer: Microsoft-HTTPAPI/2.0\r\n${headers}Content-Length: ${body.length}\r\n\r\n`, 'latin1');
  return Buffer.concat([head, body]);
}

function serve(job: FixedReplyJob, socket: Socket): void {
  const reply = (request: Buffer): Buffer => {
    const at = request.indexOf(MESSAGE_ID);
    const start = at + MESSAGE_ID.length;
    const id = at < 0 ? '' : request.toString('latin1', start, request.indexOf(0x3c, start));
    return Buffer.from(job.head + id + job.tail, 'utf8');
  };
  let negotiate: NegotiateServer | undefined;
  const answer = (authorization: string | undefined, contentType: string | undefined, body: Buffer): Buffer => {
    if (!job.negotiate) return response(200, `Content-Type: ${SOAP}\r\n`, reply(body));
    let final = '';
    if (authorization?.startsWith('Negotiate ')) {
      const token = Buffer.from(authorization.slice(10), 'base64');
      if (!negotiate || opensExchange(token)) {
        negotiate = new NegotiateServer({ lookupPassword: (user) => (user.toLowerCase() === job.negotiate!.user ? job.negotiate!.password : undefined), computerName: 'BENCH-HOST' });
      }
      const step = negotiate.step(token);
      if (step.kind === 'rejected') return response(401, 'WWW-Authenticate: Negotiate\r\n', Buffer.alloc(0));
      if (step.kind === 'continue') return response(401, `WWW-Authenticate: Negotiate ${step.token.toString('base64')}\r\n`, Buffer.alloc(0));
      if (step.token) final = `WWW-Authenticate: Negotiate ${step.token.toString('base64')}\r\n`;
    }
    if (!negotiate) return response(401, 'WWW-Authenticate: Negotiate\r\n', Buffer.alloc(0));
    if (body.length === 0) return response(200, final, Buffer.alloc(0));
    const plain = decryptMessage(negotiate.security, contentType ?? '', body).payload;
    const sealed = encryptMessage(negotiate.security, reply(plain), 'UTF-8');
    return response(200, `${final}Content-Type: ${sealed.contentType}\r\n`, sealed.body);
  };
  let buffer: Buffer = Buffer.alloc(0);
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.toString('latin1', 0, end);
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      const body = buffer.subarray(end + 4, end + 4 + length);
      buffer = buffer.subarray(end + 4 + length);
      const header = (name: string): string | undefined => new RegExp(`\\r\\n${name}: *([^\\r]*)`, 'i').exec(head)?.[1];
      socket.write(answer(header('authorization'), header('content-type'), body));
    }
  });
}

if (require.main === module) {
  const lines = createInterface({ input: process.stdin });
  lines.once('line', (line) => {
    const job = JSON.parse(line) as FixedReplyJob;
    const server = createServer((socket) => serve(job, socket));
    server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));
  });
  lines.on('close', () => process.exit(0));
}

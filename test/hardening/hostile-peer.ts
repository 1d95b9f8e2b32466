/**
 * Hostile documents and a server that answers every request with fixed bytes: what the hardening
 * regression tests and the fuzz suite share.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An Identify whose root declares `rootPrefixes` prefixes and whose `children` children declare one more each. */
export function namespaceBomb(rootPrefixes: number, children: number): string {
  const parts = ['<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"'];
  for (let i = 0; i < rootPrefixes; i++) parts.push(` xmlns:a${i.toString(36)}="u"`);
  parts.push('><s:Header/><s:Body><i:Identify xmlns:i="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">');
  for (let i = 0; i < children; i++) parts.push(`<x xmlns:b${i.toString(36)}="u"/>`);
  parts.push('</i:Identify></s:Body></s:Envelope>');
  return parts.join('');
}

/** An envelope whose body nests `depth` elements. */
export function depthBomb(depth: number): string {
  return `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}</s:Body></s:Envelope>`;
}

export interface FixedServer {
  readonly url: string;
  close(): Promise<void>;
}

/** A server answering every POST with `status` and `body` (Content-Type SOAP unless given). */
export async function fixedReplyServer(status: number, body: string | Buffer, headers: Record<string, string> = {}): Promise<FixedServer> {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(status, { 'Content-Type': 'application/soap+xml;charset=UTF-8', 'Content-Length': payload.length, ...headers });
      response.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/wsman`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

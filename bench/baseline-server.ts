/** The benchmarks' baseline server: raw node:http with the endpoint's socket options, answering every POST with one fixed reply. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Baseline {
  readonly url: string;
  close(): Promise<void>;
}

export function startBaseline(reply: Buffer): Promise<Baseline> {
  const server: Server = createServer({ noDelay: true, keepAliveTimeout: 120_000 }, (req, res) => {
    // Read the request to its end, as any SOAP server must, then answer in one write.
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(200, { Server: 'Microsoft-HTTPAPI/2.0', 'Content-Type': 'application/soap+xml;charset=UTF-8', 'Content-Length': reply.length });
      res.end(reply);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/wsman`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

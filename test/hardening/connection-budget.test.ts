/**
 * Defect 8 of issue 11: half-open unauthenticated requests cannot fill MaxConnections. They hold
 * at most half of it, newcomers push the oldest out, each must finish within a short deadline,
 * and an authenticated user is served throughout. A stalled body ends in 408 whoever sends it
 * (found by the fuzz suite).
 */
import { connect, type Socket } from 'node:net';
import { buildIdentifyEnvelope } from '../../src/core/protocol/envelope';
import { ACTION, NS } from '../../src/core/protocol/namespaces';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { basic, soap } from '../server/endpoint-harness';

const AUTH = { headers: { Authorization: basic('alice', 'Secret#1') } };
const DEADLINE_MS = 1000;

let endpoint: RunningEndpoint;
beforeAll(async () => {
  endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true, unauthenticatedDeadlineMs: DEADLINE_MS, requestBodyDeadlineMs: DEADLINE_MS });
  const put = await soap(
    endpoint.url!,
    { resourceUri: `${NS.config}/service`, action: ACTION.put, body: `<cfg:Service xmlns:cfg="${NS.config}"><cfg:MaxConnections>20</cfg:MaxConnections></cfg:Service>` },
    AUTH,
  );
  expect(put.status).toBe(200);
});
afterAll(() => endpoint.close());

interface HalfOpen {
  readonly socket: Socket;
  closed: boolean;
}

/** An unauthenticated Identify whose body never completes. */
async function halfOpenIdentify(): Promise<HalfOpen> {
  const { port } = new URL(endpoint.url!);
  const socket = connect(Number(port), '127.0.0.1');
  const entry: HalfOpen = { socket, closed: false };
  socket.on('error', () => undefined);
  socket.on('close', () => {
    entry.closed = true;
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const body = buildIdentifyEnvelope();
  socket.write(
    `POST /wsman HTTP/1.1\r\nHost: x\r\nWSMANIDENTIFY: unauthenticated\r\nContent-Type: application/soap+xml;charset=UTF-8\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 100)}`,
  );
  return entry;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

it('30 half-open unauthenticated requests against MaxConnections 20: at most 10 stay, the user is served, the rest time out', async () => {
  const flood: HalfOpen[] = [];
  for (let i = 0; i < 30; i++) flood.push(await halfOpenIdentify());
  await pause(100);
  expect(flood.filter((entry) => !entry.closed).length).toBeLessThanOrEqual(10);

  const get = await soap(endpoint.url!, { resourceUri: NS.config, action: ACTION.get }, AUTH);
  expect(get.status).toBe(200);

  await pause(DEADLINE_MS + 500);
  expect(flood.filter((entry) => !entry.closed)).toHaveLength(0);
  for (const entry of flood) entry.socket.destroy();
});

it('an authenticated keep-alive connection is not held to the deadline', async () => {
  const { Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    expect((await soap(endpoint.url!, { resourceUri: NS.config, action: ACTION.get }, { ...AUTH, agent })).status).toBe(200);
    await pause(DEADLINE_MS + 500);
    const sockets = Object.values(agent.freeSockets).flat();
    expect(sockets).toHaveLength(1);
    expect((await soap(endpoint.url!, { resourceUri: NS.config, action: ACTION.get }, { ...AUTH, agent })).status).toBe(200);
  } finally {
    agent.destroy();
  }
});

it('an authenticated request whose body stalls gets 408 and its connection closed', async () => {
  const { port } = new URL(endpoint.url!);
  const socket = connect(Number(port), '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(`POST /wsman HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic('alice', 'Secret#1')}\r\nContent-Type: application/soap+xml;charset=UTF-8\r\nContent-Length: 5000\r\n\r\n<s:Envelope`);
  await closed;
  expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 408 /);
});

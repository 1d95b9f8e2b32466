/**
 * Pull pipelining on the wire: the embedded endpoint behind a TCP proxy running in a worker
 * thread, which counts the Pull requests it forwards in shared memory. The worker sees the
 * bytes even while this thread is blocked, so the test can show that the next Pull is on the
 * wire while a script reads the current page without ever waiting on I/O.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createObject } from '../../src/index';
import { WSManSessionFlags as F } from '../../src/automation/flags';
import type { Enumerator } from '../../src/automation/enumerator';
import type { Session } from '../../src/automation/session';
import { ACTION } from '../../src/core/protocol/namespaces';
import type { ReceivedPage, WSManOperations } from '../../src/core/session/wsman-operations';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';

const BASIC_HTTP = F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword | F.WSManFlagNoEncryption;

/** Forwards every connection to the endpoint; counts `…/Pull<` (the Action header's text) in what clients send. */
const PROXY_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const net = require('node:net');
const pulls = new Int32Array(workerData.shared);
const marker = workerData.marker;
const server = net.createServer((client) => {
  const upstream = net.connect(workerData.port, '127.0.0.1');
  let tail = '';
  client.on('data', (chunk) => {
    const text = tail + chunk.toString('latin1');
    for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
      Atomics.add(pulls, 0, 1);
      Atomics.notify(pulls, 0);
    }
    tail = text.slice(-(marker.length - 1));
    upstream.write(chunk);
  });
  upstream.on('data', (chunk) => client.write(chunk));
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
  client.on('error', () => undefined);
  upstream.on('error', () => undefined);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

let endpoint: RunningEndpoint;
let dataDir: string;
let worker: Worker;
let proxyUrl: string;
const pulls = new Int32Array(new SharedArrayBuffer(4));

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wsman-pipelining-'));
  endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true, machineName: 'WIN-TEST', dataDir });
  worker = new Worker(PROXY_SOURCE, { eval: true, workerData: { shared: pulls.buffer, port: Number(new URL(endpoint.url!).port), marker: `${ACTION.pull}<` } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  proxyUrl = `http://127.0.0.1:${port}/wsman`;
});

afterAll(async () => {
  await worker.terminate();
  await endpoint.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function openSession(url: string): Session {
  const wsman = createObject('WSMan.Automation');
  const options = wsman.CreateConnectionOptions().value!;
  options.put_UserName('alice');
  options.put_Password('Secret#1');
  const session = wsman.CreateSession(url, BASIC_HTTP, options);
  if (session.error) throw new Error(session.error.description);
  return session.value!;
}

async function names(enumerator: Enumerator, first: string[] = []): Promise<string[]> {
  const read = [...first];
  while (!enumerator.get_AtEndOfStream().value) {
    const item = await enumerator.ReadItem();
    if (item.error) throw new Error(item.error.description);
    read.push(/<p:Name>([^<]*)<\/p:Name>/.exec(item.value!)![1]);
  }
  return read;
}

describe('Enumerator over the wire', () => {
  it('has the next Pull on the wire while a script that never waits on I/O reads the current page', async () => {
    const session = openSession(proxyUrl);
    session.put_BatchItems(4);
    const enumerator = (await session.Enumerate('wmicimv2/Win32_Service')).value! as Enumerator;
    const first = await enumerator.ReadItem();
    expect(first.hr).toBe(0);
    // This thread now blocks: only a Pull already written can reach the proxy.
    Atomics.wait(pulls, 0, 0, 5000);
    expect(Atomics.load(pulls, 0)).toBe(1);
    const viaProxy = await names(enumerator, [/<p:Name>([^<]*)<\/p:Name>/.exec(first.value!)![1]]);

    // The same enumeration, direct and unpipelined in effect (BatchItems covers it whole).
    const whole = openSession(endpoint.url!);
    whole.put_BatchItems(10_000);
    const direct = await names((await whole.Enumerate('wmicimv2/Win32_Service')).value! as Enumerator);
    expect(direct.length).toBeGreaterThan(8);
    expect(viaProxy).toEqual(direct);
    // One Pull per page after the first, none wasted.
    expect(Atomics.load(pulls, 0)).toBe(Math.ceil(direct.length / 4) - 1);
  });

  it("sends each Pull with the context the endpoint's reply text shows, before reading the reply (and it is the one the reply reads to)", async () => {
    const session = openSession(endpoint.url!);
    session.put_BatchItems(3);
    // The session's operations layer, watched: what each reply's text showed, what it read to.
    const operations = (session as unknown as { operations: WSManOperations }).operations;
    const pull = operations.pull.bind(operations);
    const seen: { hint: string | undefined; context: string | undefined }[] = [];
    const spy = jest.spyOn(operations, 'pull').mockImplementation(async (...args): Promise<ReceivedPage> => {
      const received = await pull(...args);
      return {
        contextHint: received.contextHint,
        read: () => {
          const page = received.read();
          seen.push({ hint: received.contextHint, context: page.context });
          return page;
        },
      };
    });
    try {
      const read = await names((await session.Enumerate('wmicimv2/Win32_Service')).value! as Enumerator);
      expect(seen.length).toBe(Math.ceil(read.length / 3) - 1);
      for (const { hint, context } of seen) expect(hint).toBe(context);
      expect(seen.filter(({ context }) => context !== undefined).length).toBe(seen.length - 1);
    } finally {
      spy.mockRestore();
    }
  });
});

/**
 * Client throughput: this project's WSMan.Automation client (`createObject('WSMan.Automation')`,
 * Session.Get, Session.Enumerate + Enumerator.ReadItem) against the embedded endpoint over
 * loopback, every figure a ratio to a baseline measured in the same run:
 *
 *  - Get: the raw floor is a node:http POST loop (keep-alive agent, maxSockets 1) sending the
 *    very Get bytes the client sends (captured once through a recording proxy; only the
 *    MessageID changes per request) with the same Basic Authorization header. The measured
 *    client and the floor alternate in short slices (stats.ts measurePaired).
 *  - pywinrm (Debian python3-winrm under /usr/bin/python3, bench/pywinrm_get.py): the same Get
 *    envelope through winrm.protocol.Protocol.send_message, fresh MessageID per call. The
 *    Python child and the client alternate in slices too; only one of them runs at a time.
 *  - Enumeration of 10,000 Win32_Service instances with Session.BatchItems 100, 500 and 1000:
 *    the client's Enumerate + ReadItem loop against a raw Enumerate/Pull loop (raw-enumeration.ts)
 *    sending the client's own captured Enumerate and Pull bytes, interleaved one enumeration each.
 *
 *   npm run bench                              endpoint benchmark, then this one
 *   BENCH_SUITE=client npm run bench           only this one (or: npx ts-node bench/client.ts)
 *   BENCH_FILTER=Get BENCH_SUITE=client …      only the measurements whose name matches
 * BENCH_SECONDS and BENCH_JSON as for the endpoint benchmark (config.ts).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createObject, formatHResult, WSManSessionFlags, type ComResult, type Session } from '../src/index';
import { Enumerator } from '../src/automation/enumerator';
import { newMessageId } from '../src/core/protocol/envelope';
import { CLIENT_REQUEST_CHANNEL } from '../src/core/transport/http/connection';
import { startEndpoint, type RunningEndpoint } from '../src/server/endpoint';
import { progress, SECONDS, selected, SUITE, WARMUP_MS } from './config';
import { environment, fmtMs, fmtRate, table, writeResultsJson } from './format';
import { expectStatus, SessionClient } from './http-client';
import { BIG_CLASS, BIG_CLASS_URI, generateServiceInstances } from './instances';
import { enumerateAll, type EnumerateRequest, type PullRequest } from './raw-enumeration';
import { basicAuthorization } from './soap';
import { measurePaired, slice, summarize, type PairedOptions, type Summary } from './stats';

export const USER = 'alice';
export const PASSWORD = 'Secret#1';
/** The account this benchmark signs in with, for an endpoint started by someone else (run.ts). */
export const CLIENT_USER = `${USER}:${PASSWORD}`;
export const AUTH = { Authorization: basicAuthorization(USER, PASSWORD) };
const MACHINE = 'BENCH-HOST';
const SESSION_FLAGS = WSManSessionFlags.WSManFlagUseBasic | WSManSessionFlags.WSManFlagCredUsernamePassword | WSManSessionFlags.WSManFlagNoEncryption;
export const GET_LOCATOR = `wmicimv2/${BIG_CLASS}?Name=WinRM`;
export const ENUMERATE_LOCATOR = `wmicimv2/${BIG_CLASS}`;
export const GET_EXPECT = '<p:Name>WinRM</p:Name>';
const INSTANCE_COUNT = 10_000;
const BATCH_ITEMS = [100, 500, 1000];
export const PYTHON = '/usr/bin/python3';
const PYWINRM_SCRIPT = join(__dirname, 'pywinrm_get.py');
const PYWINRM_SKIPPED = 'pywinrm: skipped (apt-get install python3-winrm)';

/** Targets the project states for the client (reported, never asserted). */
const TARGET_VS_FLOOR = 1 / 1.5;
const TARGET_VS_PYWINRM = 5;

const GET_NAME = `Get ${BIG_CLASS}?Name=WinRM`;
const PYWINRM_NAME = `pywinrm ${GET_NAME}`;
const enumerationName = (batchItems: number): string => `Client Enumerate ${INSTANCE_COUNT} ${BIG_CLASS}, BatchItems ${batchItems}`;

const REQUESTS: PairedOptions = { warmupOps: 200, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 200, baselineSliceMs: 100, minOps: 50 };
/**
 * One enumeration per slice on each side, at least two timed client runs. The client is warm
 * (the Get loop, and the probe that read the first batch and a Pull); the baseline warms up
 * with one enumeration.
 */
const ENUMERATIONS: PairedOptions = { warmupOps: 0, warmupMs: 0, durationMs: SECONDS * 1000, sliceMs: 1, baselineSliceMs: 1, minOps: 2, baselineWarmupOps: 1 };
/** pywinrm gets BENCH_SECONDS in slices of this length, each followed by a slice of our client. */
const PYWINRM_SLICE_MS = 200;
const CLIENT_SLICE_MS = 100;

// ---------------------------------------------------------------------------------------------
// What the client puts on the wire, counted for every request in this process (our client's
// exchange publishes on CLIENT_REQUEST_CHANNEL, node:http in the raw loops on its own channel;
// the phases never overlap, so deltas around an operation belong to it).

const wire = { requests: 0, connections: 0 };
const onRequest = (): void => void wire.requests++;
const onSocket = (): void => void wire.connections++;

// ---------------------------------------------------------------------------------------------
// The client through its COM object model.

export function ok<T>(result: ComResult<T>, what: string): T {
  if (result.hr !== 0 || result.error) {
    throw new Error(`${what}: ${formatHResult(result.hr)} ${result.error?.name ?? ''} ${result.error?.description ?? ''}`.trim());
  }
  return result.value as T;
}

export function openSession(url: string): Session {
  const wsman = createObject('WSMan.Automation');
  const options = ok(wsman.CreateConnectionOptions(), 'CreateConnectionOptions');
  ok(options.put_UserName(USER), 'put_UserName');
  ok(options.put_Password(PASSWORD), 'put_Password');
  return ok(wsman.CreateSession(url, SESSION_FLAGS, options), 'CreateSession');
}

/** Reads the whole enumeration with AtEndOfStream/ReadItem, as a script does. */
async function readAll(session: Session, onItem?: (item: string) => void): Promise<number> {
  const enumerator = ok(await session.Enumerate(ENUMERATE_LOCATOR), 'Enumerate');
  let count = 0;
  while (!enumerator.get_AtEndOfStream().value) {
    const item = await enumerator.ReadItem();
    if (item.hr !== 0) ok(item, 'ReadItem');
    onItem?.(item.value!);
    count++;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Requests as the client sends them: a recording proxy in front of the endpoint keeps every
// request body, and a captured body becomes a template with holes for the per-request values.

interface Captured {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export class CaptureProxy {
  readonly captured: Captured[] = [];
  private readonly upstream: SessionClient;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly target: string,
  ) {
    this.upstream = new SessionClient(target);
  }

  static start(target: string): Promise<CaptureProxy> {
    const server = createServer({ noDelay: true }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        proxy.captured.push({ headers: req.headers, body });
        const forwarded: Record<string, string> = {};
        for (const name of ['authorization', 'content-type', 'wsmanidentify']) {
          const value = req.headers[name];
          if (typeof value === 'string') forwarded[name] = value;
        }
        proxy.upstream.post(body, forwarded).then(
          (reply) => {
            res.writeHead(reply.status, { 'Content-Type': 'application/soap+xml;charset=UTF-8', 'Content-Length': reply.body.length });
            res.end(reply.body);
          },
          (error: unknown) => res.destroy(error instanceof Error ? error : new Error(String(error))),
        );
      });
    });
    let proxy: CaptureProxy;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        proxy = new CaptureProxy(server, `http://127.0.0.1:${port}/wsman`, target);
        resolve(proxy);
      });
    });
  }

  /** A captured body as sent to the endpoint itself (a:To names the proxy). */
  text(index: number): string {
    const request = this.captured[index];
    if (!request) throw new Error(`the client sent ${this.captured.length} requests, expected at least ${index + 1}`);
    if (request.headers['authorization'] !== AUTH.Authorization) throw new Error(`request ${index} without the expected Basic Authorization header`);
    return request.body.toString('utf8').split(this.url).join(this.target);
  }

  close(): Promise<void> {
    this.upstream.close();
    return new Promise((done) => {
      this.server.close(() => done());
      this.server.closeAllConnections();
    });
  }
}

const MESSAGE_ID: Hole = ['<a:MessageID>', '</a:MessageID>'];
const CONTEXT: Hole = ['<n:EnumerationContext>', '</n:EnumerationContext>'];
type Hole = readonly [open: string, close: string];

/** A captured request with holes (in document order) for values spliced in per request. */
class CapturedTemplate {
  readonly parts: readonly string[];

  constructor(xml: string, holes: readonly Hole[]) {
    const parts: string[] = [];
    let from = 0;
    for (const [open, close] of holes) {
      const start = xml.indexOf(open, from);
      const end = start < 0 ? -1 : xml.indexOf(close, start + open.length);
      if (end < 0) throw new Error(`no ${open}…${close} in the captured request: ${xml.slice(0, 400)}`);
      parts.push(xml.slice(from, start + open.length));
      from = end;
    }
    parts.push(xml.slice(from));
    this.parts = parts;
  }

  fill(values: readonly string[]): Buffer {
    let text = this.parts[0];
    for (let i = 0; i < values.length; i++) text += values[i] + this.parts[i + 1];
    return Buffer.from(text, 'utf8');
  }
}

export class CapturedRequest implements EnumerateRequest {
  readonly template: CapturedTemplate;
  constructor(xml: string) {
    this.template = new CapturedTemplate(xml, [MESSAGE_ID]);
  }
  render(): Buffer {
    return this.template.fill([newMessageId()]);
  }
}

export class CapturedPull implements PullRequest {
  private readonly template: CapturedTemplate;
  constructor(xml: string) {
    this.template = new CapturedTemplate(xml, [MESSAGE_ID, CONTEXT]);
  }
  render(context: string): Buffer {
    return this.template.fill([newMessageId(), context]);
  }
}

export function expectIncludes(text: string, wanted: string, what: string): void {
  if (!text.includes(wanted)) throw new Error(`${what}: no ${wanted} in ${text.slice(0, 600)}`);
}

// ---------------------------------------------------------------------------------------------
// pywinrm in a child process, driven slice by slice over stdin/stdout.

export interface PySlice {
  readonly ops: number;
  readonly seconds: number;
  readonly latencies: readonly number[];
}

/** Why pywinrm cannot run here, or undefined when it can. */
export function pywinrmMissing(env: NodeJS.ProcessEnv): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is absent`;
  const probe = spawnSync(PYTHON, ['-c', 'import winrm.protocol'], { env, stdio: 'ignore', timeout: 15_000 });
  return probe.status === 0 ? undefined : `${PYTHON} cannot import winrm.protocol`;
}

/**
 * A small, predictable environment: system PATH, no proxies and no CA-bundle variables (requests
 * honours REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE and *_proxy), no user site-packages.
 */
export function pythonEnvironment(): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    NO_PROXY: '*',
    no_proxy: '*',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONNOUSERSITE: '1',
    PYTHONIOENCODING: 'utf-8',
  };
}

export class PyWinrm {
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly lines: string[] = [];
  private stderr = '';
  private exited: string | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const next = this.waiting.shift();
      if (next) next(line);
      else this.lines.push(line);
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    const gone = (why: string): void => {
      this.exited ??= why;
      for (const next of this.waiting.splice(0)) next('');
    };
    child.on('error', (error) => gone(`failed: ${error.message}`));
    child.on('exit', (code, signal) => gone(`exited with ${signal ?? code}`));
  }

  static async start(job: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<{ py: PyWinrm; version: string; python: string }> {
    const py = new PyWinrm(spawn(PYTHON, [PYWINRM_SCRIPT], { env, stdio: 'pipe' }));
    py.child.stdin.write(JSON.stringify(job) + '\n');
    const ready = (await py.read()) as { ready?: boolean; pywinrm?: string; python?: string };
    if (!ready.ready) throw new Error(`pywinrm_get.py did not start: ${JSON.stringify(ready)}`);
    return { py, version: ready.pywinrm ?? 'unknown', python: ready.python ?? 'unknown' };
  }

  private async read(): Promise<unknown> {
    const line = this.lines.shift() ?? (this.exited ? '' : await new Promise<string>((resolve) => this.waiting.push(resolve)));
    if (line === '') throw new Error(`pywinrm_get.py ${this.exited ?? 'sent an empty line'}: ${this.stderr.slice(-2000)}`);
    return JSON.parse(line);
  }

  async slice(ms: number): Promise<PySlice> {
    this.child.stdin.write(`slice ${ms}\n`);
    return (await this.read()) as PySlice;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end('quit\n');
    const timer = setTimeout(() => this.child.kill(), 5000);
    await done;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Results

export interface GetResult {
  readonly name: string;
  readonly client: Summary;
  /** The raw floor's slices interleaved with the client's. */
  readonly rawFloor: Summary;
  /** client ops/s ÷ raw floor ops/s (target ≥ 1/1.5). */
  readonly ratio: number;
  /** raw floor p50 ÷ client p50. */
  readonly ratioP50: number;
  readonly target: number;
  readonly meetsTarget: boolean;
  /** Mean client time per Get above the floor's. */
  readonly overheadMicroseconds: number;
  readonly clientHttpRequestsPerOp: number;
  readonly clientConnectionsOpened: number;
  readonly rawFloorConnectionsOpened: number;
  readonly requestBytes: number;
  readonly replyBytes: number;
}

export type PywinrmResult =
  | { readonly skipped: string }
  | {
      readonly name: string;
      readonly pywinrm: string;
      readonly python: string;
      readonly summary: Summary;
      /** pywinrm's own wall clock over its timed slices. */
      readonly seconds: number;
      /** Our client's Get in the slices interleaved with pywinrm's. */
      readonly client: Summary;
      /** The raw floor in the slices interleaved with pywinrm's. */
      readonly rawFloor: Summary;
      /** client ops/s ÷ pywinrm ops/s (target ≥ 5). */
      readonly clientSpeedup: number;
      /** raw floor ops/s ÷ pywinrm ops/s: what a client costing nothing would reach. */
      readonly ceiling: number;
      readonly target: number;
      readonly meetsTarget: boolean;
    };

export interface EnumerationResult {
  readonly name: string;
  readonly batchItems: number;
  /** op = one whole enumeration of 10,000 items through Enumerate + ReadItem. */
  readonly client: Summary;
  readonly clientItemsPerSecond: number;
  readonly clientRequestsPerEnumeration: number;
  readonly clientConnectionsOpened: number;
  /** Items in the client's first batch (the Enumerate response). */
  readonly firstBatchItems: number;
  /** The raw Enumerate/Pull loop, interleaved (op = one enumeration). */
  readonly raw: Summary;
  readonly rawItemsPerSecond: number;
  readonly rawRequestsPerEnumeration: number;
  /** clientItemsPerSecond ÷ rawItemsPerSecond. */
  readonly ratio: number;
  /** The endpoint benchmark's raw items/s for this MaxElements earlier in the run, when it ran. */
  readonly endpointSuiteItemsPerSecond?: number;
  /** The first timed run delivered the 10,000 generated names, each once; in file order? */
  readonly orderKept: boolean;
}

export interface ClientResults {
  readonly user: string;
  readonly get?: GetResult;
  readonly pywinrm?: PywinrmResult;
  readonly enumerations: readonly EnumerationResult[];
  readonly cimStoreLoadMs?: number;
  /** The enumerations ran against the endpoint benchmark's 10,000-instance endpoint. */
  readonly sharedEndpoint?: boolean;
}

/** An endpoint serving the 10,000 generated instances (bench/instances.ts) to CLIENT_USER. */
export interface EnumerationEndpoint {
  readonly url: string;
  /** The generated Names, in file order. */
  readonly names: readonly string[];
  readonly loadMs: number;
}

export interface ClientBenchOptions {
  /** The endpoint benchmark's raw enumeration items/s by MaxElements, from the same run. */
  readonly endpointSuiteItemsPerSecond?: ReadonlyMap<number, number>;
  /**
   * The endpoint benchmark's 10,000-instance endpoint, kept open for this benchmark so the
   * instances are loaded once per run; without it this benchmark starts its own.
   */
  readonly enumerationEndpoint?: EnumerationEndpoint;
}

// ---------------------------------------------------------------------------------------------
// Measurements

/** The client's Get against the raw floor sending the client's own captured bytes. */
async function measureGet(url: string, session: Session): Promise<{ result: GetResult; getXml: CapturedRequest }> {
  progress(`${GET_NAME}: capturing the client's request`);
  const proxy = await CaptureProxy.start(url);
  let getXml: CapturedRequest;
  try {
    const probe = ok(await openSession(proxy.url).Get(GET_LOCATOR), 'Get through the capture proxy');
    expectIncludes(probe, GET_EXPECT, 'Get through the capture proxy');
    if (proxy.captured.length !== 1) throw new Error(`one Get took ${proxy.captured.length} HTTP requests`);
    const xml = proxy.text(0);
    expectIncludes(xml, `<w:ResourceURI s:mustUnderstand="true">${BIG_CLASS_URI}</w:ResourceURI>`, 'captured Get');
    expectIncludes(xml, '<w:Selector Name="Name">WinRM</w:Selector>', 'captured Get');
    getXml = new CapturedRequest(xml);
  } finally {
    await proxy.close();
  }

  progress(`${GET_NAME}: our client vs the raw floor`);
  const raw = new SessionClient(url);
  try {
    const first = await raw.post(getXml.render(), AUTH);
    expectStatus(first, 200, 'raw floor Get');
    expectIncludes(first.body.toString('utf8'), GET_EXPECT, 'raw floor Get');
    expectIncludes(ok(await session.Get(GET_LOCATOR), 'Session.Get'), GET_EXPECT, 'Session.Get');

    let requests = 0;
    let connections = 0;
    let ops = 0;
    const { target, baseline } = await measurePaired(
      async () => {
        const beforeRequests = wire.requests;
        const beforeConnections = wire.connections;
        const reply = await session.Get(GET_LOCATOR);
        if (reply.hr !== 0) ok(reply, 'Session.Get');
        requests += wire.requests - beforeRequests;
        connections += wire.connections - beforeConnections;
        ops++;
      },
      async () => {
        const reply = await raw.post(getXml.render(), AUTH);
        if (reply.status !== 200) expectStatus(reply, 200, 'raw floor Get');
      },
      REQUESTS,
    );
    const ratio = target.opsPerSecond / baseline.opsPerSecond;
    const result: GetResult = {
      name: GET_NAME,
      client: target,
      rawFloor: baseline,
      ratio,
      ratioP50: baseline.p50Ms / target.p50Ms,
      target: TARGET_VS_FLOOR,
      meetsTarget: ratio >= TARGET_VS_FLOOR,
      overheadMicroseconds: (target.meanMs - baseline.meanMs) * 1000,
      clientHttpRequestsPerOp: requests / ops,
      clientConnectionsOpened: connections,
      rawFloorConnectionsOpened: raw.connectionsOpened,
      requestBytes: getXml.render().length,
      replyBytes: first.body.length,
    };
    return { result, getXml };
  } finally {
    raw.close();
  }
}

/**
 * pywinrm's Get, our client's and the raw floor's, in turn: PYWINRM_SLICE_MS of pywinrm, then
 * CLIENT_SLICE_MS of ours, then CLIENT_SLICE_MS of the floor (only one of them runs at a time).
 */
async function measurePywinrm(url: string, session: Session, getXml: CapturedRequest): Promise<PywinrmResult> {
  const env = pythonEnvironment();
  const missing = pywinrmMissing(env);
  if (missing !== undefined) {
    progress(`${PYWINRM_SCRIPT}: ${missing}`);
    return { skipped: `${missing}; apt-get install python3-winrm` };
  }
  progress(`${PYWINRM_NAME}: pywinrm (${PYTHON}) vs our client and the raw floor`);
  const [head, tail] = getXml.template.parts;
  const { py, version, python } = await PyWinrm.start(
    // head ends with <a:MessageID>; pywinrm_get.py adds 'uuid:' + the upper-case uuid4.
    { endpoint: url, user: USER, password: PASSWORD, head, tail, expect: GET_EXPECT, warmup_seconds: Math.min(0.3, SECONDS / 4) },
    env,
  );
  const raw = new SessionClient(url);
  try {
    const pyLatencies: number[] = [];
    const clientLatencies: number[] = [];
    const rawLatencies: number[] = [];
    let seconds = 0;
    const clientGet = async (): Promise<void> => {
      const reply = await session.Get(GET_LOCATOR);
      if (reply.hr !== 0) ok(reply, 'Session.Get');
    };
    const rawGet = async (): Promise<void> => {
      const reply = await raw.post(getXml.render(), AUTH);
      if (reply.status !== 200) expectStatus(reply, 200, 'raw floor Get');
    };
    for (let i = 0; i < 20; i++) await rawGet();
    while (seconds * 1000 < SECONDS * 1000 || pyLatencies.length < 50) {
      const part = await py.slice(PYWINRM_SLICE_MS);
      if (part.ops !== part.latencies.length) throw new Error('pywinrm_get.py: ops and latencies disagree');
      for (const latency of part.latencies) pyLatencies.push(latency);
      seconds += part.seconds;
      await slice(clientGet, CLIENT_SLICE_MS, clientLatencies);
      await slice(rawGet, CLIENT_SLICE_MS, rawLatencies);
    }
    const summary = summarize(pyLatencies);
    const client = summarize(clientLatencies);
    const rawFloor = summarize(rawLatencies);
    const clientSpeedup = client.opsPerSecond / summary.opsPerSecond;
    return {
      name: PYWINRM_NAME,
      pywinrm: version,
      python,
      summary,
      seconds,
      client,
      rawFloor,
      clientSpeedup,
      ceiling: rawFloor.opsPerSecond / summary.opsPerSecond,
      target: TARGET_VS_PYWINRM,
      meetsTarget: clientSpeedup >= TARGET_VS_PYWINRM,
    };
  } finally {
    raw.close();
    await py.close();
  }
}

const NAME_ELEMENT = /<p:Name>([^<]*)<\/p:Name>/;

/** Exactly the generated instances, each once; returns whether they came in file order. */
function verifyNames(name: string, names: readonly string[], expected: readonly string[]): boolean {
  if (names.length !== expected.length) throw new Error(`${name}: ${names.length} items, expected ${expected.length}`);
  const unique = new Set(names);
  if (unique.size !== names.length) throw new Error(`${name}: ${names.length - unique.size} duplicate items`);
  for (const wanted of expected) if (!unique.has(wanted)) throw new Error(`${name}: ${wanted} is missing`);
  return names.every((n, i) => n === expected[i]);
}

/**
 * The client's own Enumerate and Pull bytes for one BatchItems value, through a recording proxy:
 * Enumerate, read the first batch (the read-ahead sends the first Pull), Close (Release). Both
 * must carry MaxElements = BatchItems; they become the raw loop's templates.
 */
export async function captureEnumeration(url: string, batchItems: number): Promise<{ enumerate: CapturedRequest; pull: CapturedPull; firstBatchItems: number }> {
  const proxy = await CaptureProxy.start(url);
  try {
    const probe = openSession(proxy.url);
    ok(probe.put_BatchItems(batchItems), 'put_BatchItems');
    const enumerator = ok(await probe.Enumerate(ENUMERATE_LOCATOR), 'Enumerate through the capture proxy');
    let firstBatchItems = 0;
    while (proxy.captured.length < 2 && !enumerator.get_AtEndOfStream().value) {
      ok(await enumerator.ReadItem(), 'ReadItem through the capture proxy');
      firstBatchItems++;
    }
    // Release the context the probe leaves open (Close is on the class, not on IWSManEnumerator).
    if (enumerator instanceof Enumerator) ok(await enumerator.Close(), 'Enumerator.Close');
    const enumerateXml = proxy.text(0);
    const pullXml = proxy.text(1);
    expectIncludes(enumerateXml, `<w:MaxElements>${batchItems}</w:MaxElements>`, 'captured Enumerate');
    expectIncludes(enumerateXml, '<w:OptimizeEnumeration/>', 'captured Enumerate');
    expectIncludes(pullXml, `<n:MaxElements>${batchItems}</n:MaxElements>`, 'captured Pull');
    return { enumerate: new CapturedRequest(enumerateXml), pull: new CapturedPull(pullXml), firstBatchItems };
  } finally {
    await proxy.close();
  }
}

/**
 * One BatchItems value: the wire check through the proxy (Enumerate and Pull carry
 * MaxElements = BatchItems; their bytes become the raw loop's templates), then client and raw
 * enumerations interleaved, the first client run checked item by item.
 */
async function measureEnumeration(
  url: string,
  session: Session,
  batchItems: number,
  expected: readonly string[],
  endpointSuiteItemsPerSecond: number | undefined,
): Promise<EnumerationResult> {
  const name = enumerationName(batchItems);
  progress(name);
  ok(session.put_BatchItems(batchItems), 'put_BatchItems');

  const { enumerate, pull, firstBatchItems } = await captureEnumeration(url, batchItems);
  const raw = new SessionClient(url);
  try {
    let clientItems = 0;
    let clientRequests = 0;
    let clientConnections = 0;
    let rawItems = 0;
    let rawRequests = 0;
    let runs = 0;
    // The first timed run also collects every item's Name (a regular expression per item, a few
    // ms in seconds), checked once the timing is over.
    const names: string[] = [];
    const collectName = (item: string): void => {
      const match = NAME_ELEMENT.exec(item);
      if (!match) throw new Error(`${name}: an item without p:Name: ${item.slice(0, 400)}`);
      names.push(match[1]);
    };
    const { target, baseline } = await measurePaired(
      async () => {
        const beforeRequests = wire.requests;
        const beforeConnections = wire.connections;
        const count = await readAll(session, runs++ === 0 ? collectName : undefined);
        if (count !== INSTANCE_COUNT) throw new Error(`${name}: an enumeration returned ${count} items`);
        clientItems += count;
        clientRequests += wire.requests - beforeRequests;
        clientConnections += wire.connections - beforeConnections;
      },
      async () => {
        const run = await enumerateAll(raw, enumerate, pull, AUTH);
        if (run.items !== INSTANCE_COUNT) throw new Error(`raw enumeration returned ${run.items} items`);
        rawItems += run.items;
        rawRequests += run.requests;
      },
      {
        ...ENUMERATIONS,
        onTimedStart: () => {
          clientItems = clientRequests = clientConnections = rawItems = rawRequests = runs = 0;
        },
      },
    );
    const orderKept = verifyNames(name, names, expected);
    const clientItemsPerSecond = (clientItems * 1000) / target.elapsedMs;
    const rawItemsPerSecond = (rawItems * 1000) / baseline.elapsedMs;
    return {
      name,
      batchItems,
      client: target,
      clientItemsPerSecond,
      clientRequestsPerEnumeration: clientRequests / target.ops,
      clientConnectionsOpened: clientConnections,
      firstBatchItems,
      raw: baseline,
      rawItemsPerSecond,
      rawRequestsPerEnumeration: rawRequests / baseline.ops,
      ratio: clientItemsPerSecond / rawItemsPerSecond,
      orderKept,
      ...(endpointSuiteItemsPerSecond !== undefined ? { endpointSuiteItemsPerSecond } : {}),
    };
  } finally {
    raw.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Output

const times = (value: number): string => `${value.toFixed(2)}×`;
const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');

function report(results: ClientResults): void {
  const { get, pywinrm } = results;
  if (get || (pywinrm && !('skipped' in pywinrm))) {
    console.log(`\nClient Get round trips (op = one Get of ${GET_LOCATOR}; one keep-alive connection per client, sequential)`);
    const rows: string[][] = [];
    if (get) {
      rows.push([
        "raw floor: node:http POST of the client's Get bytes",
        fmtRate(get.rawFloor.opsPerSecond),
        fmtMs(get.rawFloor.meanMs),
        fmtMs(get.rawFloor.p50Ms),
        fmtMs(get.rawFloor.p99Ms),
        '1.00×',
        '1.00×',
        '-',
        String(get.rawFloorConnectionsOpened),
      ]);
      rows.push([
        "our client: WSMan.Automation Session.Get",
        fmtRate(get.client.opsPerSecond),
        fmtMs(get.client.meanMs),
        fmtMs(get.client.p50Ms),
        fmtMs(get.client.p99Ms),
        times(get.ratio),
        times(get.ratioP50),
        fmtRate(get.overheadMicroseconds),
        String(get.clientConnectionsOpened),
      ]);
    }
    if (pywinrm && !('skipped' in pywinrm)) {
      // Ratios against the floor measured in the same slices as pywinrm.
      const floor = pywinrm.rawFloor;
      const row = (name: string, summary: Summary): string[] => [
        name,
        fmtRate(summary.opsPerSecond),
        fmtMs(summary.meanMs),
        fmtMs(summary.p50Ms),
        fmtMs(summary.p99Ms),
        times(summary.opsPerSecond / floor.opsPerSecond),
        times(floor.p50Ms / summary.p50Ms),
        summary === floor ? '-' : fmtRate((summary.meanMs - floor.meanMs) * 1000),
        '-',
      ];
      rows.push(row(`pywinrm ${pywinrm.pywinrm}: Protocol.send_message (python ${pywinrm.python})`, pywinrm.summary));
      rows.push(row('  our client, in turn with pywinrm', pywinrm.client));
      rows.push(row('  raw floor, in turn with pywinrm', floor));
    }
    console.log(table(['client', 'Get/s', 'mean ms', 'p50 ms', 'p99 ms', 'vs raw floor', 'vs raw floor (p50)', '+µs/Get', 'conns'], rows));
    if (get) {
      console.log(
        `Our client ÷ raw floor: ${times(get.ratio)} (p50: ${times(get.ratioP50)}), i.e. ${(1 / get.ratio).toFixed(2)}× the floor's time per Get; ` +
          `target ≥ ${times(TARGET_VS_FLOOR)} (within 1.5× of the floor): ${verdict(get.meetsTarget)}. ` +
          `${get.clientHttpRequestsPerOp.toFixed(2)} HTTP requests per Get; request ${get.requestBytes} B, reply ${get.replyBytes} B.`,
      );
    }
    if (pywinrm && !('skipped' in pywinrm)) {
      console.log(
        `Our client ÷ pywinrm: ${times(pywinrm.clientSpeedup)} (${pywinrm.summary.ops} pywinrm Gets in ${pywinrm.seconds.toFixed(2)} s, in turn with ` +
          `${pywinrm.client.ops} of ours and ${pywinrm.rawFloor.ops} raw); target ≥ ${times(TARGET_VS_PYWINRM)}: ${verdict(pywinrm.meetsTarget)}. ` +
          `Ceiling: raw floor ÷ pywinrm = ${times(pywinrm.ceiling)}, what a client costing nothing would reach against this endpoint.`,
      );
    }
  }
  if (pywinrm && 'skipped' in pywinrm) console.log(`\n${PYWINRM_SKIPPED}`);

  if (results.enumerations.length > 0) {
    console.log(
      `\nClient enumeration of ${INSTANCE_COUNT.toLocaleString('en-US')} ${BIG_CLASS} (Session.BatchItems = N → MaxElements N on Enumerate and Pull; ` +
        `Enumerate, then AtEndOfStream/ReadItem until the end), against a raw Enumerate/Pull loop sending the client's bytes, interleaved`,
    );
    const suite = results.enumerations.some((row) => row.endpointSuiteItemsPerSecond !== undefined);
    console.log(
      table(
        [
          'BatchItems',
          'client items/s',
          'enumeration ms (mean)',
          'runs',
          'requests/enum',
          'first batch',
          'raw items/s',
          'raw ms',
          'client ÷ raw',
          ...(suite ? ['endpoint bench raw items/s', 'client ÷ that'] : []),
          'conns',
          'verified',
        ],
        results.enumerations.map((row) => [
          String(row.batchItems),
          fmtRate(row.clientItemsPerSecond),
          fmtMs(row.client.meanMs),
          String(row.client.ops),
          row.clientRequestsPerEnumeration === row.rawRequestsPerEnumeration
            ? row.clientRequestsPerEnumeration.toFixed(0)
            : `${row.clientRequestsPerEnumeration.toFixed(1)} (raw ${row.rawRequestsPerEnumeration.toFixed(1)})`,
          String(row.firstBatchItems),
          fmtRate(row.rawItemsPerSecond),
          fmtMs(row.raw.meanMs),
          times(row.ratio),
          ...(suite
            ? [
                row.endpointSuiteItemsPerSecond !== undefined ? fmtRate(row.endpointSuiteItemsPerSecond) : '-',
                row.endpointSuiteItemsPerSecond !== undefined ? times(row.clientItemsPerSecond / row.endpointSuiteItemsPerSecond) : '-',
              ]
            : []),
          String(row.clientConnectionsOpened),
          `${INSTANCE_COUNT} unique${row.orderKept ? ', in order' : ''}`,
        ]),
      ),
    );
    console.log(
      'Every timed enumeration must deliver 10,000 items; the first timed run per BatchItems is also checked name by name. MaxElements on the wire is checked ' +
        "through a recording proxy, whose Enumerate and Pull bytes the raw loop sends. conns = connections the client opened while timed (0: it kept its connection)." +
        (suite ? ' endpoint bench raw items/s: the endpoint benchmark above, MaxElements N, earlier in this run (not interleaved).' : ''),
    );
    if (results.cimStoreLoadMs !== undefined) {
      const whose = results.sharedEndpoint ? "the endpoint benchmark's endpoint, shared" : 'its own endpoint';
      console.log(`Endpoint start with ${INSTANCE_COUNT} instances (CIM store load; ${whose}): ${fmtMs(results.cimStoreLoadMs)} ms`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

function once(endpoint: RunningEndpoint): RunningEndpoint {
  let closing: Promise<void> | undefined;
  return { ...endpoint, close: () => (closing ??= endpoint.close()) };
}

/** Whether the selected measurements include an enumeration (the 10,000-instance endpoint). */
export function clientEnumerates(): boolean {
  return BATCH_ITEMS.some((n) => selected(enumerationName(n)));
}

export async function runClientBench(options: ClientBenchOptions = {}): Promise<ClientResults> {
  console.log(
    `Client benchmark: this project's WSMan.Automation client against the embedded endpoint (Basic over HTTP, user ${USER}); ` +
      `${SECONDS} s per measurement after warm-up, interleaved with its baseline\n`,
  );
  subscribe('http.client.request.start', onRequest);
  subscribe(CLIENT_REQUEST_CHANNEL, onRequest);
  subscribe('net.client.socket', onSocket);
  const cleanup: (() => Promise<void> | void)[] = [];
  try {
    const users = [CLIENT_USER];
    let get: GetResult | undefined;
    let pywinrm: PywinrmResult | undefined;
    if (selected(GET_NAME) || selected(PYWINRM_NAME)) {
      const endpoint = once(await startEndpoint({ port: 0, users, allowUnencrypted: true, machineName: MACHINE }));
      cleanup.push(endpoint.close);
      const url = endpoint.url!;
      const session = openSession(url);
      const measured = await measureGet(url, session);
      if (selected(GET_NAME)) get = measured.result;
      if (selected(PYWINRM_NAME)) pywinrm = await measurePywinrm(url, session, measured.getXml);
      await endpoint.close();
    }

    const enumerations: EnumerationResult[] = [];
    let cimStoreLoadMs: number | undefined;
    const batchSizes = BATCH_ITEMS.filter((n) => selected(enumerationName(n)));
    if (batchSizes.length > 0) {
      let big = options.enumerationEndpoint;
      if (big) {
        progress(`the endpoint benchmark's endpoint with ${INSTANCE_COUNT} ${BIG_CLASS} instances`);
      } else {
        const generated = generateServiceInstances(INSTANCE_COUNT);
        cleanup.push(() => generated.remove());
        const loadStart = performance.now();
        const started = once(await startEndpoint({ port: 0, users, allowUnencrypted: true, machineName: MACHINE, cimInstancesDir: generated.dir }));
        const loadMs = performance.now() - loadStart;
        cleanup.push(started.close);
        progress(`endpoint with ${INSTANCE_COUNT} ${BIG_CLASS} instances started in ${fmtMs(loadMs)} ms`);
        big = { url: started.url!, names: generated.names, loadMs };
      }
      cimStoreLoadMs = big.loadMs;
      const session = openSession(big.url);
      // Open the session's connection before anything is timed.
      ok(await session.Identify(), 'Session.Identify');
      for (const batchItems of batchSizes) {
        enumerations.push(await measureEnumeration(big.url, session, batchItems, big.names, options.endpointSuiteItemsPerSecond?.get(batchItems)));
      }
    }

    const results: ClientResults = {
      user: USER,
      ...(get ? { get } : {}),
      ...(pywinrm ? { pywinrm } : {}),
      enumerations,
      ...(cimStoreLoadMs !== undefined ? { cimStoreLoadMs } : {}),
      ...(options.enumerationEndpoint && enumerations.length > 0 ? { sharedEndpoint: true } : {}),
    };
    report(results);
    return results;
  } finally {
    unsubscribe('http.client.request.start', onRequest);
    unsubscribe(CLIENT_REQUEST_CHANNEL, onRequest);
    unsubscribe('net.client.socket', onSocket);
    for (const step of cleanup.reverse()) await step();
  }
}

// `ts-node bench/client.ts`: this benchmark alone (npm run bench runs it through run.ts).
if (require.main === module) {
  const env = environment();
  console.log(`wsman-automation client benchmark — node ${env.node} (V8 ${env.v8}), ${env.os}`);
  console.log(`CPU: ${env.cpu} × ${env.cpuCount}`);
  if (SUITE !== 'all') console.log(`(BENCH_SUITE=${SUITE} applies to npm run bench; bench/client.ts always runs the client benchmark)`);
  runClientBench()
    .then((client) => writeResultsJson({ suite: 'client', client }))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exitCode = 1;
    });
}

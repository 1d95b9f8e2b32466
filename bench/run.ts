/**
 * Endpoint throughput over loopback, reported as ratios against a raw node:http baseline
 * measured in the same run (no timed assertions). One keep-alive connection per client,
 * requests in sequence, the way a WinRM client session talks to a listener. After it, the
 * client benchmark (bench/client.ts) measures this project's WSMan.Automation client against
 * the same endpoint.
 *
 *   npm run bench                          BENCH_SECONDS=2 per measurement (default)
 *   BENCH_SECONDS=5 npm run bench          longer, steadier figures
 *   BENCH_JSON=1 npm run bench             also write bench/results/latest.json
 *   BENCH_SUITE=endpoint|client|client-get|auth|kerberos|dispatch|shell|cli|host-objects|vbscript|reader|enumeration|all
 *                                          which benchmark runs (default all: endpoint, client, auth —
 *                                          Negotiate + encryption, HTTPS, sealing, bench/auth.ts — client-get:
 *                                          Session.Get against fixed-reply servers, bench/client-get.ts — kerberos:
 *                                          Kerberos against a real MIT KDC, bench/kerberos.ts — then
 *                                          dispatch: late-bound calls and the script host's sync bridge,
 *                                          shell: WinRS stdout throughput and round trips, bench/shell.ts,
 *                                          cli: `wsman e` of 100,000 items vs the Enumerator alone,
 *                                          host-objects: Dictionary, RegExp, MSXML, bench/host-objects.ts,
 *                                          vbscript: the VBScript engine against JScript, bench/vbscript.ts,
 *                                          reader: the wire XML reader against parseXml, bench/reader.ts,
 *                                          enumeration: the Enumerator over 100,000 instances against a raw
 *                                          Enumerate/Pull loop, peak RSS, CPU profile, bench/enumeration.ts,
 *                                          seal: NTLM sealing of 1 MB against the previous implementation, bench/seal.ts,
 *                                          endpoint-get: the endpoint's Get against a fixed-reply server, bench/endpoint.ts, and
 *   BENCH_FILTER=Enumerate npm run bench   only the measurements whose name matches (regular
 *                                          expression, case-insensitive), e.g. for node --cpu-prof
 */
import { performance } from 'node:perf_hooks';
import { ACTION, NS } from '../src/core/protocol/namespaces';
import { child, childElements, parseXml, textContent } from '../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../src/server/endpoint';
import { runAuthBench } from './auth';
import { runDispatchBench } from './dispatch';
import { runKerberosBench } from './kerberos';
import { runShellBench } from './shell';
import { runCliBench } from './cli';
import { runHostObjectsBench } from './host-objects';
import { runVbscriptBench } from './vbscript';
import { runReaderBench } from './reader';
import { runEnumerationBench } from './enumeration';
import { runSealBench } from './seal';
import { runEndpointGetBench } from './endpoint';
import { runSessionsBench } from './sessions';
import { CLIENT_USER, clientEnumerates, runClientBench, type ClientResults, type EnumerationEndpoint } from './client';
import { runClientGetBench } from './client-get';
import { progress, SECONDS, selected, SUITE, WARMUP_MS, type Suite } from './config';
import { environment, fmtMs, fmtRate, table, writeResultsJson } from './format';
import { startBaseline } from './baseline-server';
import { expectStatus, SessionClient } from './http-client';
import { BIG_CLASS, BIG_CLASS_URI, generateServiceInstances } from './instances';
import { enumerateAll, type EnumerationRun } from './raw-enumeration';
import { basicAuthorization, DEFAULT_MAX_ENVELOPE_SIZE, identifyRequest, optimizedEnumerateBody, PullTemplate, RequestTemplate } from './soap';
import { measurePaired, summarize, type Operation, type PairedOptions, type Summary } from './stats';

const CONFIG_URI = 'http://schemas.microsoft.com/wbem/wsman/1/config';
const USER = 'bench';
const PASSWORD = 'Bench#Pass1';
const AUTH = { Authorization: basicAuthorization(USER, PASSWORD) };
const MACHINE = 'BENCH-HOST';
const INSTANCE_COUNT = 10_000;
const BATCH_SIZES = [100, 250, 500, 1000];

const REQUESTS: PairedOptions = { warmupOps: 200, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 200, baselineSliceMs: 100, minOps: 50 };
// One enumeration per slice; the verified enumeration before it is part of the warm-up.
const ENUMERATIONS: PairedOptions = { warmupOps: 1, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 1, baselineSliceMs: 100, minOps: 3 };

// ---------------------------------------------------------------------------------------------
// Results

interface Row {
  readonly name: string;
  /** One op = one HTTP round trip, or one whole enumeration. */
  readonly summary: Summary;
  /** The baseline slices interleaved with this measurement. */
  readonly baseline: Summary;
  /** HTTP round trips per second. */
  readonly requestsPerSecond: number;
  /** requestsPerSecond ÷ the paired baseline's round trips per second. */
  readonly ratio: number;
  /** Connections the measured client opened (1 = the session kept its connection). */
  readonly connectionsOpened: number;
  readonly requestBytes: number;
  readonly replyBytes: number;
}

interface EnumerationRow extends Row {
  readonly maxElements: number;
  readonly requestsPerEnumeration: number;
  readonly itemsPerSecond: number;
  readonly itemsPerRequest: number;
  readonly firstBatchItems: number;
  readonly largestReplyBytes: number;
  readonly orderKept: boolean;
  /** The verifying enumeration, every reply parsed with the project's parseXml (client side). */
  readonly verifyMs: number;
}

class Bench {
  readonly rows: Row[] = [];
  readonly enumerationRows: EnumerationRow[] = [];
  /** Every timed baseline round trip of the run. */
  readonly baselineLatencies: number[] = [];
  private readonly baselineOp: Operation;

  constructor(
    private readonly baselineClient: SessionClient,
    baselineRequest: Buffer,
  ) {
    this.baselineOp = async () => {
      const reply = await baselineClient.post(baselineRequest);
      if (reply.status !== 200) expectStatus(reply, 200, 'baseline');
    };
  }

  get baselineConnections(): number {
    return this.baselineClient.connectionsOpened;
  }

  /** A single-request operation: one reply checked thoroughly, then the paired timing. */
  async requests(name: string, url: string, request: () => Buffer, headers: Record<string, string>, check: (text: string) => boolean): Promise<void> {
    if (!selected(name)) return;
    progress(name);
    const client = new SessionClient(url);
    try {
      const first = await client.post(request(), headers);
      expectStatus(first, 200, name);
      const text = first.body.toString('utf8');
      if (!check(text)) throw new Error(`${name}: unexpected reply: ${text.slice(0, 400)}`);
      const { target, baseline, baselineLatencies } = await measurePaired(
        async () => {
          const reply = await client.post(request(), headers);
          if (reply.status !== 200) expectStatus(reply, 200, name);
        },
        this.baselineOp,
        REQUESTS,
      );
      for (const latency of baselineLatencies) this.baselineLatencies.push(latency);
      this.rows.push({
        name,
        summary: target,
        baseline,
        requestsPerSecond: target.opsPerSecond,
        ratio: target.opsPerSecond / baseline.opsPerSecond,
        connectionsOpened: client.connectionsOpened,
        requestBytes: request().length,
        replyBytes: first.body.length,
      });
    } finally {
      client.close();
    }
  }

  async enumeration(endpoint: RunningEndpoint, expected: readonly string[], maxElements: number): Promise<void> {
    const name = enumerationName(maxElements);
    progress(name);
    const url = endpoint.url!;
    const client = new SessionClient(url);
    try {
      const enumerate = new RequestTemplate(url, BIG_CLASS_URI, ACTION.enumerate, optimizedEnumerateBody(maxElements));
      const pull = new PullTemplate(url, BIG_CLASS_URI, ACTION.pull, maxElements);
      const verifyStart = performance.now();
      const verified = await verifyEnumeration(client, enumerate, pull, expected);
      const verifyMs = performance.now() - verifyStart;
      progress(`verified: ${INSTANCE_COUNT} unique items in ${verified.run.requests} requests, with full parse in ${fmtMs(verifyMs)} ms`);
      // Counted over the timed phase only; every enumeration must deliver all the items.
      let items = 0;
      let requests = 0;
      const { target, baseline, baselineLatencies } = await measurePaired(
        async () => {
          const run = await enumerateAll(client, enumerate, pull, AUTH);
          if (run.items !== INSTANCE_COUNT) throw new Error(`${name}: an enumeration returned ${run.items} items`);
          items += run.items;
          requests += run.requests;
        },
        this.baselineOp,
        {
          ...ENUMERATIONS,
          onTimedStart: () => {
            items = 0;
            requests = 0;
          },
        },
      );
      for (const latency of baselineLatencies) this.baselineLatencies.push(latency);
      const requestsPerSecond = (requests * 1000) / target.elapsedMs;
      this.enumerationRows.push({
        name,
        summary: target,
        baseline,
        requestsPerSecond,
        ratio: requestsPerSecond / baseline.opsPerSecond,
        connectionsOpened: client.connectionsOpened,
        requestBytes: enumerate.render().length,
        replyBytes: verified.run.largestReply,
        maxElements,
        requestsPerEnumeration: requests / target.ops,
        itemsPerSecond: (items * 1000) / target.elapsedMs,
        itemsPerRequest: items / requests,
        firstBatchItems: verified.run.firstBatch,
        largestReplyBytes: verified.run.largestReply,
        orderKept: verified.orderKept,
        verifyMs,
      });
    } finally {
      client.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Enumeration: optimized Enumerate + Pull until EndOfSequence, replies read cheaply (raw-enumeration.ts).

function enumerationName(maxElements: number): string {
  return `Enumerate+Pull ${INSTANCE_COUNT} ${BIG_CLASS}, MaxElements ${maxElements}`;
}

/**
 * One enumeration with every reply parsed properly: the cheap counting must agree with the
 * parse, no reply may exceed MaxEnvelopeSize, and the items must be exactly the generated ones.
 */
async function verifyEnumeration(
  client: SessionClient,
  enumerate: RequestTemplate,
  pull: PullTemplate,
  expected: readonly string[],
): Promise<{ run: EnumerationRun; orderKept: boolean }> {
  const names: string[] = [];
  const run = await enumerateAll(client, enumerate, pull, AUTH, (reply, kind, cheapCount, cheapDone) => {
    if (reply.body.length > DEFAULT_MAX_ENVELOPE_SIZE) {
      throw new Error(`${kind} reply of ${reply.body.length} bytes exceeds MaxEnvelopeSize ${DEFAULT_MAX_ENVELOPE_SIZE}`);
    }
    const root = parseXml(reply.body.toString('utf8'));
    const body = child(root, NS.soap, 'Body');
    const response = body ? childElements(body)[0] : undefined;
    const wanted = kind === 'enumerate' ? 'EnumerateResponse' : 'PullResponse';
    if (!response || response.namespace !== NS.enumeration || response.localName !== wanted) throw new Error(`${kind}: no ${wanted} in the reply`);
    const itemsElement = kind === 'enumerate' ? child(response, NS.wsman, 'Items') : child(response, NS.enumeration, 'Items');
    const items = itemsElement ? childElements(itemsElement) : [];
    for (const item of items) {
      if (item.localName !== BIG_CLASS) throw new Error(`${kind}: unexpected item <${item.localName}>`);
      const nameElement = childElements(item).find((e) => e.localName === 'Name');
      if (!nameElement) throw new Error(`${kind}: an item without Name`);
      names.push(textContent(nameElement));
    }
    if (items.length !== cheapCount) throw new Error(`${kind}: counted ${cheapCount} item tags but parsed ${items.length} items`);
    const done = (child(response, NS.wsman, 'EndOfSequence') ?? child(response, NS.enumeration, 'EndOfSequence')) !== undefined;
    if (done !== cheapDone) throw new Error(`${kind}: EndOfSequence detection disagrees with the parse`);
  });
  if (names.length !== expected.length) throw new Error(`enumeration returned ${names.length} items, expected ${expected.length}`);
  const unique = new Set(names);
  if (unique.size !== names.length) throw new Error(`enumeration returned ${names.length - unique.size} duplicate items`);
  for (const name of expected) if (!unique.has(name)) throw new Error(`enumeration is missing ${name}`);
  return { run, orderKept: names.every((name, i) => name === expected[i]) };
}

// ---------------------------------------------------------------------------------------------
// Output

/** The endpoint with a close() that may be called again (by the final cleanup). */
function once(endpoint: RunningEndpoint): RunningEndpoint {
  let closing: Promise<void> | undefined;
  return { ...endpoint, close: () => (closing ??= endpoint.close()) };
}

function report(bench: Bench, identifyReplyBytes: number, loadMs: number | undefined): void {
  const all = [...bench.rows, ...bench.enumerationRows];
  const baseline = summarize(bench.baselineLatencies);
  const pairedRates = all.map((row) => row.baseline.opsPerSecond);
  console.log('\nThroughput (op = one HTTP round trip; for Enumerate+Pull rows op = one whole enumeration of 10,000 items)');
  console.log(
    table(
      ['name', 'ops/s', 'mean ms', 'p50 ms', 'p99 ms', 'req/s', 'paired baseline req/s', 'vs baseline', 'vs baseline (p50)', '+µs/req', 'conns'],
      [
        [
          'baseline: raw node:http, fixed reply (all slices)',
          fmtRate(baseline.opsPerSecond),
          fmtMs(baseline.meanMs),
          fmtMs(baseline.p50Ms),
          fmtMs(baseline.p99Ms),
          fmtRate(baseline.opsPerSecond),
          '-',
          '1.00×',
          '1.00×',
          '-',
          String(bench.baselineConnections),
        ],
        ...all.map((row) => [
          row.name,
          fmtRate(row.summary.opsPerSecond),
          fmtMs(row.summary.meanMs),
          fmtMs(row.summary.p50Ms),
          fmtMs(row.summary.p99Ms),
          fmtRate(row.requestsPerSecond),
          fmtRate(row.baseline.opsPerSecond),
          `${row.ratio.toFixed(2)}×`,
          'maxElements' in row ? '-' : `${(row.baseline.p50Ms / row.summary.p50Ms).toFixed(2)}×`,
          fmtRate((1000 / row.requestsPerSecond - row.baseline.meanMs) * 1000),
          String(row.connectionsOpened),
        ]),
      ],
    ),
  );
  if (pairedRates.length > 0) {
    console.log(
      `vs baseline = req/s ÷ the baseline's req/s in slices interleaved with that measurement (paired baselines ranged ` +
        `${fmtRate(Math.min(...pairedRates))}–${fmtRate(Math.max(...pairedRates))} req/s). (p50): the paired baseline's median latency ÷ this median, ` +
        `steadier than the mean on a busy host. +µs/req = mean time per request above the paired baseline's. ` +
        `Baseline reply: the endpoint's own Identify reply, ${identifyReplyBytes} bytes.`,
    );
  }
  if (bench.enumerationRows.length > 0) {
    console.log(`\nEnumeration of ${INSTANCE_COUNT.toLocaleString('en-US')} ${BIG_CLASS} (optimized Enumerate + Pull until EndOfSequence, MaxEnvelopeSize ${DEFAULT_MAX_ENVELOPE_SIZE})`);
    console.log(
      table(
        ['MaxElements', 'items/s', 'enumeration ms (mean)', 'p50', 'p99', 'requests/enum', 'items/request', 'first batch', 'largest reply', 'runs', 'verified once', 'verify ms'],
        bench.enumerationRows.map((row) => [
          String(row.maxElements),
          fmtRate(row.itemsPerSecond),
          fmtMs(row.summary.meanMs),
          fmtMs(row.summary.p50Ms),
          fmtMs(row.summary.p99Ms),
          row.requestsPerEnumeration.toFixed(0),
          row.itemsPerRequest.toFixed(1),
          String(row.firstBatchItems),
          `${row.largestReplyBytes.toLocaleString('en-US')} B`,
          String(row.summary.ops),
          `${INSTANCE_COUNT} unique${row.orderKept ? ', in order' : ''}`,
          fmtMs(row.verifyMs),
        ]),
      ),
    );
    console.log('verify ms: the one enumeration per MaxElements whose replies were all parsed with parseXml (src/core/protocol/xml.ts), client side.');
    if (loadMs !== undefined) console.log(`Endpoint start with ${INSTANCE_COUNT} instances (CIM store load): ${fmtMs(loadMs)} ms`);
  }
}

interface EndpointResults {
  readonly bench: Bench;
  readonly identifyReplyBytes: number;
  readonly loadMs: number | undefined;
  /** The 10,000-instance endpoint, left open for the client benchmark (runEndpointBench(true)). */
  readonly shared?: { readonly endpoint: EnumerationEndpoint; close(): Promise<void> };
}

/** The endpoint benchmark's part of bench/results/latest.json (the file's original top-level keys). */
function endpointJson({ bench, identifyReplyBytes, loadMs }: EndpointResults): object {
  return {
    baseline: { ...summarize(bench.baselineLatencies), replyBytes: identifyReplyBytes },
    ...(loadMs !== undefined ? { cimStoreLoadMs: loadMs } : {}),
    results: [...bench.rows, ...bench.enumerationRows],
  };
}

function writeJson(endpoint: EndpointResults | undefined, results: Readonly<Record<string, unknown>>): void {
  writeResultsJson({ suite: SUITE, ...(endpoint ? endpointJson(endpoint) : {}), ...results });
}

// ---------------------------------------------------------------------------------------------

/**
 * With `share`, the 10,000-instance endpoint also admits the client benchmark's user and stays
 * open (with its instance files) for it: the caller closes it.
 */
async function runEndpointBench(share: boolean): Promise<EndpointResults> {
  console.log(`${SECONDS} s per measurement after warm-up, interleaved with the baseline; loopback, one keep-alive connection per client, sequential requests\n`);

  const cleanup: (() => Promise<void> | void)[] = [];
  try {
    const users = [`${USER}:${PASSWORD}`];
    const endpoint = once(await startEndpoint({ port: 0, users, allowUnencrypted: true, machineName: MACHINE }));
    cleanup.push(endpoint.close);
    const url = endpoint.url!;
    const identify = identifyRequest();

    // The baseline answers with the endpoint's own unauthenticated Identify reply.
    const probe = new SessionClient(url);
    const identifyReply = await probe.post(identify, { WSMANIDENTIFY: 'unauthenticated' });
    probe.close();
    expectStatus(identifyReply, 200, 'Identify');
    const baselineServer = await startBaseline(identifyReply.body);
    cleanup.push(() => baselineServer.close());
    const baselineClient = new SessionClient(baselineServer.url);
    cleanup.push(() => baselineClient.close());
    const bench = new Bench(baselineClient, identify);

    const isIdentify = (text: string): boolean => text.includes('IdentifyResponse>');
    const getConfig = new RequestTemplate(url, CONFIG_URI, ACTION.get);
    const getService = new RequestTemplate(url, BIG_CLASS_URI, ACTION.get, '', [{ name: 'Name', value: 'WinRM' }]);
    await bench.requests('Identify (unauthenticated)', url, () => identify, { WSMANIDENTIFY: 'unauthenticated' }, isIdentify);
    await bench.requests('Identify (Basic)', url, () => identify, AUTH, (t) => isIdentify(t) && t.includes('secprofile/http/basic'));
    await bench.requests('Get winrm/config (Basic)', url, () => getConfig.render(), AUTH, (t) => t.includes(':Config ') && t.includes('MaxEnvelopeSizekb'));
    await bench.requests(`Get ${BIG_CLASS}?Name=WinRM (Basic)`, url, () => getService.render(), AUTH, (t) => t.includes('<p:Name>WinRM</p:Name>'));
    await endpoint.close();

    // 10,000 instances of one class, loaded through cimInstancesDir.
    let loadMs: number | undefined;
    let shared: EndpointResults['shared'];
    const batchSizes = BATCH_SIZES.filter((n) => selected(enumerationName(n)));
    if (batchSizes.length > 0 || share) {
      const generated = generateServiceInstances(INSTANCE_COUNT);
      const removeFiles = (): void => generated.remove();
      const loadStart = performance.now();
      const big = once(
        await startEndpoint({
          port: 0,
          users: share ? [...users, CLIENT_USER] : users,
          allowUnencrypted: true,
          machineName: MACHINE,
          cimInstancesDir: generated.dir,
        }).catch((error: unknown) => {
          removeFiles();
          throw error;
        }),
      );
      loadMs = performance.now() - loadStart;
      const closeBig = async (): Promise<void> => {
        await big.close();
        removeFiles();
      };
      if (share) shared = { endpoint: { url: big.url!, names: generated.names, loadMs }, close: closeBig };
      else cleanup.push(closeBig);
      try {
        progress(`endpoint with ${INSTANCE_COUNT} ${BIG_CLASS} instances (${(generated.fileBytes / 1e6).toFixed(1)} MB of JSON) started in ${fmtMs(loadMs)} ms`);
        for (const maxElements of batchSizes) await bench.enumeration(big, generated.names, maxElements);
      } catch (error) {
        await shared?.close();
        throw error;
      }
    }

    report(bench, identifyReply.body.length, batchSizes.length > 0 ? loadMs : undefined);
    return { bench, identifyReplyBytes: identifyReply.body.length, loadMs: batchSizes.length > 0 ? loadMs : undefined, ...(shared ? { shared } : {}) };
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}

/** The suites that run on their own, in the order `all` runs them, and their key in the JSON results. */
const STANDALONE_SUITES: readonly { readonly name: Suite; readonly jsonKey: string; run(): Promise<unknown> }[] = [
  { name: 'client-get', jsonKey: 'clientGet', run: runClientGetBench },
  { name: 'auth', jsonKey: 'auth', run: runAuthBench },
  { name: 'kerberos', jsonKey: 'kerberos', run: runKerberosBench },
  { name: 'dispatch', jsonKey: 'dispatch', run: runDispatchBench },
  { name: 'shell', jsonKey: 'shell', run: runShellBench },
  { name: 'cli', jsonKey: 'cli', run: runCliBench },
  { name: 'host-objects', jsonKey: 'hostObjects', run: runHostObjectsBench },
  { name: 'vbscript', jsonKey: 'vbscript', run: runVbscriptBench },
  { name: 'reader', jsonKey: 'reader', run: runReaderBench },
  { name: 'enumeration', jsonKey: 'enumeration', run: runEnumerationBench },
  { name: 'seal', jsonKey: 'seal', run: runSealBench },
  { name: 'endpoint-get', jsonKey: 'endpointGet', run: runEndpointGetBench },
  { name: 'sessions', jsonKey: 'sessions', run: runSessionsBench },
];

async function main(): Promise<void> {
  const env = environment();
  const what = SUITE === 'all' ? 'endpoint + client benchmark' : `${SUITE} benchmark`;
  console.log(`wsman-automation ${what} — node ${env.node} (V8 ${env.v8}), ${env.os}`);
  console.log(`CPU: ${env.cpu} × ${env.cpuCount}`);

  let endpoint: EndpointResults | undefined;
  let client: ClientResults | undefined;
  // Both suites: the 10,000 instances are loaded once, and the client suite reuses that endpoint.
  if (SUITE === 'all' || SUITE === 'endpoint') endpoint = await runEndpointBench(SUITE === 'all' && clientEnumerates());
  try {
    if (SUITE === 'all' || SUITE === 'client') {
      // The endpoint benchmark's raw enumeration rate per MaxElements, for the client's table.
      const rawItemsPerSecond = new Map((endpoint?.bench.enumerationRows ?? []).map((row) => [row.maxElements, row.itemsPerSecond] as const));
      if (endpoint) console.log('\n' + '='.repeat(100) + '\n');
      client = await runClientBench({
        endpointSuiteItemsPerSecond: rawItemsPerSecond,
        ...(endpoint?.shared ? { enumerationEndpoint: endpoint.shared.endpoint } : {}),
      });
    }
  } finally {
    await endpoint?.shared?.close();
  }
  const results: Record<string, unknown> = client ? { client } : {};
  for (const suite of STANDALONE_SUITES) {
    if (SUITE !== 'all' && SUITE !== suite.name) continue;
    if (SUITE === 'all') console.log('\n' + '='.repeat(100) + '\n');
    results[suite.jsonKey] = await suite.run();
  }
  writeJson(endpoint, results);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});

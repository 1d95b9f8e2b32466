/**
 * Enumeration at wire speed (BENCH_SUITE=enumeration): the client's Enumerator — Session.Enumerate,
 * then AtEndOfStream/ReadItem to the end — against a raw loop that POSTs the client's own
 * captured Enumerate/Pull bytes and only counts the items in the reply bytes (raw-enumeration.ts),
 * over 10,000 and 100,000 generated Win32_Service instances, with Session.BatchItems 20 (the
 * Windows default) and 1000 (the endpoint then fills each page up to the client's
 * MaxEnvelopeSize).
 *
 * The endpoint runs in this process; both clients run in one child process
 * (enumeration-client.ts), so the child's CPU and memory are the client's. Client and raw
 * enumerations alternate, one each per round (which goes first alternates too); medians of the
 * per-enumeration times. Before each enumeration the child collects garbage and resets its
 * peak RSS (Linux VmHWM, clear_refs 5); the peak after it, less the RSS at the reset, is what
 * the enumeration added. Memory is flat when that figure is the same at 10,000 and 100,000.
 *
 * Last, a child with `node --cpu-prof` runs one 100,000-item client enumeration alone (BatchItems
 * 20, or 1000 with BENCH_FILTER='profile 100000 BatchItems 1000'); the profile's self time is
 * summed by function and by area (XML reading, serializing, HTTP, …) and the profile is kept
 * under bench/results/ for a closer look (Chrome DevTools, speedscope).
 *
 *   BENCH_SUITE=enumeration npm run bench     (or: npx ts-node bench/enumeration.ts)
 *   BENCH_FILTER='^Enumeration 10000 '        only the rows (and profile) whose name matches
 *   BENCH_SECONDS                             rounds per row: max(2, BENCH_SECONDS)
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { startEndpoint, type RunningEndpoint } from '../src/server/endpoint';
import { CLIENT_USER } from './client';
import { progress, SECONDS, selected } from './config';
import { environment, fmtMs, fmtRate, table, writeResultsJson } from './format';
import { BIG_CLASS, generateServiceInstances, type GeneratedInstances } from './instances';

const ROOT = join(__dirname, '..');
const COUNTS = [10_000, 100_000];
const BATCH_ITEMS = [20, 1000];
const PROFILE_COUNT = 100_000;
const TARGET = 0.7;
const ROUNDS = Math.max(2, Math.round(SECONDS));

const rowName = (count: number, batchItems: number): string => `Enumeration ${count} BatchItems ${batchItems}`;
const profileName = (batchItems: number): string => `Enumeration profile ${PROFILE_COUNT} BatchItems ${batchItems}`;

// ---------------------------------------------------------------------------------------------
// The client process

interface Timed {
  readonly ms: number;
  readonly items: number;
  readonly requests?: number;
}

interface Memory {
  readonly hwmKb: number;
  readonly rssKb: number;
  /** Heap used after a full collection. */
  readonly heapKb: number;
}

class ClientProcess {
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = '';
  private exited: string | undefined;
  private readonly done: Promise<void>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => this.waiting.shift()?.(line));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    this.done = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = `exited with ${signal ?? code}`;
        for (const next of this.waiting.splice(0)) next('');
        resolve();
      });
    });
  }

  static start(nodeOptions: readonly string[] = []): ClientProcess {
    const args = ['--expose-gc', ...nodeOptions, '-r', 'ts-node/register/transpile-only', join(__dirname, 'enumeration-client.ts')];
    return new ClientProcess(spawn(process.execPath, args, { cwd: ROOT, stdio: 'pipe' }));
  }

  async send<T>(command: Record<string, unknown>): Promise<T> {
    if (this.exited) throw new Error(`the client process ${this.exited}: ${this.stderr.slice(-2000)}`);
    const answer = new Promise<string>((resolve) => this.waiting.push(resolve));
    this.child.stdin.write(JSON.stringify(command) + '\n');
    const line = await answer;
    if (line === '') throw new Error(`the client process ${this.exited ?? 'sent nothing'}: ${this.stderr.slice(-2000)}`);
    const parsed = JSON.parse(line) as T & { error?: string };
    if (parsed.error !== undefined) throw new Error(`client process: ${parsed.error}`);
    return parsed;
  }

  async quit(): Promise<void> {
    if (!this.exited) this.child.stdin.end('quit\n');
    await this.done;
  }
}

// ---------------------------------------------------------------------------------------------
// Results

export interface EnumerationBenchRow {
  readonly name: string;
  readonly count: number;
  readonly batchItems: number;
  readonly firstBatchItems: number;
  readonly requestsPerEnumeration: number;
  readonly rounds: number;
  readonly clientMs: number;
  readonly rawMs: number;
  readonly clientItemsPerSecond: number;
  readonly rawItemsPerSecond: number;
  /** raw median ms ÷ client median ms (target ≥ 0.7). */
  readonly ratio: number;
  /** Median over the client's enumerations of (peak RSS during it − RSS at its start), MB. */
  readonly clientPeakGrowthMb: number;
  /** Median peak RSS of the client process during a client enumeration, MB. */
  readonly clientPeakMb: number;
  readonly rawPeakGrowthMb: number;
  /** Median heap kept after a client enumeration, over the heap before it (both after a full gc), MB. */
  readonly clientHeapKeptMb: number;
}

export interface ProfileArea {
  readonly area: string;
  readonly share: number;
}

export interface ProfileSummary {
  readonly batchItems: number;
  readonly file: string;
  readonly enumerations: number;
  readonly msPerEnumeration: number;
  readonly areas: readonly ProfileArea[];
  readonly functions: readonly { readonly name: string; readonly share: number }[];
}

export interface EnumerationBenchResults {
  readonly rows: readonly EnumerationBenchRow[];
  readonly loadMs: Readonly<Record<number, number>>;
  readonly profile?: ProfileSummary;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const mb = (kb: number): number => kb / 1024;

// ---------------------------------------------------------------------------------------------
// Measurements

async function measureRow(client: ClientProcess, url: string, count: number, batchItems: number): Promise<EnumerationBenchRow> {
  const name = rowName(count, batchItems);
  const { firstBatchItems } = await client.send<{ firstBatchItems: number }>({ op: 'prepare', url, batchItems });
  const job = { url, batchItems, expected: count };
  const clientMs: number[] = [];
  const rawMs: number[] = [];
  const clientGrowth: number[] = [];
  const clientPeak: number[] = [];
  const rawGrowth: number[] = [];
  const heapKept: number[] = [];
  let requests = 0;
  const once = async (op: 'client' | 'raw'): Promise<void> => {
    const before = await client.send<Memory>({ op: 'reset-peak' });
    const timed = await client.send<Timed>({ op, ...job });
    const after = await client.send<Memory>({ op: 'peak' });
    if (op === 'client') {
      clientMs.push(timed.ms);
      clientGrowth.push(mb(after.hwmKb - before.rssKb));
      clientPeak.push(mb(after.hwmKb));
      heapKept.push(mb(after.heapKb - before.heapKb));
    } else {
      rawMs.push(timed.ms);
      rawGrowth.push(mb(after.hwmKb - before.rssKb));
      requests = timed.requests ?? 0;
    }
  };
  // Warm-up: one of each (JIT, the endpoint's caches), not counted.
  progress(`${name}: warm-up`);
  await client.send<Timed>({ op: 'client', ...job });
  await client.send<Timed>({ op: 'raw', ...job });
  for (let round = 0; round < ROUNDS; round++) {
    progress(`${name}: round ${round + 1} of ${ROUNDS}`);
    const order: ('client' | 'raw')[] = round % 2 === 0 ? ['client', 'raw'] : ['raw', 'client'];
    for (const op of order) await once(op);
  }
  const client50 = median(clientMs);
  const raw50 = median(rawMs);
  return {
    name,
    count,
    batchItems,
    firstBatchItems,
    requestsPerEnumeration: requests,
    rounds: ROUNDS,
    clientMs: client50,
    rawMs: raw50,
    clientItemsPerSecond: (count * 1000) / client50,
    rawItemsPerSecond: (count * 1000) / raw50,
    ratio: raw50 / client50,
    clientPeakGrowthMb: median(clientGrowth),
    clientPeakMb: median(clientPeak),
    rawPeakGrowthMb: median(rawGrowth),
    clientHeapKeptMb: median(heapKept),
  };
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

/** The area a function's self time belongs to, from its source file. */
function areaOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)' || functionName === '(program)') return `${functionName.slice(1, -1)} (waiting on I/O, V8 itself)`;
  // Over loopback the kernel delivers to the endpoint inside the call, and a busy host may run the endpoint meanwhile.
  if (functionName === 'writev' || functionName === 'writeBuffer' || functionName === 'writeUtf8String') return 'socket writes (native)';
  const path = url.replace(/^file:\/\//, '');
  if (path.includes('fast-xml-parser')) return 'fast-xml-parser';
  if (/src\/core\/protocol\/(xml|wire-reader|well-formed)/.test(path)) return 'XML: src/core/protocol xml, wire-reader, well-formed (tree, namespaces, checks, serialize)';
  if (path.includes('/src/core/protocol/')) return 'src/core/protocol (envelopes, messages, faults)';
  if (path.includes('/src/core/session/')) return 'src/core/session (operations, reply checks)';
  if (path.includes('/src/core/transport/')) return 'src/core/transport (HTTP exchange)';
  if (path.includes('/src/automation/')) return 'src/automation (Session, Enumerator)';
  if (path.includes('/src/')) return 'src/ (other)';
  if (path.includes('/bench/')) return 'bench (the count loop)';
  if (path.includes('/node_modules/')) return 'node_modules (other)';
  if (path.startsWith('node:') || path === '') return 'node internals (http, net, streams, timers, strings) and natives';
  return 'other';
}

function summarizeProfile(file: string, batchItems: number, enumerations: number, msPerEnumeration: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const byId = new Map(profile.nodes.map((node) => [node.id, node] as const));
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + 1);
    const where = url ? `${relative(ROOT, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + 1);
  }
  const total = profile.samples.length;
  const sorted = (map: Map<string, number>): [string, number][] => [...map].sort((a, b) => b[1] - a[1]);
  return {
    batchItems,
    file: relative(ROOT, file),
    enumerations,
    msPerEnumeration,
    areas: sorted(byArea).map(([area, hits]) => ({ area, share: hits / total })),
    functions: sorted(byFunction)
      .slice(0, 20)
      .map(([name, hits]) => ({ name, share: hits / total })),
  };
}

/** A child with --cpu-prof running one client enumeration (after the prepare's capture). */
async function profileClient(url: string, batchItems: number): Promise<ProfileSummary> {
  const dir = join(ROOT, 'bench', 'results', `cpu-prof-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const client = ClientProcess.start(['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const job = { url, batchItems, expected: PROFILE_COUNT };
  const times: number[] = [];
  try {
    await client.send({ op: 'prepare', ...job });
    times.push((await client.send<Timed>({ op: 'client', ...job })).ms);
  } finally {
    await client.quit();
  }
  const written = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!written) throw new Error(`node --cpu-prof wrote no profile in ${dir}`);
  const file = join(ROOT, 'bench', 'results', `enumeration-client-${PROFILE_COUNT}-batch${batchItems}.cpuprofile`);
  renameSync(join(dir, written), file);
  rmSync(dir, { recursive: true, force: true });
  return summarizeProfile(file, batchItems, times.length, median(times));
}

// ---------------------------------------------------------------------------------------------
// Output

const times = (value: number): string => `${value.toFixed(2)}×`;
const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;

function report(results: EnumerationBenchResults): void {
  if (results.rows.length > 0) {
    console.log(
      `\nEnumerator (Session.Enumerate + AtEndOfStream/ReadItem) against a raw Enumerate/Pull loop POSTing the client's bytes and counting items; ` +
        `client process apart from the endpoint; ${ROUNDS} interleaved rounds, medians`,
    );
    console.log(
      table(
        ['instances', 'BatchItems', 'items/page', 'requests', 'client ms', 'raw ms', 'client items/s', 'raw items/s', 'client ÷ raw', 'peak RSS MB', '+RSS client MB', '+RSS raw MB', 'heap kept MB'],
        results.rows.map((row) => [
          row.count.toLocaleString('en-US'),
          String(row.batchItems),
          String(row.firstBatchItems),
          String(row.requestsPerEnumeration),
          fmtMs(row.clientMs),
          fmtMs(row.rawMs),
          fmtRate(row.clientItemsPerSecond),
          fmtRate(row.rawItemsPerSecond),
          times(row.ratio),
          row.clientPeakMb.toFixed(1),
          row.clientPeakGrowthMb.toFixed(1),
          row.rawPeakGrowthMb.toFixed(1),
          row.clientHeapKeptMb.toFixed(2),
        ]),
      ),
    );
    console.log(
      `Target: client ÷ raw ≥ ${times(TARGET)} at ${(100_000).toLocaleString('en-US')} instances. items/page: the first page (BatchItems, or fewer when MaxEnvelopeSize is reached). ` +
        'peak RSS: VmHWM of the client process during a client enumeration; +RSS: that peak less the RSS at its start (after gc) — flat memory means the same +RSS at 10,000 and 100,000; ' +
          'heap kept: the heap after a full gc following the enumeration, less the heap before it (what the enumeration left behind).',
    );
    for (const batchItems of BATCH_ITEMS) {
      const small = results.rows.find((row) => row.batchItems === batchItems && row.count === COUNTS[0]);
      const big = results.rows.find((row) => row.batchItems === batchItems && row.count === COUNTS[1]);
      if (small && big) {
        console.log(
          `BatchItems ${batchItems}: +RSS ${small.clientPeakGrowthMb.toFixed(1)} MB at ${small.count.toLocaleString('en-US')} vs ${big.clientPeakGrowthMb.toFixed(1)} MB at ${big.count.toLocaleString('en-US')}, ` +
            `heap kept ${small.clientHeapKeptMb.toFixed(2)} vs ${big.clientHeapKeptMb.toFixed(2)} MB ` +
            `(${big.count / small.count}× the items); client ÷ raw ${times(small.ratio)} → ${times(big.ratio)}.`,
        );
      }
    }
    for (const [count, ms] of Object.entries(results.loadMs)) console.log(`Endpoint start with ${Number(count).toLocaleString('en-US')} instances: ${fmtMs(ms)} ms`);
  }
  const profile = results.profile;
  if (profile) {
    console.log(
      `\nCPU profile of the client alone: ${profile.enumerations} enumerations of ${PROFILE_COUNT.toLocaleString('en-US')} items, BatchItems ${profile.batchItems} ` +
        `(${fmtMs(profile.msPerEnumeration)} ms; the profile includes start-up and the prepare's capture) — ${profile.file}`,
    );
    console.log(table(['self time by area', 'share'], profile.areas.map((a) => [a.area, pct(a.share)])));
    console.log(table(['self time by function (top 20)', 'share'], profile.functions.map((f) => [f.name, pct(f.share)])));
  }
}

// ---------------------------------------------------------------------------------------------

export async function runEnumerationBench(): Promise<EnumerationBenchResults> {
  console.log(`Enumeration benchmark: the Enumerator against a raw Enumerate/Pull loop, ${COUNTS.map((c) => c.toLocaleString('en-US')).join(' and ')} ${BIG_CLASS} instances`);
  const cleanup: (() => Promise<void> | void)[] = [];
  const rows: EnumerationBenchRow[] = [];
  const loadMs: Record<number, number> = {};
  let profile: ProfileSummary | undefined;
  const endpoints = new Map<number, RunningEndpoint>();
  try {
    const counts = COUNTS.filter((count) => BATCH_ITEMS.some((n) => selected(rowName(count, n))) || (count === PROFILE_COUNT && BATCH_ITEMS.some((n) => selected(profileName(n)))));
    for (const count of counts) {
      progress(`generating ${count.toLocaleString('en-US')} ${BIG_CLASS} instances`);
      const generated: GeneratedInstances = generateServiceInstances(count);
      cleanup.push(() => generated.remove());
      const started = performance.now();
      const endpoint = await startEndpoint({ port: 0, users: [CLIENT_USER], allowUnencrypted: true, machineName: 'BENCH-HOST', cimInstancesDir: generated.dir });
      loadMs[count] = performance.now() - started;
      cleanup.push(() => endpoint.close());
      endpoints.set(count, endpoint);
      progress(`endpoint with ${count.toLocaleString('en-US')} instances (${(generated.fileBytes / 1e6).toFixed(1)} MB of JSON) started in ${fmtMs(loadMs[count])} ms`);
    }
    const client = ClientProcess.start();
    cleanup.push(() => client.quit());
    for (const batchItems of BATCH_ITEMS) {
      for (const count of COUNTS) {
        const endpoint = endpoints.get(count);
        if (endpoint && selected(rowName(count, batchItems))) rows.push(await measureRow(client, endpoint.url!, count, batchItems));
      }
    }
    await client.quit();
    const profiled = BATCH_ITEMS.find((n) => selected(profileName(n)));
    const big = endpoints.get(PROFILE_COUNT);
    if (profiled !== undefined && big) {
      progress(`${profileName(profiled)}: node --cpu-prof`);
      profile = await profileClient(big.url!, profiled);
    }
    const results: EnumerationBenchResults = { rows, loadMs, ...(profile ? { profile } : {}) };
    report(results);
    return results;
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}

// `ts-node bench/enumeration.ts`: this benchmark alone (npm run bench runs it through run.ts).
if (require.main === module) {
  const env = environment();
  console.log(`wsman-automation enumeration benchmark — node ${env.node} (V8 ${env.v8}), ${env.os}`);
  console.log(`CPU: ${env.cpu} × ${env.cpuCount}`);
  runEnumerationBench()
    .then((enumeration) => writeResultsJson({ suite: 'enumeration', enumeration }))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exitCode = 1;
    });
}

/**
 * `npm run fuzz`: seeded hostile input against the endpoint and against the client, each in a
 * child process so that a crash is observed, not fatal. Per family it reports cases, crashes,
 * hangs (no answer in 10 s), 5xx without a SOAP fault, unhandled rejections, peak RSS and whether
 * the endpoint's state (configuration and CIM store) is what it was; every failure is printed with
 * its seed and a reduced reproducer. Nothing here is part of `npm test`.
 *
 * Memory (docs/decisions.md, "Fuzz memory figures"): a family's peak RSS is its child's own high
 * water mark during that family (started again at the family's start where Linux allows it; else
 * the column says it counts since the child started), beside the child's RSS when the family
 * began. The summary gives each side's raw peak and its RSS before the first case (Node and the
 * loaded client or endpoint, nothing run yet). The children run code compiled by the driver
 * beforehand (swc-register.js), so that no compiler is part of the RSS they report. The client
 * child runs with a V8 old-space limit (FUZZ_CLIENT_HEAP_MB, 128 MB): growth the client really
 * needs beyond it is an OOM crash in the report, and the peak no longer depends on when V8 chose
 * to collect (with Node's default limit three runs of the same seed peaked at 205, 263 and 343 MB).
 *
 *   FUZZ_CASES=100000         endpoint cases (default 2000)
 *   FUZZ_CLIENT_CASES=20000   client cases (default FUZZ_CASES / 5)
 *   FUZZ_SEED=n               the run's seed (default: from the clock, printed)
 *   FUZZ_FAMILIES=a,b         only these families
 *   FUZZ_MINUTES=m            time bound per side, shared equally among its families (the report says where it cut)
 *   FUZZ_CLIENT_CONCURRENCY=n client cases in flight at once (default 2)
 *   FUZZ_CLIENT_HEAP_MB=n     the client child's V8 old-space limit (default 128; 0: Node's default)
 *   FUZZ_REPLAY=side:family:seed   run one case again and print it
 */
import { Agent } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFault } from '../src/core/protocol/faults';
import { readSoapMessage } from '../src/core/protocol/message';
import { NS } from '../src/core/protocol/namespaces';
import { childElements, parseXml } from '../src/core/protocol/xml';
import { Child } from './children';
import { CLIENT_FAMILIES, HostileServer, type ClientFamily } from './client-families';
import { buildCorpus, type Corpus } from './corpus';
import { describeEndpointCase, ENDPOINT_FAMILIES, HANG_MS, sendEndpointCase, type EndpointCase, type EndpointFamily, type Outcome } from './endpoint-families';
import { caseSeed } from './rng';

/** The require hook this run was started with (package.json: node -r ./fuzz/swc-register.js): it compiles the children's code beforehand. */
const register = require('./swc-register.js') as { precompile(directories: readonly string[]): string; discardPrecompiled(directory: string): void };

const ENDPOINT_CASES = Number(process.env.FUZZ_CASES ?? 2000);
const CLIENT_CASES = Number(process.env.FUZZ_CLIENT_CASES ?? Math.round(ENDPOINT_CASES / 5));
const RUN_SEED = Number(process.env.FUZZ_SEED ?? (Date.now() % 0x7fffffff));
const ONLY = process.env.FUZZ_FAMILIES ? new Set(process.env.FUZZ_FAMILIES.split(',')) : undefined;
const MINUTES = Number(process.env.FUZZ_MINUTES ?? Infinity);
/** Client cases in flight at once (sessions of one client process, as a script host would run them). */
const CLIENT_CONCURRENCY = Number(process.env.FUZZ_CLIENT_CONCURRENCY ?? 2);
const FINDINGS_DIR = join(tmpdir(), 'wsman-fuzz-findings');
/**
 * The client child's V8 old-space limit in MB (0: Node's default, some 4 GB here). A client whose
 * live heap outgrew it would die of OOM and be counted as a crash; below it, V8 collects as on a
 * machine with little memory instead of letting garbage reach four times the live heap, so that
 * the peak RSS is the client's need, not the collector's timing (docs/decisions.md).
 */
const CLIENT_HEAP_MB = Number(process.env.FUZZ_CLIENT_HEAP_MB ?? 128);
const CLIENT_NODE_OPTIONS = CLIENT_HEAP_MB > 0 ? [`--max-old-space-size=${CLIENT_HEAP_MB}`] : [];

type FailureKind = 'crash' | 'hang' | '5xx without fault' | 'state change' | 'no HRESULT';

interface Failure {
  readonly side: 'endpoint' | 'client';
  readonly family: string;
  readonly seed: number;
  readonly kind: FailureKind;
  readonly detail: string;
}

interface FamilyReport {
  side: 'endpoint' | 'client';
  family: string;
  cases: number;
  crashes: number;
  hangs: number;
  bare5xx: number;
  rejections: number;
  noHResult: number;
  stateChanges: number;
  legitimateChanges: number;
  stateEqual: boolean | undefined;
  /** The child's RSS when the family began, and whether its peak was started again there (else it is the process's so far). */
  startRssKb: number;
  peakReset: boolean;
  peakRssKb: number;
  seconds: number;
  stoppedEarly: boolean;
}

const failures: Failure[] = [];

function newReport(side: FamilyReport['side'], family: string): FamilyReport {
  return { side, family, cases: 0, crashes: 0, hangs: 0, bare5xx: 0, rejections: 0, noHResult: 0, stateChanges: 0, legitimateChanges: 0, stateEqual: undefined, startRssKb: 0, peakReset: false, peakRssKb: 0, seconds: 0, stoppedEarly: false };
}

/** Tells the child a family begins: its RSS now, and its peak RSS started again (fuzz/memory.ts). */
async function startFamily(child: Child, report: FamilyReport): Promise<void> {
  const mark = await child.ask({ type: 'family-start' }, HANG_MS);
  if (mark?.type !== 'family-started') return;
  report.startRssKb = mark.rssKb;
  report.peakReset = mark.peakReset;
}

function share(total: number, weight: number, families: readonly { weight: number }[]): number {
  const sum = families.reduce((s, f) => s + f.weight, 0);
  return Math.round((total * weight) / sum);
}

/** A 5xx is acceptable only when it carries a SOAP fault. */
function isSoapFault(body: Buffer): boolean {
  try {
    const message = readSoapMessage(parseXml(body.toString('utf8')));
    const first = message.body ? childElements(message.body)[0] : undefined;
    if (!first || first.namespace !== NS.soap || first.localName !== 'Fault') return false;
    readFault(first);
    return true;
  } catch {
    return false;
  }
}

// ---- endpoint ----------------------------------------------------------------------------------

class EndpointUnderTest {
  readonly child = new Child('endpoint-child.ts');
  url = '';
  agent = new Agent({ keepAlive: true, maxSockets: 1 });
  fingerprint = '';
  baseline = '';
  rejections = 0;
  peakRssKb = 0;

  async start(): Promise<void> {
    await this.child.start();
    await this.reset();
  }

  /** A fresh endpoint (new data directory): after a crash, or after a request changed the state legitimately. */
  async reset(): Promise<void> {
    if (this.child.exited) await this.child.restart();
    const ready = await this.child.ask({ type: 'reset' }, 60_000);
    if (ready?.type !== 'ready') throw new Error(`the endpoint child does not start: ${this.child.exited ?? JSON.stringify(ready)}`);
    this.url = ready.url;
    this.agent.destroy();
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const state = await this.state();
    this.fingerprint = this.baseline = state!.fingerprint;
  }

  async state(): Promise<{ fingerprint: string; rejections: number } | undefined> {
    const reply = await this.child.ask({ type: 'state' }, HANG_MS);
    if (reply?.type !== 'state') return undefined;
    this.peakRssKb = Math.max(this.peakRssKb, reply.peakRssKb);
    const fresh = reply.rejections - this.rejections;
    this.rejections = reply.rejections;
    return { fingerprint: reply.fingerprint, rejections: fresh };
  }
}

/** What went wrong with one endpoint case, if anything. */
async function judgeEndpointCase(target: EndpointUnderTest, testCase: EndpointCase): Promise<{ kind: FailureKind | undefined; outcome: Outcome | undefined; rejections: number; legitimate: boolean }> {
  const before = target.fingerprint;
  const outcome = await sendEndpointCase(testCase, target.url, target.agent);
  const state = await target.state();
  if (!state) return { kind: target.child.exited ? 'crash' : 'hang', outcome, rejections: 0, legitimate: false };
  target.fingerprint = state.fingerprint;
  if (outcome.hung) return { kind: 'hang', outcome, rejections: state.rejections, legitimate: false };
  if (outcome.status !== undefined && outcome.status >= 500 && !isSoapFault(outcome.body)) return { kind: '5xx without fault', outcome, rejections: state.rejections, legitimate: false };
  if (state.fingerprint !== before) {
    if (outcome.status === 200) return { kind: undefined, outcome, rejections: state.rejections, legitimate: true };
    return { kind: 'state change', outcome, rejections: state.rejections, legitimate: false };
  }
  return { kind: undefined, outcome, rejections: state.rejections, legitimate: false };
}

/** Shortens an HTTP case's body while the same failure still happens (bounded attempts). */
async function reduceEndpointCase(target: EndpointUnderTest, testCase: EndpointCase, kind: FailureKind): Promise<EndpointCase> {
  if (testCase.kind !== 'http' || kind === 'hang') return testCase;
  let best = testCase;
  let granularity = 2;
  for (let attempt = 0; attempt < 60 && best.body.length > 1; attempt++) {
    const size = Math.ceil(best.body.length / granularity);
    let reduced = false;
    for (let start = 0; start < best.body.length && attempt < 60; start += size, attempt++) {
      const candidate: EndpointCase = { ...best, body: Buffer.concat([best.body.subarray(0, start), best.body.subarray(start + size)]) };
      if (target.child.exited || target.fingerprint !== target.baseline) await target.reset();
      if ((await judgeEndpointCase(target, candidate)).kind === kind) {
        best = candidate;
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (granularity >= best.body.length) break;
      granularity = Math.min(best.body.length, granularity * 2);
    }
  }
  return best;
}

async function fuzzEndpoint(corpus: Corpus, families: readonly EndpointFamily[]): Promise<FamilyReport[]> {
  const target = new EndpointUnderTest();
  await target.start();
  const reports: FamilyReport[] = [];
  try {
    for (const family of families) {
      const deadline = Date.now() + (MINUTES * 60_000) / families.length;
      const report = newReport('endpoint', family.name);
      reports.push(report);
      const started = Date.now();
      const count = share(ENDPOINT_CASES, family.weight, families);
      await startFamily(target.child, report);
      target.peakRssKb = 0;
      for (let index = 0; index < count; index++) {
        if (Date.now() > deadline) {
          report.stoppedEarly = true;
          break;
        }
        const seed = caseSeed(RUN_SEED, family.name, index);
        const testCase = family.build(seed, corpus);
        const verdict = await judgeEndpointCase(target, testCase);
        report.cases += 1;
        report.rejections += verdict.rejections;
        if (verdict.rejections > 0) failures.push({ side: 'endpoint', family: family.name, seed, kind: 'crash', detail: `unhandled rejection(s)\n${describeEndpointCase(testCase)}` });
        if (verdict.legitimate) {
          report.legitimateChanges += 1;
          await target.reset();
        }
        if (verdict.kind) {
          if (verdict.kind === 'crash') report.crashes += 1;
          if (verdict.kind === 'hang') report.hangs += 1;
          if (verdict.kind === '5xx without fault') report.bare5xx += 1;
          if (verdict.kind === 'state change') report.stateChanges += 1;
          const crashInfo = target.child.exited ? `\nchild: ${target.child.exited}` : '';
          if (target.child.exited || verdict.kind === 'state change') await target.reset();
          const reduced = failures.length < 20 ? await reduceEndpointCase(target, testCase, verdict.kind) : testCase;
          if (target.child.exited || target.fingerprint !== target.baseline) await target.reset();
          failures.push({ side: 'endpoint', family: family.name, seed, kind: verdict.kind, detail: `status ${verdict.outcome?.status}${crashInfo}\n${describeEndpointCase(reduced)}` });
        }
        if (index % 1000 === 999) progress(`endpoint ${family.name}: ${index + 1}/${count}`);
      }
      report.stateEqual = target.fingerprint === target.baseline;
      report.peakRssKb = target.peakRssKb;
      report.seconds = (Date.now() - started) / 1000;
    }
  } finally {
    target.agent.destroy();
    target.child.stop();
  }
  return reports;
}

// ---- client ------------------------------------------------------------------------------------

async function fuzzClient(corpus: Corpus, families: readonly ClientFamily[]): Promise<FamilyReport[]> {
  const child = new Child('client-child.ts', CLIENT_NODE_OPTIONS);
  await child.start();
  const server = await HostileServer.start();
  const reports: FamilyReport[] = [];
  let rejectionsSoFar = 0;
  let nextId = 1;
  try {
    for (const family of families) {
      const deadline = Date.now() + (MINUTES * 60_000) / families.length;
      const report = newReport('client', family.name);
      reports.push(report);
      const started = Date.now();
      const count = share(CLIENT_CASES, family.weight, families);
      if (child.exited) await child.restart();
      await startFamily(child, report);
      let index = 0;
      let peak = 0;
      const worker = async (): Promise<void> => {
        while (index < count) {
          if (Date.now() > deadline) {
            report.stoppedEarly = true;
            return;
          }
          const caseIndex = index++;
          const seed = caseSeed(RUN_SEED, family.name, caseIndex);
          const testCase = family.build(seed, corpus);
          const id = nextId++;
          const url = server.urlFor(id, testCase);
          if (child.exited) await child.restart();
          const reply = await child.ask({ type: 'op', op: { ...testCase.op, url } }, HANG_MS);
          server.forget(id);
          report.cases += 1;
          const describe = `${testCase.op.method} with ${testCase.op.auth}; replay with FUZZ_REPLAY=client:${family.name}:${seed}`;
          if (reply?.type !== 'result') {
            const crashed = child.exited !== undefined;
            if (crashed) report.crashes += 1;
            else report.hangs += 1;
            failures.push({ side: 'client', family: family.name, seed, kind: crashed ? 'crash' : 'hang', detail: `${describe}${crashed ? `\nchild: ${child.exited}` : ''}` });
            continue;
          }
          peak = Math.max(peak, reply.peakRssKb);
          if (reply.rejections > rejectionsSoFar) {
            report.rejections += reply.rejections - rejectionsSoFar;
            rejectionsSoFar = reply.rejections;
            failures.push({ side: 'client', family: family.name, seed, kind: 'crash', detail: `unhandled rejection; ${describe}` });
          }
          if (reply.hr === -1 || !Number.isInteger(reply.hr) || (reply.hr !== 0 && reply.hr < 0x80000000)) {
            report.noHResult += 1;
            failures.push({ side: 'client', family: family.name, seed, kind: 'no HRESULT', detail: `hr ${reply.hr}: ${reply.description.slice(0, 600)}\n${describe}` });
          }
          if (caseIndex % 1000 === 999) progress(`client ${family.name}: ${caseIndex + 1}/${count}`);
        }
      };
      await Promise.all(Array.from({ length: CLIENT_CONCURRENCY }, worker));
      report.peakRssKb = peak;
      report.seconds = (Date.now() - started) / 1000;
    }
  } finally {
    await server.close();
    child.stop();
  }
  return reports;
}

// ---- report ------------------------------------------------------------------------------------

function progress(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function table(reports: readonly FamilyReport[]): string {
  const rows = [
    ['side', 'family', 'cases', 'crashes', 'hangs', '5xx w/o fault', 'rejections', 'no HRESULT', 'state changes', 'state equal', 'RSS at start MB', 'peak RSS MB', 'seconds'],
    ...reports.map((r) => [
      r.side,
      r.family + (r.stoppedEarly ? ' (time bound)' : ''),
      String(r.cases),
      String(r.crashes),
      String(r.hangs),
      r.side === 'endpoint' ? String(r.bare5xx) : '-',
      String(r.rejections),
      r.side === 'client' ? String(r.noHResult) : '-',
      r.side === 'endpoint' ? `${r.stateChanges} (${r.legitimateChanges} by 200s)` : '-',
      r.stateEqual === undefined ? '-' : r.stateEqual ? 'yes' : 'NO',
      (r.startRssKb / 1024).toFixed(0),
      (r.peakRssKb / 1024).toFixed(0) + (r.peakReset ? '' : ' (since the child started)'),
      r.seconds.toFixed(0),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n');
}

function printFailures(): void {
  if (failures.length === 0) return;
  mkdirSync(FINDINGS_DIR, { recursive: true });
  console.log(`\n${failures.length} failure(s); reproducers in ${FINDINGS_DIR}`);
  for (const failure of failures.slice(0, 30)) {
    const file = join(FINDINGS_DIR, `${failure.side}-${failure.family}-${failure.seed}.txt`);
    writeFileSync(file, failure.detail);
    console.log(`\n[${failure.side} ${failure.family}] ${failure.kind}, seed ${failure.seed} (FUZZ_REPLAY=${failure.side}:${failure.family}:${failure.seed})`);
    console.log(failure.detail.slice(0, 1500));
  }
}

async function replay(spec: string, corpus: Corpus): Promise<void> {
  const [side, name, seedText] = spec.split(':');
  const seed = Number(seedText);
  if (side === 'endpoint') {
    const family = ENDPOINT_FAMILIES.find((f) => f.name === name);
    if (!family) throw new Error(`no endpoint family ${name}`);
    const target = new EndpointUnderTest();
    await target.start();
    try {
      const testCase = family.build(seed, corpus);
      console.log(describeEndpointCase(testCase));
      const verdict = await judgeEndpointCase(target, testCase);
      console.log(`→ status ${verdict.outcome?.status}, ${verdict.kind ?? 'no failure'}${target.child.exited ? `; child ${target.child.exited}` : ''}`);
      console.log(verdict.outcome?.body.toString('utf8').slice(0, 2000));
    } finally {
      target.agent.destroy();
      target.child.stop();
    }
    return;
  }
  const family = CLIENT_FAMILIES.find((f) => f.name === name);
  if (!family) throw new Error(`no client family ${name}`);
  const child = new Child('client-child.ts', CLIENT_NODE_OPTIONS);
  await child.start();
  const server = await HostileServer.start();
  try {
    const testCase = family.build(seed, corpus);
    const reply = await child.ask({ type: 'op', op: { ...testCase.op, url: server.urlFor(1, testCase) } }, HANG_MS);
    console.log(testCase.op, '→', reply ?? `no answer (${child.exited ?? 'hang'})`);
  } finally {
    await server.close();
    child.stop();
  }
}

async function main(): Promise<void> {
  let driverRejections = 0;
  process.on('unhandledRejection', (error) => {
    driverRejections += 1;
    progress(`driver: unhandled rejection ${String(error)}`);
  });
  const corpus = await buildCorpus();
  const precompiled = register.precompile([join(__dirname, '..', 'src'), __dirname]);
  process.env.FUZZ_PRECOMPILED = precompiled;
  try {
    await (process.env.FUZZ_REPLAY ? replay(process.env.FUZZ_REPLAY, corpus) : fuzz(corpus, () => driverRejections));
  } finally {
    register.discardPrecompiled(precompiled);
  }
}

async function fuzz(corpus: Corpus, driverRejections: () => number): Promise<void> {
  console.log(`fuzz run seed ${RUN_SEED}: ${ENDPOINT_CASES} endpoint cases, ${CLIENT_CASES} client cases; seeds: ${corpus.sources.join('; ')}`);
  const endpointFamilies = ENDPOINT_FAMILIES.filter((f) => !ONLY || ONLY.has(f.name));
  const clientFamilies = CLIENT_FAMILIES.filter((f) => !ONLY || ONLY.has(f.name));
  const reports = [
    ...(ENDPOINT_CASES > 0 && endpointFamilies.length > 0 ? await fuzzEndpoint(corpus, endpointFamilies) : []),
    ...(CLIENT_CASES > 0 && clientFamilies.length > 0 ? await fuzzClient(corpus, clientFamilies) : []),
  ];
  console.log(`\n${table(reports)}`);
  const total = (side: string): number => reports.filter((r) => r.side === side).reduce((s, r) => s + r.cases, 0);
  const peak = (side: string): number => Math.max(0, ...reports.filter((r) => r.side === side).map((r) => r.peakRssKb)) / 1024;
  const atStart = (side: string): number => (reports.find((r) => r.side === side)?.startRssKb ?? 0) / 1024;
  const side = (name: string): string =>
    total(name) === 0 ? `${name}: not run` : `${name}: ${total(name)} cases, peak RSS ${peak(name).toFixed(0)} MB (RSS before its first case ${atStart(name).toFixed(0)} MB${heapLimit(name)})`;
  const heapLimit = (name: string): string =>
    name !== 'client' ? '' : CLIENT_HEAP_MB > 0 ? `, V8 old space limited to ${CLIENT_HEAP_MB} MB` : ', V8 heap limit: Node default';
  console.log(
    `\n${side('endpoint')}; ${side('client')}; ` +
      `driver peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, driver rejections ${driverRejections()}`,
  );
  printFailures();
  console.log(`\n${failures.length === 0 ? 'fuzz: no failures' : `fuzz: ${failures.length} failure(s)`} (seed ${RUN_SEED})`);
  process.exitCode = failures.length === 0 && driverRejections() === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 2;
});

/**
 * WinRS shell benchmark: the embedded endpoint (a child process running `wsman serve`) runs a
 * command printing many bytes, and two clients, each in its own process, receive all of it:
 * this project's (bench/shell-client.ts: C API + RemoteShell streams) and pywinrm's
 * (bench/pywinrm_shell.py: Protocol, the Receive loop of _raw_get_command_output). Their runs
 * alternate (ours, pywinrm, ours, …) and the medians are compared; peak RSS of each client and of
 * the endpoint (Linux VmHWM, reset before each run) shows whether memory stays flat.
 * Then shell round trips (create + command + receive + close of `echo hi`) in alternating slices,
 * and the same stdout runs against a stand-in server answering from memory (the clients alone).
 *
 *   BENCH_SUITE=shell npm run bench           stdout 32 MB (3 runs each) and round trips
 *   BENCH_FILTER='1 GB' BENCH_SUITE=shell …    the 1 GB runs (3 each; only when the filter names it)
 *   BENCH_SECONDS=N                            round-trip time per client (default 2)
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { explicitlySelected, progress, SECONDS, selected } from './config';
import { fmtMs, fmtRate, table } from './format';
import { summarize, type Summary } from './stats';

const ROOT = join(__dirname, '..');
const PYTHON = '/usr/bin/python3';
const USER = 'bench';
const PASSWORD = 'Bench#Pass1';
const STREAM_COMMAND = 'head -c {bytes} /dev/zero';
const ROUNDTRIP_COMMAND = 'echo hi';
const MB = 1024 * 1024;
const RUNS = 3;
const ROUNDTRIP_SLICE_MS = 400;

interface StreamRun {
  readonly bytes: number;
  readonly ms: number;
  readonly peak_rss_kb: number;
}

/** A child speaking the benchmark's line protocol: one JSON job line, then one JSON answer per command. */
class Peer {
  private readonly lines: Interface;
  private readonly answers: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  private stderr = '';

  constructor(
    readonly name: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on('line', (line) => {
      if (this.waiting) {
        const wake = this.waiting;
        this.waiting = undefined;
        wake(line);
      } else this.answers.push(line);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
  }

  get pid(): number {
    return this.child.pid!;
  }

  async request<T>(line: string): Promise<T> {
    this.child.stdin.write(line + '\n');
    return this.next<T>();
  }

  next<T>(): Promise<T> {
    const ready = this.answers.shift();
    if (ready !== undefined) return Promise.resolve(JSON.parse(ready) as T);
    return new Promise((resolve, reject) => {
      const died = (code: number | null): void => reject(new Error(`${this.name} ended (${code}): ${this.stderr.slice(-2000)}`));
      this.child.once('exit', died);
      this.waiting = (line) => {
        this.child.off('exit', died);
        resolve(JSON.parse(line) as T);
      };
    });
  }

  close(): void {
    this.child.stdin.end('quit\n');
    this.child.kill();
  }
}

function startPeer(name: string, command: string, args: readonly string[], job: object): Peer {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'pipe' });
  child.stdin.write(JSON.stringify(job) + '\n');
  return new Peer(name, child);
}

/** `wsman serve` in its own process; its URL once it listens. */
async function startEndpointProcess(): Promise<{ url: string; pid: number; close(): void }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', 'serve', '--port', '0', '--user', `${USER}:${PASSWORD}`, '--allow-unencrypted'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.once('exit', (code) => reject(new Error(`wsman serve ended (${code}): ${output}`)));
  });
  return { url, pid: child.pid!, close: () => child.kill() };
}

/** Linux: the peak resident set of a process (VmHWM), and its reset (clear_refs 5). */
const memory = {
  peakKb(pid: number): number | undefined {
    try {
      return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    } catch {
      return undefined;
    }
  },
  currentKb(pid: number): number | undefined {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    } catch {
      return undefined;
    }
  },
  resetPeak(pid: number): void {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // Not Linux, or not allowed: the peak then covers the whole process life.
    }
  },
};

/**
 * A stand-in for the endpoint that answers from memory: Create, Command, then Receive replies
 * filling each request's MaxEnvelopeSize as the endpoint does (base64 of zeros, prepared once per
 * size and written as it is) until the bytes the command line asked for (`head -c N`) are out,
 * then Done. It measures the clients alone: no processes, no pipes, next to no server work.
 */
const CANNED_FRAME = 2048;
const ENVELOPE_HEAD = `<s:Envelope xml:lang="en-US" xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"><s:Header><a:Action>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Response</a:Action><a:MessageID>uuid:00000000-0000-0000-0000-000000000001</a:MessageID><a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To><a:RelatesTo>`;

async function startCannedServer(): Promise<{ url: string; close(): Promise<void> }> {
  const remaining = new Map<string, number>();
  const payloads = new Map<number, Buffer>();
  const payload = (bytes: number): Buffer => {
    let base64 = payloads.get(bytes);
    if (base64 === undefined) payloads.set(bytes, (base64 = Buffer.from(Buffer.alloc(bytes).toString('base64'), 'latin1')));
    return base64;
  };
  let next = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const messageId = /MessageID>([^<]+)</.exec(text)?.[1] ?? '';
      const head = `${ENVELOPE_HEAD}${messageId}</a:RelatesTo></s:Header><s:Body>`;
      let parts: (string | Buffer)[] = [];
      if (text.includes('transfer/Create<')) {
        parts = [`<x:ResourceCreated><a:Address>x</a:Address><a:ReferenceParameters><w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd</w:ResourceURI><w:SelectorSet><w:Selector Name="ShellId">S${++next}</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>`];
      } else if (text.includes('shell/Command<')) {
        const id = `C${++next}`;
        remaining.set(id, Number(/head -c (\d+)/.exec(text)?.[1] ?? '0'));
        parts = [`<rsp:CommandResponse><rsp:CommandId>${id}</rsp:CommandId></rsp:CommandResponse>`];
      } else if (text.includes('shell/Receive<')) {
        const id = /CommandId="([^"]+)"/.exec(text)![1];
        const envelope = Number(/MaxEnvelopeSize[^>]*>(\d+)</.exec(text)?.[1] ?? '153600');
        const left = remaining.get(id) ?? 0;
        const bytes = Math.min(left, Math.floor((envelope - CANNED_FRAME) / 4) * 3);
        remaining.set(id, left - bytes);
        const stream = bytes ? [`<rsp:Stream Name="stdout" CommandId="${id}">`, payload(bytes), '</rsp:Stream>'] : [];
        parts =
          left - bytes === 0
            ? ['<rsp:ReceiveResponse>', ...stream, `<rsp:Stream Name="stdout" CommandId="${id}" End="true"></rsp:Stream><rsp:Stream Name="stderr" CommandId="${id}" End="true"></rsp:Stream><rsp:CommandState CommandId="${id}" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done"><rsp:ExitCode>0</rsp:ExitCode></rsp:CommandState></rsp:ReceiveResponse>`]
            : ['<rsp:ReceiveResponse>', ...stream, `<rsp:CommandState CommandId="${id}" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Running"/></rsp:ReceiveResponse>`];
      } else if (text.includes('shell/Signal<')) {
        parts = ['<rsp:SignalResponse/>'];
      }
      const reply = [head, ...parts, '</s:Body></s:Envelope>'].map((part) => (typeof part === 'string' ? Buffer.from(part) : part));
      response.writeHead(200, { 'Content-Type': 'application/soap+xml;charset=UTF-8', 'Content-Length': reply.reduce((sum, part) => sum + part.length, 0) });
      response.socket?.cork();
      for (const part of reply) response.write(part);
      response.end();
      response.socket?.uncork();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wsman`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function pywinrmAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import winrm'], { stdio: 'ignore' }).status === 0;
}

interface ClientStream {
  readonly mbPerSecond: number[];
  readonly clientPeakKb: number;
  readonly endpointPeakKb: number[];
}

export interface ShellStreamRow {
  readonly name: string;
  readonly bytes: number;
  readonly ours: ClientStream;
  readonly pywinrm?: ClientStream;
  /** Median MB/s of ours ÷ median MB/s of pywinrm. */
  readonly ratio?: number;
}

export interface ShellRoundTripRow {
  readonly ours: Summary;
  readonly pywinrm?: Summary;
  readonly ratio?: number;
}

export interface ShellResults {
  readonly endpointIdleKb: number | undefined;
  readonly streams: ShellStreamRow[];
  readonly roundTrips?: ShellRoundTripRow;
  readonly pywinrm?: string;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

async function streamRun(peer: Peer, endpointPid: number | undefined, bytes: number, into: { mbPerSecond: number[]; clientPeakKb: number; endpointPeakKb: number[] }): Promise<void> {
  if (endpointPid !== undefined) memory.resetPeak(endpointPid);
  const run = await peer.request<StreamRun>(`stream ${bytes}`);
  if (run.bytes !== bytes) throw new Error(`${peer.name} received ${run.bytes} bytes of ${bytes}`);
  into.mbPerSecond.push(bytes / MB / (run.ms / 1000));
  into.clientPeakKb = Math.max(into.clientPeakKb, run.peak_rss_kb);
  const peak = endpointPid === undefined ? undefined : memory.peakKb(endpointPid);
  if (peak !== undefined) into.endpointPeakKb.push(peak);
}

interface Peers {
  readonly ours: Peer;
  readonly python: Peer | undefined;
  readonly pyInfo: { pywinrm: string; python: string } | undefined;
  close(): void;
}

/** Both clients for one server, warmed up (paths compiled, connections open). */
async function startPeers(url: string, roundTrips: boolean): Promise<Peers> {
  const job = { endpoint: url, user: USER, password: PASSWORD, stream_command: STREAM_COMMAND, roundtrip_command: ROUNDTRIP_COMMAND };
  const ours = startPeer('our client', process.execPath, ['-r', 'ts-node/register/transpile-only', join('bench', 'shell-client.ts')], job);
  const python = pywinrmAvailable() ? startPeer('pywinrm', PYTHON, [join(__dirname, 'pywinrm_shell.py')], job) : undefined;
  const close = (): void => {
    ours.close();
    python?.close();
  };
  try {
    await ours.next();
    const pyInfo = python ? await python.next<{ pywinrm: string; python: string }>() : undefined;
    for (const peer of [ours, python]) {
      if (!peer) continue;
      await peer.request(`stream ${4 * MB}`);
      if (roundTrips) await peer.request('roundtrips 300');
    }
    return { ours, python, pyInfo, close };
  } catch (error) {
    close();
    throw error;
  }
}

async function compareStreams(peers: Peers, serverPid: number | undefined, sizes: readonly { name: string; bytes: number }[]): Promise<ShellStreamRow[]> {
  const rows: ShellStreamRow[] = [];
  for (const size of sizes) {
    progress(size.name);
    const mine = { mbPerSecond: [] as number[], clientPeakKb: 0, endpointPeakKb: [] as number[] };
    const theirs = { mbPerSecond: [] as number[], clientPeakKb: 0, endpointPeakKb: [] as number[] };
    const runs = RUNS;
    for (let i = 0; i < runs; i++) {
      await streamRun(peers.ours, serverPid, size.bytes, mine);
      if (peers.python) await streamRun(peers.python, serverPid, size.bytes, theirs);
    }
    rows.push({
      name: size.name,
      bytes: size.bytes,
      ours: mine,
      ...(peers.python ? { pywinrm: theirs, ratio: median(mine.mbPerSecond) / median(theirs.mbPerSecond) } : {}),
    });
  }
  return rows;
}

async function compareRoundTrips(peers: Peers): Promise<ShellRoundTripRow> {
  progress('round trips');
  const mine: number[] = [];
  const theirs: number[] = [];
  let spent = 0;
  while (spent < SECONDS * 1000) {
    const slice = await peers.ours.request<{ latencies: number[] }>(`roundtrips ${ROUNDTRIP_SLICE_MS}`);
    mine.push(...slice.latencies);
    spent += slice.latencies.reduce((a, b) => a + b, 0);
    if (peers.python) theirs.push(...(await peers.python.request<{ latencies: number[] }>(`roundtrips ${ROUNDTRIP_SLICE_MS}`)).latencies);
  }
  const ours = summarize(mine);
  const pywinrm = peers.python ? summarize(theirs) : undefined;
  return { ours, ...(pywinrm ? { pywinrm, ratio: pywinrm.p50Ms / ours.p50Ms } : {}) };
}

export async function runShellBench(): Promise<ShellResults> {
  console.log(`WinRS shells: stdout of \`${STREAM_COMMAND}\` through Receive, and create+command+receive+close round trips; endpoint and clients in their own processes\n`);
  const sizes = (suffix: string) =>
    [{ name: `stdout 32 MB${suffix}`, bytes: 32 * MB }, { name: `stdout 1 GB${suffix}`, bytes: 1024 * MB }].filter((size) =>
      size.bytes > 32 * MB ? explicitlySelected(size.name) : selected(size.name),
    );
  if (!pywinrmAvailable()) progress('pywinrm: skipped (apt-get install python3-winrm)');

  const endpoint = await startEndpointProcess();
  let streams: ShellStreamRow[];
  let roundTrips: ShellRoundTripRow | undefined;
  let endpointIdleKb: number | undefined;
  let pyInfo: Peers['pyInfo'];
  try {
    const peers = await startPeers(endpoint.url, true);
    try {
      pyInfo = peers.pyInfo;
      endpointIdleKb = memory.currentKb(endpoint.pid);
      streams = await compareStreams(peers, endpoint.pid, sizes(''));
      if (selected('round trips')) roundTrips = await compareRoundTrips(peers);
    } finally {
      peers.close();
    }
  } finally {
    endpoint.close();
  }

  const canned = await startCannedServer();
  try {
    const peers = await startPeers(canned.url, false);
    try {
      streams.push(...(await compareStreams(peers, undefined, sizes(', canned replies (clients alone)'))));
    } finally {
      peers.close();
    }
  } finally {
    await canned.close();
  }

  const results: ShellResults = { endpointIdleKb, streams, ...(roundTrips ? { roundTrips } : {}), ...(pyInfo ? { pywinrm: pyInfo.pywinrm } : {}) };
  report(results, pyInfo);
  return results;
}

const mb = (kb: number | undefined): string => (kb === undefined || !Number.isFinite(kb) ? '-' : `${(kb / 1024).toFixed(0)} MB`);

function report(results: ShellResults, pyInfo: { pywinrm: string; python: string } | undefined): void {
  const rows: string[][] = [];
  for (const row of results.streams) {
    const line = (client: string, s: ClientStream | undefined): string[] =>
      s
        ? [
            `${row.name}, ${client}`,
            fmtRate(median(s.mbPerSecond)),
            s.mbPerSecond.map((v) => v.toFixed(0)).join(' / '),
            mb(s.clientPeakKb),
            s.endpointPeakKb.length ? mb(Math.max(...s.endpointPeakKb)) : '-',
          ]
        : [`${row.name}, ${client}`, 'skipped', '-', '-', '-'];
    rows.push(line('ours', row.ours), line(`pywinrm ${pyInfo?.pywinrm ?? ''}`.trim(), row.pywinrm));
    if (row.ratio !== undefined) rows.push([`${row.name}: ours ÷ pywinrm`, `${row.ratio.toFixed(2)}×`, '', '', '']);
  }
  console.log(table(['run', 'MB/s (median)', 'MB/s per run', 'client peak RSS', 'endpoint peak RSS'], rows));
  console.log(`Endpoint RSS when idle (after warm-up): ${mb(results.endpointIdleKb)}; peak RSS = VmHWM (endpoint: reset before each run; clients: the whole process).`);
  if (results.roundTrips) {
    const r = results.roundTrips;
    const line = (name: string, s: Summary | undefined): string[] => (s ? [name, fmtRate(1000 / s.p50Ms), fmtMs(s.p50Ms), fmtMs(s.p99Ms), String(s.ops)] : [name, 'skipped', '-', '-', '-']);
    console.log('\nShell round trips (create + command `echo hi` + receive to Done + close), alternating slices');
    console.log(table(['client', 'round trips/s (p50)', 'p50 ms', 'p99 ms', 'ops'], [line('ours', r.ours), line('pywinrm', r.pywinrm)]));
    if (r.ratio !== undefined) console.log(`ours ÷ pywinrm (median latency): ${r.ratio.toFixed(2)}×`);
  }
}

/**
 * Client Get with the server's cost taken out: a fixed-reply server in its own process
 * (fixed-reply-server.ts) answers every POST with one reply recorded from the embedded endpoint,
 * the request's MessageID spliced into RelatesTo. Every figure is a ratio to a baseline
 * measured in the same run (interleaved slices, stats.ts measurePaired):
 *
 *  - Session.Get against a raw node:http keep-alive POST loop of the client's own Get bytes
 *    (goal ≥ 1.0×);
 *  - the HTTP exchange alone (HttpExchange.post of the same bytes) against the same loop, and
 *    undici's Client (dispatch API) when BENCH_UNDICI names an undici package directory (the
 *    measurement the choice of the exchange in docs/decisions.md rests on);
 *  - pywinrm (Debian python3-winrm, pywinrm_get.py) in turn with Session.Get (goal: ours ≥ 3×);
 *  - Get over Negotiate (NTLM) with message encryption against Basic, both against fixed-reply
 *    servers, the NTLM one running the handshake and sealing each reply (goal ≥ 0.8×).
 *
 * BENCH_PROFILE=file.cpuprofile: afterwards, profile BENCH_SECONDS of Session.Get (Basic) with the
 * inspector and print where the time goes, by module.
 *
 *   BENCH_SUITE=client-get npm run bench      (or: npx ts-node bench/client-get.ts)
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session as InspectorSession } from 'node:inspector';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createObject, WSManSessionFlags, type Session } from '../src/index';
import { HttpExchange } from '../src/core/transport/http-exchange';
import { startEndpoint } from '../src/server/endpoint';
import {
  AUTH,
  CaptureProxy,
  CapturedRequest,
  expectIncludes,
  GET_EXPECT,
  GET_LOCATOR,
  ok,
  openSession,
  PASSWORD,
  PyWinrm,
  pythonEnvironment,
  pywinrmMissing,
  USER,
} from './client';
import { progress, SECONDS, selected, WARMUP_MS } from './config';
import { environment, fmtMs, fmtRate, table, writeResultsJson } from './format';
import { expectStatus, SessionClient } from './http-client';
import type { FixedReplyJob } from './fixed-reply-server';
import { measurePaired, slice, summarize, type PairedOptions, type Summary } from './stats';

const MACHINE = 'BENCH-HOST';
const NTLM_USER = 'carol';
const NTLM_PASSWORD = 'Ntlm#Pass3';
const SOAP = 'application/soap+xml;charset=UTF-8';

const GOAL_VS_RAW = 1.0;
const GOAL_VS_PYWINRM = 3;
const GOAL_NTLM_VS_BASIC = 0.8;

const REQUESTS: PairedOptions = { warmupOps: 300, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 100, baselineSliceMs: 100, minOps: 100 };
const PYWINRM_SLICE_MS = 200;
const CLIENT_SLICE_MS = 100;

const NAMES = {
  get: 'Session.Get vs raw node:http loop (fixed-reply server)',
  exchange: 'HttpExchange.post vs raw node:http loop',
  undici: 'undici Client.dispatch vs raw node:http loop',
  pywinrm: 'Session.Get vs pywinrm (fixed-reply server)',
  ntlm: 'Session.Get NTLM-sealed vs Basic (fixed-reply servers)',
} as const;

export interface PairRow {
  readonly name: string;
  readonly measured: string;
  readonly baseline: string;
  readonly target: Summary;
  readonly reference: Summary;
  /** target ops/s ÷ baseline ops/s (throughput of back-to-back calls). */
  readonly ratio: number;
  /** baseline p50 ÷ target p50. */
  readonly ratioP50: number;
  readonly goal?: number;
}

export interface ClientGetResults {
  readonly rows: readonly PairRow[];
  readonly requestBytes: number;
  readonly replyBytes: number;
  readonly pywinrm?: string;
  readonly profile?: readonly ProfileLine[];
  /** The same for Session.Get over Negotiate (NTLM) with message encryption. */
  readonly ntlmProfile?: readonly ProfileLine[];
  /** Basic and NTLM-sealed Gets: CPU per Get in the client and in the fixed-reply server. */
  readonly cpu?: readonly CpuPerGet[];
}

// ---------------------------------------------------------------------------------------------
// The fixed-reply server, in its own process.

class FixedReplyServer {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly url: string,
  ) {}

  static async start(job: FixedReplyJob): Promise<FixedReplyServer> {
    const child = spawn(process.execPath, ['-r', require.resolve('../fuzz/swc-register.js'), join(__dirname, 'fixed-reply-server.ts')], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.write(`${JSON.stringify(job)}\n`);
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`fixed-reply-server.ts exited with ${code}: ${stderr}`)));
    });
    const { port } = JSON.parse(line) as { port: number };
    return new FixedReplyServer(child, `http://127.0.0.1:${port}/wsman`);
  }

  /** CPU time the server process has used so far, in µs (Linux /proc; undefined elsewhere). */
  cpuMicroseconds(): number | undefined {
    try {
      // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 Hz).
      const fields = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10_000;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** CPU per Get on either side of the wire, from back-to-back Gets (the sum is what a round trip costs the machine). */
export interface CpuPerGet {
  readonly session: string;
  readonly wallMicroseconds: number;
  readonly clientMicroseconds: number;
  readonly serverMicroseconds?: number;
}

const CPU_ROUNDS = 4;

/** Medians over rounds taken in turn, so that both sessions see the same host load. */
async function cpuPerGet(sessions: readonly { name: string; get: () => Promise<void>; server: FixedReplyServer }[]): Promise<CpuPerGet[]> {
  const gets = Math.max(500, Math.round(SECONDS * 1000));
  const samples = sessions.map(() => ({ wall: [] as number[], client: [] as number[], server: [] as number[] }));
  for (let round = 0; round < CPU_ROUNDS; round++) {
    for (const [n, { get, server }] of sessions.entries()) {
      const serverStart = server.cpuMicroseconds();
      const clientStart = process.cpuUsage();
      const start = performance.now();
      for (let i = 0; i < gets; i++) await get();
      const wall = ((performance.now() - start) * 1000) / gets;
      const client = process.cpuUsage(clientStart);
      const serverEnd = server.cpuMicroseconds();
      samples[n]!.wall.push(wall);
      samples[n]!.client.push((client.user + client.system) / gets);
      if (serverStart !== undefined && serverEnd !== undefined) samples[n]!.server.push((serverEnd - serverStart) / gets);
    }
  }
  const median = (values: number[]): number => values.sort((a, b) => a - b)[values.length >> 1]!;
  return sessions.map(({ name }, n) => {
    const { wall, client, server } = samples[n]!;
    return { session: name, wallMicroseconds: median(wall), clientMicroseconds: median(client), ...(server.length > 0 ? { serverMicroseconds: median(server) } : {}) };
  });
}

/** Records the client's Get request and the endpoint's reply to it (split around RelatesTo's text). */
async function record(): Promise<{ request: CapturedRequest; reply: FixedReplyJob; replyBytes: number }> {
  const endpoint = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], allowUnencrypted: true, machineName: MACHINE });
  try {
    const proxy = await CaptureProxy.start(endpoint.url!);
    let request: CapturedRequest;
    try {
      expectIncludes(ok(await openSession(proxy.url).Get(GET_LOCATOR), 'Get through the capture proxy'), GET_EXPECT, 'Get through the capture proxy');
      request = new CapturedRequest(proxy.text(0));
    } finally {
      await proxy.close();
    }
    const raw = new SessionClient(endpoint.url!);
    try {
      const answer = await raw.post(request.render(), AUTH);
      expectStatus(answer, 200, 'recording the Get reply');
      const text = answer.body.toString('utf8');
      const match = /(<(?:[\w.-]+:)?RelatesTo[^>]*>)[^<]*(<\/)/.exec(text);
      if (!match) throw new Error(`the recorded reply has no RelatesTo: ${text.slice(0, 400)}`);
      const start = match.index + match[1].length;
      return { request, reply: { head: text.slice(0, start), tail: text.slice(start + match[0].length - match[1].length - match[2].length) }, replyBytes: answer.body.length };
    } finally {
      raw.close();
    }
  } finally {
    await endpoint.close();
  }
}

function ntlmSession(url: string): Session {
  const wsman = createObject('WSMan.Automation');
  const options = ok(wsman.CreateConnectionOptions(), 'CreateConnectionOptions');
  ok(options.put_UserName(NTLM_USER), 'put_UserName');
  ok(options.put_Password(NTLM_PASSWORD), 'put_Password');
  return ok(wsman.CreateSession(url, WSManSessionFlags.WSManFlagUseNegotiate | WSManSessionFlags.WSManFlagCredUsernamePassword, options), 'CreateSession');
}

const getWith = (session: Session) => async (): Promise<void> => {
  const reply = await session.Get(GET_LOCATOR);
  if (reply.hr !== 0) ok(reply, 'Session.Get');
};

function row(name: string, measured: string, baseline: string, target: Summary, reference: Summary, goal?: number): PairRow {
  return { name, measured, baseline, target, reference, ratio: target.opsPerSecond / reference.opsPerSecond, ratioP50: reference.p50Ms / target.p50Ms, ...(goal !== undefined ? { goal } : {}) };
}

/** undici from BENCH_UNDICI (a package directory), for the exchange comparison only; not a dependency. */
function loadUndici(): typeof import('node:http') | undefined {
  const path = process.env['BENCH_UNDICI'];
  if (!path) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path);
}

interface UndiciClient {
  dispatch(options: object, handler: object): boolean;
  close(): Promise<void>;
}

/** One POST through undici's Client.dispatch, the body gathered as Buffers. */
function undiciPost(client: UndiciClient, body: Buffer, headers: readonly string[]): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const chunks: Buffer[] = [];
    client.dispatch(
      { method: 'POST', path: '/wsman', headers, body },
      {
        onConnect: () => undefined,
        onHeaders: (code: number) => {
          status = code;
          return true;
        },
        onData: (chunk: Buffer) => {
          chunks.push(chunk);
          return true;
        },
        onComplete: () => resolve({ status, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }),
        onError: reject,
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------

export async function runClientGetBench(): Promise<ClientGetResults> {
  console.log(
    `Client Get benchmark: fixed-reply servers in their own process (one reply recorded from the embedded endpoint); ` +
      `${SECONDS} s per measurement after warm-up, interleaved with its baseline\n`,
  );
  progress('recording the Get request and reply');
  const recorded = await record();
  const requestBytes = recorded.request.render().length;
  const plain = await FixedReplyServer.start(recorded.reply);
  const sealed = await FixedReplyServer.start({ ...recorded.reply, negotiate: { user: NTLM_USER, password: NTLM_PASSWORD } });
  const raw = new SessionClient(plain.url);
  const rawGet = async (): Promise<void> => {
    const reply = await raw.post(recorded.request.render(), AUTH);
    if (reply.status !== 200) expectStatus(reply, 200, 'raw node:http loop');
  };
  const rows: PairRow[] = [];
  let pywinrmVersion: string | undefined;
  let profile: ProfileLine[] | undefined;
  let ntlmProfile: ProfileLine[] | undefined;
  let cpu: CpuPerGet[] | undefined;
  try {
    const basic = openSession(plain.url);
    expectIncludes(ok(await basic.Get(GET_LOCATOR), 'Session.Get (fixed reply)'), GET_EXPECT, 'Session.Get (fixed reply)');
    const basicGet = getWith(basic);

    if (selected(NAMES.get)) {
      progress(NAMES.get);
      const { target, baseline } = await measurePaired(basicGet, rawGet, REQUESTS);
      rows.push(row(NAMES.get, 'Session.Get (Basic)', 'node:http POST loop', target, baseline, GOAL_VS_RAW));
    }

    if (selected(NAMES.exchange)) {
      progress(NAMES.exchange);
      const exchange = new HttpExchange(new URL(plain.url), undefined, 'Microsoft WinRM Client');
      const options = { timeoutMs: 60_000, responseLimit: 512_000, replayable: true };
      const head = { contentType: SOAP, authorization: AUTH.Authorization };
      try {
        const { target, baseline } = await measurePaired(
          async () => {
            const reply = await exchange.post(recorded.request.render(), head, options);
            if (reply.status !== 200) throw new Error(`HttpExchange: HTTP ${reply.status}`);
          },
          rawGet,
          REQUESTS,
        );
        rows.push(row(NAMES.exchange, 'HttpExchange.post', 'node:http POST loop', target, baseline));
      } finally {
        exchange.close();
      }
    }

    const undici = loadUndici() as unknown as { Client: new (origin: string, options: object) => UndiciClient } | undefined;
    if (undici && selected(NAMES.undici)) {
      progress(NAMES.undici);
      const client = new undici.Client(new URL(plain.url).origin, { pipelining: 1 });
      const headers = ['Connection', 'Keep-Alive', 'Content-Type', SOAP, 'Authorization', AUTH.Authorization, 'User-Agent', 'Microsoft WinRM Client'];
      try {
        const { target, baseline } = await measurePaired(
          async () => {
            const reply = await undiciPost(client, recorded.request.render(), headers);
            if (reply.status !== 200) throw new Error(`undici: HTTP ${reply.status}`);
          },
          rawGet,
          REQUESTS,
        );
        rows.push(row(NAMES.undici, 'undici Client.dispatch', 'node:http POST loop', target, baseline));
      } finally {
        await client.close();
      }
    }

    if (selected(NAMES.pywinrm)) {
      const env = pythonEnvironment();
      const missing = pywinrmMissing(env);
      if (missing !== undefined) {
        progress(`pywinrm: ${missing}; apt-get install python3-winrm`);
      } else {
        progress(NAMES.pywinrm);
        const [head, tail] = recorded.request.template.parts;
        const { py, version, python } = await PyWinrm.start(
          { endpoint: plain.url, user: USER, password: PASSWORD, head, tail, expect: GET_EXPECT, warmup_seconds: Math.min(0.3, SECONDS / 4) },
          env,
        );
        pywinrmVersion = `pywinrm ${version}, python ${python}`;
        try {
          const pyLatencies: number[] = [];
          const ours: number[] = [];
          let seconds = 0;
          while (seconds < SECONDS || pyLatencies.length < 50) {
            const part = await py.slice(PYWINRM_SLICE_MS);
            for (const latency of part.latencies) pyLatencies.push(latency);
            seconds += part.seconds;
            await slice(basicGet, CLIENT_SLICE_MS, ours);
          }
          rows.push(row(NAMES.pywinrm, 'Session.Get (Basic)', 'pywinrm Protocol.send_message', summarize(ours), summarize(pyLatencies), GOAL_VS_PYWINRM));
        } finally {
          await py.close();
        }
      }
    }

    const profilePath = process.env['BENCH_PROFILE'];
    if (selected(NAMES.ntlm) || profilePath) {
      const ntlm = ntlmSession(sealed.url);
      expectIncludes(ok(await ntlm.Get(GET_LOCATOR), 'Session.Get (NTLM, sealed)'), GET_EXPECT, 'Session.Get (NTLM, sealed)');
      const ntlmGet = getWith(ntlm);
      if (selected(NAMES.ntlm)) {
        progress(NAMES.ntlm);
        const { target, baseline } = await measurePaired(ntlmGet, basicGet, REQUESTS);
        rows.push(row(NAMES.ntlm, 'Session.Get (Negotiate/NTLM, sealed)', 'Session.Get (Basic)', target, baseline, GOAL_NTLM_VS_BASIC));
        progress('CPU per Get, client and server, Basic and NTLM-sealed');
        cpu = await cpuPerGet([
          { name: 'Session.Get (Basic)', get: basicGet, server: plain },
          { name: 'Session.Get (Negotiate/NTLM, sealed)', get: ntlmGet, server: sealed },
        ]);
      }
      if (profilePath) {
        profile = await profileGets(basicGet, profilePath);
        ntlmProfile = await profileGets(ntlmGet, profilePath.replace(/(\.cpuprofile)?$/, '-ntlm.cpuprofile'));
      }
    }
  } finally {
    raw.close();
    plain.close();
    sealed.close();
  }
  const results: ClientGetResults = { rows, requestBytes, replyBytes: recorded.replyBytes, ...(pywinrmVersion ? { pywinrm: pywinrmVersion } : {}), ...(profile ? { profile } : {}), ...(ntlmProfile ? { ntlmProfile } : {}), ...(cpu ? { cpu } : {}) };
  report(results);
  return results;
}

// ---------------------------------------------------------------------------------------------
// Where one Get goes: an inspector CPU profile, self time grouped by module.

export interface ProfileLine {
  readonly group: string;
  readonly microsecondsPerGet: number;
  readonly share: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly url: string; readonly functionName: string };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
}

const GROUPS: readonly (readonly [string, RegExp])[] = [
  ['XML reader and envelope checks (src/core/protocol)', /\/src\/core\/protocol\//],
  ['fast-xml-parser', /node_modules\/fast-xml-parser\//],
  ['HTTP exchange (src/core/transport/http*, wsman-transport, body-encoding)', /\/src\/core\/transport\/(http|wsman-transport|body-encoding)/],
  ['sealing and auth (src/core/transport/auth, message-encryption)', /\/src\/core\/transport\/(auth\/|message-encryption|client-auth)/],
  ['session engine (src/core/session, capi, errors)', /\/src\/core\//],
  ['object model (src/automation)', /\/src\/automation\//],
  ['node net/stream/timers/buffer internals', /^node:(internal\/)?(net|stream|streams|stream_base_commons|timers|events|buffer)/],
  ['other node internals', /^node:/],
  ['benchmark harness', /\/bench\//],
];

function groupOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return '(idle): waiting for the server';
  if (functionName === 'writeBuffer') return 'socket write (syscall, loopback TCP)';
  // node:crypto's native HMAC/MD5 steps (NTLM signing) have no URL.
  if (url === '' && ['Hmac', 'Hash', 'init', 'update', 'digest'].includes(functionName)) return 'node:crypto natives (HMAC-MD5 of sealing)';
  for (const [name, pattern] of GROUPS) if (pattern.test(url)) return name;
  return url === '' ? `native / builtins (${functionName || 'anonymous'})` : 'other';
}

async function profileGets(get: () => Promise<void>, path: string): Promise<ProfileLine[]> {
  progress(`profiling ${SECONDS} s of Session.Get into ${path}`);
  const inspector = new InspectorSession();
  inspector.connect();
  const post = <T>(method: string, params?: object): Promise<T> =>
    new Promise((resolve, reject) => inspector.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 50 });
  await post('Profiler.start');
  let gets = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    await get();
    gets++;
  }
  const wallPerGet = ((performance.now() - start) * 1000) / gets;
  const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
  inspector.disconnect();
  writeFileSync(path, JSON.stringify(profile));
  // Shares by sample count (a sample's time delta also holds the time the thread was not
  // scheduled on this busy host, and the first one the profiler's start), applied to the wall
  // time per Get; the first and last samples are the profiler's own start and stop.
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map<string, number>();
  const samples = profile.samples.slice(1, -1);
  for (const id of samples) {
    const group = groupOf(byId.get(id)!);
    counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([group, count]) => ({ group, microsecondsPerGet: (count / samples.length) * wallPerGet, share: count / samples.length }));
}

// ---------------------------------------------------------------------------------------------

const times = (value: number): string => `${value.toFixed(2)}×`;

function report(results: ClientGetResults): void {
  console.log(`\nClient Get against fixed-reply servers (request ${results.requestBytes} B, reply ${results.replyBytes} B; one keep-alive connection each, sequential)`);
  console.log(
    table(
      ['measurement', 'measured', 'op/s', 'p50 ms', 'p99 ms', 'baseline', 'op/s', 'p50 ms', 'ratio (op/s)', 'ratio (p50)', 'goal'],
      results.rows.map((r) => [
        r.name,
        r.measured,
        fmtRate(r.target.opsPerSecond),
        fmtMs(r.target.p50Ms),
        fmtMs(r.target.p99Ms),
        r.baseline,
        fmtRate(r.reference.opsPerSecond),
        fmtMs(r.reference.p50Ms),
        times(r.ratio),
        times(r.ratioP50),
        r.goal === undefined ? '-' : `≥ ${times(r.goal)}: ${r.ratio >= r.goal ? 'met' : 'NOT met'}`,
      ]),
    ),
  );
  if (results.pywinrm) console.log(`pywinrm: ${results.pywinrm}`);
  if (!process.env['BENCH_UNDICI']) console.log('undici: not measured (BENCH_UNDICI=<path to an undici package directory> adds it).');
  if (results.cpu) {
    console.log(`\nCPU per Get, back-to-back Gets (median of ${CPU_ROUNDS} rounds in turn; server = the fixed-reply server process, from /proc):`);
    const us = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(1));
    console.log(
      table(
        ['session', 'wall µs', 'client CPU µs', 'server CPU µs', 'client + server µs'],
        results.cpu.map((line) => [line.session, us(line.wallMicroseconds), us(line.clientMicroseconds), us(line.serverMicroseconds), us(line.serverMicroseconds === undefined ? undefined : line.clientMicroseconds + line.serverMicroseconds)]),
      ),
    );
  }
  const profileTable = (title: string, lines: readonly ProfileLine[]): void => {
    console.log(`\nWhere one ${title} goes (CPU profile samples by module, × wall time per Get; idle = waiting for the server process):`);
    const shown = lines.filter((line) => line.share >= 0.002);
    // The wait for the server swings with the host's load; the busy shares are the steadier figure.
    const busy = lines.filter((line) => !line.group.startsWith('(idle)')).reduce((sum, line) => sum + line.share, 0);
    const busyShare = (line: ProfileLine): string => (line.group.startsWith('(idle)') ? '-' : `${((line.share / busy) * 100).toFixed(1)} %`);
    console.log(table(['group', 'µs per Get', 'share', 'share of busy time'], shown.map((line) => [line.group, line.microsecondsPerGet.toFixed(1), `${(line.share * 100).toFixed(1)} %`, busyShare(line)])));
  };
  if (results.profile) profileTable('Session.Get (Basic)', results.profile);
  if (results.ntlmProfile) profileTable('Session.Get (Negotiate/NTLM, sealed)', results.ntlmProfile);
}

if (require.main === module) {
  const env = environment();
  console.log(`wsman-automation client Get benchmark — node ${env.node} (V8 ${env.v8}), ${env.os}`);
  console.log(`CPU: ${env.cpu} × ${env.cpuCount}`);
  runClientGetBench()
    .then((clientGet) => writeResultsJson({ suite: 'client-get', clientGet }))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exitCode = 1;
    });
}

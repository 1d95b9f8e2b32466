/**
 * Memory of idle client sessions: 10,000 WSMan.Automation sessions in this process
 * (`createObject('WSMan.Automation').CreateSession(url, flags, options)`), each having made one
 * Get and keeping its keep-alive connection open, then the heap they hold: heapUsed after a full
 * GC minus heapUsed after a full GC before the first session, ÷ the number of sessions. The
 * sessions talk to the embedded endpoint run in a child process (its MaxConnections raised past the
 * session count), so the server's sockets are not in this heap. Also reported: external memory
 * (Buffers) and RSS per session.
 *
 *   BENCH_SUITE=sessions npm run bench          SESSIONS=N to change the count (default 10,000)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createObject, formatHResult, WSManSessionFlags, type ComResult, type Session } from '../src/index';
import { progress } from './config';
import { table } from './format';
import { BIG_CLASS } from './instances';

const USER = 'alice';
const PASSWORD = 'Secret#1';
const FLAGS = WSManSessionFlags.WSManFlagUseBasic | WSManSessionFlags.WSManFlagCredUsernamePassword | WSManSessionFlags.WSManFlagNoEncryption;
const LOCATOR = `wmicimv2/${BIG_CLASS}?Name=WinRM`;
/** Gets in flight while the sessions are opened. */
const CONCURRENCY = 50;
const GOAL_BYTES = 20 * 1024;

function sessionCount(): number {
  const raw = process.env['SESSIONS'];
  const count = raw === undefined || raw === '' ? 10_000 : Number(raw);
  if (!Number.isInteger(count) || count <= 0) throw new Error(`SESSIONS must be a positive integer (got "${raw}")`);
  return count;
}

/** A full GC on demand without starting node with --expose-gc. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function ok<T>(result: ComResult<T>, what: string): T {
  if (result.hr !== 0 || result.error) throw new Error(`${what}: ${formatHResult(result.hr)} ${result.error?.description ?? ''}`.trim());
  return result.value as T;
}

interface ChildEndpoint {
  readonly url: string;
  stop(): void;
}

/** The embedded endpoint in a child process, admitting `connections` connections. */
function startChildEndpoint(connections: number): Promise<ChildEndpoint> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wsman-sessions-'));
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ 'Service/MaxConnections': String(connections + 100) }));
  const script =
    `require('./src/server/endpoint').startEndpoint({ port: 0, users: ['${USER}:${PASSWORD}'], allowUnencrypted: true, machineName: 'BENCH-HOST', dataDir: ${JSON.stringify(dataDir)} })` +
    `.then((e) => process.stdout.write(e.url + '\\n'), (error) => { console.error(error); process.exit(1); });`;
  const child: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register', '-e', script], { cwd: join(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = (): void => {
    child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n')[0]!;
      if (out.includes('\n')) resolve({ url: line.trim(), stop });
    });
    child.once('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`the endpoint process exited (${code})`));
    });
  });
}

/**
 * Sockets this process holds open (Linux: /proc/self/fd): the sessions' keep-alive connections,
 * the child endpoint's being in its own process. NaN where /proc is missing. Idle keep-alive
 * sockets are unref'd by node:http's Agent, so process.getActiveResourcesInfo() does not list them.
 */
function openSockets(): number {
  try {
    return readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
      } catch {
        return false;
      }
    }).length;
  } catch {
    return NaN;
  }
}

function openSession(url: string): Session {
  const wsman = createObject('WSMan.Automation');
  const options = ok(wsman.CreateConnectionOptions(), 'CreateConnectionOptions');
  ok(options.put_UserName(USER), 'put_UserName');
  ok(options.put_Password(PASSWORD), 'put_Password');
  return ok(wsman.CreateSession(url, FLAGS, options), 'CreateSession');
}

export interface SessionsResult {
  readonly sessions: number;
  readonly openConnections: number;
  readonly heapBytesPerSession: number;
  readonly externalBytesPerSession: number;
  readonly rssBytesPerSession: number;
  readonly openMs: number;
}

export async function runSessionsBench(): Promise<SessionsResult> {
  const count = sessionCount();
  const gc = collector();
  console.log(`${count.toLocaleString('en-US')} idle WSMan.Automation sessions (one Get each, connection kept alive) against the embedded endpoint in a child process\n`);
  const endpoint = await startChildEndpoint(count);
  try {
    // Warm: the modules and the first session's lazily built parts are not any session's cost.
    const warm = openSession(endpoint.url);
    ok(await warm.Get(LOCATOR), 'Get');
    gc();
    gc();
    const before = process.memoryUsage();

    progress(`opening ${count} sessions`);
    const sessions: Session[] = [];
    const started = performance.now();
    for (let next = 0; next < count; ) {
      const batch: Promise<void>[] = [];
      for (; next < count && batch.length < CONCURRENCY; next++) {
        const session = openSession(endpoint.url);
        sessions.push(session);
        batch.push(session.Get(LOCATOR).then((reply) => void ok(reply, 'Get')));
      }
      await Promise.all(batch);
    }
    const openMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 200));
    gc();
    gc();
    const after = process.memoryUsage();
    const openConnections = openSockets();
    const result: SessionsResult = {
      sessions: sessions.length,
      openConnections,
      heapBytesPerSession: (after.heapUsed - before.heapUsed) / count,
      externalBytesPerSession: (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / count,
      rssBytesPerSession: (after.rss - before.rss) / count,
      openMs,
    };
    console.log(
      table(
        ['sessions', 'open connections', 'heap / session', 'external / session', 'RSS / session', 'opened in', 'goal (heap)'],
        [
          [
            result.sessions.toLocaleString('en-US'),
            Number.isNaN(result.openConnections) ? '-' : result.openConnections.toLocaleString('en-US'),
            `${(result.heapBytesPerSession / 1024).toFixed(1)} KB`,
            `${(result.externalBytesPerSession / 1024).toFixed(1)} KB`,
            `${(result.rssBytesPerSession / 1024).toFixed(1)} KB`,
            `${(openMs / 1000).toFixed(1)} s`,
            `< ${GOAL_BYTES / 1024} KB: ${result.heapBytesPerSession < GOAL_BYTES ? 'met' : 'not met'}`,
          ],
        ],
      ),
    );
    console.log(
      'heap = heapUsed after two full GCs with the sessions alive minus before the first; KB = 1024 bytes. open connections = sockets this ' +
        'process holds (its pipes to the child included) after the sessions went idle. The sessions are kept referenced until measured.',
    );
    // Kept alive to here, so the measurement sees them.
    if (sessions.length !== count) throw new Error('lost sessions');
    return result;
  } finally {
    endpoint.stop();
  }
}

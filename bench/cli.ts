/**
 * The CLI's enumeration against the library alone (BENCH_SUITE=cli): 100,000 generated
 * Win32_Service instances enumerated by `wsman e … -format:json > /dev/null` (the real bin, a
 * process of its own) and by a process that only drives the library's Enumerator, runs
 * alternating, medians reported. Both start the same way (ts-node from the sources), so the
 * items/s include one start-up each. Peak RSS comes from the child itself at exit; the RSS of a
 * `wsman get` of one instance is the floor that shows whether memory stays flat while 100,000
 * items stream through. Nothing is asserted: figures and ratios only.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEndpoint } from '../src/server/endpoint';
import { progress, SECONDS } from './config';
import { fmtRate, table } from './format';
import { BIG_CLASS_URI, generateServiceInstances } from './instances';

const COUNT = 100_000;
const USER = 'bench';
const PASSWORD = 'Bench#Pass1';
const ROOT = join(__dirname, '..');

export interface CliBenchRow {
  readonly name: string;
  readonly runs: number;
  readonly seconds: number;
  readonly itemsPerSecond: number;
  readonly peakRssMb: number;
}

export interface CliResults {
  readonly items: number;
  readonly rows: readonly CliBenchRow[];
  readonly ratioItemsPerSecond: number;
  readonly floorRssMb: number;
}

interface ChildRun {
  readonly seconds: number;
  readonly rssMb: number;
  readonly stdout: string;
}

/** A preload that reports the process's peak RSS on stderr when it exits. */
function writeRssPreload(dir: string): string {
  const file = join(dir, 'report-rss.js');
  writeFileSync(file, "process.on('exit', () => process.stderr.write(`\\nPEAK_RSS_KB=${process.resourceUsage().maxRSS}\\n`));\n");
  return file;
}

function runChild(args: readonly string[], stdoutToNull: boolean): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const devNull = stdoutToNull ? openSync('/dev/null', 'w') : undefined;
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', devNull ?? 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      if (devNull !== undefined) closeSync(devNull);
      const seconds = (performance.now() - started) / 1000;
      const rss = /PEAK_RSS_KB=(\d+)/.exec(stderr);
      if (code !== 0 || !rss) return reject(new Error(`child ${args.join(' ')} exited ${code}: ${stderr.slice(0, 2000)}`));
      resolve({ seconds, rssMb: Number(rss[1]) / 1024, stdout });
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function runCliBench(): Promise<CliResults> {
  console.log(`CLI enumeration: \`wsman e … -format:json > /dev/null\` against the library's Enumerator alone, ${COUNT.toLocaleString('en-US')} instances`);
  const dir = mkdtempSync(join(tmpdir(), 'wsman-cli-bench-'));
  progress(`generating ${COUNT.toLocaleString('en-US')} Win32_Service instances`);
  const instances = generateServiceInstances(COUNT);
  const endpoint = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], allowUnencrypted: true, cimInstancesDir: instances.dir, machineName: 'BENCH-HOST' });
  try {
    const preload = writeRssPreload(dir);
    const switches = [`-r:${endpoint.url}`, `-u:${USER}`, `-p:${PASSWORD}`, '-a:basic', '-un'];
    const cliArgs = ['-r', preload, join(ROOT, 'bin', 'wsman.js'), 'e', BIG_CLASS_URI, ...switches, '-format:json'];
    const libraryArgs = ['-r', preload, '-r', 'ts-node/register/transpile-only', join(__dirname, 'cli-library-enumerate.ts'), endpoint.url!, USER, PASSWORD, BIG_CLASS_URI];

    progress('checking both read every item');
    const checkCli = await runChild(cliArgs, false);
    const lines = checkCli.stdout.split('\n').filter((line) => line !== '');
    if (lines.length !== COUNT || new Set(lines.map((line) => (JSON.parse(line) as { Name: string }).Name)).size !== COUNT) {
      throw new Error(`wsman e printed ${lines.length} items, expected ${COUNT} distinct`);
    }
    const checkLibrary = await runChild(libraryArgs, false);
    if (checkLibrary.stdout.trim() !== String(COUNT)) throw new Error(`the library read ${checkLibrary.stdout.trim()} items`);

    const floor = await runChild(['-r', preload, join(ROOT, 'bin', 'wsman.js'), 'get', `${BIG_CLASS_URI}?Name=${instances.names[0]}`, ...switches, '-format:json'], true);

    const runs = Math.max(2, Math.round(SECONDS));
    const cli: ChildRun[] = [];
    const library: ChildRun[] = [];
    for (let i = 0; i < runs; i++) {
      progress(`run ${i + 1} of ${runs}`);
      library.push(await runChild(libraryArgs, true));
      cli.push(await runChild(cliArgs, true));
    }
    const row = (name: string, all: readonly ChildRun[]): CliBenchRow => {
      const seconds = median(all.map((r) => r.seconds));
      return { name, runs: all.length, seconds, itemsPerSecond: COUNT / seconds, peakRssMb: median(all.map((r) => r.rssMb)) };
    };
    const rows = [row('library Enumerator alone', library), row('wsman e -format:json > /dev/null', cli)];
    const result: CliResults = { items: COUNT, rows, ratioItemsPerSecond: rows[1].itemsPerSecond / rows[0].itemsPerSecond, floorRssMb: floor.rssMb };
    console.log(
      table(
        ['process', 'runs', 's (median)', 'items/s', 'peak RSS MB', 'vs library'],
        rows.map((r) => [r.name, String(r.runs), r.seconds.toFixed(2), fmtRate(r.itemsPerSecond), r.peakRssMb.toFixed(1), `${(r.itemsPerSecond / rows[0].itemsPerSecond).toFixed(2)}×`]),
      ),
    );
    console.log(`Peak RSS of \`wsman get\` of one instance (the floor): ${floor.rssMb.toFixed(1)} MB; the enumeration of ${COUNT.toLocaleString('en-US')} adds ${(rows[1].peakRssMb - floor.rssMb).toFixed(1)} MB.`);
    console.log('items/s include each process start-up (ts-node from the sources), the same for both.');
    return result;
  } finally {
    await endpoint.close();
    instances.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runCliBench().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  });
}

/**
 * A new user's first commands: --help, --version, `run --help` / `run //?`, `serve --help`, the
 * real bin as a process, a password prompt on a terminal, and the feedback of long or silent
 * requests (progress line, waiting notice) that appears only on terminals.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { InStream } from '../../src/cli/io';
import { EnumerationProgress } from '../../src/cli/progress';
import { SILENCE_NOTICE, SilenceWatch } from '../../src/cli/waiting';
import type { RunningEndpoint } from '../../src/server/endpoint';
import { basicSwitches, PASSWORD, startCliEndpoint, USER, wsman } from './cli-harness';

const ROOT = join(__dirname, '..', '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('usage and version', () => {
  it('--help lists the commands, --version the package version', async () => {
    const help = await wsman(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: wsman COMMAND/);
    expect(help.stdout).toContain('wsman serve');
    expect(await wsman(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it.each([[['run', '--help']], [['run', '//?']], [['run', '-?']], [['run']], [['run', '//Nologo', '//?']]])('%j prints the script host usage', async (args) => {
    const run = await wsman(args);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^Usage: wsman run \[\/\/options\] scriptname\.js/);
    expect(run.stdout).not.toContain('no script engine');
  });

  it('serve --help prints its usage', async () => {
    const run = await wsman(['serve', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: wsman serve /);
  });
});

describe('the bin as a process', () => {
  let endpoint: RunningEndpoint;
  beforeAll(async () => {
    endpoint = await startCliEndpoint();
  });
  afterAll(async () => {
    await endpoint.close();
  });

  it('bin/wsman.js runs the sources without a build: output on stdout, exit 0; a fault on stderr, exit 1', async () => {
    // Spawned asynchronously: a synchronous child would block the endpoint in this process.
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [join(ROOT, 'bin', 'wsman.js'), ...args], { cwd: ROOT });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const ok = await run(['get', 'wmicimv2/Win32_Service?Name=WinRM', ...basicSwitches(endpoint.url!), '-format:json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).Name).toBe('WinRM');
    const fault = await run(['get', 'wmicimv2/Win32_Service?Name=Nope', ...basicSwitches(endpoint.url!)]);
    expect(fault.code).toBe(1);
    expect(fault.stdout).toBe('');
    expect(fault.stderr).toContain('Error number:  -2144108544 0x80338000');
  }, 60_000);

  it('a missing -p: is asked for without echo on a terminal', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[] });
    const terminal = stdin as unknown as InStream & { rawModes: boolean[] };
    terminal.setRawMode = (mode: boolean) => terminal.rawModes.push(mode);
    const pending = wsman(['id', `-r:${endpoint.url}`, `-u:${USER}`, '-a:basic', '-un'], { stdin: terminal, stderrTTY: true });
    setTimeout(() => stdin.write(`${PASSWORD}\r`), 50);
    const run = await pending;
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`Enter the password for '${USER}' to connect to '127.0.0.1:${new URL(endpoint.url!).port}': \n`);
    expect(run.stderr).not.toContain(PASSWORD);
    expect(terminal.rawModes).toEqual([true, false]);
    expect(run.stdout).toMatch(/^IdentifyResponse/);
  });

  it('without a terminal there is no prompt: the object model\'s own rule answers', async () => {
    const run = await wsman(['id', `-r:${endpoint.url}`, `-u:${USER}`, '-a:basic', '-un']);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('Enter the password');
  });
});

describe('feedback on terminals only', () => {
  const sink = (isTTY: boolean) => {
    const out = { text: '', isTTY, write: (t: string) => (out.text += t) };
    return out;
  };

  it('progress: items, pages and rate on a terminal stderr when the items go elsewhere, throttled, erased at the end', () => {
    let now = 0;
    const stderr = sink(true);
    const progress = new EnumerationProgress(stderr, sink(false), 100, () => now);
    for (let i = 0; i < 250; i++) {
      now += 10;
      progress.item();
    }
    expect(stderr.text).toContain('\r\x1b[K');
    expect(progress.line()).toBe('250 items, 3 pages, 100 items/s');
    const draws = stderr.text.split('\r\x1b[K').length - 1;
    expect(draws).toBeGreaterThan(3);
    expect(draws).toBeLessThan(10);
    progress.clear();
    expect(stderr.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('no progress into a pipe, nor over items on the same terminal', () => {
    for (const [err, out] of [[false, false], [true, true]]) {
      let now = 0;
      const stderr = sink(err);
      const progress = new EnumerationProgress(stderr, sink(out), 10, () => (now += 100));
      for (let i = 0; i < 100; i++) progress.item();
      progress.clear();
      expect(stderr.text).toBe('');
    }
  });

  it('a silent server is announced after the delay on a terminal, and the notice goes when an answer comes', async () => {
    const stderr = sink(true);
    const watch = new SilenceWatch(stderr, 20);
    watch.waiting();
    await new Promise((r) => setTimeout(r, 60));
    expect(stderr.text).toBe(SILENCE_NOTICE);
    watch.heard();
    expect(stderr.text).toBe(`${SILENCE_NOTICE}\r\x1b[K`);
    watch.stop();
    const pipe = sink(false);
    const quiet = new SilenceWatch(pipe, 1);
    quiet.waiting();
    await new Promise((r) => setTimeout(r, 20));
    quiet.stop();
    expect(pipe.text).toBe('');
  });
});

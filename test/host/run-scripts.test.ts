/**
 * `wsman run` end to end: legacy WSH JScript files (test/host/scripts, written like the WinRM
 * scripting samples) run unmodified in a child process against embedded endpoints, their
 * output compared with the expected text, their exit codes and their prompt exit checked.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { inChildSlot } from '../helpers/child-slots';

const ROOT = join(__dirname, '..', '..');
const SCRIPTS = join(__dirname, 'scripts');
const USER = 'scripter';
const PASSWORD = 'Scr1pt#Pass';
const MACHINE = 'WIN-SCRIPTHOST';
/** A finished script's process must be gone well before any idle connection could time out (120 s). */
const PROMPT_EXIT_MS = 15_000;

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

/** `node -r ts-node/register/transpile-only src/cli/main.ts run …`: the CLI from the sources, no build needed. */
function wsmanRun(args: readonly string[], input = ''): Promise<Run> {
  return inChildSlot(() => spawnRun(args, input));
}

function spawnRun(args: readonly string[], input: string): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'cli', 'main.ts'), 'run', ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdin.end(input);
  const killer = setTimeout(() => child.kill(), PROMPT_EXIT_MS * 2);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

const script = (name: string): string => join(SCRIPTS, name);
const expected = (name: string): string => readFileSync(join(SCRIPTS, name.replace(/\.js$/, '.expected.txt')), 'utf8');

function expectClean(run: Run): void {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.signal).toBeNull();
  expect(run.elapsedMs).toBeLessThan(PROMPT_EXIT_MS);
}

jest.setTimeout(PROMPT_EXIT_MS * 2);

describe('wsman run', () => {
  // Concurrent tests start without waiting for beforeAll, so they await the endpoints themselves.
  // Scripts that change the endpoint's state get their own, so that all can run at once.
  const endpointOptions = { port: 0, users: [`${USER}:${PASSWORD}`], allowUnencrypted: true, machineName: MACHINE };
  const endpoints = Promise.all([startEndpoint(endpointOptions), startEndpoint(endpointOptions)]);
  const credentials = async (which: 'shared' | 'changing'): Promise<string[]> => {
    const [shared, changing] = await endpoints;
    const endpoint: RunningEndpoint = which === 'shared' ? shared : changing;
    return [`/url:${endpoint.url}`, `/user:${USER}`, `/password:${PASSWORD}`];
  };

  afterAll(async () => {
    await Promise.all((await endpoints).map((endpoint) => endpoint.close()));
  });

  it.concurrent.each([
    ['identify.js', []],
    ['get-selectors.js', ['WinRM']],
    ['resource-locator.js', []],
    ['enumerate-wql.js', []],
    ['errors.js', []],
  ])('runs %s against the endpoint', async (name, extra) => {
    const run = await wsmanRun(['//Nologo', script(name), ...(await credentials('shared')), ...extra]);
    expectClean(run);
    expect(run.stdout).toBe(expected(name));
  });

  it.concurrent('stops and starts a service with Invoke', async () => {
    const run = await wsmanRun([script('invoke-service.js'), ...(await credentials('changing')), '/service:Spooler']);
    expectClean(run);
    expect(run.stdout).toBe(expected('invoke-service.js'));
  });

  it.concurrent('puts winrm/config and reads it back', async () => {
    const run = await wsmanRun([script('put-config.js'), ...(await credentials('changing')), '/size:1024']);
    expectClean(run);
    expect(run.stdout).toBe(expected('put-config.js'));
  });

  it.concurrent('gives the script its arguments, named and unnamed', async () => {
    const run = await wsmanRun([script('arguments.js'), 'first', '/mode:fast', 'second', '/verbose', '//B']);
    expectClean(run);
    expect(run.stdout).toBe(expected('arguments.js'));
  });

  it.concurrent('reads StdIn to its end and writes StdOut and StdErr', async () => {
    const run = await wsmanRun([script('stdin.js')], 'alpha\r\nbeta\ngamma');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('1: ALPHA\n2: BETA\n3: GAMMA\n');
    expect(run.stderr).toBe('3 lines\n');
  });

  it.concurrent('ends with the code given to WScript.Quit, in the middle of a loop', async () => {
    const run = await wsmanRun([script('quit.js'), '/code:7']);
    expect(run.code).toBe(7);
    expect(run.stdout).toBe(expected('quit.js'));
    expect(run.elapsedMs).toBeLessThan(PROMPT_EXIT_MS);
  });

  it.concurrent('stops a script that swallowed the Quit at its next call into the host', async () => {
    const run = await wsmanRun([script('quit-swallowed.js')]);
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('');
  });

  it.concurrent('prints an uncaught automation error like WSH and ends with 1', async () => {
    const run = await wsmanRun([script('uncaught.js'), ...(await credentials('shared'))]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('before\n');
    expect(run.stderr).toBe(`${script('uncaught.js')}(14, 19) Session: The WS-Management service cannot process the request. The service cannot find the resource identified by the resource URI and selectors.\n`);
    expect(run.elapsedMs).toBeLessThan(PROMPT_EXIT_MS);
  });

  it.concurrent('keeps script errors off the console in batch mode (//B)', async () => {
    const run = await wsmanRun(['//B', script('uncaught.js'), ...(await credentials('shared'))]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
  });

  it.concurrent('reports a compilation error with its position', async () => {
    const run = await wsmanRun([script('syntax-error.js')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`${script('syntax-error.js')}(3, 14) Microsoft JScript compilation error: Unexpected token ';'\n`);
  });

  it.concurrent('refuses what cscript refuses: other engines, unknown host options, missing files', async () => {
    const perl = await wsmanRun([join(SCRIPTS, 'winrm.pl')]);
    expect(perl.code).toBe(2);
    expect(perl.stderr).toContain('Input Error: There is no script engine for file extension ".pl".');
    const option = await wsmanRun(['//X', script('quit.js')]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('Input Error: Unknown option "//X" specified.');
    const missing = await wsmanRun([script('missing.js')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`Input Error: Can not find script file "${script('missing.js')}".\n`);
  });
});

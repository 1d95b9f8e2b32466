/**
 * Every code block of README.md, run as pasted (`npm run test:readme`; it spawns many processes,
 * so it is kept out of `npm test`). The blocks run in a scratch directory set up like a project
 * that installed the package: `node_modules/wsman-automation` (the sources, through ts-node) and
 * `node_modules/.bin/wsman`. Files a block names in its first line (`// first.js`, `' identify.vbs`) are saved
 * under that name. The ports 5985/5986 are replaced by free ones so runs never collide; the
 * Windows-host example gets the embedded endpoint through its WINRM_* variables. The install
 * and test commands of "The two commands" are what CI itself runs, and are not run again here.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';

const ROOT = join(__dirname, '..', '..');

interface Block {
  readonly language: string;
  readonly code: string;
  readonly line: number;
}

function readmeBlocks(): Block[] {
  const blocks: Block[] = [];
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ language: open[1], code: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command in its own process group and ends the whole group afterwards (background servers included). */
function runGroup(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 240_000): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // the group is gone already
      }
      resolve({ code, stdout, stderr });
    });
  });
}

/** What the named examples must print when they reach the endpoint. */
const EXPECTED_OUTPUT: Readonly<Record<string, RegExp>> = {
  'first.js': /IdentifyResponse/,
  'windows-host.js': /Win32_OperatingSystem[\s\S]*Win32_Service/,
};

const blocks = readmeBlocks();
let dir: string;
let endpoint: RunningEndpoint;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wsman-readme-'));
  const pkg = join(dir, 'node_modules', 'wsman-automation');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'wsman-automation', main: 'index.js' }));
  writeFileSync(
    join(pkg, 'index.js'),
    `require(${JSON.stringify(require.resolve('ts-node'))}).register({ project: ${JSON.stringify(join(ROOT, 'tsconfig.json'))}, transpileOnly: true });\n` +
      `module.exports = require(${JSON.stringify(join(ROOT, 'src', 'index.ts'))});\n`,
  );
  mkdirSync(join(dir, 'node_modules', '.bin'));
  symlinkSync(join(ROOT, 'bin', 'wsman.js'), join(dir, 'node_modules', '.bin', 'wsman'));
  endpoint = await startEndpoint({ port: 0, users: ['alice:Secret#1'], allowUnencrypted: true });
  env = { ...process.env, WINRM_HOST: endpoint.url, WINRM_USER: 'alice', WINRM_PASSWORD: 'Secret#1', WSMAN_CERT_STORE: join(dir, 'certs') };
}, 60_000);

afterAll(async () => {
  await endpoint?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('the README has its blocks', () => {
  expect(blocks.filter((b) => b.language === 'sh').length).toBeGreaterThanOrEqual(4);
  expect(blocks.filter((b) => b.language === 'js').length).toBeGreaterThanOrEqual(3);
});

describe.each(blocks.map((block) => [`${block.language} block at README.md:${block.line}`, block] as const))('%s', (_name, block) => {
  it('runs as pasted', async () => {
    const http = await freePort();
    const https = await freePort();
    const code = block.code.replace(/5985/g, String(block.language === 'js' ? new URL(endpoint.url!).port : http)).replace(/5986/g, String(https));
    const named = /^\/\/ ([\w.-]+\.js)\b/.exec(code)?.[1];
    if (block.language === 'jscript') {
      writeFileSync(join(dir, named ?? 'script.js'), code);
      return;
    }
    if (block.language === 'vb') {
      writeFileSync(join(dir, /^' ([\w.-]+\.vbs)\b/.exec(code)?.[1] ?? 'script.vbs'), code);
      return;
    }
    if (block.language === 'js') {
      const file = named ?? `block-${block.line}.js`;
      writeFileSync(join(dir, file), code);
      const ran = await runGroup(process.execPath, [file], dir, env);
      expect(ran.stderr).toBe('');
      expect(ran.code).toBe(0);
      expect(ran.stdout).toMatch(EXPECTED_OUTPUT[file] ?? /^/);
      return;
    }
    expect(block.language).toBe('sh');
    if (/^npm (install|test|start)/m.test(code)) return;
    const ran = await runGroup('bash', ['-e', '-c', code], dir, env);
    if (ran.code !== 0) throw new Error(`exit ${ran.code}\nstdout:\n${ran.stdout}\nstderr:\n${ran.stderr}`);
  }, 300_000);
});

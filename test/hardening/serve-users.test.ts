/**
 * Defect 9 of issue 11 (second part): `wsman serve` takes its accounts from a file or from the
 * environment as well, so that no password needs to show in `ps`, and says so in --help.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIdentifyEnvelope } from '../../src/core/protocol/envelope';
import { parseServeArguments, serve, USERS_VARIABLE } from '../../src/cli/serve';
import { basic, post } from '../server/endpoint-harness';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wsman-serve-users-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('accounts from a file and from the environment', () => {
  it('--user-file: one NAME:PASSWORD per line, comments and empty lines skipped, CRLF accepted', () => {
    const file = join(dir, 'users');
    writeFileSync(file, '# accounts\r\nalice:pa:ss\r\n\r\nbob:x#1\n');
    expect(parseServeArguments(['--user-file', file], {}).users).toEqual(['alice:pa:ss', 'bob:x#1']);
  });

  it(`${USERS_VARIABLE}, together with --user and --user-file`, () => {
    const file = join(dir, 'more');
    writeFileSync(file, 'carol:c\n');
    expect(parseServeArguments(['--user', 'bob:b', '--user-file', file], { [USERS_VARIABLE]: 'alice:a\ndave:d:d' }).users).toEqual([
      'alice:a',
      'dave:d:d',
      'bob:b',
      'carol:c',
    ]);
  });

  it('a malformed line is named by its number, never by its text', () => {
    const file = join(dir, 'bad');
    writeFileSync(file, 'alice:ok\nSecretWithoutName\n');
    expect(() => parseServeArguments(['--user-file', file], {})).toThrow(`line 2 of ${file} is not NAME:PASSWORD`);
    expect(() => parseServeArguments([], { [USERS_VARIABLE]: 'Hunter2' })).toThrow(/^line 1 of WSMAN_SERVE_USERS is not NAME:PASSWORD$/);
    expect(() => parseServeArguments(['--user-file', join(dir, 'missing')], {})).toThrow(/cannot be read \(ENOENT\)/);
  });

  it('--help names both ways and why', async () => {
    const lines: string[] = [];
    expect(await serve(['--help'], (line) => lines.push(line))).toBe(0);
    const help = lines.join('\n');
    expect(help).toContain('--user-file FILE');
    expect(help).toContain(USERS_VARIABLE);
    expect(help).toContain('ps');
  });
});

it('a served process with its account in the environment: the password is in neither its arguments nor its output', async () => {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', '..', 'src', 'cli', 'main.ts'), 'serve', '--port', '0', '--allow-unencrypted'],
    { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, [USERS_VARIABLE]: 'alice:Env#Secret1' } },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in: ${output}`)), 20000);
      child.stdout.on('data', () => {
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    expect(child.spawnargs.join(' ')).not.toContain('Env#Secret1');
    const reply = await post(url, buildIdentifyEnvelope(), { headers: { Authorization: basic('alice', 'Env#Secret1') } });
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toContain('secprofile/http/basic');
    expect(output).not.toContain('Env#Secret1');
  } finally {
    child.kill('SIGKILL');
  }
}, 30000);

/** `wsman serve` as a user runs it: a real process that listens, answers, and stops on SIGTERM. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIdentifyEnvelope } from '../../src/core/protocol/envelope';
import { createServer } from 'node:net';
import { parseServeArguments, serve } from '../../src/cli/serve';
import { post } from '../server/endpoint-harness';

describe('wsman serve arguments', () => {
  it('reads every option', () => {
    expect(
      parseServeArguments([
        '--host', '::1', '--port', '0', '--https', '--https-port', '15986', '--user', 'alice:pa:ss', '--user', 'bob:x',
        '--allow-unencrypted', '--data', '/tmp/d', '--map-cert', 'alice@contoso.test=alice@AB CD', '--machine', 'WIN-X',
      ]),
    ).toEqual({
      host: '::1',
      port: 0,
      https: true,
      httpsPort: 15986,
      users: ['alice:pa:ss', 'bob:x'],
      allowUnencrypted: true,
      dataDir: '/tmp/d',
      certificateMappings: [{ subject: 'alice@contoso.test', userName: 'alice', issuerThumbprint: 'AB CD' }],
      machineName: 'WIN-X',
    });
  });

  it.each([
    [['--port', '70000'], /port number/],
    [['--port'], /needs a value/],
    [['--user', 'nopassword'], /NAME:PASSWORD/],
    [['--map-cert', 'x'], /SUBJECT=USER/],
    [['--frobnicate'], /unknown option/],
  ])('refuses %j', (args, message) => {
    expect(() => parseServeArguments(args)).toThrow(message);
  });
});

describe('wsman serve process', () => {
  it('prints where it listens, answers Identify, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wsman-serve-'));
    const child = spawn(process.execPath, ['-r', 'ts-node/register', join(__dirname, '..', '..', 'src', 'cli', 'main.ts'), 'serve', '--port', '0', '--user', 'alice:Secret#1', '--data', dataDir], {
      cwd: join(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line in: ${output}`)), 20000);
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const reply = await post(url, buildIdentifyEnvelope(), { headers: { WSMANIDENTIFY: 'unauthenticated' } });
      expect(reply.status).toBe(200);
      const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(output).toContain('WinRM endpoint stopped');
      expect(output).not.toContain('Secret#1');
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30000);
});

describe('wsman serve failures', () => {
  it('a port in use is a clear message and exit code 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const lines: string[] = [];
    try {
      expect(await serve(['--port', String(port)], (line) => lines.push(line))).toBe(1);
      expect(lines.join('\n')).toMatch(/cannot start the endpoint: .*EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });
});

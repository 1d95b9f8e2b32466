/**
 * `wsman shell` (winrs for Node) against the embedded endpoint running real processes: switch
 * parsing as winrs writes switches, exit codes, stdout and stderr kept apart, stdin piped,
 * environment and working directory, Unicode in both code pages, Ctrl-C → ctrl_c and a second
 * one → terminate, an interactive shell fed line by line, a dropped connection replaced while the
 * command runs on, and WinRM failures as winrs prints them.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { parseShellArguments, shellCommand, UsageError } from '../../src/cli/commands/shell';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';

const USER = 'alice';
const PASSWORD = 'Secret#1';
const IS_WINDOWS = process.platform === 'win32';

jest.setTimeout(30_000);

interface Run {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs `wsman shell` in-process with our own stdio; `during` can feed stdin or press Ctrl-C. */
async function wsmanShell(args: readonly string[], during?: (io: { stdin: PassThrough; signals: EventEmitter; stdout: PassThrough }) => void | Promise<void>): Promise<Run> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const signals = new EventEmitter();
  const out: Buffer[] = [];
  let err = '';
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const running = shellCommand(args, { stdin, stdout, stderr, signals });
  if (during) await during({ stdin, signals, stdout });
  else stdin.end();
  const code = await running;
  return { code, stdout: Buffer.concat(out), stderr: err };
}

const waitFor = (stream: PassThrough, text: string): Promise<void> =>
  new Promise((resolve) => {
    let seen = '';
    const look = (c: Buffer): void => {
      seen += c.toString();
      if (seen.includes(text)) {
        stream.off('data', look);
        resolve();
      }
    };
    stream.on('data', look);
  });

describe('wsman shell: arguments', () => {
  it('winrs switch forms: - or /, any case, long and short names, name:value; the rest is the command line', () => {
    expect(parseShellArguments(['/R:srv', '-U:bob', '-p:a:b', '-A:Basic', '-un', '/SSL', '-skipCAcheck', '-SkipCNCheck', '-d:C:\\x', '-env:A=1', '-environment:B=x=y', '-nop', '-cp:437', 'dir', 'C:\\Program Files', 'a"b'])).toEqual({
      remote: 'srv',
      user: 'bob',
      password: 'a:b',
      authentication: 'basic',
      unencrypted: true,
      useSsl: true,
      skipCaCheck: true,
      skipCnCheck: true,
      directory: 'C:\\x',
      environment: { A: '1', B: 'x=y' },
      noProfile: true,
      codepage: 437,
      commandLine: 'dir "C:\\Program Files" "a\\"b"',
    });
  });

  it('defaults: Negotiate, code page 65001, the interactive shell when no command is given; a /path is a command', () => {
    expect(parseShellArguments(['-r:srv'])).toMatchObject({ authentication: 'negotiate', codepage: 65001, commandLine: '', noProfile: false });
    expect(parseShellArguments(['-r:srv', '/bin/ls', '-l']).commandLine).toBe('/bin/ls -l');
  });

  it.each([
    [['dir'], '-r:URL is required'],
    [['-r:srv', '-bogus', 'dir'], 'unknown switch -bogus'],
    [['-r'], '-r needs a value'],
    [['-r:srv', '-noprofile:yes'], '-noprofile takes no value'],
    [['-r:srv', '-env:NOVALUE'], '-env needs NAME=VALUE'],
    [['-r:srv', '-a:kerberos'], '-a must be basic or negotiate'],
    [['-r:srv', '-codepage:utf8'], '-codepage needs a number'],
  ])('%j → usage error', (args, message) => {
    expect(() => parseShellArguments(args)).toThrow(UsageError);
    expect(() => parseShellArguments(args)).toThrow(message);
  });

  it('a usage error prints the usage and exits 2 without connecting', async () => {
    const run = await wsmanShell(['-r:http://127.0.0.1:9/wsman', '-bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^unknown switch -bogus\nusage: wsman shell -r:URL/);
  });
});

(IS_WINDOWS ? describe.skip : describe)('wsman shell against the embedded endpoint', () => {
  let endpoint: RunningEndpoint;
  let basic: string[];
  beforeAll(async () => {
    endpoint = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], allowUnencrypted: true, machineName: 'WIN-SHELLTEST' });
    basic = [`-r:${endpoint.url}`, `-u:${USER}`, `-p:${PASSWORD}`, '-a:basic', '-unencrypted'];
  });
  afterAll(async () => {
    await endpoint.close();
  });

  it('exits with the remote exit code; stdout and stderr stay apart', async () => {
    const run = await wsmanShell([...basic, 'echo out; echo err >&2; exit 3']);
    expect(run).toEqual({ code: 3, stdout: Buffer.from('out\n'), stderr: 'err\n' });
  });

  it('pipes our stdin to the command, End at our end', async () => {
    const run = await wsmanShell([...basic, 'tr', 'a-z', 'A-Z'], ({ stdin }) => {
      stdin.write('first line\n');
      stdin.end('second line\n');
    });
    expect(run).toEqual({ code: 0, stdout: Buffer.from('FIRST LINE\nSECOND LINE\n'), stderr: '' });
  });

  it('-env and -d reach the command', async () => {
    const run = await wsmanShell([...basic, '-env:GREETING=hello world', '-env:EMPTY=', '-d:/tmp', 'echo "$GREETING [$EMPTY]"; pwd']);
    expect(run.stdout.toString()).toBe('hello world []\n/tmp\n');
  });

  it('Unicode: code page 65001 gives the UTF-8 bytes; 437 gives the OEM bytes (unmappable → ?)', async () => {
    const text = "printf 'Grüße €\\n'";
    expect((await wsmanShell([...basic, text])).stdout).toEqual(Buffer.from('Grüße €\n', 'utf8'));
    expect((await wsmanShell([...basic, '-codepage:437', text])).stdout).toEqual(Buffer.from([0x47, 0x72, 0x81, 0xe1, 0x65, 0x20, 0x3f, 0x0a]));
  });

  it('Ctrl-C sends ctrl_c: the command is interrupted and its status comes back', async () => {
    const started = Date.now();
    const run = await wsmanShell([...basic, "trap 'echo interrupted; exit 5' INT; echo ready; sleep 30; echo never"], async ({ stdout, signals }) => {
      await waitFor(stdout, 'ready');
      signals.emit('SIGINT');
    });
    expect(run.stdout.toString()).toBe('ready\ninterrupted\n');
    expect(run.code).toBe(5);
    expect(Date.now() - started).toBeLessThan(25_000);
  });

  it('a second Ctrl-C sends terminate: a command that ignores ctrl_c still ends', async () => {
    const run = await wsmanShell([...basic, "trap '' INT; echo ready; sleep 30; echo after"], async ({ stdout, signals }) => {
      await waitFor(stdout, 'ready');
      signals.emit('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 300));
      signals.emit('SIGINT');
    });
    expect(run.stdout.toString()).toBe('ready\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Winrs error:The WinRM Shell client cannot process the request. The command is currently terminating or was terminated.\n$/);
  });

  it('an interactive shell reads our lines as they are typed', async () => {
    const run = await wsmanShell([...basic, 'sh'], async ({ stdin, stdout }) => {
      stdin.write('echo one\n');
      await waitFor(stdout, 'one');
      stdin.write('echo two\n');
      await waitFor(stdout, 'two');
      stdin.write('exit 7\n');
    });
    expect(run).toEqual({ code: 7, stdout: Buffer.from('one\ntwo\n'), stderr: '' });
  });

  it('sealed Negotiate (the default) works as well', async () => {
    const run = await wsmanShell([`-r:${endpoint.url}`, `-u:${USER}`, `-p:${PASSWORD}`, 'echo sealed']);
    expect(run).toEqual({ code: 0, stdout: Buffer.from('sealed\n'), stderr: '' });
  });

  it('WinRM failures as winrs prints them, exit 1: wrong password, nothing listening', async () => {
    expect(await wsmanShell([`-r:${endpoint.url}`, `-u:${USER}`, '-p:wrong', 'echo x'])).toEqual({ code: 1, stdout: Buffer.alloc(0), stderr: 'Winrs error:Access is denied.\n' });
    const refused = await wsmanShell(['-r:http://127.0.0.1:9/wsman', '-u:x', '-p:y', '-a:basic', '-unencrypted', 'echo x']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('Winrs error:A connection with the server could not be established\n');
  });

  describe('a dropped connection', () => {
    let proxy: Server;
    let proxyUrl: string;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      const target = new URL(endpoint.url!);
      proxy = createServer((client) => {
        const upstream = require('node:net').connect(Number(target.port), target.hostname) as Socket;
        sockets.add(client).add(upstream);
        const forget = (): void => {
          sockets.delete(client);
          sockets.delete(upstream);
          client.destroy();
          upstream.destroy();
        };
        client.pipe(upstream).pipe(client);
        client.on('close', forget).on('error', forget);
        upstream.on('close', forget).on('error', forget);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/wsman`;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    });

    it('is replaced: the still-running command is received on a new connection to its end', async () => {
      const run = await wsmanShell([`-r:${proxyUrl}`, `-u:${USER}`, `-p:${PASSWORD}`, '-a:basic', '-unencrypted', 'echo before; sleep 1; echo after; exit 9'], async ({ stdout }) => {
        await waitFor(stdout, 'before');
        for (const socket of sockets) socket.destroy();
      });
      expect(run.stdout.toString()).toBe('before\nafter\n');
      expect(run.code).toBe(9);
      expect(run.stderr).toMatch(/^Winrs error:.* Reconnecting\.\.\.\n/);
    });
  });
});

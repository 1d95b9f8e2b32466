/**
 * A private MIT Kerberos realm on loopback for the tests: the Debian krb5-kdc, krb5-admin-server
 * and krb5-user binaries, a database in a temporary directory (kdb5_util create), principals and
 * keytabs made with kadmin.local, and krb5kdc in the foreground (-n) on a free UDP+TCP port, found
 * through KRB5_CONFIG/KRB5_KDC_PROFILE files in that directory. stop() ends the KDC and removes
 * the directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from '../interop/interop-helpers';

const TOOLS = ['kdb5_util', 'kadmin.local', 'krb5kdc', 'kinit', 'ktutil', 'klist', 'kvno'] as const;

/** Why the KDC tests cannot run here, or undefined when every binary is installed. */
export function mitKdcMissing(): string | undefined {
  const missing = TOOLS.filter((tool) => findExecutable(tool) === undefined);
  return missing.length === 0 ? undefined : `MIT Kerberos binaries missing (${missing.join(', ')}): apt-get install krb5-kdc krb5-admin-server krb5-user`;
}

/** describe() when MIT Kerberos is installed; otherwise one todo naming what is missing. */
export function describeWithMitKdc(name: string, body: () => void): void {
  const missing = mitKdcMissing();
  if (missing === undefined) describe(name, body);
  else describe(name, () => it.todo(`skipped: ${missing}`));
}

export interface MitKdc {
  readonly realm: string;
  readonly port: number;
  readonly dir: string;
  /** The krb5.conf a client of this realm reads (its path is KRB5_CONFIG in `env`). */
  readonly krb5Conf: string;
  /** KRB5_CONFIG and KRB5_KDC_PROFILE for the MIT tools; merge into a child's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** kadmin.local query; throws with the tool's output on failure. */
  kadmin(query: string): string;
  addPrincipal(name: string, password: string, options?: { preauth?: boolean }): void;
  addService(name: string): void;
  /** Writes the principal's current keys to a keytab (new file or appended). */
  ktadd(principal: string, keytab: string): void;
  /** MIT kinit with a password on stdin, writing the FILE: cache `cache`. */
  kinit(principal: string, password: string, cache: string, extraArgs?: readonly string[]): void;
  /** Runs an MIT tool with this realm's environment. */
  run(tool: string, args: readonly string[], input?: string, extraEnv?: Record<string, string>): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port for the KDC');
}

async function waitForTcp(port: number, kdc: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (kdc.exitCode !== null) throw new Error(`krb5kdc exited with ${kdc.exitCode}; see ${logFile}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`krb5kdc did not listen on ${port}`);
}

export interface MitKdcOptions {
  readonly realm?: string;
  /** Extra `[libdefaults]` lines for the client krb5.conf. */
  readonly libdefaults?: readonly string[];
  /** Host names mapped to the realm in `[domain_realm]`. */
  readonly hosts?: readonly string[];
  /** kdc.conf realm settings, e.g. `max_life = 10h`. */
  readonly realmSettings?: readonly string[];
}

export async function startMitKdc(options: MitKdcOptions = {}): Promise<MitKdc> {
  const realm = options.realm ?? 'EXAMPLE.TEST';
  const dir = mkdtempSync(join(tmpdir(), 'wsman-kdc-'));
  const port = await freePort();
  const kdcConf = join(dir, 'kdc.conf');
  const krb5Conf = join(dir, 'krb5.conf');
  const logFile = join(dir, 'kdc.log');
  writeFileSync(
    kdcConf,
    [
      '[kdcdefaults]',
      ` kdc_listen = 127.0.0.1:${port}`,
      ` kdc_tcp_listen = 127.0.0.1:${port}`,
      '[realms]',
      ` ${realm} = {`,
      `  database_name = ${join(dir, 'principal')}`,
      `  key_stash_file = ${join(dir, 'stash')}`,
      `  acl_file = ${join(dir, 'kadm5.acl')}`,
      '  max_life = 10h',
      '  max_renewable_life = 7d',
      ...(options.realmSettings ?? []).map((line) => `  ${line}`),
      ' }',
      '[logging]',
      ` kdc = FILE:${logFile}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    krb5Conf,
    [
      '[libdefaults]',
      ` default_realm = ${realm}`,
      ' dns_lookup_kdc = false',
      ' dns_lookup_realm = false',
      ' rdns = false',
      ...(options.libdefaults ?? []).map((line) => ` ${line}`),
      '[realms]',
      ` ${realm} = {`,
      `  kdc = 127.0.0.1:${port}`,
      ' }',
      '[domain_realm]',
      ...['localhost', ...(options.hosts ?? [])].map((host) => ` ${host} = ${realm}`),
      '',
    ].join('\n'),
  );
  const env = { KRB5_CONFIG: krb5Conf, KRB5_KDC_PROFILE: kdcConf };
  const run = (tool: string, args: readonly string[], input?: string, extraEnv: Record<string, string> = {}): string => {
    const result = spawnSync(findExecutable(tool) ?? tool, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, ...extraEnv },
      input: input ?? '',
      encoding: 'utf8',
      timeout: 15_000,
    });
    if (result.status !== 0) throw new Error(`${tool} failed (${result.status ?? result.signal}): ${result.stderr}${result.stdout}`);
    return result.stdout;
  };
  run('kdb5_util', ['create', '-s', '-P', 'master-key-for-tests', '-r', realm]);
  const kdc = spawn(findExecutable('krb5kdc') ?? 'krb5kdc', ['-n', '-r', realm], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: 'ignore',
  });
  try {
    await waitForTcp(port, kdc, logFile);
  } catch (error) {
    kdc.kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const kadmin = (query: string): string => {
    const output = run('kadmin.local', ['-r', realm, '-q', query]);
    // kadmin.local reports many failures on stdout/stderr with exit status 0.
    if (/error|not found|cannot|unknown/i.test(output)) throw new Error(`kadmin.local ${query.split(' ')[0]}: ${output}`);
    return output;
  };
  return {
    realm,
    port,
    dir,
    krb5Conf,
    env,
    kadmin,
    run,
    addPrincipal: (name, password, { preauth = true } = {}) => void kadmin(`addprinc -pw ${password} ${preauth ? '+requires_preauth' : '-requires_preauth'} ${name}`),
    addService: (name) => void kadmin(`addprinc -randkey ${name}`),
    ktadd: (principal, keytab) => void kadmin(`ktadd -k ${keytab} ${principal}`),
    kinit: (principal, password, cache, extraArgs = []) => void run('kinit', ['-c', `FILE:${cache}`, ...extraArgs, principal], `${password}\n`),
    stop: async () => {
      if (kdc.exitCode === null) {
        const exited = new Promise((resolve) => kdc.once('exit', resolve));
        kdc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

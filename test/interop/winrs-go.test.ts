/**
 * Go's masterzen/winrm (Debian golang-github-masterzen-winrm-dev, built offline with Debian's
 * golang-go from /usr/share/gocode: GO111MODULE=off, GOPROXY=off) runs commands on the endpoint's
 * cmd shell with client.Run and client.RunWithInput, over Basic and over its NTLM transport
 * (test/interop/go/winrs_client). The build goes to Go's own build cache, so only the first run
 * compiles the library.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { clientEnvironment, describeWithClient, findExecutable, runProcess } from './interop-helpers';

const GOPATH = '/usr/share/gocode';
const LIBRARY = join(GOPATH, 'src/github.com/masterzen/winrm');
const SOURCE = join(__dirname, 'go', 'winrs_client');
const INSTALL = 'needs Debian golang-go and golang-github-masterzen-winrm-dev';
const BUILD_TIMEOUT_MS = 180_000;
const RUN_TIMEOUT_MS = 25_000;
const TEST_TIMEOUT_MS = 30_000;
const USER = 'alice';
const PASSWORD = 'Secret#1';

/** Offline GOPATH mode over Debian's packaged sources; Go's default build cache under HOME. */
function goEnvironment(): NodeJS.ProcessEnv {
  return clientEnvironment({
    GO111MODULE: 'off',
    GOPATH,
    GOPROXY: 'off',
    GOFLAGS: '',
    GOCACHE: process.env.GOCACHE ?? join(homedir(), '.cache', 'go-build'),
    HOME: homedir(),
  });
}

function goMissing(): string | undefined {
  if (!findExecutable('go')) return `${INSTALL}: no go compiler on the path, so masterzen/winrm was not run against the endpoint`;
  if (!existsSync(join(LIBRARY, 'client.go'))) return `${INSTALL}: ${LIBRARY} is absent, so masterzen/winrm was not run against the endpoint`;
  return undefined;
}

interface GoResult {
  readonly ok: boolean;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exit_code: number;
  readonly error?: string;
}

const text = (base64: string | undefined): string => Buffer.from(base64 ?? '', 'base64').toString('utf8');

describeWithClient("Go's masterzen/winrm (Debian) against the endpoint's cmd shell", goMissing(), () => {
  let root: string;
  let binary: string;
  let basicEndpoint: RunningEndpoint;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'wsman-winrs-go-'));
    binary = join(root, 'winrs_client');
    const build = spawnSync('go', ['build', '-o', binary, '.'], { cwd: SOURCE, env: goEnvironment(), encoding: 'utf8', timeout: BUILD_TIMEOUT_MS });
    if (build.status !== 0) throw new Error(`go build failed offline:\n${build.stderr}${build.error ?? ''}`);
    basicEndpoint = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], allowUnencrypted: true, machineName: 'WIN-TEST' });
  }, BUILD_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    await basicEndpoint?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function run(endpoint: RunningEndpoint, ntlm: boolean, steps: Record<string, string>[]): Promise<GoResult[]> {
    const job = { host: '127.0.0.1', port: Number(new URL(endpoint.url!).port), user: USER, password: PASSWORD, ntlm, timeout: 'PT20S', steps };
    const result = await runProcess(binary, [], { input: JSON.stringify(job), env: clientEnvironment({}), timeoutMs: RUN_TIMEOUT_MS });
    if (result.timedOut || result.code !== 0) throw new Error(`winrs_client ${result.timedOut ? 'timed out' : `exited with ${result.code}`}\n${result.stderr}`);
    return (JSON.parse(result.stdout) as { results: GoResult[] }).results;
  }

  function succeeded(result: GoResult): GoResult {
    if (!result.ok) throw new Error(`masterzen/winrm failed: ${result.error}`);
    return result;
  }

  it(
    'client.Run over Basic: stdout and stderr to their writers, the exit code returned',
    async () => {
      const [mixed, unicode] = await run(basicEndpoint, false, [
        { op: 'run', command: 'echo out; echo err >&2; exit 3' },
        // masterzen asks for code page 65001: UTF-8 passes through.
        { op: 'run', command: "printf 'gr\\303\\274\\303\\237e \\346\\227\\245'" },
      ]);
      expect(text(succeeded(mixed).stdout)).toBe('out\n');
      expect(text(mixed.stderr)).toBe('err\n');
      expect(mixed.exit_code).toBe(3);
      expect(text(succeeded(unicode).stdout)).toBe('grüße 日');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'client.RunWithInput streams stdin to the command',
    async () => {
      const [cat] = await run(basicEndpoint, false, [{ op: 'input', command: 'cat; echo "[end]"', stdin: 'first\nsecond\n' }]);
      expect(text(succeeded(cat).stdout)).toBe('first\nsecond\n[end]\n');
      expect(cat.exit_code).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'client.Run over its NTLM transport (unsealed, which AllowUnencrypted permits)',
    async () => {
      const [echo] = await run(basicEndpoint, true, [{ op: 'run', command: 'echo over ntlm' }]);
      expect(text(succeeded(echo).stdout)).toBe('over ntlm\n');
    },
    TEST_TIMEOUT_MS,
  );
});

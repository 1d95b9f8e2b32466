/**
 * pywinrm's shell API against the endpoint's cmd shell: Debian's python3-winrm 0.3.0 runs real
 * commands with `winrm.Session(...).run_cmd` and with the Protocol calls spelled out
 * (open_shell, run_command, get_command_output, cleanup_command, close_shell), Basic over HTTP
 * with AllowUnencrypted, and NTLM with every message sealed (AllowUnencrypted off)
 * (test/interop/winrs_pywinrm_client.py).
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { describeWithClient, probe, pywinrmNtlmMissing, runPywinrm, writeLegacyOpenSslConfig, type PywinrmReply } from './interop-helpers';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'winrs_pywinrm_client.py');
const INSTALL = 'needs Debian python3-winrm (and python3-requests-ntlm, python3-ntlm-auth for NTLM)';
const PROCESS_TIMEOUT_MS = 25_000;
const TEST_TIMEOUT_MS = 30_000;
const USER = 'alice';
const PASSWORD = 'Secret#1';

/** One step's outcome as winrs_pywinrm_client.py prints it. */
interface ShellStep extends PywinrmReply {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly status_code?: number;
  readonly shell_id?: string;
}

function basicMissing(): string | undefined {
  if (probe(PYTHON, ['-c', 'import winrm, xmltodict']) !== 0) return `${INSTALL}: ${PYTHON} cannot import winrm, so pywinrm's run_cmd was not run against the endpoint`;
  return undefined;
}

const text = (base64: string | undefined): string => Buffer.from(base64 ?? '', 'base64').toString('utf8');

function succeeded(step: ShellStep): ShellStep {
  if (!step.ok) throw new Error(`${step.op} failed: ${step.error_class}: ${step.error_message}`);
  return step;
}

let root: string;
let workDir: string;
let openSslConfig: string;
let open: RunningEndpoint;
let sealed: RunningEndpoint;

beforeAll(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'wsman-winrs-pywinrm-')));
  workDir = join(root, 'work');
  mkdirSync(workDir);
  openSslConfig = writeLegacyOpenSslConfig(root);
  open = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], allowUnencrypted: true, machineName: 'WIN-TEST' });
  sealed = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], machineName: 'WIN-TEST' });
});

afterAll(async () => {
  await open?.close();
  await sealed?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

function run(endpoint: RunningEndpoint, transport: 'plaintext' | 'ntlm', steps: Record<string, unknown>[], extra: Record<string, unknown> = {}): Promise<ShellStep[]> {
  return runPywinrm({
    python: PYTHON,
    script: SCRIPT,
    job: { endpoint: endpoint.url!, transport, message_encryption: transport === 'ntlm' ? 'always' : 'auto', user: USER, password: PASSWORD, steps, ...extra },
    env: { HOME: root, OPENSSL_CONF: openSslConfig },
    timeoutMs: PROCESS_TIMEOUT_MS,
  }) as Promise<ShellStep[]>;
}

describeWithClient('pywinrm run_cmd, Basic over HTTP (AllowUnencrypted)', basicMissing(), () => {
  it(
    'runs commands: stdout, stderr and the exit code come back apart',
    async () => {
      const [echo, failing] = await run(open, 'plaintext', [
        { op: 'run_cmd', command: 'echo', args: ['hello', 'world'] },
        { op: 'run_cmd', command: 'echo out; echo err >&2; exit 4' },
      ]);
      expect(text(succeeded(echo).stdout)).toBe('hello world\n');
      expect(echo.status_code).toBe(0);
      expect(text(succeeded(failing).stdout)).toBe('out\n');
      expect(text(failing.stderr)).toBe('err\n');
      expect(failing.status_code).toBe(4);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'transcodes to code page 437 (pywinrm default) and passes UTF-8 through in 65001',
    async () => {
      const [oem, utf8] = await run(open, 'plaintext', [
        { op: 'protocol', command: "printf 'caf\\303\\251 \\342\\224\\200 \\346\\227\\245'" },
        { op: 'protocol', command: "printf 'caf\\303\\251 \\346\\227\\245'", codepage: 65001 },
      ]);
      // é is 0x82 and ─ 0xC4 in CP437; 日 has no CP437 byte and becomes '?'.
      expect(Buffer.from(succeeded(oem).stdout!, 'base64')).toEqual(Buffer.from([0x63, 0x61, 0x66, 0x82, 0x20, 0xc4, 0x20, 0x3f]));
      expect(text(succeeded(utf8).stdout)).toBe('café 日');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'streams stdin sent in pieces, with the environment and working directory of the shell',
    async () => {
      const [cat, env] = await run(open, 'plaintext', [
        { op: 'protocol', command: 'cat', stdin: ['line 1\n', 'line 2\n'], codepage: 65001 },
        { op: 'protocol', command: 'echo "$GREETING" && pwd', env: { GREETING: 'hi <there> & co' }, working_directory: workDir },
      ]);
      expect(text(succeeded(cat).stdout)).toBe('line 1\nline 2\n');
      expect(cat.status_code).toBe(0);
      expect(text(succeeded(env).stdout)).toBe(`hi <there> & co\n${workDir}\n`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'retries Receive on the w:TimedOut fault (2150858793) as it does against Windows',
    async () => {
      const [slow] = await run(open, 'plaintext', [{ op: 'run_cmd', command: 'sleep 2.5; echo finally' }], { operation_timeout_sec: 1, read_timeout_sec: 5 });
      expect(text(succeeded(slow).stdout)).toBe('finally\n');
    },
    TEST_TIMEOUT_MS,
  );
});

describeWithClient('pywinrm run_cmd, NTLM with message encryption', pywinrmNtlmMissing(PYTHON, INSTALL), () => {
  it(
    'runs commands over sealed messages: run_cmd and the Protocol calls with stdin',
    async () => {
      const [echo, cat] = await run(sealed, 'ntlm', [
        { op: 'run_cmd', command: 'echo', args: ['sealed'] },
        { op: 'protocol', command: 'cat; exit 2', stdin: ['through the seal\n'], codepage: 65001 },
      ]);
      expect(text(succeeded(echo).stdout)).toBe('sealed\n');
      expect(text(succeeded(cat).stdout)).toBe('through the seal\n');
      expect(cat.status_code).toBe(2);
    },
    TEST_TIMEOUT_MS,
  );
});

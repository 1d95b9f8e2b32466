/**
 * What the third-party client suites share: finding the Debian clients, running them with a
 * private environment and a time limit, and reading their replies namespace-aware.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { NS } from '../../src/core/protocol/namespaces';
import { attribute, child, childElements, parseXml, textContent, type XmlElement } from '../../src/core/protocol/xml';

export const WMI_CIMV2 = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2';
export const WIN32_SERVICE = `${WMI_CIMV2}/Win32_Service`;
export const WINRM_CONFIG = 'http://schemas.microsoft.com/wbem/wsman/1/config';
/** ERROR_WSMAN_RESOURCE_NOT_FOUND (0x80338000) as the WSManFault Code attribute writes it. */
export const CODE_RESOURCE_NOT_FOUND = '2150858752';
/** ERROR_WSMAN_ENUMERATE_INVALID_ENUMERATION_CONTEXT (0x8033801B). */
export const CODE_INVALID_ENUMERATION_CONTEXT = '2150858779';

/** The system directories first, so the Debian packages' tools are the ones found. */
const SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(delimiter)]
  .filter((dir, index, all) => dir !== '' && all.indexOf(dir) === index)
  .join(delimiter);

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of an executable on the search path, or undefined. */
export function findExecutable(name: string): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of SEARCH_PATH.split(delimiter)) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Exit status of a short synchronous probe (e.g. `python3 -c 'import winrm'`), undefined if it could not run. */
export function probe(command: string, args: readonly string[]): number | undefined {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 15_000, env: clientEnvironment({}) });
  return result.error ? undefined : (result.status ?? undefined);
}

/**
 * `describe(name, body)` when the client is there; otherwise one `it.todo` that carries the reason,
 * so a missing client shows up as a skipped test with an explanation, never as a silent pass.
 */
export function describeWithClient(name: string, missing: string | undefined, body: () => void): void {
  if (missing === undefined) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    it.todo(missing);
  });
}

/**
 * A small, predictable environment for a client process: system PATH, C.UTF-8, no proxies and no
 * CA-bundle variables (requests honours REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE even over an explicit
 * "ignore"), plus whatever the caller adds (HOME, the client's own settings).
 */
export function clientEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: SEARCH_PATH, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', NO_PROXY: '*', no_proxy: '*', ...extra };
}

/**
 * An OpenSSL configuration with the default and legacy (MD4) providers: ntlm-auth hashes with
 * `hashlib.new('md4')`, which Debian 12's OpenSSL 3 keeps in the legacy provider.
 */
export function writeLegacyOpenSslConfig(directory: string): string {
  const file = join(directory, 'openssl-legacy.cnf');
  writeFileSync(
    file,
    ['openssl_conf = openssl_init', '[openssl_init]', 'providers = providers', '[providers]', 'default = enabled', 'legacy = enabled', '[enabled]', 'activate = 1', ''].join('\n'),
  );
  return file;
}

/** Why pywinrm cannot run NTLM here (winrm, requests_ntlm, ntlm_auth, MD4 through the legacy provider), or undefined. */
export function pywinrmNtlmMissing(python: string, install: string): string | undefined {
  if (!existsSync(python)) return `${install}: ${python} is absent, so pywinrm was not run against the endpoint`;
  if (probe(python, ['-c', 'import winrm.protocol, xmltodict, requests_ntlm, ntlm_auth']) !== 0) {
    return `${install}: ${python} cannot import winrm with requests_ntlm and ntlm_auth, so pywinrm NTLM was not run against the endpoint`;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'wsman-openssl-'));
  try {
    const md4 = spawnSync(python, ['-c', "import hashlib; hashlib.new('md4')"], {
      stdio: 'ignore',
      timeout: 15_000,
      env: clientEnvironment({ OPENSSL_CONF: writeLegacyOpenSslConfig(scratch) }),
    });
    if (md4.status !== 0) return `${install}: ${python} has no MD4 even with the OpenSSL legacy provider, so ntlm-auth cannot run`;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return undefined;
}

export interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface RunOptions {
  readonly input?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly timeoutMs: number;
}

/**
 * Runs a client in its own process group; past the time limit the whole group (the client and
 * whatever it started, e.g. wsl's curl) is killed and `timedOut` is set.
 */
export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const processHandle = spawn(command, args, {
      env: options.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (processHandle.pid !== undefined) process.kill(-processHandle.pid, 'SIGKILL');
      } catch {
        processHandle.kill('SIGKILL');
      }
    }, options.timeoutMs);
    processHandle.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    processHandle.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    processHandle.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    processHandle.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), timedOut });
    });
    if (options.input !== undefined) processHandle.stdin?.end(options.input);
  });
}

// ---- reading replies ---------------------------------------------------------------------------

export interface Envelope {
  readonly header: XmlElement;
  readonly body: XmlElement;
  /** First element inside s:Body (the test fails when there is none, unless an empty body was allowed). */
  readonly payload: XmlElement;
}

/** A SOAP 1.2 envelope (fails the test if it is not one). */
export function readEnvelope(xml: string, options: { emptyBody?: boolean } = {}): Envelope {
  const root = parseXml(xml);
  expect({ namespace: root.namespace, localName: root.localName }).toEqual({ namespace: NS.soap, localName: 'Envelope' });
  const header = child(root, NS.soap, 'Header');
  const body = child(root, NS.soap, 'Body');
  expect(header).toBeDefined();
  expect(body).toBeDefined();
  const payload = childElements(body!)[0];
  if (options.emptyBody) expect(payload).toBeUndefined();
  else expect(payload).toBeDefined();
  return { header: header!, body: body!, payload };
}

export function headerText(envelope: Envelope, namespace: string, localName: string): string | undefined {
  const element = child(envelope.header, namespace, localName);
  return element ? textContent(element).trim() : undefined;
}

/** Text of a direct child, failing the test when the child is missing. */
export function childText(element: XmlElement, namespace: string, localName: string): string {
  const found = child(element, namespace, localName);
  if (!found) throw new Error(`no ${localName} in ${element.localName}`);
  return textContent(found).trim();
}

export interface FaultFacts {
  readonly code: string;
  readonly subcode: string;
  readonly wsmanFaultCode: string | undefined;
  readonly machine: string | undefined;
}

/** The parts of a SOAP fault a client branches on. */
export function readFaultFacts(xml: string): FaultFacts {
  const { payload } = readEnvelope(xml);
  expect({ namespace: payload.namespace, localName: payload.localName }).toEqual({ namespace: NS.soap, localName: 'Fault' });
  const code = child(payload, NS.soap, 'Code')!;
  const subcode = child(code, NS.soap, 'Subcode');
  const detail = child(payload, NS.soap, 'Detail');
  const wsmanFault = detail ? child(detail, NS.wsmanFault, 'WSManFault') : undefined;
  return {
    code: childText(code, NS.soap, 'Value'),
    subcode: subcode ? childText(subcode, NS.soap, 'Value') : '',
    wsmanFaultCode: wsmanFault ? attribute(wsmanFault, 'Code') : undefined,
    machine: wsmanFault ? attribute(wsmanFault, 'Machine') : undefined,
  };
}

/** Win32_Service instances (by their p:Name) among the elements given. */
export function serviceNames(instances: readonly XmlElement[]): string[] {
  return instances.map((instance) => {
    expect({ namespace: instance.namespace, localName: instance.localName }).toEqual({ namespace: WIN32_SERVICE, localName: 'Win32_Service' });
    return childText(instance, WIN32_SERVICE, 'Name');
  });
}

/** One step's outcome as the pywinrm driver scripts (pywinrm_client.py, pywinrm_ntlm_client.py) print it. */
export interface PywinrmReply {
  readonly ok: boolean;
  readonly op?: string;
  readonly action?: string;
  readonly message_id?: string | null;
  readonly xml?: string;
  readonly error_class?: string;
  readonly error_module?: string;
  readonly error_message?: string;
  readonly http_status?: number;
  readonly fault_xml?: string;
  readonly messages?: readonly PywinrmReply[];
}

export interface PywinrmRun {
  readonly python: string;
  readonly script: string;
  /** The JSON job on stdin: credentials, endpoint and `steps`. */
  readonly job: { readonly steps: readonly unknown[] } & Record<string, unknown>;
  readonly env: Record<string, string>;
  readonly timeoutMs: number;
}

/** Runs a driver script and returns one reply per step; a crash or timeout fails with its output. */
export async function runPywinrm({ python, script, job, env, timeoutMs }: PywinrmRun): Promise<PywinrmReply[]> {
  const result = await runProcess(python, [script], {
    input: JSON.stringify(job),
    env: clientEnvironment({ PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8', ...env }),
    timeoutMs,
  });
  const name = script.split('/').pop();
  if (result.timedOut || result.code !== 0) {
    throw new Error(`${name} ${result.timedOut ? 'timed out' : `exited with ${result.code}`}\n${result.stderr}\n${result.stdout}`);
  }
  const output = JSON.parse(result.stdout) as { results: PywinrmReply[] };
  if (output.results.length !== job.steps.length) throw new Error(`${name} answered ${output.results.length} of ${job.steps.length} steps`);
  return output.results;
}

/** A successful reply's envelope, with its Action and its RelatesTo checked against the MessageID pywinrm sent. */
export function pywinrmEnvelope(reply: PywinrmReply, action: string, options: { emptyBody?: boolean } = {}): Envelope {
  if (!reply.ok) throw new Error(`expected a reply, got ${reply.error_class}: ${reply.error_message}`);
  const envelope = readEnvelope(reply.xml!, options);
  const actionText = headerText(envelope, NS.addressing, 'Action');
  const relatesTo = headerText(envelope, NS.addressing, 'RelatesTo');
  if (actionText !== `${action}Response`) throw new Error(`expected ${action}Response, got ${actionText}`);
  if (relatesTo !== reply.message_id) throw new Error(`RelatesTo ${relatesTo} does not answer ${reply.message_id}`);
  return envelope;
}

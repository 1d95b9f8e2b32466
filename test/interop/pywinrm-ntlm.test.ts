/**
 * Interop with a third-party Negotiate implementation: Debian's python3-winrm (pywinrm 0.3.0) with
 * requests_ntlm and ntlm-auth, `transport='ntlm'` and `message_encryption='always'`, against the
 * endpoint over plain HTTP with AllowUnencrypted off. requests_ntlm sends raw NTLM messages under
 * `Negotiate`, finishes the handshake with an empty POST, and then seals every request with
 * ntlm-auth's session security (test/interop/pywinrm_ntlm_client.py).
 *
 * ntlm-auth hashes passwords with `hashlib.new('md4')`, which Debian 12's OpenSSL 3 only has in its
 * legacy provider: the client runs with an OPENSSL_CONF that loads it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION, NS } from '../../src/core/protocol/namespaces';
import { child, childElements, textContent, type XmlElement } from '../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import {
  CODE_RESOURCE_NOT_FOUND,
  WIN32_SERVICE,
  WINRM_CONFIG,
  childText,
  describeWithClient,
  headerText,
  readEnvelope,
  readFaultFacts,
  serviceNames,
  pywinrmEnvelope,
  runPywinrm,
  type PywinrmReply,
  pywinrmNtlmMissing,
  writeLegacyOpenSslConfig,
} from './interop-helpers';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'pywinrm_ntlm_client.py');
const INSTALL = 'needs Debian python3-winrm, python3-requests-ntlm and python3-ntlm-auth';
const PROCESS_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 30_000;
const USER = 'alice';
const PASSWORD = 'Secret#1';

function clientMissing(): string | undefined {
  return pywinrmNtlmMissing(PYTHON, INSTALL);
}

interface Job {
  readonly endpoint: string;
  readonly user?: string;
  readonly password?: string;
  readonly message_encryption?: 'always' | 'never';
  readonly steps: readonly Record<string, unknown>[];
}

const getService = (name: string) => ({ op: 'get', resource_uri: WIN32_SERVICE, selectors: { Name: name } });

describeWithClient('pywinrm over NTLM with message encryption (requests_ntlm, ntlm-auth)', clientMissing(), () => {
  let endpoint: RunningEndpoint;
  let root: string;
  let openSslConfig: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'wsman-pywinrm-ntlm-'));
    openSslConfig = writeLegacyOpenSslConfig(root);
    endpoint = await startEndpoint({ port: 0, dataDir: join(root, 'endpoint'), users: [`${USER}:${PASSWORD}`], machineName: 'WIN-TEST' });
  });

  afterAll(async () => {
    await endpoint?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function run(job: Job): Promise<PywinrmReply[]> {
    return runPywinrm({ python: PYTHON, script: SCRIPT, job: { user: USER, password: PASSWORD, ...job }, env: { HOME: root, OPENSSL_CONF: openSslConfig }, timeoutMs: PROCESS_TIMEOUT_MS });
  }


  const ntlm = (steps: Job['steps']): Job => ({ endpoint: endpoint.url!, steps });

  const payloadOf = (reply: PywinrmReply, action: string): XmlElement => pywinrmEnvelope(reply, action).payload;


  it(
    'Identify, Get and Enumerate on one sealed connection',
    async () => {
      const [identify, service, config, services] = await run(
        ntlm([{ op: 'identify' }, getService('WinRM'), { op: 'get', resource_uri: WINRM_CONFIG }, { op: 'enumerate', resource_uri: WIN32_SERVICE, optimize: true, max_elements: 4 }]),
      );
      expect(identify.ok).toBe(true);
      const identity = readEnvelope(identify.xml!).payload;
      expect(identity).toMatchObject({ namespace: NS.identity, localName: 'IdentifyResponse' });
      // Authenticated (by NTLM): the OS detail an anonymous caller does not get.
      expect(childText(identity, NS.identity, 'ProductVersion')).toBe('OS: 10.0.20348 SP: 0.0 Stack: 3.0');

      const instance = payloadOf(service, ACTION.get);
      expect(childText(instance, WIN32_SERVICE, 'Name')).toBe('WinRM');
      expect(childText(instance, WIN32_SERVICE, 'SystemName')).toBe('WIN-TEST');

      const configuration = payloadOf(config, ACTION.get);
      expect(childText(child(configuration, NS.config, 'Service')!, NS.config, 'AllowUnencrypted')).toBe('false');

      expect(services.ok).toBe(true);
      const names = services.messages!.flatMap((message, index) => {
        const payload = payloadOf(message, index === 0 ? ACTION.enumerate : ACTION.pull);
        const items = child(payload, index === 0 ? NS.wsman : NS.enumeration, 'Items');
        return serviceNames(items ? childElements(items) : []);
      });
      expect(names).toEqual(expect.arrayContaining(['WinRM', 'Spooler']));
      expect(services.messages!.length).toBeGreaterThan(2);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a fault comes back sealed: pywinrm decrypts the HTTP 500 and raises WinRMError with the WSManFault',
    async () => {
      const [reply] = await run(ntlm([getService('NoSuchService')]));
      expect(reply).toMatchObject({ ok: false, error_class: 'WinRMError', http_status: 500 });
      expect(reply.error_message).toContain(`'wsmanfault_code': '${CODE_RESOURCE_NOT_FOUND}'`);
      expect(readFaultFacts(reply.fault_xml!)).toMatchObject({ wsmanFaultCode: CODE_RESOURCE_NOT_FOUND, machine: 'WIN-TEST' });
      expect(headerText(readEnvelope(reply.fault_xml!), NS.addressing, 'RelatesTo')).toBe(reply.message_id);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a wrong password is InvalidCredentialsError (HTTP 401)',
    async () => {
      const [reply] = await run({ ...ntlm([{ op: 'identify' }]), password: 'wrong' });
      expect(reply).toMatchObject({ ok: false, error_class: 'InvalidCredentialsError' });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'without message encryption the endpoint refuses the plain body, as Windows does with AllowUnencrypted off',
    async () => {
      const [reply] = await run({ ...ntlm([getService('WinRM')]), message_encryption: 'never' });
      expect(reply).toMatchObject({ ok: false, error_class: 'InvalidCredentialsError' });
      // The same request sealed works, so the refusal is about encryption, not the credentials.
      const [sealed] = await run(ntlm([getService('WinRM')]));
      expect(textContent(child(payloadOf(sealed, ACTION.get), WIN32_SERVICE, 'Name')!)).toBe('WinRM');
    },
    TEST_TIMEOUT_MS,
  );
});

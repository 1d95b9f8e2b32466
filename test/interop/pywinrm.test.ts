/**
 * Interop with a third-party client: Debian's python3-winrm (pywinrm 0.3.0) talks to the embedded
 * endpoint through winrm.protocol.Protocol.send_message, with envelopes built by pywinrm's own
 * header code (test/interop/pywinrm_client.py). Basic over HTTP (AllowUnencrypted) and Basic over
 * HTTPS with the server certificate validated against the endpoint's self-signed certificate.
 *
 * winrm.Session (run_cmd/run_ps) is not used: it drives the cmd shell (windows/shell/cmd), which
 * the endpoint does not serve.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION, DIALECT, NS } from '../../src/core/protocol/namespaces';
import { child, childElements, resolveQName, textContent, type XmlElement } from '../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import {
  CODE_INVALID_ENUMERATION_CONTEXT,
  CODE_RESOURCE_NOT_FOUND,
  WIN32_SERVICE,
  WINRM_CONFIG,
  WMI_CIMV2,
  childText,
  describeWithClient,
  headerText,
  probe,
  readEnvelope,
  readFaultFacts,
  serviceNames,
  pywinrmEnvelope,
  runPywinrm,
  type PywinrmReply,
} from './interop-helpers';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'pywinrm_client.py');
const INSTALL = 'needs Debian python3-winrm (apt-get install python3-winrm)';
const PROCESS_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 30_000;
const USER = 'alice';
const PASSWORD = 'Secret#1';

function pywinrmMissing(): string | undefined {
  if (!existsSync(PYTHON)) return `${INSTALL}: ${PYTHON} is absent, so pywinrm was not run against the endpoint`;
  if (probe(PYTHON, ['-c', 'import winrm.protocol, xmltodict, requests']) !== 0) {
    return `${INSTALL}: ${PYTHON} cannot import winrm (with xmltodict and requests), so pywinrm was not run against the endpoint`;
  }
  return undefined;
}

interface Job {
  readonly endpoint: string;
  readonly transport: 'plaintext' | 'ssl';
  readonly user?: string;
  readonly password?: string;
  /** CA file that must have issued the server certificate, or 'ignore'. */
  readonly ca: string;
  readonly steps: readonly Record<string, unknown>[];
}

const getService = (name: string) => ({ op: 'get', resource_uri: WIN32_SERVICE, selectors: { Name: name } });
const invokeService = (method: string, name: string) => ({ op: 'invoke', resource_uri: WIN32_SERVICE, method, selectors: { Name: name } });

describeWithClient('pywinrm (Debian python3-winrm) against the embedded endpoint', pywinrmMissing(), () => {
  let endpoint: RunningEndpoint;
  /** Same users, no AllowUnencrypted: Basic over plain HTTP must be refused. */
  let strict: RunningEndpoint;
  let root: string;
  let caFile: string;
  let wrongCaFile: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'wsman-pywinrm-'));
    endpoint = await startEndpoint({
      port: 0,
      https: true,
      httpsPort: 0,
      dataDir: join(root, 'endpoint'),
      users: [`${USER}:${PASSWORD}`],
      allowUnencrypted: true,
      machineName: 'WIN-TEST',
    });
    strict = await startEndpoint({ port: 0, httpsPort: 0, dataDir: join(root, 'strict'), users: [`${USER}:${PASSWORD}`], machineName: 'WIN-STRICT' });
    caFile = join(root, 'endpoint-ca.pem');
    writeFileSync(caFile, endpoint.certificatePem!);
    // Another self-signed certificate for the very same host names: only the key tells them apart.
    wrongCaFile = join(root, 'other-ca.pem');
    writeFileSync(wrongCaFile, strict.certificatePem!);
    expect(strict.certificateThumbprint).not.toBe(endpoint.certificateThumbprint);
  });

  afterAll(async () => {
    await endpoint?.close();
    await strict?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function run(job: Job): Promise<PywinrmReply[]> {
    return runPywinrm({ python: PYTHON, script: SCRIPT, job: { user: USER, password: PASSWORD, ...job }, env: { HOME: root }, timeoutMs: PROCESS_TIMEOUT_MS });
  }


  const http = (steps: Job['steps']): Job => ({ endpoint: endpoint.url!, transport: 'plaintext', ca: 'ignore', steps });

  /** A successful reply: its envelope, with RelatesTo checked against the MessageID pywinrm sent. */
  function itemsOf(payload: XmlElement, itemsNamespace: string): XmlElement[] {
    const items = child(payload, itemsNamespace, 'Items');
    return items ? childElements(items) : [];
  }

  /** Names of the services an Enumerate/Pull exchange delivered, checking every message on the way. */
  function enumeratedServices(reply: PywinrmReply, options: { optimized: boolean; maxElements?: number }): string[] {
    expect(reply.ok).toBe(true);
    const messages = reply.messages!;
    const names: string[] = [];
    messages.forEach((message, index) => {
      const last = index === messages.length - 1;
      if (index === 0) {
        expect(message.action).toBe('Enumerate');
        const { payload } = pywinrmEnvelope(message, ACTION.enumerate);
        expect(payload).toMatchObject({ namespace: NS.enumeration, localName: 'EnumerateResponse' });
        const items = itemsOf(payload, NS.wsman);
        if (!options.optimized) expect(child(payload, NS.wsman, 'Items')).toBeUndefined();
        if (options.maxElements !== undefined) expect(items.length).toBeLessThanOrEqual(options.maxElements);
        expect(child(payload, NS.wsman, 'EndOfSequence') !== undefined).toBe(last);
        if (!last) expect(childText(payload, NS.enumeration, 'EnumerationContext')).not.toBe('');
        names.push(...serviceNames(items));
        return;
      }
      expect(message.action).toBe('Pull');
      const { payload } = pywinrmEnvelope(message, ACTION.pull);
      expect(payload).toMatchObject({ namespace: NS.enumeration, localName: 'PullResponse' });
      const items = itemsOf(payload, NS.enumeration);
      expect(items.length).toBeGreaterThan(0);
      if (options.maxElements !== undefined) expect(items.length).toBeLessThanOrEqual(options.maxElements);
      expect(child(payload, NS.enumeration, 'EndOfSequence') !== undefined).toBe(last);
      if (!last) expect(childText(payload, NS.enumeration, 'EnumerationContext')).not.toBe('');
      names.push(...serviceNames(items));
    });
    return names;
  }

  function serviceState(reply: PywinrmReply): { name: string; state: string; started: string; systemName: string } {
    const { payload } = pywinrmEnvelope(reply, ACTION.get);
    expect(payload).toMatchObject({ namespace: WIN32_SERVICE, localName: 'Win32_Service' });
    return {
      name: childText(payload, WIN32_SERVICE, 'Name'),
      state: childText(payload, WIN32_SERVICE, 'State'),
      started: childText(payload, WIN32_SERVICE, 'Started'),
      systemName: childText(payload, WIN32_SERVICE, 'SystemName'),
    };
  }

  function returnValueOf(reply: PywinrmReply, method: string): number {
    const { payload } = pywinrmEnvelope(reply, `${WIN32_SERVICE}/${method}`);
    expect(payload).toMatchObject({ namespace: WIN32_SERVICE, localName: `${method}_OUTPUT` });
    return Number(childText(payload, WIN32_SERVICE, 'ReturnValue'));
  }

  describe('Basic over HTTP (transport plaintext, AllowUnencrypted)', () => {
    it(
      'Identify with credentials: the Windows identity and the security profiles',
      async () => {
        const [reply] = await run(http([{ op: 'identify' }]));
        expect(reply.ok).toBe(true);
        const { payload } = readEnvelope(reply.xml!);
        expect(payload).toMatchObject({ namespace: NS.identity, localName: 'IdentifyResponse' });
        expect(childText(payload, NS.identity, 'ProtocolVersion')).toBe(NS.wsman);
        expect(childText(payload, NS.identity, 'ProductVendor')).toBe('Microsoft Corporation');
        expect(childText(payload, NS.identity, 'ProductVersion')).toBe('OS: 10.0.20348 SP: 0.0 Stack: 3.0');
        const profiles = childElements(child(payload, NS.identity, 'SecurityProfiles')!).map((e) => textContent(e).trim());
        expect(profiles).toContain('http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/basic');
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'Get a Win32_Service by its selector and Get winrm/config',
      async () => {
        const [service, config] = await run(http([getService('WinRM'), { op: 'get', resource_uri: WINRM_CONFIG }]));
        expect(serviceState(service)).toEqual({ name: 'WinRM', state: 'Running', started: 'true', systemName: 'WIN-TEST' });

        const { payload } = pywinrmEnvelope(config, ACTION.get);
        expect(payload).toMatchObject({ namespace: NS.config, localName: 'Config' });
        expect(childText(payload, NS.config, 'MaxEnvelopeSizekb')).toBe('500');
        const serviceConfig = child(payload, NS.config, 'Service')!;
        expect(childText(serviceConfig, NS.config, 'AllowUnencrypted')).toBe('true');
        expect(childText(child(serviceConfig, NS.config, 'Auth')!, NS.config, 'Basic')).toBe('true');
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'Enumerate + Pull until EndOfSequence, non-optimized and optimized, deliver the same services',
      async () => {
        const [plain, paged, whole] = await run(
          http([
            { op: 'enumerate', resource_uri: WIN32_SERVICE, optimize: false, max_elements: 7 },
            { op: 'enumerate', resource_uri: WIN32_SERVICE, optimize: true, max_elements: 5 },
            { op: 'enumerate', resource_uri: WIN32_SERVICE, optimize: true, max_elements: 1000 },
          ]),
        );
        const all = enumeratedServices(plain, { optimized: false, maxElements: 7 });
        expect(all.length).toBeGreaterThanOrEqual(10);
        expect(new Set(all).size).toBe(all.length);
        expect(all).toEqual(expect.arrayContaining(['WinRM', 'Spooler']));
        expect(plain.messages!.length).toBe(1 + Math.ceil(all.length / 7));

        expect(enumeratedServices(paged, { optimized: true, maxElements: 5 })).toEqual(all);
        expect(paged.messages!.length).toBe(Math.ceil(all.length / 5));

        expect(enumeratedServices(whole, { optimized: true })).toEqual(all);
        expect(whole.messages).toHaveLength(1);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a WQL filter on root/cimv2/* returns only the selected properties of matching instances',
      async () => {
        const query = "SELECT Name, State FROM Win32_Service WHERE State = 'Running'";
        const [all, filtered] = await run(
          http([
            { op: 'enumerate', resource_uri: WIN32_SERVICE, optimize: true, max_elements: 1000 },
            { op: 'enumerate', resource_uri: `${WMI_CIMV2}/*`, optimize: true, max_elements: 1000, filter: { dialect: DIALECT.wql, text: query } },
          ]),
        );
        const everything = itemsOf(pywinrmEnvelope(all.messages![0], ACTION.enumerate).payload, NS.wsman);
        const running = everything.filter((s) => childText(s, WIN32_SERVICE, 'State') === 'Running').map((s) => childText(s, WIN32_SERVICE, 'Name'));
        expect(running.length).toBeGreaterThan(0);
        expect(running.length).toBeLessThan(everything.length);

        expect(filtered.messages).toHaveLength(1);
        const items = itemsOf(pywinrmEnvelope(filtered.messages![0], ACTION.enumerate).payload, NS.wsman);
        expect(serviceNames(items)).toEqual(running);
        for (const item of items) expect(childElements(item).map((e) => e.localName)).toEqual(['Name', 'State']);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'Release ends an enumeration: a later Pull with its context is an InvalidEnumerationContext fault',
      async () => {
        const [reply] = await run(http([{ op: 'enumerate', resource_uri: WIN32_SERVICE, optimize: true, max_elements: 3, release_after_pulls: 1 }]));
        const [, , released, stale] = reply.messages!;
        expect(released.action).toBe('Release');
        // WS-Enumeration: the ReleaseResponse message has an empty body.
        pywinrmEnvelope(released, ACTION.release, { emptyBody: true });

        expect(stale).toMatchObject({ action: 'Pull', ok: false, error_class: 'WinRMError', http_status: 500 });
        expect(stale.error_message).toContain(`'wsmanfault_code': '${CODE_INVALID_ENUMERATION_CONTEXT}'`);
        const fault = readFaultFacts(stale.fault_xml!);
        expect(fault.wsmanFaultCode).toBe(CODE_INVALID_ENUMERATION_CONTEXT);
        const subcode = child(child(readEnvelope(stale.fault_xml!).payload, NS.soap, 'Code')!, NS.soap, 'Subcode')!;
        const value = child(subcode, NS.soap, 'Value')!;
        expect(resolveQName(value, textContent(value).trim())).toEqual({ namespace: NS.enumeration, localName: 'InvalidEnumerationContext' });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'Invoke StopService / StartService on Spooler: ReturnValue and the State a following Get reads',
      async () => {
        const [before, stop, afterStop, stopAgain, start, afterStart, startAgain] = await run(
          http([
            getService('Spooler'),
            invokeService('StopService', 'Spooler'),
            getService('Spooler'),
            invokeService('StopService', 'Spooler'),
            invokeService('StartService', 'Spooler'),
            getService('Spooler'),
            invokeService('StartService', 'Spooler'),
          ]),
        );
        expect(serviceState(before)).toMatchObject({ state: 'Running', started: 'true' });
        expect(returnValueOf(stop, 'StopService')).toBe(0);
        expect(serviceState(afterStop)).toMatchObject({ name: 'Spooler', state: 'Stopped', started: 'false' });
        expect(returnValueOf(stopAgain, 'StopService')).toBe(5); // "The service cannot accept control messages"
        expect(returnValueOf(start, 'StartService')).toBe(0);
        expect(serviceState(afterStart)).toMatchObject({ name: 'Spooler', state: 'Running', started: 'true' });
        expect(returnValueOf(startAgain, 'StartService')).toBe(10); // "The service is already running"
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a Get of a service that does not exist raises WinRMError carrying WSManFault 2150858752',
      async () => {
        const [reply] = await run(http([getService('NoSuchService')]));
        expect(reply).toMatchObject({ ok: false, error_class: 'WinRMError', error_module: 'winrm.exceptions', http_status: 500 });
        expect(reply.error_message).toContain('The service cannot find the resource identified by the resource URI and selectors.');
        expect(reply.error_message).toContain(`'wsmanfault_code': '${CODE_RESOURCE_NOT_FOUND}'`);
        const fault = readFaultFacts(reply.fault_xml!);
        expect(fault).toMatchObject({ wsmanFaultCode: CODE_RESOURCE_NOT_FOUND, machine: 'WIN-TEST' });
        const code = child(readEnvelope(reply.fault_xml!).payload, NS.soap, 'Code')!;
        const value = child(code, NS.soap, 'Value')!;
        expect(resolveQName(value, textContent(value).trim())).toEqual({ namespace: NS.soap, localName: 'Sender' });
        const subValue = child(child(code, NS.soap, 'Subcode')!, NS.soap, 'Value')!;
        expect(resolveQName(subValue, textContent(subValue).trim())).toEqual({ namespace: NS.addressing, localName: 'DestinationUnreachable' });
        expect(headerText(readEnvelope(reply.fault_xml!), NS.addressing, 'RelatesTo')).toBe(reply.message_id);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a wrong password is InvalidCredentialsError (HTTP 401)',
      async () => {
        const [reply] = await run({ ...http([getService('WinRM')]), password: 'wrong' });
        expect(reply).toMatchObject({ ok: false, error_class: 'InvalidCredentialsError' });
      },
      TEST_TIMEOUT_MS,
    );
  });

  describe('Basic over HTTPS (transport ssl, server certificate validated)', () => {
    const https = (ca: string, steps: Job['steps']): Job => ({ endpoint: endpoint.httpsUrl!, transport: 'ssl', ca, steps });

    it(
      'trusting the endpoint certificate: Identify, Get and Enumerate work',
      async () => {
        const [identify, service, services] = await run(
          https(caFile, [{ op: 'identify' }, getService('WinRM'), { op: 'enumerate', resource_uri: WIN32_SERVICE, optimize: true, max_elements: 10 }]),
        );
        expect(identify.ok).toBe(true);
        const { payload } = readEnvelope(identify.xml!);
        const profiles = childElements(child(payload, NS.identity, 'SecurityProfiles')!).map((e) => textContent(e).trim());
        expect(profiles).toContain('http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/basic');
        expect(serviceState(service)).toMatchObject({ name: 'WinRM', state: 'Running', systemName: 'WIN-TEST' });
        expect(enumeratedServices(services, { optimized: true, maxElements: 10 })).toEqual(expect.arrayContaining(['WinRM', 'Spooler']));
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'trusting another certificate for the same host names: the TLS handshake fails, nothing is sent',
      async () => {
        const [reply] = await run(https(wrongCaFile, [getService('WinRM')]));
        expect(reply).toMatchObject({ ok: false, error_class: 'SSLError', error_module: 'requests.exceptions' });
        expect(reply.error_message).toContain('CERTIFICATE_VERIFY_FAILED');
        expect(reply.fault_xml).toBeUndefined();
      },
      TEST_TIMEOUT_MS,
    );
  });

  describe('an endpoint without AllowUnencrypted', () => {
    it(
      'refuses Basic over plain HTTP (InvalidCredentialsError) but takes the same account over HTTPS',
      async () => {
        const [overHttp] = await run({ endpoint: strict.url!, transport: 'plaintext', ca: 'ignore', steps: [getService('WinRM')] });
        expect(overHttp).toMatchObject({ ok: false, error_class: 'InvalidCredentialsError', error_module: 'winrm.exceptions' });

        const strictCa = join(root, 'strict-ca.pem');
        writeFileSync(strictCa, strict.certificatePem!);
        const [overHttps] = await run({ endpoint: strict.httpsUrl!, transport: 'ssl', ca: strictCa, steps: [getService('WinRM')] });
        expect(serviceState(overHttps)).toMatchObject({ name: 'WinRM', systemName: 'WIN-STRICT' });
      },
      TEST_TIMEOUT_MS,
    );
  });
});

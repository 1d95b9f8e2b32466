/**
 * Interop with a third-party client: Debian's `wsl` ("Wsman Shell commandLine", Dell's bash
 * scripts that write SOAP with here-documents, format it with xmllint and post it with curl).
 *
 * How wsl is driven here (see /usr/share/wsl/wsl-functions):
 *  - target and account come from the environment: WSENDPOINT=host:port, WSUSER, WSPASS, and
 *    WSAUTOMATED=1 so it never prompts; curl is called with `--user USER:PASS`, i.e. preemptive
 *    Basic;
 *  - settings come from ~/.wsl-config (HOME is a private temp dir; wsl writes a default file there
 *    when none exists): WSNOSSL=true selects plain HTTP, KEEPHISTORY=0 keeps it from storing the
 *    password in ./.wslrun, an empty WSENUMOPTIMIZE turns off the optimized enumeration the
 *    `wsl` front end otherwise exports;
 *  - over HTTPS curl trusts `./<host>:<port>.crt` when that file exists (otherwise it runs
 *    --insecure);
 *  - every exchange is kept in the working directory as request-N.xml / response-N.xml
 *    (xmllint-formatted) next to log.txt, which with OUTLEVEL=3 holds curl's response headers.
 *    Each run gets its own working directory.
 *
 * What wsl itself cannot do against a Windows-shaped endpoint (not endpoint bugs, asserted below
 * so a change shows up):
 *  - curl always runs with --retry N (N >= 1, WGETTRYNUM), so a request answered with HTTP 500
 *    (every WS-Management fault) is sent a second time one second later; harmless for Get, but
 *    it would repeat a non-idempotent Invoke that faulted;
 *  - its exit status only means "the reply contains some text": `wsl get` without selectors
 *    (winrm/config) exits 1 on a good GetResponse (it greps for `:<last selector name>\>`), and
 *    `wsl identify` exits 0 on an HTTP 401 with an empty body (curl runs without --fail);
 *  - `wsl invoke` without -inst finds its target by EnumerateEPR and copies the EPR's
 *    ReferenceParameters into the next request line by line as text. Windows (and this endpoint)
 *    write them with the `w:` prefix, which wsl's request envelope does not declare (it declares
 *    `wsman:`), so the request is not namespace-well-formed and is refused with HTTP 400. wsl was
 *    written against openwsman-style replies that use its own `wsa:`/`wsman:` prefixes. With
 *    `-inst FILE` (an EPR written with wsl's prefixes) invoke works and is tested.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION, DIALECT, NS } from '../../src/core/protocol/namespaces';
import { attribute, child, childElements, parseXml, textContent, type XmlElement } from '../../src/core/protocol/xml';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { basic, soap } from '../server/endpoint-harness';
import {
  CODE_RESOURCE_NOT_FOUND,
  WIN32_SERVICE,
  WINRM_CONFIG,
  WMI_CIMV2,
  childText,
  clientEnvironment,
  describeWithClient,
  findExecutable,
  headerText,
  readEnvelope,
  readFaultFacts,
  runProcess,
  serviceNames,
  type ProcessResult,
} from './interop-helpers';

const WSL = '/usr/bin/wsl';
const PROCESS_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 30_000;
const USER = 'alice';
const PASSWORD = 'Secret#1';

function wslMissing(): string | undefined {
  if (!existsSync(WSL)) return `needs Debian wsl (apt-get install wsl uuid-runtime): ${WSL} is absent, so wsl was not run against the endpoint`;
  const tools: readonly (readonly [string, string])[] = [
    ['uuidgen', 'uuid-runtime'],
    ['curl', 'curl'],
    ['xmllint', 'libxml2-utils'],
    ['bash', 'bash'],
  ];
  for (const [tool, pkg] of tools) {
    if (!findExecutable(tool)) return `needs ${tool} for Debian wsl (apt-get install ${pkg}): it is not on the PATH, so wsl was not run against the endpoint`;
  }
  return undefined;
}

interface WslRun {
  readonly process: ProcessResult;
  readonly dir: string;
  /** request-N.xml / response-N.xml in exchange order (a response may be empty text). */
  readonly requests: string[];
  readonly responses: string[];
  /** HTTP status codes curl logged (OUTLEVEL=3 dumps the response headers into log.txt). */
  readonly statuses: number[];
  readonly log: string;
}

interface WslOptions {
  /** Target: host:port (default: the HTTP listener of the main endpoint). */
  readonly endpoint?: string;
  /** Leave WSNOSSL unset: wsl then speaks HTTPS. */
  readonly https?: boolean;
  readonly password?: string;
  /** Extra lines for ~/.wsl-config. */
  readonly config?: readonly string[];
  /** Files to put in the working directory before the run. */
  readonly files?: Readonly<Record<string, string>>;
}

const hostPort = (url: string): string => new URL(url).host;

describeWithClient('wsl (Debian wsl, Wsman Shell commandLine) against the embedded endpoint', wslMissing(), () => {
  let endpoint: RunningEndpoint;
  /** No AllowUnencrypted; its HTTPS certificate is also the "wrong" one for the main endpoint. */
  let strict: RunningEndpoint;
  let root: string;
  let runs = 0;
  /** Every Win32_Service name, in the endpoint's order, read with the repository's own raw SOAP harness. */
  let reference: string[];
  /** Their State at the start. */
  let initialStates: [string, string][];
  const namesIn = (state: string): string[] => initialStates.filter(([, s]) => s === state).map(([name]) => name);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'wsman-wsl-'));
    endpoint = await startEndpoint({
      port: 0,
      httpsPort: 0,
      dataDir: join(root, 'endpoint'),
      users: [`${USER}:${PASSWORD}`],
      allowUnencrypted: true,
      machineName: 'WIN-TEST',
    });
    strict = await startEndpoint({ port: 0, httpsPort: 0, dataDir: join(root, 'strict'), users: [`${USER}:${PASSWORD}`], machineName: 'WIN-STRICT' });
    initialStates = await harnessStates();
    reference = initialStates.map(([name]) => name);
  });

  afterAll(async () => {
    await endpoint?.close();
    await strict?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function harnessStates(): Promise<[string, string][]> {
    const reply = await soap(
      endpoint.url!,
      {
        resourceUri: WIN32_SERVICE,
        action: ACTION.enumerate,
        body: `<n:Enumerate xmlns:n="${NS.enumeration}" xmlns:w="${NS.wsman}"><w:OptimizeEnumeration/><w:MaxElements>1000</w:MaxElements></n:Enumerate>`,
      },
      { headers: { Authorization: basic(USER, PASSWORD) } },
    );
    expect(reply.status).toBe(200);
    expect(child(reply.body!, NS.wsman, 'EndOfSequence')).toBeDefined();
    return childElements(child(reply.body!, NS.wsman, 'Items')!).map((item) => [childText(item, WIN32_SERVICE, 'Name'), childText(item, WIN32_SERVICE, 'State')]);
  }

  async function wsl(args: readonly string[], options: WslOptions = {}): Promise<WslRun> {
    runs += 1;
    const base = join(root, `run-${runs}`);
    const home = join(base, 'home');
    const dir = join(base, 'work');
    mkdirSync(home, { recursive: true });
    mkdirSync(dir, { recursive: true });
    const target = options.endpoint ?? hostPort(endpoint.url!);
    const config = [...(options.https ? [] : ['WSNOSSL=true']), 'KEEPHISTORY=0', 'WGETTIMEOUTSECS=10', ...(options.config ?? [])];
    writeFileSync(join(home, '.wsl-config'), `${config.join('\n')}\n`);
    for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), text);

    const result = await runProcess(WSL, args, {
      cwd: dir,
      env: clientEnvironment({
        HOME: home,
        SHELL: '/bin/bash', // wsl runs its sub-commands with ${SHELL}
        WSENDPOINT: target,
        WSUSER: USER,
        WSPASS: options.password ?? PASSWORD,
        WSAUTOMATED: '1',
        OUTLEVEL: '3',
      }),
      timeoutMs: PROCESS_TIMEOUT_MS,
    });
    if (result.timedOut) throw new Error(`wsl ${args.join(' ')} timed out\n${result.stdout.slice(-2000)}`);
    const numbered = (prefix: string): string[] =>
      readdirSync(dir)
        .map((name) => new RegExp(`^${prefix}-(\\d+)\\.xml$`).exec(name))
        .filter((match): match is RegExpExecArray => match !== null)
        .sort((a, b) => Number(a[1]) - Number(b[1]))
        .map((match) => readFileSync(join(dir, match[0]), 'utf8'));
    const log = existsSync(join(dir, 'log.txt')) ? readFileSync(join(dir, 'log.txt'), 'utf8') : '';
    const statuses = [...log.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    return { process: result, dir, requests: numbered('request'), responses: numbered('response'), statuses, log };
  }

  /** wsl writes its MessageID as a bare UUID (no `uuid:` scheme); the reply must relate to exactly that. */
  function expectRelated(request: string, response: string): ReturnType<typeof readEnvelope> {
    const header = child(parseXml(request), NS.soap, 'Header')!;
    const messageId = childText(header, NS.addressing, 'MessageID');
    expect(messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const received = readEnvelope(response);
    expect(headerText(received, NS.addressing, 'RelatesTo')).toBe(messageId);
    return received;
  }

  function items(payload: XmlElement, namespace: string): XmlElement[] {
    const list = child(payload, namespace, 'Items');
    return list ? childElements(list) : [];
  }

  async function serviceState(name: string): Promise<string> {
    const run = await wsl(['get', WIN32_SERVICE, `Name=${name}`]);
    expect(run.process.code).toBe(0);
    const { payload } = expectRelated(run.requests[0], run.responses[0]);
    return childText(payload, WIN32_SERVICE, 'State');
  }

  it(
    'identify: IdentifyResponse of the authenticated caller',
    async () => {
      const run = await wsl(['identify', 'check']);
      expect(run.process.code).toBe(0);
      expect(run.statuses).toEqual([200]);
      expect(run.requests).toHaveLength(1);
      const { payload } = readEnvelope(run.responses[0]);
      expect(payload).toMatchObject({ namespace: NS.identity, localName: 'IdentifyResponse' });
      expect(childText(payload, NS.identity, 'ProtocolVersion')).toBe(NS.wsman);
      expect(childText(payload, NS.identity, 'ProductVendor')).toBe('Microsoft Corporation');
      // The OS detail is only given to an authenticated caller: proves wsl's Basic credentials were taken.
      expect(childText(payload, NS.identity, 'ProductVersion')).toBe('OS: 10.0.20348 SP: 0.0 Stack: 3.0');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'enum (wsl default: optimized, MaxElements 512): every service in one EnumerateResponse',
    async () => {
      const run = await wsl(['enum', WIN32_SERVICE]);
      expect(run.process.code).toBe(0);
      expect(run.responses).toHaveLength(1);
      const { payload } = expectRelated(run.requests[0], run.responses[0]);
      expect(payload).toMatchObject({ namespace: NS.enumeration, localName: 'EnumerateResponse' });
      expect(serviceNames(items(payload, NS.wsman))).toEqual(reference);
      expect(child(payload, NS.wsman, 'EndOfSequence')).toBeDefined();
      // The context of a finished enumeration is empty, which is what ends wsl's Pull loop.
      expect(childText(payload, NS.enumeration, 'EnumerationContext')).toBe('');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'enum -opti 5: wsl pulls pages of five until the context runs out',
    async () => {
      const run = await wsl(['enum', WIN32_SERVICE, '-opti', '5']);
      expect(run.process.code).toBe(0);
      expect(run.responses).toHaveLength(Math.ceil(reference.length / 5));
      const names: string[] = [];
      run.responses.forEach((response, index) => {
        const { payload } = expectRelated(run.requests[index], response);
        const last = index === run.responses.length - 1;
        expect(payload.localName).toBe(index === 0 ? 'EnumerateResponse' : 'PullResponse');
        const pageItems = items(payload, index === 0 ? NS.wsman : NS.enumeration);
        expect(pageItems.length).toBeLessThanOrEqual(5);
        names.push(...serviceNames(pageItems));
        const endOfSequence = child(payload, index === 0 ? NS.wsman : NS.enumeration, 'EndOfSequence');
        expect(endOfSequence !== undefined).toBe(last);
      });
      expect(names).toEqual(reference);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'enum of root/cimv2/* with a WQL -filter and -dialect: only the selected properties of matching instances',
    async () => {
      const run = await wsl(['enum', `${WMI_CIMV2}/*`, '-dialect', DIALECT.wql, '-filter', "SELECT Name,State FROM Win32_Service WHERE State = 'Running'"]);
      expect(run.process.code).toBe(0);
      expect(run.responses).toHaveLength(1);
      const { payload } = expectRelated(run.requests[0], run.responses[0]);
      const found = items(payload, NS.wsman);
      expect(serviceNames(found)).toEqual(namesIn('Running'));
      for (const item of found) expect(childElements(item).map((e) => e.localName)).toEqual(['Name', 'State']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'enum non-optimized (WSENUMOPTIMIZE= in ~/.wsl-config) with a WQL filter: Enumerate, then one Pull per instance',
    async () => {
      const stopped = namesIn('Stopped');
      expect(stopped.length).toBeGreaterThan(1);
      const run = await wsl(['enum', `${WMI_CIMV2}/*`, '-dialect', DIALECT.wql, '-filter', "SELECT * FROM Win32_Service WHERE State = 'Stopped'"], {
        config: ['WSENUMOPTIMIZE='],
      });
      expect(run.process.code).toBe(0);
      expect(run.requests[0]).not.toContain('OptimizeEnumeration');
      expect(run.responses).toHaveLength(stopped.length + 1);
      const first = expectRelated(run.requests[0], run.responses[0]).payload;
      expect(first.localName).toBe('EnumerateResponse');
      expect(child(first, NS.wsman, 'Items')).toBeUndefined();
      const names = run.responses.slice(1).flatMap((response, index) => {
        const { payload } = expectRelated(run.requests[index + 1], response);
        expect(payload.localName).toBe('PullResponse');
        const last = index === run.responses.length - 2;
        expect(child(payload, NS.enumeration, 'EndOfSequence') !== undefined).toBe(last);
        return serviceNames(items(payload, NS.enumeration));
      });
      expect(names).toEqual(stopped);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'get of a Win32_Service instance by selector',
    async () => {
      const run = await wsl(['get', WIN32_SERVICE, 'Name=WinRM']);
      expect(run.process.code).toBe(0);
      const { header, payload } = expectRelated(run.requests[0], run.responses[0]);
      expect(textContent(child(header, NS.addressing, 'Action')!)).toBe(`${ACTION.get}Response`);
      expect(payload).toMatchObject({ namespace: WIN32_SERVICE, localName: 'Win32_Service' });
      expect(childText(payload, WIN32_SERVICE, 'Name')).toBe('WinRM');
      expect(childText(payload, WIN32_SERVICE, 'State')).toBe('Running');
      expect(childText(payload, WIN32_SERVICE, 'SystemName')).toBe('WIN-TEST');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'get of winrm/config: a GetResponse, though wsl exits 1 (its success test needs a selector)',
    async () => {
      const run = await wsl(['get', WINRM_CONFIG]);
      expect(run.process.code).toBe(1);
      expect(run.statuses).toEqual([200]);
      const { payload } = expectRelated(run.requests[0], run.responses[0]);
      expect(payload).toMatchObject({ namespace: NS.config, localName: 'Config' });
      expect(childText(child(payload, NS.config, 'Service')!, NS.config, 'AllowUnencrypted')).toBe('true');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'get of a service that does not exist: the WSManFault, exit status 1',
    async () => {
      const run = await wsl(['get', WIN32_SERVICE, 'Name=NoSuchService']);
      expect(run.process.code).toBe(1);
      // wsl always passes curl --retry N (N >= 1): a 500 is a "transient" error to curl, so it asks twice.
      expect(run.statuses).toEqual([500, 500]);
      expectRelated(run.requests[0], run.responses[0]);
      expect(readFaultFacts(run.responses[0])).toMatchObject({ wsmanFaultCode: CODE_RESOURCE_NOT_FOUND, machine: 'WIN-TEST' });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'invoke -inst EPR-file: StopService and StartService change the State a following get reads',
    async () => {
      // An EPR as wsl's fGetEPRSELECTOR reads it: one element per line, wsl's own prefixes.
      const epr = [
        '<wsa:EndpointReference>',
        '<wsa:ReferenceParameters>',
        `<wsman:ResourceURI>${WIN32_SERVICE}</wsman:ResourceURI>`,
        '<wsman:SelectorSet>',
        '<wsman:Selector Name="Name">Spooler</wsman:Selector>',
        '</wsman:SelectorSet>',
        '</wsa:ReferenceParameters>',
        '</wsa:EndpointReference>',
        '',
      ].join('\n');
      expect(namesIn('Running')).toContain('Spooler');

      for (const [method, after] of [
        ['StopService', 'Stopped'],
        ['StartService', 'Running'],
      ] as const) {
        const run = await wsl(['invoke', WIN32_SERVICE, method, '-inst', 'spooler.xml'], { files: { 'spooler.xml': epr } });
        expect(run.process.code).toBe(0);
        expect(run.requests).toHaveLength(1);
        const { header, payload } = expectRelated(run.requests[0], run.responses[0]);
        expect(textContent(child(header, NS.addressing, 'Action')!)).toBe(`${WIN32_SERVICE}/${method}Response`);
        expect(payload).toMatchObject({ namespace: WIN32_SERVICE, localName: `${method}_OUTPUT` });
        expect(childText(payload, WIN32_SERVICE, 'ReturnValue')).toBe('0');
        expect(await serviceState('Spooler')).toBe(after);
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'invoke without -inst (wsl limitation): the EPR it copies keeps the reply\'s w: prefix, the request is refused with 400 and nothing runs',
    async () => {
      const before = await harnessStates();
      const run = await wsl(['invoke', WIN32_SERVICE, 'StartService']);
      // Step 1 works: EnumerateEPR (wsl's default optimized enumeration) returns every EPR.
      const { payload } = expectRelated(run.requests[0], run.responses[0]);
      const references = items(payload, NS.wsman);
      expect(references).toHaveLength(reference.length);
      const first = references[0];
      expect(first).toMatchObject({ namespace: NS.addressing, localName: 'EndpointReference' });
      const parameters = child(first, NS.addressing, 'ReferenceParameters')!;
      expect(childText(parameters, NS.wsman, 'ResourceURI')).toBe(WIN32_SERVICE);
      const selector = child(child(parameters, NS.wsman, 'SelectorSet')!, NS.wsman, 'Selector')!;
      expect(attribute(selector, 'Name')).toBe('Name');
      expect(textContent(selector)).toBe(reference[0]);

      // Step 2: the copied selector lines use w:, which wsl's envelope never declares.
      expect(run.requests).toHaveLength(2);
      expect(run.requests[1]).toContain(`<w:Selector Name="Name">${reference[0]}</w:Selector>`);
      expect(run.requests[1]).not.toContain('xmlns:w=');
      expect(() => parseXml(run.requests[1])).toThrow();
      expect(run.statuses).toEqual([200, 400]);
      expect(run.responses[1]).toBe('');
      expect(await harnessStates()).toEqual(before);
    },
    TEST_TIMEOUT_MS,
  );

  describe('credentials and transports', () => {
    it(
      'a wrong password: HTTP 401 and no reply (wsl identify still exits 0: curl runs without --fail)',
      async () => {
        const run = await wsl(['identify', 'check'], { password: 'wrong' });
        expect(run.statuses).toEqual([401]);
        expect(run.responses).toEqual(['']);
        expect(run.process.code).toBe(0);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'Basic over plain HTTP to an endpoint without AllowUnencrypted: HTTP 401, no reply',
      async () => {
        const run = await wsl(['get', WIN32_SERVICE, 'Name=WinRM'], { endpoint: hostPort(strict.url!) });
        expect(run.statuses).toEqual([401]);
        expect(run.responses).toEqual(['']);
        expect(run.process.code).toBe(1);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'HTTPS with ./<host:port>.crt: curl validates the endpoint certificate; another certificate fails the handshake',
      async () => {
        const target = hostPort(endpoint.httpsUrl!);
        const good = await wsl(['get', WIN32_SERVICE, 'Name=WinRM'], { endpoint: target, https: true, files: { [`${target}.crt`]: endpoint.certificatePem! } });
        expect(good.process.code).toBe(0);
        expect(good.requests[0]).toContain(`<wsa:To s:mustUnderstand="true">https://${target}/wsman</wsa:To>`);
        const { payload } = expectRelated(good.requests[0], good.responses[0]);
        expect(childText(payload, WIN32_SERVICE, 'Name')).toBe('WinRM');

        const bad = await wsl(['get', WIN32_SERVICE, 'Name=WinRM'], { endpoint: target, https: true, files: { [`${target}.crt`]: strict.certificatePem! } });
        expect(bad.process.code).toBe(1);
        expect(bad.statuses).toEqual([]);
        expect(bad.responses).toEqual(['']);
        expect(bad.log).toMatch(/curl: \(60\) SSL certificate problem/);
      },
      TEST_TIMEOUT_MS,
    );
  });
});

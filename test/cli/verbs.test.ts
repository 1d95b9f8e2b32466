/**
 * Every verb of `wsman` as winrm.cmd, in-process against the embedded endpoint: Basic over HTTP
 * (-unencrypted), Negotiate with sealed messages, HTTPS with -skipCAcheck and with the
 * trusted-roots folder. Outputs are compared with the object model's own answer run through
 * each formatter, so the CLI adds nothing and loses nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createObject } from '../../src/index';
import { WSManSessionFlags as F } from '../../src/automation/flags';
import type { Session } from '../../src/automation/session';
import { formatJson } from '../../src/cli/format/json-format';
import { formatPretty } from '../../src/cli/format/pretty-format';
import { formatText } from '../../src/cli/format/text-format';
import type { RunningEndpoint } from '../../src/server/endpoint';
import { basicSwitches, PASSWORD, startCliEndpoint, USER, wsman } from './cli-harness';

let endpoint: RunningEndpoint;
let dataDir: string;
let sw: string[];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wsman-cli-'));
  endpoint = await startCliEndpoint({ https: true, httpsPort: 0, dataDir });
  sw = basicSwitches(endpoint.url!);
});

afterAll(async () => {
  await endpoint.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function librarySession(): Session {
  const automation = createObject('WSMan.Automation');
  const options = automation.CreateConnectionOptions().value!;
  options.put_UserName(USER);
  options.put_Password(PASSWORD);
  return automation.CreateSession(endpoint.url!, F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword | F.WSManFlagNoEncryption, options).value!;
}

describe('get', () => {
  const uri = 'wmicimv2/Win32_Service?Name=WinRM';

  it('prints the resource in text, xml, pretty and json exactly as the formatters render the object model\'s answer', async () => {
    const raw = (await librarySession().Get(uri)).value!;
    const text = await wsman(['g', uri, ...sw]);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toBe(`${formatText(raw)}\n`);
    expect(text.stdout).toMatch(/^Win32_Service\n {4}AcceptPause = false\n {4}AcceptStop = true\n/);
    expect(text.stdout).toContain('\n    Name = WinRM\n');
    expect((await wsman(['get', uri, ...sw, '-format:xml'])).stdout).toBe(`${raw}\n`);
    expect((await wsman(['get', uri, ...sw, '-format:#pretty'])).stdout).toBe(`${formatPretty(raw)}\n`);
    const json = await wsman(['get', uri, ...sw, '-f:json']);
    expect(json.stdout).toBe(`${formatJson(raw)}\n`);
    expect(JSON.parse(json.stdout)).toMatchObject({ Name: 'WinRM', AcceptStop: true, ProcessId: expect.any(Number) });
  });

  it('winrm/config with an alias, a full URI and a fragment', async () => {
    const config = await wsman(['get', 'winrm/config', ...sw]);
    expect(config.stdout).toMatch(/^Config\n {4}MaxEnvelopeSizekb = \d+\n[\s\S]*\n {4}Client\n {8}NetworkDelayms = 5000\n/);
    const full = await wsman(['get', 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service?Name=WinRM', ...sw, '-format:json']);
    expect(JSON.parse(full.stdout).Name).toBe('WinRM');
    const fragment = await wsman(['get', 'wmicimv2/Win32_Service?name=spooler', '-fragment:Status/text()', ...sw, '-format:xml']);
    expect(fragment.code).toBe(0);
    expect(fragment.stdout).toMatch(/OK/);
  });
});

describe('enumerate', () => {
  it('text items separated by a blank line; xml and pretty inside wsman:Results; json one line per item', async () => {
    const listener = await wsman(['e', 'winrm/config/listener', ...sw]);
    expect(listener.stdout).toMatch(/^Listener\n {4}Address = \*\n {4}Transport = HTTP\n {4}Port = \d+\n {4}Hostname\n {4}Enabled = true\n/);
    expect(listener.stdout.endsWith('\n\n')).toBe(true);

    const library = librarySession();
    const enumerator = (await library.Enumerate('wmicimv2/Win32_Service')).value!;
    const items: string[] = [];
    while (!enumerator.get_AtEndOfStream().value) items.push((await enumerator.ReadItem()).value!);

    const json = await wsman(['enumerate', 'wmicimv2/Win32_Service', ...sw, '-format:json']);
    expect(json.stdout).toBe(items.map((item) => `${formatJson(item)}\n`).join(''));
    const xml = await wsman(['enum', 'wmicimv2/Win32_Service', ...sw, '-format:xml']);
    expect(xml.stdout).toBe(['<wsman:Results xmlns:wsman="http://schemas.dmtf.org/wbem/wsman/1/wsman/results">', ...items, '</wsman:Results>', ''].join('\n'));
    const pretty = await wsman(['e', 'wmicimv2/Win32_Service', ...sw, '-format:pretty']);
    expect(pretty.stdout.split('\n').slice(1, 3)).toEqual(formatPretty(items[0]).split('\n').slice(0, 2));
    const text = await wsman(['e', 'wmicimv2/Win32_Service', ...sw]);
    expect(text.stdout).toBe(items.map((item) => `${formatText(item)}\n`).join(''));
  });

  it('filters: WQL (the default dialect), selector hashes, associations; return types and hierarchy switches', async () => {
    const wql = await wsman(['e', 'wmicimv2/*', `-filter:select Name,State from Win32_Service where Name='WinRM'`, ...sw, '-format:json']);
    expect(wql.code).toBe(0);
    expect(wql.stdout.trim().split('\n').map((l) => JSON.parse(l).Name)).toEqual(['WinRM']);
    const selector = await wsman(['e', 'wmicimv2/Win32_Service', '-dialect:selector', '-filter:{Name="WinRM"}', ...sw, '-format:json']);
    expect(selector.stdout.trim().split('\n').map((l) => JSON.parse(l).Name)).toEqual(['WinRM']);
    const associated = await wsman([
      'e', 'wmicimv2/*', '-dialect:Association',
      '-filter:{Object=Win32_Service?Name=WinRM;AssociationClassName=Win32_DependentService;ResultClassName=win32_service;ResultRole=antecedent;Role=dependent}',
      ...sw, '-format:json',
    ]);
    expect(associated.code).toBe(0);
    expect(associated.stdout.trim().length).toBeGreaterThan(0);
    const epr = await wsman(['e', 'wmicimv2/Win32_Service', '-returnType:EPR', '-shallow', ...sw]);
    expect(epr.stdout).toMatch(/^EndpointReference\n {4}Address = .*\n {4}ReferenceParameters\n {8}ResourceURI = .*Win32_Service\n {8}SelectorSet\n {12}Selector: Name = /);
    const both = await wsman(['e', 'wmicimv2/Win32_Service', '-returnType:ObjectAndEPR', '-basePropertiesOnly', ...sw, '-format:json']);
    expect(Object.keys(JSON.parse(both.stdout.split('\n')[0]))).toEqual(expect.arrayContaining(['EndpointReference']));
  });

  it('winrm\'s enumeration argument errors', async () => {
    expect(await wsman(['e', 'wmicimv2/*', '-dialect:association', ...sw])).toMatchObject({ code: 1, stderr: 'Error: -filter parameter is required for the given dialect\n' });
    expect(await wsman(['e', 'wmicimv2/*', '-associations', ...sw])).toMatchObject({ code: 1, stderr: 'Error: -associations is not a valid option for the given dialect\n' });
    expect(await wsman(['e', 'wmicimv2/Win32_Service', '-returntype:all', ...sw])).toMatchObject({ code: 1, stderr: 'Error: -returntype:all is not a valid option\n' });
  });
});

describe('set, create, delete, invoke', () => {
  it('set merges @{…} into the resource read with Get; a deprecated setting may come back unchanged', async () => {
    const set = await wsman(['set', 'winrm/config', '@{MaxTimeoutms="61000"}', ...sw]);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toMatch(/^Config\n[\s\S]*\n {4}MaxTimeoutms = 61000\n/);
    expect((await wsman(['get', 'winrm/config', ...sw, '-format:json'])).stdout).toMatch(/"MaxTimeoutms":61000/);
    const deprecated = await wsman(['set', 'winrm/config', '@{MaxProviderRequests="5"}', ...sw]);
    expect(deprecated.code).toBe(1);
    expect(deprecated.stderr).toContain('Error number:  -2144108114 0x803381AE');
  });

  it('set refuses names that match no text property, and runs without input only with -file', async () => {
    expect(await wsman(['set', 'winrm/config', '@{Nope="1"}', ...sw])).toMatchObject({ code: 1, stderr: 'Error: Parameter name does not match any properties on resource: Nope\n' });
    expect(await wsman(['set', 'winrm/config', '@{Client="1"}', ...sw])).toMatchObject({ code: 1, stderr: 'Error: Parameter matches a non-text property on resource: Client\n' });
    expect(await wsman(['set', 'winrm/config', ...sw])).toMatchObject({ code: 1, stderr: 'Error: No input provided through "@{...}" or "-file:" commandline parameters.\n' });
    const dir = mkdtempSync(join(tmpdir(), 'wsman-input-'));
    try {
      writeFileSync(join(dir, 'winrs.xml'), '<cfg:Winrs xmlns:cfg="http://schemas.microsoft.com/wbem/wsman/1/config"><cfg:MaxShellsPerUser>27</cfg:MaxShellsPerUser></cfg:Winrs>');
      const fromFile = await wsman(['set', 'winrm/config/winrs', '-file:winrs.xml', ...sw], { cwd: dir });
      expect(fromFile.stdout).toContain('MaxShellsPerUser = 27');
      expect(await wsman(['set', 'winrm/config/winrs', '-file:missing.xml', ...sw], { cwd: dir })).toMatchObject({ code: 1, stderr: "Error: File does not exist: 'missing.xml'\n" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('create prints the EPR; set, get and delete address the new instance; a deleted one is a fault', async () => {
    const created = await wsman(['create', 'wmicimv2/Win32_Environment', '@{Name="CLI_TEST";UserName="<SYSTEM>";VariableValue="1"}', ...sw]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^ResourceCreated\n {4}Address = [\s\S]*Selector: Name = CLI_TEST/);
    const instance = 'wmicimv2/Win32_Environment?Name=CLI_TEST+UserName=<SYSTEM>';
    expect((await wsman(['s', instance, '@{VariableValue="2"}', ...sw])).stdout).toContain('VariableValue = 2');
    expect(await wsman(['d', instance, ...sw])).toEqual({ code: 0, stdout: '', stderr: '' });
    const gone = await wsman(['get', instance, ...sw]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^WSManFault\n[\s\S]*\n\nError number:  -2144108544 0x80338000\nThe WS-Management service cannot process the request\. The service cannot find the resource/);
  });

  it('invoke builds ACTION_INPUT from @{…} (or none) and prints the output', async () => {
    const stop = await wsman(['invoke', 'StopService', 'wmicimv2/Win32_Service?Name=spooler', ...sw]);
    expect(stop).toEqual({ code: 0, stdout: 'StopService_OUTPUT\n    ReturnValue = 0\n\n', stderr: '' });
    const start = await wsman(['i', 'StartService', 'wmicimv2/Win32_Service?Name=spooler', ...sw, '-format:json']);
    expect(JSON.parse(start.stdout)).toEqual({ ReturnValue: 0 });
    const create = await wsman(['invoke', 'Create', 'wmicimv2/Win32_Process', '@{CommandLine="notepad.exe";CurrentDirectory="C:\\"}', ...sw, '-format:json']);
    expect(create.code).toBe(0);
    expect(JSON.parse(create.stdout)).toHaveProperty('ReturnValue');
  });
});

describe('identify, configSDDL, helpmsg', () => {
  it('identify authenticated and with -a:none', async () => {
    const id = await wsman(['id', ...sw]);
    expect(id.stdout).toMatch(/^IdentifyResponse\n {4}ProtocolVersion = http:\/\/schemas\.dmtf\.org\/wbem\/wsman\/1\/wsman\.xsd\n {4}ProductVendor = Microsoft Corporation\n/);
    const anonymous = await wsman(['identify', `-r:${endpoint.url}`, '-a:none', '-format:json']);
    expect(JSON.parse(anonymous.stdout)).toMatchObject({ ProductVendor: 'Microsoft Corporation' });
  });

  it('configSDDL prints the SDDL (no security editor here); default is RootSDDL', async () => {
    const sddl = await wsman(['configSDDL', 'default', ...sw]);
    expect(sddl).toMatchObject({ code: 0, stderr: '' });
    expect(sddl.stdout).toMatch(/^O:NSG:BAD:P\(.*\)\n$/);
  });

  it('helpmsg in hex, negative and positive decimal; unreadable numbers show its help', async () => {
    const hex = await wsman(['helpmsg', '0x80338012']);
    expect(hex.stdout).toMatch(/^The client cannot connect to the destination specified in the request\./);
    expect((await wsman(['helpmsg', '-2144108526'])).stdout).toBe(hex.stdout);
    expect((await wsman(['helpmsg', '2150858770'])).stdout).toBe(hex.stdout);
    expect((await wsman(['helpmsg', 'zz'])).stdout).toContain('wsman helpmsg errorcode');
  });
});

describe('authentication and transports', () => {
  it('Negotiate with sealed messages over HTTP', async () => {
    const run = await wsman(['get', 'wmicimv2/Win32_Service?Name=WinRM', `-r:${endpoint.url}`, `-u:${USER}`, `-p:${PASSWORD}`, '-a:Negotiate', '-format:json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout).Name).toBe('WinRM');
    // The default mechanism with explicit credentials is Negotiate too.
    expect((await wsman(['id', `-r:${endpoint.url}`, `-u:${USER}`, `-p:${PASSWORD}`])).code).toBe(0);
  });

  it('HTTPS: refused as untrusted with a hint naming the trusted-roots folder; -skipCAcheck; the folder', async () => {
    const previous = process.env.WSMAN_CERT_STORE;
    const store = mkdtempSync(join(tmpdir(), 'wsman-cli-store-'));
    process.env.WSMAN_CERT_STORE = store;
    try {
      const https = [`-r:${endpoint.httpsUrl}`, `-u:${USER}`, `-p:${PASSWORD}`, '-a:basic'];
      const untrusted = await wsman(['id', ...https]);
      expect(untrusted.code).toBe(1);
      expect(untrusted.stderr).toContain('Error number:  -2147012851 0x80072F0D');
      expect(untrusted.stderr).toContain(join(store, 'root'));
      expect((await wsman(['id', ...https, '-skipCAcheck'])).code).toBe(0);
      mkdirSync(join(store, 'root'));
      writeFileSync(join(store, 'root', 'endpoint.pem'), endpoint.certificatePem!);
      const trusted = await wsman(['get', 'winrm/config/listener?Address=*+Transport=HTTPS', ...https, '-format:json']);
      expect(trusted).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(trusted.stdout)).toMatchObject({ Transport: 'HTTPS' });
    } finally {
      if (previous === undefined) delete process.env.WSMAN_CERT_STORE;
      else process.env.WSMAN_CERT_STORE = previous;
      rmSync(store, { recursive: true, force: true });
    }
  });

  it('a wrong password or an unknown user (Basic, NTLM): access denied, the server offered our scheme, so the credentials were refused', async () => {
    for (const who of [[`-u:${USER}`, '-p:wrong'], ['-u:nobody', `-p:${PASSWORD}`]]) {
      const run = await wsman(['id', `-r:${endpoint.url}`, ...who, '-a:basic', '-un']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Error number:  -2147024891 0x80070005\nAccess is denied.');
      expect(run.stderr).toContain('Hint: the server refused the credentials (Windows does not say whether the user name or the password is wrong).');
      expect(run.stderr).not.toContain('does not accept');
    }
    // NTLM under Negotiate: the server answers the AUTHENTICATE with a bare Negotiate offer.
    const ntlm = await wsman(['id', `-r:${endpoint.url}`, `-u:${USER}`, '-p:wrong', '-a:negotiate']);
    expect(ntlm.code).toBe(1);
    expect(ntlm.stderr).toContain('Hint: the server refused the credentials');
  });

  it('Basic over HTTP to a host without AllowUnencrypted: access denied, the mechanism refused, with what it offers', async () => {
    const strict = await startCliEndpoint({ allowUnencrypted: false });
    try {
      const run = await wsman(['id', `-r:${strict.url}`, `-u:${USER}`, `-p:${PASSWORD}`, '-a:basic', '-un']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Error number:  -2147024891 0x80070005\nAccess is denied.');
      expect(run.stderr).toContain('Hint: the server does not accept Basic here; it offers: Negotiate. Choose one with -a:negotiate.');
      expect(run.stderr).toMatch(/-unencrypted.*-usessl/);
      expect(run.stderr).not.toContain('refused the credentials');
      expect(run.stderr).not.toContain(PASSWORD);
    } finally {
      await strict.close();
    }
  });

  it('-timeout, -encoding:utf-16 and -options reach the session and the locator', async () => {
    const run = await wsman(['get', 'winrm/config', ...sw, '-timeout:30000', '-encoding:utf-16', '-options:{x=$null}', '-format:json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty('MaxBatchItems');
  });
});

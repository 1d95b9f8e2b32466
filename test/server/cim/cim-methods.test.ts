import * as path from 'node:path';
import type { CimStore } from '../../../src/server/cim/cim-store';
import type { CimValue, PropertyTexts } from '../../../src/server/cim/cim-types';
import { methodOutputXml } from '../../../src/server/cim/cim-xml';
import { CIMV2, causeOf, expectWsmanError, loadStore, makeTempDir, removeDir, writeJson } from './cim-test-helpers';

const sel = (name: string, value: string) => ({ name, value });
const input = (entries: Record<string, string | null | string[]> = {}): PropertyTexts => new Map(Object.entries(entries));

function call(store: CimStore, service: string, method: string, args: PropertyTexts = input()): CimValue {
  return store.invoke('Win32_Service', [sel('Name', service)], method, args).values.get('ReturnValue') ?? null;
}

function service(store: CimStore, name: string): Record<string, CimValue> {
  return Object.fromEntries(store.get('Win32_Service', [sel('Name', name)]).properties);
}

describe('Win32_Service methods', () => {
  let store: CimStore;
  beforeEach(() => {
    store = loadStore();
  });

  it('StartService starts a stopped service and answers 10 when it already runs', () => {
    expect(call(store, 'WinRM', 'StartService')).toBe(10);
    expect(call(store, 'wuauserv', 'StartService')).toBe(0);
    const started = service(store, 'wuauserv');
    expect(started).toMatchObject({ State: 'Running', Started: true, AcceptStop: true });
    const processIds = store.enumerate('Win32_Process').map((p) => p.properties.get('ProcessId') as number);
    expect(started['ProcessId']).toBeGreaterThan(Math.max(...processIds));
    expect((started['ProcessId'] as number) % 4).toBe(0);
    expect(call(store, 'wuauserv', 'StartService')).toBe(10);
  });

  it('StartService answers 14 for a disabled service and changes nothing', () => {
    const before = service(store, 'RemoteRegistry');
    expect(call(store, 'RemoteRegistry', 'StartService')).toBe(14);
    expect(service(store, 'RemoteRegistry')).toEqual(before);
  });

  it('StopService stops a running service; 5 when stopped already or when it does not accept stop', () => {
    expect(call(store, 'Spooler', 'StopService')).toBe(0);
    expect(service(store, 'Spooler')).toMatchObject({ State: 'Stopped', Started: false, ProcessId: 0, AcceptStop: false });
    expect(call(store, 'Spooler', 'StopService')).toBe(5);
    expect(call(store, 'RpcSs', 'StopService')).toBe(5);
    expect(service(store, 'RpcSs')['State']).toBe('Running');
    expect(call(store, 'Spooler', 'StartService')).toBe(0);
    expect(call(store, 'Spooler', 'StopService')).toBe(0);
  });

  it('PauseService and ResumeService follow AcceptPause and the state', () => {
    expect(call(store, 'LanmanServer', 'PauseService')).toBe(0);
    expect(service(store, 'LanmanServer')['State']).toBe('Paused');
    expect(call(store, 'LanmanServer', 'PauseService')).toBe(24);
    expect(call(store, 'LanmanServer', 'StartService')).toBe(10);
    expect(call(store, 'LanmanServer', 'ResumeService')).toBe(0);
    expect(service(store, 'LanmanServer')['State']).toBe('Running');
    expect(call(store, 'Spooler', 'PauseService')).toBe(1);
    expect(call(store, 'Spooler', 'ResumeService')).toBe(1);
    expect(call(store, 'wuauserv', 'PauseService')).toBe(6);
    expect(call(store, 'wuauserv', 'ResumeService')).toBe(6);
  });

  it('ChangeStartMode stores Auto/Manual/Disabled and answers 21 for anything else', () => {
    expect(call(store, 'wuauserv', 'ChangeStartMode', input({ StartMode: 'Automatic' }))).toBe(0);
    expect(service(store, 'wuauserv')['StartMode']).toBe('Auto');
    expect(call(store, 'wuauserv', 'ChangeStartMode', input({ StartMode: 'manual' }))).toBe(0);
    expect(service(store, 'wuauserv')['StartMode']).toBe('Manual');
    expect(call(store, 'wuauserv', 'ChangeStartMode', input({ StartMode: 'Disabled' }))).toBe(0);
    expect(call(store, 'wuauserv', 'StartService')).toBe(14);
    expect(call(store, 'wuauserv', 'ChangeStartMode', input({ StartMode: 'Sometimes' }))).toBe(21);
    expect(call(store, 'wuauserv', 'ChangeStartMode')).toBe(21);
    expect(service(store, 'wuauserv')['StartMode']).toBe('Disabled');
  });

  it('takes method names without case and answers with the schema spelling', () => {
    const output = store.invoke('win32_service', [sel('name', 'WINRM')], 'startservice', input());
    expect(output).toMatchObject({ className: 'Win32_Service', method: 'StartService' });
    expect([...output.values]).toEqual([['ReturnValue', 10]]);
    expect(methodOutputXml(output, `${CIMV2}Win32_Service`)).toBe(
      `<p:StartService_OUTPUT xmlns:p="${CIMV2}Win32_Service"><p:ReturnValue>10</p:ReturnValue></p:StartService_OUTPUT>`,
    );
  });

  it('refuses an unknown method, unknown or wrongly cased parameters, bad values and missing selectors', () => {
    expectWsmanError(() => store.invoke('Win32_Service', [sel('Name', 'WinRM')], 'Restart', input()), 'ERROR_WSMAN_ACTION_NOT_SUPPORTED');
    const wrongCase = expectWsmanError(
      () => store.invoke('Win32_Service', [sel('Name', 'WinRM')], 'ChangeStartMode', input({ startmode: 'Manual' })),
      'ERROR_WSMAN_INVALID_PARAMETER',
    );
    expect(causeOf(wrongCase)).toContain('case-sensitive');
    expectWsmanError(() => store.invoke('Win32_Process', [sel('Handle', String(process.pid))], 'Terminate', input({ Reason: 'now' })), 'ERROR_WSMAN_SCHEMA_VALIDATION_ERROR');
    expectWsmanError(() => store.invoke('Win32_Service', [], 'StartService', input()), 'ERROR_WSMAN_INVALID_SELECTORS');
    expectWsmanError(() => store.invoke('Win32_Service', [sel('Name', 'Nope')], 'StartService', input()), 'ERROR_WSMAN_RESOURCE_NOT_FOUND');
    expect(service(store, 'WinRM')['StartMode']).toBe('Auto');
  });
});

describe('Win32_Process methods', () => {
  // One store for these tests: each checks counts relative to its own start.
  let store: CimStore;
  beforeAll(() => {
    store = loadStore();
  });

  it('Create adds an emulated process with a new id and never runs anything', () => {
    const before = store.enumerate('Win32_Process');
    const highest = Math.max(...before.map((p) => p.properties.get('ProcessId') as number));
    const output = store.invoke('Win32_Process', [], 'Create', input({ CommandLine: 'notepad.exe C:\\notes.txt', CurrentDirectory: 'C:\\' }));
    const processId = output.values.get('ProcessId') as number;
    expect(output.values.get('ReturnValue')).toBe(0);
    expect(processId).toBeGreaterThan(highest);
    const created = store.get('Win32_Process', [sel('Handle', String(processId))]);
    expect(Object.fromEntries(created.properties)).toMatchObject({
      Name: 'notepad.exe',
      Handle: String(processId),
      ProcessId: processId,
      CommandLine: 'notepad.exe C:\\notes.txt',
      ExecutablePath: 'C:\\Windows\\system32\\notepad.exe',
      CSName: 'WIN-TEST',
    });
    expect(store.enumerate('Win32_Process')).toHaveLength(before.length + 1);
    expect(methodOutputXml(output, `${CIMV2}Win32_Process`)).toBe(
      `<p:Create_OUTPUT xmlns:p="${CIMV2}Win32_Process"><p:ProcessId>${processId}</p:ProcessId><p:ReturnValue>0</p:ReturnValue></p:Create_OUTPUT>`,
    );
  });

  it('Create names the process after the executable of a quoted path, adding .exe', () => {
    const output = store.invoke('Win32_Process', [], 'create', input({ CommandLine: '"C:\\Program Files\\Tool\\tool" --flag' }));
    const created = store.get('Win32_Process', [sel('Handle', String(output.values.get('ProcessId')))]);
    expect(created.properties.get('Name')).toBe('tool.exe');
    expect(created.properties.get('ExecutablePath')).toBe('C:\\Program Files\\Tool\\tool.exe');
  });

  it('Create answers 21 for an empty command line and adds nothing', () => {
    const count = store.enumerate('Win32_Process').length;
    for (const args of [input(), input({ CommandLine: '   ' }), input({ CommandLine: null })]) {
      const output = store.invoke('Win32_Process', [], 'Create', args);
      expect(output.values.get('ReturnValue')).toBe(21);
      expect(output.values.get('ProcessId')).toBeNull();
      expect(methodOutputXml(output, `${CIMV2}Win32_Process`)).toBe(
        `<p:Create_OUTPUT xmlns:p="${CIMV2}Win32_Process"><p:ReturnValue>21</p:ReturnValue></p:Create_OUTPUT>`,
      );
    }
    expect(store.enumerate('Win32_Process')).toHaveLength(count);
  });

  it('GetOwner answers fixed values; Terminate removes the emulated instance only', () => {
    const { values } = store.invoke('Win32_Process', [], 'Create', input({ CommandLine: 'calc' }));
    const handle = String(values.get('ProcessId'));
    const owner = store.invoke('Win32_Process', [sel('Handle', handle)], 'GetOwner', input());
    expect(methodOutputXml(owner, `${CIMV2}Win32_Process`)).toBe(
      `<p:GetOwner_OUTPUT xmlns:p="${CIMV2}Win32_Process"><p:Domain>NT AUTHORITY</p:Domain><p:ReturnValue>0</p:ReturnValue><p:User>SYSTEM</p:User></p:GetOwner_OUTPUT>`,
    );
    expect(store.invoke('Win32_Process', [sel('Handle', handle)], 'Terminate', input({ Reason: '1' })).values.get('ReturnValue')).toBe(0);
    expectWsmanError(() => store.get('Win32_Process', [sel('Handle', handle)]), 'ERROR_WSMAN_RESOURCE_NOT_FOUND');
    // Terminating this very process removes its instance and leaves the process running.
    store.invoke('Win32_Process', [sel('Handle', String(process.pid))], 'Terminate', input());
    expectWsmanError(() => store.get('Win32_Process', [sel('Handle', String(process.pid))]), 'ERROR_WSMAN_RESOURCE_NOT_FOUND');
  });
});

describe('methods of a user schema', () => {
  it('answers ERROR_WSMAN_WMI_PROVIDER_NOT_CAPABLE for a declared method the emulation does not implement', () => {
    const dir = makeTempDir();
    try {
      const schemaFile = path.join(dir, 'schema.json');
      writeJson(schemaFile, { classes: [{ name: 'My_Thing', properties: [{ name: 'Id', type: 'string', key: true }], methods: [{ name: 'Poke' }] }] });
      writeJson(path.join(dir, 'instances', 'My_Thing.json'), [{ Id: 'a' }]);
      const store = loadStore({ schemaFile, instancesDir: path.join(dir, 'instances') });
      expectWsmanError(() => store.invoke('My_Thing', [sel('Id', 'a')], 'Poke', input()), 'ERROR_WSMAN_WMI_PROVIDER_NOT_CAPABLE');
    } finally {
      removeDir(dir);
    }
  });
});

import * as os from 'node:os';
import { CimStore } from '../../../src/server/cim/cim-store';
import { defaultMachineName, localTimeRecord, OS_VERSION } from '../../../src/server/cim/machine-instances';
import { loadStore, MACHINE } from './cim-test-helpers';

const sel = (name: string, value: string) => ({ name, value });

describe('local machine fill', () => {
  const secret = 's3cr3t-value-that-must-not-leak';
  process.env['CIM_TEST_SECRET'] = secret;
  const store = loadStore();
  delete process.env['CIM_TEST_SECRET'];

  it('lists processes including this one, keyed by Handle = String(pid)', () => {
    const self = store.get('Win32_Process', [sel('Handle', String(process.pid))]);
    expect(self.properties.get('ProcessId')).toBe(process.pid);
    expect(self.properties.get('CSName')).toBe(MACHINE);
    expect(typeof self.properties.get('Name')).toBe('string');
    expect(self.properties.get('ParentProcessId')).toBe(process.ppid);
    const ids = store.enumerate('Win32_Process').map((p) => p.properties.get('ProcessId') as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('takes the processes once, at load', () => {
    expect(store.enumerate('Win32_Process')).toEqual(store.enumerate('Win32_Process'));
  });

  it('describes the operating system and computer under the machine name given', () => {
    const system = store.enumerate('Win32_OperatingSystem');
    expect(system).toHaveLength(1);
    const props = Object.fromEntries(system[0]!.properties);
    expect(props).toMatchObject({ CSName: MACHINE, Version: OS_VERSION, BuildNumber: '20348', Caption: 'Microsoft Windows Server 2022 Standard' });
    expect(props['TotalVisibleMemorySize']).toBe(BigInt(Math.floor(os.totalmem() / 1024)));
    expect(props['LastBootUpTime']).toMatch(/^\d{14}\.\d{6}[+-]\d{3}$/);
    expect(props['NumberOfProcesses']).toBe(store.enumerate('Win32_Process').length);
    const computer = store.get('Win32_ComputerSystem', [sel('Name', 'win-test')]);
    expect(computer.properties.get('TotalPhysicalMemory')).toBe(BigInt(os.totalmem()));
    expect(computer.properties.get('NumberOfLogicalProcessors')).toBe(Math.max(os.cpus().length, 1));
  });

  it('reports drive C: with the sizes of the local file system', () => {
    const disk = store.get('Win32_LogicalDisk', [sel('DeviceID', 'c:')]);
    expect(disk.properties.get('SystemName')).toBe(MACHINE);
    expect(disk.properties.get('Size')).toBeGreaterThan(0n);
    expect(disk.properties.get('FreeSpace')).toBeLessThanOrEqual(disk.properties.get('Size') as bigint);
  });

  it('serves a fixed set of system environment variables and never the server environment', () => {
    const variables = store.enumerate('Win32_Environment');
    expect(variables.map((v) => v.properties.get('Name'))).toEqual(
      expect.arrayContaining(['ComSpec', 'OS', 'Path', 'PATHEXT', 'PROCESSOR_ARCHITECTURE', 'NUMBER_OF_PROCESSORS', 'TEMP', 'TMP', 'windir', 'USERNAME']),
    );
    expect(variables.every((v) => v.properties.get('UserName') === '<SYSTEM>' && v.properties.get('SystemVariable') === true)).toBe(true);
    expect(store.get('Win32_Environment', [sel('Name', 'NUMBER_OF_PROCESSORS'), sel('UserName', '<SYSTEM>')]).properties.get('VariableValue')).toBe(
      String(Math.max(os.cpus().length, 1)),
    );
    const everything = JSON.stringify(variables.map((v) => [...v.properties.values()]));
    expect(everything).not.toContain(secret);
    expect(variables.some((v) => v.properties.get('Name') === 'CIM_TEST_SECRET')).toBe(false);
  });

  it('computes Win32_LocalTime at every read', () => {
    const time = store.get('Win32_LocalTime', []);
    expect(time.properties.get('Year')).toBe(new Date().getFullYear());
    expect(localTimeRecord(new Date(2024, 0, 31, 10, 20, 30, 400))).toEqual({
      Year: 2024,
      Month: 1,
      Day: 31,
      DayOfWeek: 3,
      Hour: 10,
      Minute: 20,
      Second: 30,
      Milliseconds: 400,
      Quarter: 1,
      WeekInMonth: 5,
    });
    expect(localTimeRecord(new Date(2024, 9, 1))).toMatchObject({ Quarter: 4, WeekInMonth: 1, DayOfWeek: 2 });
  });

  it('uses the host name, upper-cased, without a machineName option', () => {
    const name = defaultMachineName();
    expect(name).toBe((os.hostname().split('.')[0] || 'LOCALHOST').toUpperCase());
    const plain = CimStore.load();
    expect(plain.computerName).toBe(name);
    expect(plain.get('Win32_ComputerSystem', [sel('Name', name)]).properties.get('Name')).toBe(name);
    expect(plain.get('Win32_Service', [sel('Name', 'WinRM')]).properties.get('SystemName')).toBe(name);
  });
});

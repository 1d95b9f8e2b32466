/** WScript.Shell: environment, the emulated registry, Run and Exec of real processes, Popup, CurrentDirectory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyncDispatch } from '../../../src/automation/dispatch/contract';
import { createHostObject } from '../../../src/host/objects/registry';
import { call, callDefault, errorNumber, forEach, put } from './dispatch-helpers';

const printed: string[] = [];
const shell = (): SyncDispatch => createHostObject('WScript.Shell', { stdout: (text) => printed.push(text) })!;

describe('WScript.Shell environment', () => {
  it('expands %VAR% from this process’s environment, any case, unknown names left as written', () => {
    process.env.WSMAN_TEST_VAR = 'value';
    expect(call(shell(), 'ExpandEnvironmentStrings', '%wsman_test_var%\\x %NO_SUCH_VAR% 100%')).toBe('value\\x %NO_SUCH_VAR% 100%');
  });

  it('gives Environment("PROCESS") live and the others as a copy; For Each gives NAME=value', () => {
    const sh = shell();
    const processEnv = call(sh, 'Environment', 'PROCESS');
    put(processEnv, 'Item', 'WSMAN_SET_BY_SCRIPT', 'yes');
    expect(process.env.WSMAN_SET_BY_SCRIPT).toBe('yes');
    expect(callDefault(processEnv, 'wsman_set_by_script')).toBe('yes');
    expect(callDefault(processEnv, 'NO_SUCH_VAR')).toBe('');
    expect(forEach(processEnv)).toContain('WSMAN_SET_BY_SCRIPT=yes');
    call(processEnv, 'Remove', 'WSMAN_SET_BY_SCRIPT');
    expect(process.env.WSMAN_SET_BY_SCRIPT).toBeUndefined();
    const system = call(sh, 'Environment');
    put(system, 'Item', 'ONLY_IN_SYSTEM', '1');
    expect(process.env.ONLY_IN_SYSTEM).toBeUndefined();
    expect(call(system, 'length')).toBe(call(system, 'Count'));
    expect(errorNumber(() => call(sh, 'Environment', 'Nope'))).toBe(5);
  });
});

describe('WScript.Shell registry', () => {
  it('reads the Windows version and WinRM keys scripts read', () => {
    const sh = shell();
    expect(call(sh, 'RegRead', 'HKLM\\Software\\Microsoft\\Windows NT\\CurrentVersion\\CurrentVersion')).toBe('6.3');
    expect(call(sh, 'RegRead', 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\CurrentBuildNumber')).toBe('20348');
    expect(call(sh, 'RegRead', 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\WinRM\\Start')).toBe(2);
    expect(call(sh, 'RegRead', 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\WinRM\\DependOnService')).toEqual(['RPCSS', 'HTTP']);
  });

  it('fails for a missing value or a bad root with the Windows error, and writes and deletes in the script’s copy', () => {
    const sh = shell();
    let failure: any;
    try {
      call(sh, 'RegRead', 'HKLM\\Software\\NoSuch\\Value');
    } catch (error) {
      failure = error;
    }
    expect([failure.hresult, failure.source, failure.message]).toEqual([0x80070002, 'WshShell.RegRead', 'Unable to open registry key "HKLM\\Software\\NoSuch\\Value" for reading.']);
    expect(() => call(sh, 'RegRead', 'HKXX\\A\\B')).toThrow('Invalid root in registry key "HKXX\\A\\B".');
    call(sh, 'RegWrite', 'HKCU\\Software\\Tool\\Count', 7, 'REG_DWORD');
    call(sh, 'RegWrite', 'HKCU\\Software\\Tool\\', 'default');
    expect(call(sh, 'RegRead', 'HKCU\\Software\\Tool\\count')).toBe(7);
    expect(call(sh, 'RegRead', 'HKCU\\Software\\Tool\\')).toBe('default');
    expect(() => call(sh, 'RegDelete', 'HKCU\\Software\\')).toThrow('Unable to remove registry key');
    call(sh, 'RegDelete', 'HKCU\\Software\\Tool\\Count');
    call(sh, 'RegDelete', 'HKCU\\Software\\Tool\\');
    expect(() => call(sh, 'RegRead', 'HKCU\\Software\\Tool\\')).toThrow('for reading');
    expect(() => call(shell(), 'RegRead', 'HKCU\\Software\\Tool\\Count')).toThrow();
    expect(() => call(sh, 'RegWrite', 'HKCU\\X\\Y', 1, 'REG_QWORD')).toThrow();
  });
});

describe('WScript.Shell processes', () => {
  it('Run waits for the exit code when asked, and returns 0 at once otherwise', () => {
    const sh = shell();
    expect(call(sh, 'Run', 'exit 3', 0, true)).toBe(3);
    expect(call(sh, 'Run', 'sleep 5', 0, false)).toBe(0);
    expect(errorNumber(() => call(sh, 'Run', 'no-such-program-here', 0, true))).toBe(0x80070002 | 0);
  });

  it('Exec runs a real process: StdOut, StdErr, StdIn, Status, ExitCode, ProcessID', () => {
    const exec = call(shell(), 'Exec', 'read line; echo "got $line"; echo oops >&2; echo second; exit 4');
    expect(call(exec, 'Status')).toBe(0);
    expect(call(exec, 'ProcessID')).toBeGreaterThan(0);
    call(call(exec, 'StdIn'), 'WriteLine', 'hello');
    const out = call(exec, 'StdOut');
    expect(call(out, 'ReadLine')).toBe('got hello');
    expect(call(out, 'ReadAll')).toBe('second\n');
    expect(call(out, 'AtEndOfStream')).toBe(true);
    expect(call(call(exec, 'StdErr'), 'ReadAll')).toBe('oops\n');
    expect([call(exec, 'Status'), call(exec, 'ExitCode')]).toEqual([1, 4]);
  });

  it('Terminate stops the process', () => {
    const exec = call(shell(), 'Exec', 'sleep 30');
    call(exec, 'Terminate');
    expect(call(call(exec, 'StdOut'), 'ReadAll')).toBe('');
    expect([call(exec, 'Status'), call(exec, 'ExitCode')]).toEqual([1, 143]);
  });
});

describe('WScript.Shell console', () => {
  it('prints Popup like Echo and answers that no button was pressed', () => {
    printed.length = 0;
    expect(call(shell(), 'Popup', 'Done', 5, 'Title', 0)).toBe(-1);
    expect(printed.join('')).toMatch(/^Done\r?\n$/);
  });

  it('changes CurrentDirectory', () => {
    const sh = shell();
    const before = process.cwd();
    const dir = mkdtempSync(join(tmpdir(), 'cwd-'));
    try {
      put(sh, 'CurrentDirectory', dir);
      expect(call(sh, 'CurrentDirectory')).toBe(dir);
      expect(errorNumber(() => put(sh, 'CurrentDirectory', join(dir, 'missing')))).toBe(76);
    } finally {
      process.chdir(before);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

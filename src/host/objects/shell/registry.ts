/**
 * The small Windows registry WshShell.RegRead/RegWrite/RegDelete work on: the keys and values
 * WinRM scripts read (Windows version, the WinRM service, WSMAN's client and service settings,
 * the computer name), describing the same Windows Server 2022 host the embedded endpoint
 * emulates. Writes change this script's copy only; nothing is persisted.
 */
import { hostname } from 'node:os';
import { wsmanErrorFromHResult } from '../../../core/errors/wsman-error';
import type { Variant } from '../../../automation/dispatch/contract';
import { toLong, toStr } from '../variants';

export type RegistryType = 'REG_SZ' | 'REG_EXPAND_SZ' | 'REG_DWORD' | 'REG_BINARY' | 'REG_MULTI_SZ';

interface RegistryValue {
  readonly type: RegistryType;
  readonly data: string | number | readonly string[] | readonly number[];
}

interface RegistryKey {
  readonly subkeys: Map<string, RegistryKey>;
  /** Lower-case name → [name as written, value]; '' is the key's default value. */
  readonly values: Map<string, readonly [string, RegistryValue]>;
  readonly name: string;
}

const ROOTS: Readonly<Record<string, string>> = {
  HKEY_LOCAL_MACHINE: 'HKEY_LOCAL_MACHINE',
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKEY_CURRENT_USER: 'HKEY_CURRENT_USER',
  HKCU: 'HKEY_CURRENT_USER',
  HKEY_CLASSES_ROOT: 'HKEY_CLASSES_ROOT',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKEY_USERS: 'HKEY_USERS',
  HKEY_CURRENT_CONFIG: 'HKEY_CURRENT_CONFIG',
};

const sz = (data: string): RegistryValue => ({ type: 'REG_SZ', data });
const expandSz = (data: string): RegistryValue => ({ type: 'REG_EXPAND_SZ', data });
const dword = (data: number): RegistryValue => ({ type: 'REG_DWORD', data });

/** Key path → values, for the keys a fresh registry holds. */
function initialContent(): Record<string, Record<string, RegistryValue>> {
  const computer = hostname().split('.')[0].toUpperCase();
  return {
    'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion': {
      CurrentVersion: sz('6.3'),
      CurrentMajorVersionNumber: dword(10),
      CurrentMinorVersionNumber: dword(0),
      CurrentBuild: sz('20348'),
      CurrentBuildNumber: sz('20348'),
      ProductName: sz('Windows Server 2022 Datacenter'),
      EditionID: sz('ServerDatacenter'),
      InstallationType: sz('Server'),
      DisplayVersion: sz('21H2'),
      ReleaseId: sz('2009'),
      SystemRoot: sz('C:\\Windows'),
      PathName: sz('C:\\Windows'),
    },
    'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion': {
      ProgramFilesDir: sz('C:\\Program Files'),
      CommonFilesDir: sz('C:\\Program Files\\Common Files'),
    },
    'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WSMAN': {
      StackVersion: sz('3.0'),
      UpdatedConfig: sz('857C6BDB-A8AC-4211-93BB-8123C9ECE4E5'),
    },
    'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WSMAN\\Client': {
      auth_basic: dword(1),
      auth_digest: dword(1),
      auth_kerberos: dword(1),
      auth_negotiate: dword(1),
      auth_certificate: dword(1),
      auth_credssp: dword(0),
      allow_unencrypted: dword(0),
      trusted_hosts: sz(''),
    },
    'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WSMAN\\Service': {
      auth_basic: dword(0),
      auth_kerberos: dword(1),
      auth_negotiate: dword(1),
      auth_certificate: dword(0),
      auth_credssp: dword(0),
      allow_unencrypted: dword(0),
      allow_remote_requests: dword(1),
    },
    'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\WinRM': {
      DisplayName: expandSz('@%Systemroot%\\system32\\wsmsvc.dll,-101'),
      Description: expandSz('@%Systemroot%\\system32\\wsmsvc.dll,-102'),
      ImagePath: expandSz('%SystemRoot%\\System32\\svchost.exe -k NetworkService -p'),
      ObjectName: sz('NT AUTHORITY\\NetworkService'),
      Start: dword(2),
      DelayedAutostart: dword(1),
      Type: dword(32),
      ErrorControl: dword(1),
      DependOnService: { type: 'REG_MULTI_SZ', data: ['RPCSS', 'HTTP'] },
    },
    'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\WinRM\\Parameters': {
      ServiceDll: expandSz('%SystemRoot%\\system32\\WsmSvc.dll'),
    },
    'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName': { ComputerName: sz(computer) },
    'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ActiveComputerName': { ComputerName: sz(computer) },
    'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters': { Hostname: sz(computer.toLowerCase()), Domain: sz('') },
    'HKEY_CURRENT_USER\\Environment': {},
    'HKEY_CLASSES_ROOT\\WSMan.Automation\\CLSID': { '': sz('{BCED617B-EC03-420b-8508-977DC7A686BD}') },
  };
}

const FILE_NOT_FOUND = 0x80070002;
const INVALID_ARGUMENT = 0x80070057;

function registryError(source: string, message: string, hresult = FILE_NOT_FOUND): Error {
  return wsmanErrorFromHResult(hresult, { message, source });
}

function newKey(name: string): RegistryKey {
  return { name, subkeys: new Map(), values: new Map() };
}

/** `HKLM\Software\X\Name` → root, key parts, value name ('' for a path ending in `\`: the key's default value). */
function split(path: string, source: string, verb: string): { root: string; parts: string[]; valueName: string } {
  const parts = path.split('\\');
  const root = ROOTS[parts[0].toUpperCase()];
  if (!root) throw registryError(source, `Invalid root in registry key "${path}".`);
  const valueName = parts.pop()!;
  if (parts.length === 0) throw registryError(source, `Unable to ${verb} registry key "${path}".`);
  return { root, parts: parts.slice(1), valueName };
}

export class EmulatedRegistry {
  readonly #roots = new Map<string, RegistryKey>();

  constructor() {
    for (const root of new Set(Object.values(ROOTS))) this.#roots.set(root, newKey(root));
    for (const [path, values] of Object.entries(initialContent())) {
      const [root, ...parts] = path.split('\\');
      const key = this.#walk(this.#roots.get(root)!, parts, true)!;
      for (const [name, value] of Object.entries(values)) key.values.set(name.toLowerCase(), [name, value]);
    }
  }

  #walk(from: RegistryKey, parts: readonly string[], create: boolean): RegistryKey | undefined {
    let key: RegistryKey | undefined = from;
    for (const part of parts) {
      if (!key) return undefined;
      let next: RegistryKey | undefined = key.subkeys.get(part.toLowerCase());
      if (!next && create) key.subkeys.set(part.toLowerCase(), (next = newKey(part)));
      key = next;
    }
    return key;
  }

  /** REG_SZ/REG_EXPAND_SZ as text (not expanded), REG_DWORD a number, REG_BINARY an array of bytes, REG_MULTI_SZ an array of strings. */
  read(path: string): Variant {
    const source = 'WshShell.RegRead';
    const { root, parts, valueName } = split(path, source, 'open');
    const key = this.#walk(this.#roots.get(root)!, parts, false);
    const entry = key?.values.get(valueName.toLowerCase());
    if (!entry) throw registryError(source, `Unable to open registry key "${path}" for reading.`);
    const { data } = entry[1];
    return Array.isArray(data) ? [...data] : (data as Variant);
  }

  write(path: string, value: Variant, type: string): void {
    const source = 'WshShell.RegWrite';
    const { root, parts, valueName } = split(path, source, 'open');
    const key = this.#walk(this.#roots.get(root)!, parts, true)!;
    const kind = type.toUpperCase();
    let stored: RegistryValue;
    switch (kind) {
      case 'REG_SZ':
      case 'REG_EXPAND_SZ':
        stored = { type: kind, data: toStr(value) };
        break;
      case 'REG_DWORD':
        stored = { type: kind, data: toLong(value) };
        break;
      case 'REG_BINARY':
        // WSH writes one DWORD's worth: the value's bytes, least significant first.
        stored = { type: kind, data: [...Buffer.from(Uint32Array.of(toLong(value) >>> 0).buffer)] };
        break;
      default:
        throw registryError(source, `Invalid registry type "${type}".`, INVALID_ARGUMENT);
    }
    key.values.set(valueName.toLowerCase(), [valueName, stored]);
  }

  /** A path ending in `\` deletes the key (which must have no subkeys), any other a value. */
  delete(path: string): void {
    const source = 'WshShell.RegDelete';
    const { root, parts, valueName } = split(path, source, 'remove');
    const failed = () => registryError(source, `Unable to remove registry key "${path}".`);
    if (valueName !== '') {
      const key = this.#walk(this.#roots.get(root)!, parts, false);
      if (!key?.values.delete(valueName.toLowerCase())) throw failed();
      return;
    }
    const parent = this.#walk(this.#roots.get(root)!, parts.slice(0, -1), false);
    const name = parts[parts.length - 1]?.toLowerCase();
    const key = name === undefined ? undefined : parent?.subkeys.get(name);
    if (!parent || !key || key.subkeys.size > 0) throw failed();
    parent.subkeys.delete(name);
  }
}

/**
 * WScript.Shell (WshShell) on this machine: environment strings and collections from this
 * process's environment, the emulated registry (registry.ts), Run and Exec of real local
 * processes (command lines run by /bin/sh), Popup printed like Echo (a console host has no
 * dialog to show), CurrentDirectory and SpecialFolders.
 */
import { spawn, spawnSync } from 'node:child_process';
import { constants, EOL, homedir } from 'node:os';
import { join } from 'node:path';
import { DISPID_VALUE, type SyncDispatch, type Variant } from '../../../automation/dispatch/contract';
import { wsmanErrorFromHResult } from '../../../core/errors/wsman-error';
import { hostDispatch, type HostMember } from '../host-dispatch';
import { runtimeError } from '../runtime-errors';
import { optional, toBool, toStr } from '../variants';
import { execProcess } from './exec';
import { EmulatedRegistry } from './registry';

/** What sh answers for a command it cannot find; Windows' CreateProcess fails with ERROR_FILE_NOT_FOUND. */
const SHELL_COMMAND_NOT_FOUND = 127;
const FILE_NOT_FOUND = 0x80070002;
/** Popup's answer when no button was pressed (as for a timed-out dialog). */
const POPUP_NO_ANSWER = -1;

/** ExpandEnvironmentStrings: `%NAME%` (any case) replaced by its value; unknown names stay as written. */
export function expandEnvironmentStrings(text: string, environment: NodeJS.ProcessEnv = process.env): string {
  const byName = new Map(Object.entries(environment).map(([name, value]) => [name.toLowerCase(), value] as const));
  return text.replace(/%([^%]+)%/g, (whole, name: string) => byName.get(name.toLowerCase()) ?? whole);
}

type Variables = Record<string, string | undefined>;

/** WshEnvironment: Item(name) (the default; "" when absent, settable), Count, length, Remove, For Each "NAME=value". */
function environmentCollection(variables: Variables, beforeInvoke?: () => void): SyncDispatch {
  const nameOf = (name: string) => Object.keys(variables).find((key) => key.toLowerCase() === name.toLowerCase());
  const entries = () => Object.entries(variables).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return hostDispatch({
    typeName: 'IWshEnvironment',
    beforeInvoke,
    members: {
      Item: {
        dispid: DISPID_VALUE,
        params: ['Name'],
        get: (name: Variant) => variables[nameOf(toStr(name)) ?? ''] ?? '',
        put: (name: Variant, value: Variant) => {
          variables[nameOf(toStr(name)) ?? toStr(name)] = toStr(value);
        },
      },
      length: { dispid: 1, get: () => entries().length },
      Count: { dispid: 2, call: () => entries().length },
      Remove: {
        dispid: 3,
        params: ['Name'],
        call: (name: Variant) => {
          const key = nameOf(toStr(name));
          if (key !== undefined) delete variables[key];
        },
      },
    },
    enumerate: () => entries().map(([name, value]) => `${name}=${value}`),
  });
}

/** SpecialFolders' names as this platform has such folders (under the home directory). */
const SPECIAL_FOLDERS: Readonly<Record<string, (home: string) => string>> = {
  desktop: (home) => join(home, 'Desktop'),
  alluserdesktop: (home) => join(home, 'Desktop'),
  mydocuments: (home) => join(home, 'Documents'),
  appdata: (home) => process.env.XDG_CONFIG_HOME ?? join(home, '.config'),
  templates: (home) => join(home, 'Templates'),
  favorites: (home) => join(home, 'Favorites'),
  fonts: () => '/usr/share/fonts',
  startup: (home) => join(home, '.config', 'autostart'),
  programs: () => '/usr/share/applications',
  startmenu: () => '/usr/share/applications',
};

function specialFolders(beforeInvoke?: () => void): SyncDispatch {
  const names = Object.keys(SPECIAL_FOLDERS);
  const pathOf = (name: string) => SPECIAL_FOLDERS[name.toLowerCase()]?.(homedir()) ?? '';
  return hostDispatch({
    typeName: 'IWshCollection',
    beforeInvoke,
    members: {
      Item: { dispid: DISPID_VALUE, params: ['Index'], get: (name: Variant) => (typeof name === 'number' ? pathOf(names[name] ?? '') : pathOf(toStr(name))) },
      Count: { dispid: 1, call: () => names.length },
      length: { dispid: 2, get: () => names.length },
    },
    enumerate: () => names.map(pathOf),
  });
}

function run(command: string, wait: boolean): number {
  if (!wait) {
    spawn('/bin/sh', ['-c', command], { stdio: 'ignore', detached: true }).unref();
    return 0;
  }
  const result = spawnSync('/bin/sh', ['-c', command], { stdio: 'ignore' });
  if (result.status === SHELL_COMMAND_NOT_FOUND) throw wsmanErrorFromHResult(FILE_NOT_FOUND, { message: 'The system cannot find the file specified.', source: 'WshShell.Run' });
  // A signal ends the process the way sh reports it: 128 + the signal's number.
  return result.status ?? 128 + (result.signal ? constants.signals[result.signal] : 0);
}

export interface ShellEnvironment {
  /** Where Popup's text goes: the host's standard output, as Echo writes it. */
  readonly echo: (line: string) => void;
  readonly beforeInvoke?: () => void;
}

export function createShell({ echo, beforeInvoke }: ShellEnvironment): SyncDispatch {
  const registry = new EmulatedRegistry();
  // System, User and Volatile are this process's environment as the script started; writes stay in the script.
  const snapshot: Variables = { ...process.env };
  const environments: Readonly<Record<string, Variables>> = { process: process.env, system: snapshot, user: snapshot, volatile: snapshot };
  const members: Record<string, HostMember> = {
    SpecialFolders: { dispid: 100, get: () => specialFolders(beforeInvoke) },
    Environment: {
      dispid: 200,
      params: ['Type?'],
      get: (type: Variant) => {
        const variables = environments[optional(type, toStr, 'System').toLowerCase()];
        if (!variables) throw runtimeError(5);
        return environmentCollection(variables, beforeInvoke);
      },
    },
    Run: {
      dispid: 1000,
      params: ['Command', 'WindowStyle?', 'WaitOnReturn?'],
      call: (command: Variant, _style: Variant, wait: Variant) => run(expandEnvironmentStrings(toStr(command)), optional(wait, toBool, false)),
    },
    Popup: {
      dispid: 1001,
      params: ['Text', 'SecondsToWait?', 'Title?', 'Type?'],
      call: (text: Variant) => {
        echo(toStr(text) + EOL);
        return POPUP_NO_ANSWER;
      },
    },
    ExpandEnvironmentStrings: { dispid: 1006, params: ['Src'], call: (text: Variant) => expandEnvironmentStrings(toStr(text)) },
    RegRead: { dispid: 2000, params: ['Name'], call: (name: Variant) => registry.read(toStr(name)) },
    RegWrite: { dispid: 2001, params: ['Name', 'Value', 'Type?'], call: (name: Variant, value: Variant, type: Variant) => registry.write(toStr(name), value, optional(type, toStr, 'REG_SZ')) },
    RegDelete: { dispid: 2002, params: ['Name'], call: (name: Variant) => registry.delete(toStr(name)) },
    CurrentDirectory: {
      dispid: 3001,
      get: () => process.cwd(),
      put: (path: Variant) => {
        try {
          process.chdir(toStr(path));
        } catch {
          throw runtimeError(76);
        }
      },
    },
    Exec: { dispid: 3002, params: ['Command'], call: (command: Variant) => execProcess(expandEnvironmentStrings(toStr(command)), beforeInvoke) },
  };
  return hostDispatch({ typeName: 'IWshShell3', beforeInvoke, members });
}

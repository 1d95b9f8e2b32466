/**
 * What the emulated WMI methods do, with the ReturnValue codes of the Win32_Service and
 * Win32_Process documentation. Nothing here touches the real machine: Create adds an
 * emulated process instance, Terminate removes one, services change state in the store only.
 */
import { findProperty, type CimClassDef, type CimInstance, type CimMethodDef, type CimValue } from './cim-types';
import { dmtfFromDate } from './cim-values';
import { OS_NAME, OS_VERSION } from './machine-instances';

export interface MethodCall {
  readonly classDef: CimClassDef;
  readonly method: CimMethodDef;
  /** The target instance; undefined for a static method called on the class. */
  readonly instance: CimInstance | undefined;
  /** In parameters by their schema names; absent ones are null. */
  readonly input: ReadonlyMap<string, CimValue>;
  readonly machineName: string;
  /** Process ids in use (processes and services), to choose a new one. */
  readonly usedProcessIds: () => readonly number[];
  /** A complete instance of the call's class from property values; names the class lacks are dropped. */
  readonly buildInstance: (values: Readonly<Record<string, unknown>>) => CimInstance;
}

export interface MethodResult {
  readonly returnValue: number;
  readonly out?: Readonly<Record<string, CimValue>>;
  /** Replaces the target instance. */
  readonly updated?: CimInstance;
  readonly added?: CimInstance;
  readonly removed?: CimInstance;
}

export type MethodHandler = (call: MethodCall) => MethodResult;

/** Win32_Service method return codes. */
export const ServiceReturn = {
  Success: 0,
  NotSupported: 1,
  ServiceCannotAcceptControl: 5,
  ServiceNotActive: 6,
  ServiceAlreadyRunning: 10,
  ServiceDisabled: 14,
  InvalidParameter: 21,
  ServiceAlreadyPaused: 24,
} as const;

/** Win32_Process method return codes. */
export const ProcessReturn = {
  Success: 0,
  InvalidParameter: 21,
} as const;

const OWNER_USER = 'SYSTEM';
const OWNER_DOMAIN = 'NT AUTHORITY';

function text(instance: CimInstance, name: string): string {
  const value = instance.properties.get(name);
  return typeof value === 'string' ? value : '';
}

const is = (actual: string, expected: string): boolean => actual.toLowerCase() === expected.toLowerCase();

/** A copy with some properties changed; properties a user's schema leaves out stay left out. */
function withValues(instance: CimInstance, changes: Readonly<Record<string, CimValue>>): CimInstance {
  const properties = new Map(instance.properties);
  for (const [name, value] of Object.entries(changes)) {
    if (properties.has(name)) properties.set(name, value);
  }
  return { className: instance.className, properties };
}

/** Windows process ids are multiples of 4; a new one lies above every id in use. */
function nextProcessId(call: MethodCall): number {
  const highest = Math.max(0, ...call.usedProcessIds());
  return (Math.floor(highest / 4) + 1) * 4;
}

function target(call: MethodCall): CimInstance {
  if (!call.instance) throw new Error(`${call.classDef.name}.${call.method.name} needs an instance`);
  return call.instance;
}

/**
 * Windows reports AcceptStop/AcceptPause false for a stopped service; a started one accepts
 * stop (services that refuse it, like RpcSs, never stop in the first place).
 */
const startService: MethodHandler = (call) => {
  const service = target(call);
  const state = text(service, 'State');
  if (is(state, 'Running') || is(state, 'Paused')) return { returnValue: ServiceReturn.ServiceAlreadyRunning };
  if (is(text(service, 'StartMode'), 'Disabled')) return { returnValue: ServiceReturn.ServiceDisabled };
  return {
    returnValue: ServiceReturn.Success,
    updated: withValues(service, { State: 'Running', Started: true, AcceptStop: true, Status: 'OK', ExitCode: 0, ProcessId: nextProcessId(call) }),
  };
};

const stopService: MethodHandler = (call) => {
  const service = target(call);
  if (is(text(service, 'State'), 'Stopped')) return { returnValue: ServiceReturn.ServiceCannotAcceptControl };
  if (service.properties.get('AcceptStop') === false) return { returnValue: ServiceReturn.ServiceCannotAcceptControl };
  return {
    returnValue: ServiceReturn.Success,
    updated: withValues(service, { State: 'Stopped', Started: false, AcceptStop: false, AcceptPause: false, ExitCode: 0, ProcessId: 0 }),
  };
};

const pauseService: MethodHandler = (call) => {
  const service = target(call);
  const state = text(service, 'State');
  if (is(state, 'Stopped')) return { returnValue: ServiceReturn.ServiceNotActive };
  if (service.properties.get('AcceptPause') !== true) return { returnValue: ServiceReturn.NotSupported };
  if (is(state, 'Paused')) return { returnValue: ServiceReturn.ServiceAlreadyPaused };
  return { returnValue: ServiceReturn.Success, updated: withValues(service, { State: 'Paused' }) };
};

const resumeService: MethodHandler = (call) => {
  const service = target(call);
  const state = text(service, 'State');
  if (is(state, 'Stopped')) return { returnValue: ServiceReturn.ServiceNotActive };
  if (service.properties.get('AcceptPause') !== true) return { returnValue: ServiceReturn.NotSupported };
  if (!is(state, 'Paused')) return { returnValue: ServiceReturn.Success };
  return { returnValue: ServiceReturn.Success, updated: withValues(service, { State: 'Running' }) };
};

/** ChangeStartMode takes "Automatic" (its documented spelling) or "Auto"; the property reads "Auto". */
const START_MODES: ReadonlyMap<string, string> = new Map([
  ['boot', 'Boot'],
  ['system', 'System'],
  ['auto', 'Auto'],
  ['automatic', 'Auto'],
  ['manual', 'Manual'],
  ['disabled', 'Disabled'],
]);

const changeStartMode: MethodHandler = (call) => {
  const service = target(call);
  const requested = call.input.get('StartMode');
  const mode = typeof requested === 'string' ? START_MODES.get(requested.trim().toLowerCase()) : undefined;
  if (mode === undefined) return { returnValue: ServiceReturn.InvalidParameter };
  return { returnValue: ServiceReturn.Success, updated: withValues(service, { StartMode: mode }) };
};

/** The program a command line starts: the first (possibly quoted) token, `.exe` added as CreateProcess does. */
function executableOf(commandLine: string): { readonly name: string; readonly path: string } {
  const trimmed = commandLine.trim();
  const token = trimmed.startsWith('"') ? trimmed.slice(1).split('"')[0] ?? '' : trimmed.split(/\s+/)[0] ?? '';
  const withExtension = /\.[^\\/.]+$/.test(token) ? token : `${token}.exe`;
  const name = withExtension.split(/[\\/]/).pop() ?? withExtension;
  const hasDirectory = /[\\/]/.test(withExtension);
  return { name, path: hasDirectory ? withExtension : `C:\\Windows\\system32\\${name}` };
}

const createProcess: MethodHandler = (call) => {
  const commandLine = call.input.get('CommandLine');
  if (typeof commandLine !== 'string' || commandLine.trim() === '' || executableOf(commandLine).name === '.exe') {
    return { returnValue: ProcessReturn.InvalidParameter };
  }
  const executable = executableOf(commandLine);
  const processId = nextProcessId(call);
  const added = call.buildInstance({
    Caption: executable.name,
    CommandLine: commandLine,
    CreationClassName: 'Win32_Process',
    CreationDate: dmtfFromDate(new Date()),
    CSCreationClassName: 'Win32_ComputerSystem',
    CSName: call.machineName,
    Description: executable.name,
    ExecutablePath: executable.path,
    Handle: String(processId),
    KernelModeTime: 0,
    Name: executable.name,
    OSCreationClassName: 'Win32_OperatingSystem',
    OSName: OS_NAME,
    PageFaults: 0,
    ParentProcessId: 0,
    Priority: 8,
    ProcessId: processId,
    SessionId: 0,
    ThreadCount: 1,
    UserModeTime: 0,
    WindowsVersion: OS_VERSION,
    WorkingSetSize: 0,
  });
  return { returnValue: ProcessReturn.Success, out: { ProcessId: processId }, added };
};

const terminateProcess: MethodHandler = (call) => ({ returnValue: ProcessReturn.Success, removed: target(call) });

const getOwner: MethodHandler = (call) => {
  target(call);
  return { returnValue: ProcessReturn.Success, out: { User: OWNER_USER, Domain: OWNER_DOMAIN } };
};

const HANDLERS: ReadonlyMap<string, MethodHandler> = new Map([
  ['win32_service.startservice', startService],
  ['win32_service.stopservice', stopService],
  ['win32_service.pauseservice', pauseService],
  ['win32_service.resumeservice', resumeService],
  ['win32_service.changestartmode', changeStartMode],
  ['win32_process.create', createProcess],
  ['win32_process.terminate', terminateProcess],
  ['win32_process.getowner', getOwner],
]);

/** The behaviour of a method (names without case), or undefined when the emulation has none. */
export function methodHandler(className: string, methodName: string): MethodHandler | undefined {
  return HANDLERS.get(`${className}.${methodName}`.toLowerCase());
}

/** Process ids an instance holds (Win32_Process or a service's ProcessId); 0 and null ignored. */
export function processIdOf(instance: CimInstance, classDef: CimClassDef): number | undefined {
  const property = findProperty(classDef, 'ProcessId');
  const value = property ? instance.properties.get(property.name) : undefined;
  return typeof value === 'number' && value > 0 ? value : undefined;
}

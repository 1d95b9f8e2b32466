/**
 * Default instances of the classes that describe "this computer", taken from the machine the
 * endpoint runs on (host name, memory, disk, processes) and dressed as Windows Server 2022.
 * An instance file for the class replaces this fill.
 *
 * Never exposes process.env: the emulated environment is a fixed set of system variables, as
 * the server's own environment may hold secrets and is served over the network.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { InstanceRecord } from './cim-instance-files';
import { dmtfFromDate } from './cim-values';

export type MachineSource =
  /** Taken once at load; the store may change it afterwards. */
  | { readonly kind: 'snapshot'; readonly records: readonly InstanceRecord[] }
  /** Recomputed at every read (the clock); read-only. */
  | { readonly kind: 'computed'; readonly compute: () => readonly InstanceRecord[] };

export const OS_CAPTION = 'Microsoft Windows Server 2022 Standard';
export const OS_VERSION = '10.0.20348';
export const OS_NAME = `${OS_CAPTION}|C:\\Windows|\\Device\\Harddisk0\\Partition2`;
const SYSTEM_ACCOUNT = '<SYSTEM>';
/** /proc reports times in USER_HZ ticks, 100 per second on every Linux ABI Node supports. */
const TICKS_PER_SECOND = 100;
const PAGE_SIZE = 4096;
const UINT32_MAX = 0xffffffff;
/** Enough for any realistic host; bounds the load time on a crowded one. */
const MAX_PROCESSES = 4096;

interface ProcessFacts {
  readonly pid: number;
  readonly ppid: number;
  readonly name: string;
  readonly commandLine: string | null;
  readonly executablePath: string | null;
  readonly threadCount: number | null;
  readonly workingSetBytes: bigint | null;
  readonly virtualBytes: bigint | null;
  readonly pageFaults: number | null;
  readonly userTicks: bigint | null;
  readonly kernelTicks: bigint | null;
  readonly started: Date | null;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function bootTime(): Date {
  return new Date(Date.now() - os.uptime() * 1000);
}

function readProcFacts(pid: number, boot: Date): ProcessFacts | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name sits in parentheses and may itself contain spaces or parentheses.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const comm = stat.slice(open + 1, close);
  const fields = stat.slice(close + 2).split(' ');
  const field = (index: number): number => Number(fields[index] ?? NaN);
  let executablePath: string | null = null;
  try {
    executablePath = fs.readlinkSync(`/proc/${pid}/exe`);
  } catch {
    executablePath = null;
  }
  const big = (index: number): bigint | null => (Number.isFinite(field(index)) ? BigInt(field(index)) : null);
  const startTicks = field(19);
  return {
    pid,
    ppid: Number.isFinite(field(1)) ? field(1) : 0,
    name: executablePath ? path.basename(executablePath) : comm,
    // The program only, never /proc/<pid>/cmdline: arguments carry passwords (`wsman serve --user a:b`),
    // and a process may rewrite its title there.
    commandLine: executablePath,
    executablePath,
    threadCount: Number.isFinite(field(17)) ? field(17) : null,
    workingSetBytes: Number.isFinite(field(21)) ? BigInt(field(21)) * BigInt(PAGE_SIZE) : null,
    virtualBytes: big(20),
    pageFaults: Number.isFinite(field(7) + field(9)) ? Math.min(field(7) + field(9), UINT32_MAX) : null,
    userTicks: big(11),
    kernelTicks: big(12),
    started: Number.isFinite(startTicks) ? new Date(boot.getTime() + (startTicks * 1000) / TICKS_PER_SECOND) : null,
  };
}

function currentProcessFacts(): ProcessFacts {
  const usage = process.resourceUsage();
  return {
    pid: process.pid,
    ppid: process.ppid,
    name: path.basename(process.execPath),
    commandLine: process.execPath,
    executablePath: process.execPath,
    threadCount: null,
    workingSetBytes: BigInt(process.memoryUsage().rss),
    virtualBytes: null,
    pageFaults: Math.min(usage.minorPageFault + usage.majorPageFault, UINT32_MAX),
    userTicks: BigInt(Math.round((usage.userCPUTime / 1e6) * TICKS_PER_SECOND)),
    kernelTicks: BigInt(Math.round((usage.systemCPUTime / 1e6) * TICKS_PER_SECOND)),
    started: new Date(Date.now() - process.uptime() * 1000),
  };
}

/** The processes of /proc on Linux; elsewhere (or without /proc) the current process alone. */
function scanProcesses(): ProcessFacts[] {
  const facts: ProcessFacts[] = [];
  if (process.platform === 'linux') {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync('/proc');
    } catch {
      entries = [];
    }
    const boot = bootTime();
    const pids = entries.filter((entry) => /^\d+$/.test(entry)).map(Number).sort((a, b) => a - b);
    for (const pid of pids.slice(0, MAX_PROCESSES)) {
      const found = readProcFacts(pid, boot);
      if (found) facts.push(found);
    }
  }
  if (!facts.some((p) => p.pid === process.pid)) facts.push(currentProcessFacts());
  return facts.sort((a, b) => a.pid - b.pid);
}

/** 100-nanosecond units, the unit of KernelModeTime / UserModeTime. */
const hundredNanoseconds = (ticks: bigint | null): bigint | null => (ticks === null ? null : (ticks * 10_000_000n) / BigInt(TICKS_PER_SECOND));

function processRecord(facts: ProcessFacts, machineName: string): InstanceRecord {
  return {
    Caption: facts.name,
    CommandLine: facts.commandLine,
    CreationClassName: 'Win32_Process',
    CreationDate: facts.started ? dmtfFromDate(facts.started) : null,
    CSCreationClassName: 'Win32_ComputerSystem',
    CSName: machineName,
    Description: facts.name,
    ExecutablePath: facts.executablePath,
    Handle: String(facts.pid),
    KernelModeTime: hundredNanoseconds(facts.kernelTicks),
    Name: facts.name,
    OSCreationClassName: 'Win32_OperatingSystem',
    OSName: OS_NAME,
    PageFaults: facts.pageFaults,
    ParentProcessId: facts.ppid,
    Priority: 8,
    ProcessId: facts.pid,
    SessionId: 0,
    ThreadCount: facts.threadCount,
    UserModeTime: hundredNanoseconds(facts.userTicks),
    VirtualSize: facts.virtualBytes,
    WindowsVersion: OS_VERSION,
    WorkingSetSize: facts.workingSetBytes,
  };
}

const kilobytes = (bytes: number): bigint => BigInt(Math.floor(bytes / 1024));

function operatingSystemRecord(machineName: string, processCount: () => number): InstanceRecord {
  const now = new Date();
  const total = os.totalmem();
  const free = os.freemem();
  const pagingKb = 1_966_080n;
  return {
    BootDevice: '\\Device\\HarddiskVolume1',
    BuildNumber: '20348',
    BuildType: 'Multiprocessor Free',
    Caption: OS_CAPTION,
    CodeSet: '1252',
    CountryCode: '1',
    CreationClassName: 'Win32_OperatingSystem',
    CSCreationClassName: 'Win32_ComputerSystem',
    CSName: machineName,
    CurrentTimeZone: -now.getTimezoneOffset(),
    DataExecutionPrevention_Available: true,
    Description: '',
    Distributed: false,
    EncryptionLevel: 256,
    ForegroundApplicationBoost: 2,
    FreePhysicalMemory: kilobytes(free),
    FreeSpaceInPagingFiles: pagingKb,
    FreeVirtualMemory: kilobytes(free) + pagingKb,
    InstallDate: '20240115093000.000000+000',
    LastBootUpTime: dmtfFromDate(bootTime()),
    LocalDateTime: dmtfFromDate(now),
    Locale: '0409',
    Manufacturer: 'Microsoft Corporation',
    MaxNumberOfProcesses: UINT32_MAX,
    MaxProcessMemorySize: 137_438_953_344n,
    MUILanguages: ['en-US'],
    Name: OS_NAME,
    NumberOfProcesses: processCount(),
    NumberOfUsers: 1,
    OperatingSystemSKU: 7,
    Organization: '',
    OSArchitecture: os.arch() === 'arm64' ? 'ARM 64-bit Processor' : '64-bit',
    OSLanguage: 1033,
    OSProductSuite: 272,
    OSType: 18,
    PortableOperatingSystem: false,
    Primary: true,
    ProductType: 3,
    RegisteredUser: 'Windows User',
    SerialNumber: '00454-20165-01481-AA710',
    ServicePackMajorVersion: 0,
    ServicePackMinorVersion: 0,
    SizeStoredInPagingFiles: pagingKb,
    Status: 'OK',
    SuiteMask: 272,
    SystemDevice: '\\Device\\HarddiskVolume2',
    SystemDirectory: 'C:\\Windows\\system32',
    SystemDrive: 'C:',
    TotalVirtualMemorySize: kilobytes(total) + pagingKb,
    TotalVisibleMemorySize: kilobytes(total),
    Version: OS_VERSION,
    WindowsDirectory: 'C:\\Windows',
  };
}

function computerSystemRecord(machineName: string): InstanceRecord {
  const cpus = Math.max(os.cpus().length, 1);
  return {
    AdminPasswordStatus: 3,
    AutomaticManagedPagefile: true,
    AutomaticResetBootOption: true,
    AutomaticResetCapability: true,
    BootupState: 'Normal boot',
    Caption: machineName,
    ChassisBootupState: 3,
    CreationClassName: 'Win32_ComputerSystem',
    CurrentTimeZone: -new Date().getTimezoneOffset(),
    Description: 'AT/AT COMPATIBLE',
    DNSHostName: machineName,
    Domain: 'WORKGROUP',
    DomainRole: 2,
    EnableDaylightSavingsFlag: true,
    HypervisorPresent: true,
    Manufacturer: 'Microsoft Corporation',
    Model: 'Virtual Machine',
    Name: machineName,
    NumberOfLogicalProcessors: cpus,
    NumberOfProcessors: 1,
    PartOfDomain: false,
    PCSystemType: 1,
    PowerState: 0,
    PrimaryOwnerName: 'Windows User',
    Roles: ['LM_Workstation', 'LM_Server', 'NT', 'Server_NT'],
    Status: 'OK',
    SystemType: os.arch() === 'arm64' ? 'ARM64-based PC' : 'x64-based PC',
    TotalPhysicalMemory: BigInt(os.totalmem()),
    UserName: null,
    Workgroup: 'WORKGROUP',
  };
}

function logicalDiskRecord(machineName: string): InstanceRecord {
  let size = 136_365_211_648n;
  let free = 98_578_145_280n;
  try {
    const stats = fs.statfsSync(path.parse(process.cwd()).root);
    size = BigInt(stats.blocks) * BigInt(stats.bsize);
    free = BigInt(stats.bavail) * BigInt(stats.bsize);
  } catch {
    // Keep the fixed sizes where statfs is unavailable.
  }
  return {
    Access: 0,
    Caption: 'C:',
    Compressed: false,
    CreationClassName: 'Win32_LogicalDisk',
    Description: 'Local Fixed Disk',
    DeviceID: 'C:',
    DriveType: 3,
    FileSystem: 'NTFS',
    FreeSpace: free,
    MaximumComponentLength: 255,
    MediaType: 12,
    Name: 'C:',
    QuotasDisabled: true,
    Size: size,
    SupportsDiskQuotas: true,
    SupportsFileBasedCompression: true,
    SystemCreationClassName: 'Win32_ComputerSystem',
    SystemName: machineName,
    VolumeDirty: false,
    VolumeName: '',
    VolumeSerialNumber: '5A3B9C1D',
  };
}

function environmentRecords(): InstanceRecord[] {
  const variables: [string, string][] = [
    ['ComSpec', '%SystemRoot%\\system32\\cmd.exe'],
    ['DriverData', 'C:\\Windows\\System32\\Drivers\\DriverData'],
    ['NUMBER_OF_PROCESSORS', String(Math.max(os.cpus().length, 1))],
    ['OS', 'Windows_NT'],
    [
      'Path',
      '%SystemRoot%\\system32;%SystemRoot%;%SystemRoot%\\System32\\Wbem;%SYSTEMROOT%\\System32\\WindowsPowerShell\\v1.0\\;%SYSTEMROOT%\\System32\\OpenSSH\\',
    ],
    ['PATHEXT', '.COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC'],
    ['PROCESSOR_ARCHITECTURE', os.arch() === 'arm64' ? 'ARM64' : 'AMD64'],
    ['PSModulePath', '%ProgramFiles%\\WindowsPowerShell\\Modules;%SystemRoot%\\system32\\WindowsPowerShell\\v1.0\\Modules'],
    ['TEMP', '%SystemRoot%\\TEMP'],
    ['TMP', '%SystemRoot%\\TEMP'],
    ['USERNAME', 'SYSTEM'],
    ['windir', '%SystemRoot%'],
  ];
  return variables.map(([name, value]) => ({
    Caption: `${SYSTEM_ACCOUNT}\\${name}`,
    Description: `${SYSTEM_ACCOUNT}\\${name}`,
    Name: name,
    Status: 'OK',
    SystemVariable: true,
    UserName: SYSTEM_ACCOUNT,
    VariableValue: value,
  }));
}

/** Win32_LocalTime of this moment; WeekInMonth counts weeks starting on Sunday, from 1. */
export function localTimeRecord(now: Date = new Date()): InstanceRecord {
  const day = now.getDate();
  const firstWeekday = new Date(now.getFullYear(), now.getMonth(), 1).getDay();
  return {
    Day: day,
    DayOfWeek: now.getDay(),
    Hour: now.getHours(),
    Milliseconds: now.getMilliseconds(),
    Minute: now.getMinutes(),
    Month: now.getMonth() + 1,
    Quarter: Math.floor(now.getMonth() / 3) + 1,
    Second: now.getSeconds(),
    WeekInMonth: Math.floor((day - 1 + firstWeekday) / 7) + 1,
    Year: now.getFullYear(),
  };
}

/**
 * The machine fill of one load. Processes are scanned at most once and only when a class needs
 * them, never per request.
 */
export class MachineSnapshot {
  private processes: ProcessFacts[] | undefined;

  constructor(readonly machineName: string) {}

  private processFacts(): ProcessFacts[] {
    this.processes ??= scanProcesses();
    return this.processes;
  }

  /** The fill for a class (name without case), or undefined when the machine does not provide it. */
  source(className: string): MachineSource | undefined {
    const name = this.machineName;
    switch (className.toLowerCase()) {
      case 'win32_operatingsystem':
        return { kind: 'snapshot', records: [operatingSystemRecord(name, () => this.processFacts().length)] };
      case 'win32_computersystem':
        return { kind: 'snapshot', records: [computerSystemRecord(name)] };
      case 'win32_logicaldisk':
        return { kind: 'snapshot', records: [logicalDiskRecord(name)] };
      case 'win32_process':
        return { kind: 'snapshot', records: this.processFacts().map((facts) => processRecord(facts, name)) };
      case 'win32_environment':
        return { kind: 'snapshot', records: environmentRecords() };
      case 'win32_localtime':
        return { kind: 'computed', compute: () => [localTimeRecord()] };
      default:
        return undefined;
    }
  }
}

/** The host name Windows would report: the first DNS label, upper-cased like a NetBIOS name. */
export function defaultMachineName(): string {
  const host = os.hostname().split('.')[0] ?? '';
  return host === '' ? 'LOCALHOST' : host.toUpperCase();
}

/**
 * One remote shell: who owns it, how it was created, its commands, its connection state and the
 * clocks that end it (IdleTimeOut, MaxShellRunTime).
 */
import { escapeXmlAttribute, escapeXmlText } from '../../core/errors/fault-xml';
import { formatDuration } from '../../core/protocol/duration';
import { NS } from '../../core/protocol/namespaces';
import type { BufferMode, ShellCommand } from './shell-command';

export interface ShellSettings {
  readonly id: string;
  readonly resourceUri: string;
  readonly owner: string;
  /** The emulated host's name: the shell listing qualifies a local owner with it. */
  readonly machine: string;
  readonly clientIp: string;
  readonly name?: string;
  readonly workingDirectory?: string;
  readonly environment: readonly (readonly [string, string])[];
  readonly idleTimeoutMs: number;
  /** rsp:Lifetime: how long the shell may exist at all, like MaxShellRunTime (the smaller one wins). */
  readonly lifetimeMs?: number;
  readonly inputStreams: readonly string[];
  readonly outputStreams: readonly string[];
  readonly codepage: number;
  readonly noProfile: boolean;
}

export type ShellState = 'Connected' | 'Disconnected';

/** `P0DT0H0M9S`, the form of rsp:ShellRunTime and rsp:ShellInactivity. */
export function formatElapsed(milliseconds: number): string {
  let seconds = Math.floor(milliseconds / 1000);
  const days = Math.floor(seconds / 86400);
  seconds -= days * 86400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  return `P${days}DT${hours}H${minutes}M${seconds - minutes * 60}S`;
}

export class Shell {
  readonly commands = new Map<string, ShellCommand>();
  readonly createdAt = Date.now();
  lastActivity = Date.now();
  /** Requests on this shell being served now (a long-polling Receive keeps the shell busy, not idle). */
  active = 0;
  state: ShellState = 'Connected';
  bufferMode: BufferMode = 'Block';
  idleTimeoutMs: number;
  idleTimer: NodeJS.Timeout | undefined;
  runTimer: NodeJS.Timeout | undefined;

  constructor(readonly settings: ShellSettings) {
    this.idleTimeoutMs = settings.idleTimeoutMs;
  }

  get id(): string {
    return this.settings.id;
  }

  get owner(): string {
    return this.settings.owner;
  }

  command(id: string): ShellCommand | undefined {
    return this.commands.get(id.toUpperCase());
  }

  /**
   * rsp:Shell as Windows writes it: the CreateResponse form (pypsrp test_winrs_standard,
   * test_winrs_environment, test_winrs_extra_opts) or, for Enumerate, with the fields the shell
   * listing adds (test_psrp_disconnect_runspaces).
   */
  xml(form: 'created' | 'listed', usage?: { readonly processes: number; readonly rssBytes: number }): string {
    const s = this.settings;
    const now = Date.now();
    const element = (name: string, value: string): string => `<rsp:${name}>${escapeXmlText(value)}</rsp:${name}>`;
    const environment = s.environment.length
      ? `<rsp:Environment>${s.environment.map(([name, value]) => `<rsp:Variable Name="${escapeXmlAttribute(name)}">${escapeXmlText(value)}</rsp:Variable>`).join('')}</rsp:Environment>`
      : '';
    const parts = [
      element('ShellId', s.id),
      ...(s.name !== undefined && form === 'listed' ? [element('Name', s.name)] : []),
      element('ResourceUri', s.resourceUri),
      // CreateResponse names the user as given, the listing as MACHINE\\user (pypsrp recordings).
      element('Owner', form === 'listed' && !s.owner.includes('\\') && !s.owner.includes('@') ? `${s.machine}\\${s.owner}` : s.owner),
      element('ClientIP', s.clientIp),
      ...(form === 'listed' ? [element('ProcessId', String(process.pid))] : []),
      environment,
      ...(s.workingDirectory !== undefined ? [element('WorkingDirectory', s.workingDirectory)] : []),
      element('IdleTimeOut', formatDuration(this.idleTimeoutMs)),
      element('InputStreams', s.inputStreams.join(' ')),
      element('OutputStreams', s.outputStreams.join(' ')),
      ...(form === 'listed'
        ? [element('BufferMode', this.bufferMode), element('State', this.state)]
        : []),
      element('ShellRunTime', formatElapsed(now - this.createdAt)),
      element('ShellInactivity', formatElapsed(this.active > 0 ? 0 : now - this.lastActivity)),
      ...(form === 'listed' && usage
        ? [element('MemoryUsed', `${Math.ceil(usage.rssBytes / (1024 * 1024))}MB`), element('ChildProcesses', String(usage.processes))]
        : []),
    ];
    return `<rsp:Shell xmlns:rsp="${NS.shell}">${parts.join('')}</rsp:Shell>`;
  }
}

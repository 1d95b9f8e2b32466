/**
 * Every shell of one endpoint, and the rules of winrm/config/winrs over them: who may open how
 * many, how long they live idle or at all, how many processes and how much memory they may
 * use. Closing a shell, its timing out and the endpoint's close all end its processes; so does
 * the Node process exiting while shells are open.
 */
import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { wsmanError } from '../../core/errors/wsman-error';
import { EndpointState } from '../service/endpoint-state';
import { usageOfGroups, type GroupUsage } from './process-usage';
import { Shell, type ShellSettings } from './shell';
import { ShellCommand, type CommandSpec } from './shell-command';
import { pluginError, startFailure, unknownCommand, unknownShell } from './shell-faults';

/** The longest delay a Node timer takes (longer ones fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How often running shells' processes are counted and measured against MaxMemoryPerShellMB. */
export const USAGE_SAMPLE_MS = 500;

const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;

@injectable()
export class ShellRegistry {
  private readonly shells = new Map<string, Shell>();
  private sampler: NodeJS.Timeout | undefined;
  private readonly onExit = (): void => {
    for (const shell of this.shells.values()) for (const command of shell.commands.values()) command.killNow();
  };

  constructor(@inject(EndpointState) private readonly state: EndpointState) {}

  private winrs(name: string): number {
    return this.state.config.number(`Winrs/${name}`);
  }

  /** The shells of one user (Enumerate lists only the caller's own). */
  shellsOf(owner: string): Shell[] {
    return [...this.shells.values()].filter((shell) => shell.owner.toLowerCase() === owner.toLowerCase());
  }

  /** Checks the quotas and the client's ShellId, then opens the shell (nothing is kept when a check fails). */
  open(settings: Omit<ShellSettings, 'id' | 'machine'> & { readonly id?: string }): Shell {
    if (!this.state.config.flag('Winrs/AllowRemoteShellAccess')) throw wsmanError('ERROR_WSMAN_REMOTESHELLS_NOT_ALLOWED');
    const id = settings.id ?? randomUUID().toUpperCase();
    if (settings.id !== undefined) {
      if (!GUID.test(settings.id)) throw wsmanError('ERROR_WINRS_SHELL_CLIENTID_NOT_VALID');
      if (this.shells.has(settings.id.toUpperCase())) throw wsmanError('ERROR_WINRS_SHELL_CLIENTID_RESOURCE_CONFLICT');
    }
    const own = this.shellsOf(settings.owner);
    if (own.length >= this.winrs('MaxShellsPerUser')) throw wsmanError('ERROR_WSMAN_QUOTA_MAX_SHELLS');
    const users = new Set([...this.shells.values()].map((shell) => shell.owner.toLowerCase()));
    if (own.length === 0 && users.size >= this.winrs('MaxConcurrentUsers')) throw wsmanError('ERROR_WSMAN_QUOTA_MAX_SHELLUSERS');

    const shell = new Shell({ ...settings, id, machine: this.state.machineName, idleTimeoutMs: Math.min(settings.idleTimeoutMs, this.winrs('IdleTimeout')) });
    if (this.shells.size === 0) process.on('exit', this.onExit);
    this.shells.set(id.toUpperCase(), shell);
    const runTime = Math.min(this.winrs('MaxShellRunTime'), settings.lifetimeMs ?? MAX_TIMER_MS, MAX_TIMER_MS);
    shell.runTimer = setTimeout(() => void this.close(shell), runTime).unref();
    this.scheduleIdle(shell, shell.idleTimeoutMs);
    return shell;
  }

  /** The caller's shell by ShellId: unknown ids and other users' shells are refused. */
  find(id: string | undefined, user: string): Shell {
    const shell = id === undefined ? undefined : this.shells.get(id.trim().toUpperCase());
    if (!shell) throw unknownShell();
    if (shell.owner.toLowerCase() !== user.toLowerCase()) throw wsmanError('E_ACCESSDENIED');
    return shell;
  }

  /** Marks the shell busy for one request; the idle clock restarts when the request ends. */
  async use<T>(shell: Shell, work: () => Promise<T>): Promise<T> {
    shell.active++;
    try {
      return await work();
    } finally {
      shell.active--;
      shell.lastActivity = Date.now();
      if (this.shells.get(shell.id.toUpperCase()) === shell) this.scheduleIdle(shell, shell.idleTimeoutMs);
    }
  }

  /** Restarts the idle clock (a Disconnect may also change its length). */
  scheduleIdle(shell: Shell, timeoutMs: number): void {
    shell.idleTimeoutMs = timeoutMs;
    clearTimeout(shell.idleTimer);
    const check = (): void => {
      if (this.shells.get(shell.id.toUpperCase()) !== shell) return;
      const idleFor = Date.now() - shell.lastActivity;
      if (shell.active > 0) shell.idleTimer = setTimeout(check, shell.idleTimeoutMs).unref();
      else if (idleFor >= shell.idleTimeoutMs) void this.close(shell);
      else shell.idleTimer = setTimeout(check, shell.idleTimeoutMs - idleFor).unref();
    };
    shell.idleTimer = setTimeout(check, Math.min(timeoutMs, MAX_TIMER_MS)).unref();
  }

  /** Starts a command in the shell, within MaxProcessesPerShell. */
  async run(shell: Shell, spec: Omit<CommandSpec, 'id'> & { readonly id?: string }): Promise<ShellCommand> {
    const id = spec.id ?? randomUUID().toUpperCase();
    if (spec.id !== undefined) {
      if (!GUID.test(spec.id)) throw wsmanError('ERROR_WINRS_SHELLCOMMAND_CLIENTID_NOT_VALID');
      if (shell.command(spec.id)) throw wsmanError('ERROR_WINRS_SHELLCOMMAND_CLIENTID_RESOURCE_CONFLICT');
    }
    // A command holds its place among the user's operations until it is terminated (MS-WSMV §3.1.4.11).
    const commands = this.shellsOf(shell.owner).reduce((count, own) => count + own.commands.size, 0);
    if (commands >= this.state.config.number('Service/MaxConcurrentOperationsPerUser')) throw wsmanError('ERROR_WSMAN_QUOTA_MAX_OPERATIONS');
    const processes = this.usage(shell)?.processes ?? shell.commands.size;
    if (processes >= this.winrs('MaxProcessesPerShell')) throw pluginError('ERROR_NOT_ENOUGH_QUOTA');
    let command: ShellCommand;
    try {
      command = await ShellCommand.start({ ...spec, id });
    } catch (error) {
      throw startFailure(error);
    }
    if (this.shells.get(shell.id.toUpperCase()) !== shell) {
      // The shell was closed while the process started.
      await command.kill(unknownShell());
      throw unknownShell();
    }
    shell.commands.set(id.toUpperCase(), command);
    command.setBufferMode(shell.state === 'Disconnected' ? shell.bufferMode : 'Block');
    this.startSampler();
    return command;
  }

  /** Ends a command's processes and forgets it (Signal terminate). */
  async endCommand(shell: Shell, command: ShellCommand): Promise<void> {
    shell.commands.delete(command.id.toUpperCase());
    await command.kill(unknownCommand());
  }

  /** Deletes the shell: its processes are killed and waited for. */
  async close(shell: Shell): Promise<void> {
    if (this.shells.get(shell.id.toUpperCase()) !== shell) return;
    this.shells.delete(shell.id.toUpperCase());
    clearTimeout(shell.idleTimer);
    clearTimeout(shell.runTimer);
    if (this.shells.size === 0) {
      process.off('exit', this.onExit);
      clearInterval(this.sampler);
      this.sampler = undefined;
    }
    const commands = [...shell.commands.values()];
    shell.commands.clear();
    await Promise.all(commands.map((command) => command.kill(unknownShell())));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.shells.values()].map((shell) => this.close(shell)));
  }

  /** The processes and memory of the shell's commands, where /proc tells. */
  usage(shell: Shell): GroupUsage | undefined {
    return this.usages([shell])?.get(shell);
  }

  /** Usage of several shells from one pass over /proc. */
  private usages(shells: readonly Shell[]): Map<Shell, GroupUsage> | undefined {
    const groups = new Set(shells.flatMap((shell) => [...shell.commands.values()].map((command) => command.pid)));
    const byGroup = usageOfGroups(groups);
    if (!byGroup) return undefined;
    return new Map(
      shells.map((shell) => {
        const total: GroupUsage = { processes: 0, rssBytes: 0 };
        for (const command of shell.commands.values()) {
          const usage = byGroup.get(command.pid);
          total.processes += usage?.processes ?? 0;
          total.rssBytes += usage?.rssBytes ?? 0;
        }
        return [shell, total];
      }),
    );
  }

  private startSampler(): void {
    if (this.sampler) return;
    this.sampler = setInterval(() => this.enforceMemory(), USAGE_SAMPLE_MS).unref();
  }

  /** MaxMemoryPerShellMB: a shell whose processes' resident memory passes it has them killed. */
  private enforceMemory(): void {
    const limit = this.winrs('MaxMemoryPerShellMB') * 1024 * 1024;
    const running = [...this.shells.values()].filter((shell) => [...shell.commands.values()].some((command) => command.running));
    if (running.length === 0) return;
    for (const [shell, usage] of this.usages(running) ?? []) {
      if (usage.rssBytes <= limit) continue;
      for (const command of shell.commands.values()) if (command.running) command.fail(pluginError('E_OUTOFMEMORY'));
    }
  }
}

/**
 * One command of a shell: a real process in its own process group, its stdout and stderr kept in
 * arrival order for Receive, its stdin fed by Send. Output flow control: past BUFFER_LIMIT bytes
 * not yet received, the pipes are no longer read (the process blocks on write), or, in the Drop
 * buffering mode of a disconnected shell, the oldest output is thrown away; memory stays flat
 * whatever the command prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { Readable } from 'node:stream';
import { wsmanError } from '../../core/errors/wsman-error';
import { WSMAN_STREAM_ID_STDERR, WSMAN_STREAM_ID_STDOUT } from '../../core/protocol/shell-protocol';
import { inputToProcess, outputEncoder, type OutputEncoder } from './codepage';
import { usageOfGroups } from './process-usage';

/** How long killing a command waits for the rest of its process group to die. */
const GROUP_EXIT_WAIT_MS = 2000;

/** Output bytes a command may hold for the client before its pipes are paused. */
export const BUFFER_LIMIT = 1024 * 1024;

function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

export type OutputStreamName = typeof WSMAN_STREAM_ID_STDOUT | typeof WSMAN_STREAM_ID_STDERR;
export const OUTPUT_STREAMS: readonly OutputStreamName[] = [WSMAN_STREAM_ID_STDOUT, WSMAN_STREAM_ID_STDERR];

export type BufferMode = 'Block' | 'Drop';
export type ShellSignal = 'ctrl_c' | 'ctrl_break' | 'terminate';

export interface CommandSpec {
  readonly id: string;
  /** rsp:Command and its rsp:Arguments. */
  readonly command: string;
  readonly args: readonly string[];
  /** WINRS_SKIP_CMD_SHELL: run the executable itself instead of through the platform's shell. */
  readonly skipShell: boolean;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly codepage: number;
}

interface OutputChunk {
  readonly stream: OutputStreamName;
  readonly data: Buffer;
}

/** One rsp:Stream element's worth of output: the pipe's chunks as they came, never copied together. */
export interface OutputElement {
  readonly stream: OutputStreamName;
  readonly parts: readonly Buffer[];
}

/** What a Receive may fill: `budget` bytes of rsp:Stream elements, each costing `elementOverhead` besides its base64 text. */
export interface ReceiveBudget {
  readonly budget: number;
  readonly elementOverhead: number;
}

export interface ReceiveResult {
  readonly elements: readonly OutputElement[];
  /** Streams that have ended and are drained: their End="true" goes out with this reply. */
  readonly ended: readonly OutputStreamName[];
  /** Set once the process has exited and every wanted stream is drained. */
  readonly exitCode?: number;
}

interface SourceState {
  readonly readable: Readable;
  readonly encoder: OutputEncoder;
  ended: boolean;
  /** Its End marker went to the client. */
  reported: boolean;
}

const IS_WINDOWS = process.platform === 'win32';

/** The process a command line runs as: through `cmd.exe /c` or `/bin/sh -c`, or directly. */
function processFor(spec: CommandSpec): { file: string; args: string[]; verbatim: boolean } {
  if (spec.skipShell) return { file: spec.command, args: [...spec.args], verbatim: false };
  const line = [spec.command, ...spec.args].join(' ');
  return IS_WINDOWS ? { file: 'cmd.exe', args: ['/c', line], verbatim: true } : { file: '/bin/sh', args: ['-c', line], verbatim: false };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The exit code Windows would report; a process ended by a signal gets the shell's 128 + signal number. */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0);
}

export class ShellCommand {
  readonly pid: number;
  private queue: OutputChunk[] = [];
  private queued = 0;
  private readonly sources: Record<OutputStreamName, SourceState>;
  private exit: number | undefined;
  private readonly exited: Promise<void>;
  private readonly waiters = new Set<() => void>();
  private stdinEnded = false;
  private mode: BufferMode = 'Block';
  /** Set when the endpoint ended the process for a quota: the next Receive reports it. */
  private failure: Error | undefined;

  private constructor(
    private readonly spec: CommandSpec,
    private readonly child: ChildProcess,
  ) {
    this.pid = child.pid!;
    const source = (readable: Readable): SourceState => ({ readable, encoder: outputEncoder(spec.codepage), ended: false, reported: false });
    this.sources = { stdout: source(child.stdout!), stderr: source(child.stderr!) };
    for (const name of OUTPUT_STREAMS) this.attach(name);
    // A process that exits without reading its stdin makes our writes fail with EPIPE: nothing to report.
    child.stdin!.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = exitCodeOf(code, signal);
        this.notify();
        resolve();
      });
    });
  }

  /** Starts the process; a missing executable or directory fails the way CreateProcess does. */
  static start(spec: CommandSpec): Promise<ShellCommand> {
    const target = processFor(spec);
    if (!isDirectory(spec.cwd)) return Promise.reject(wsmanError('ERROR_DIRECTORY'));
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(target.file, target.args, {
          cwd: spec.cwd,
          env: spec.env,
          stdio: 'pipe',
          // Its own process group, so that ctrl_c and terminate reach everything it started.
          detached: !IS_WINDOWS,
          windowsHide: true,
          windowsVerbatimArguments: target.verbatim,
        });
      } catch (error) {
        reject(wsmanError('ERROR_FILE_NOT_FOUND', { cause: error }));
        return;
      }
      child.once('error', (error: NodeJS.ErrnoException) => reject(wsmanError(error.code === 'ENOENT' ? 'ERROR_FILE_NOT_FOUND' : 'E_ACCESSDENIED', { cause: error })));
      child.once('spawn', () => {
        // Later errors (a signal that cannot be delivered on Windows) change nothing: the exit tells.
        child.on('error', () => undefined);
        resolve(new ShellCommand(spec, child));
      });
    });
  }

  get id(): string {
    return this.spec.id;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  setBufferMode(mode: BufferMode): void {
    this.mode = mode;
    this.applyFlowControl();
  }

  private attach(name: OutputStreamName): void {
    const state = this.sources[name];
    state.readable.on('data', (chunk: Buffer) => this.push(name, state.encoder.write(chunk)));
    state.readable.once('end', () => {
      this.push(name, state.encoder.end());
      state.ended = true;
      this.notify();
    });
    state.readable.on('error', () => undefined);
  }

  private push(stream: OutputStreamName, data: Buffer): void {
    if (data.length === 0) return;
    this.queue.push({ stream, data });
    this.queued += data.length;
    if (this.mode === 'Drop') {
      while (this.queued > BUFFER_LIMIT && this.queue.length > 1) this.queued -= this.queue.shift()!.data.length;
    }
    this.applyFlowControl();
    this.notify();
  }

  private applyFlowControl(): void {
    const full = this.mode === 'Block' && this.queued >= BUFFER_LIMIT;
    for (const name of OUTPUT_STREAMS) {
      const { readable } = this.sources[name];
      if (full && !readable.isPaused()) readable.pause();
      else if (!full && readable.isPaused()) readable.resume();
    }
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Whether a Receive for these streams has something to answer now. */
  private ready(streams: readonly OutputStreamName[]): boolean {
    if (this.failure) return true;
    if (this.queue.some((chunk) => streams.includes(chunk.stream))) return true;
    if (streams.some((name) => this.sources[name].ended && !this.sources[name].reported)) return true;
    return this.exit !== undefined && streams.every((name) => this.sources[name].ended);
  }

  /**
   * Waits until output, an end of stream or the exit is there for the wanted streams (or the
   * request is abandoned), then takes as much as fits in the budget's rsp:Stream elements.
   */
  async receive(streams: readonly OutputStreamName[], budget: ReceiveBudget, abandoned: AbortSignal | undefined): Promise<ReceiveResult> {
    if (!this.ready(streams)) {
      await new Promise<void>((resolve, reject) => {
        const done = (): void => {
          this.waiters.delete(check);
          abandoned?.removeEventListener('abort', onAbort);
        };
        const check = (): void => {
          if (!this.ready(streams)) return;
          done();
          resolve();
        };
        const onAbort = (): void => {
          done();
          reject(wsmanError('ERROR_WSMAN_OPERATION_TIMEDOUT'));
        };
        if (abandoned?.aborted) return onAbort();
        this.waiters.add(check);
        abandoned?.addEventListener('abort', onAbort);
      });
      // Woken by the first chunk: what the pipes deliver in the same turn of the event loop goes out with it.
      await new Promise((resolve) => setImmediate(resolve));
      if (abandoned?.aborted) throw wsmanError('ERROR_WSMAN_OPERATION_TIMEDOUT');
    }
    if (this.failure) throw this.failure;
    const taken = this.take(streams, budget);
    this.applyFlowControl();
    const ended = streams.filter((name) => this.sources[name].ended && !this.queue.some((chunk) => chunk.stream === name));
    for (const name of ended) this.sources[name].reported = true;
    const finished = this.exit !== undefined && streams.every((name) => ended.includes(name));
    return { elements: taken, ended, ...(finished ? { exitCode: this.exit } : {}) };
  }

  /**
   * Takes queued output of the wanted streams in arrival order, adjacent chunks of one stream
   * forming one element, while the elements (their base64 text plus the overhead each) fit.
   */
  private take(streams: readonly OutputStreamName[], { budget, elementOverhead }: ReceiveBudget): OutputElement[] {
    const elements: { stream: OutputStreamName; parts: Buffer[]; size: number }[] = [];
    const remaining: OutputChunk[] = [];
    let used = 0;
    let full = false;
    for (const chunk of this.queue) {
      if (full || !streams.includes(chunk.stream)) {
        remaining.push(chunk);
        continue;
      }
      const last = elements[elements.length - 1];
      const opening = !last || last.stream !== chunk.stream;
      const current = opening ? 0 : last.size;
      const room = budget - used - (opening ? elementOverhead : 0) + base64Length(current);
      const count = Math.min(chunk.data.length, Math.floor(room / 4) * 3 - current);
      if (count <= 0) {
        full = true;
        remaining.push(chunk);
        continue;
      }
      const element = opening ? { stream: chunk.stream, parts: [], size: 0 } : last;
      if (opening) {
        elements.push(element);
        used += elementOverhead;
      }
      used -= base64Length(element.size);
      element.parts.push(count === chunk.data.length ? chunk.data : chunk.data.subarray(0, count));
      element.size += count;
      used += base64Length(element.size);
      this.queued -= count;
      if (count < chunk.data.length) {
        remaining.push({ stream: chunk.stream, data: chunk.data.subarray(count) });
        full = true;
      }
    }
    this.queue = remaining;
    return elements.map(({ stream, parts }) => ({ stream, parts }));
  }

  /** Writes stdin; resolves once the pipe has taken it (back-pressure reaches the client's Send). */
  async send(data: Buffer, end: boolean, abandoned: AbortSignal | undefined): Promise<void> {
    const stdin = this.child.stdin!;
    const bytes = inputToProcess(this.spec.codepage, data);
    if (this.stdinEnded || stdin.destroyed) return;
    if (end) this.stdinEnded = true;
    if (bytes.length > 0 && !stdin.write(bytes) && !end) {
      await new Promise<void>((resolve, reject) => {
        const finish = (): void => {
          stdin.off('drain', finish);
          stdin.off('close', finish);
          abandoned?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = (): void => {
          stdin.off('drain', finish);
          stdin.off('close', finish);
          reject(wsmanError('ERROR_WSMAN_OPERATION_TIMEDOUT'));
        };
        stdin.once('drain', finish);
        stdin.once('close', finish);
        abandoned?.addEventListener('abort', onAbort, { once: true });
      });
    }
    if (end) stdin.end();
  }

  /** ctrl_c and ctrl_break interrupt the process group (SIGINT, SIGQUIT); terminate kills it. */
  signal(kind: ShellSignal): void {
    const signals: Record<ShellSignal, NodeJS.Signals> = { ctrl_c: 'SIGINT', ctrl_break: 'SIGQUIT', terminate: 'SIGKILL' };
    this.signalGroup(signals[kind]);
  }

  private signalGroup(signal: NodeJS.Signals): void {
    try {
      if (IS_WINDOWS) this.child.kill(signal);
      else process.kill(-this.pid, signal);
    } catch {
      // The group is gone already.
    }
  }

  /** Ends the process group for a broken quota; the next Receive answers with `reason`. */
  fail(reason: Error): void {
    this.failure = reason;
    this.signalGroup('SIGKILL');
    this.notify();
  }

  /**
   * Kills the whole process group (a background child too) and waits for the process to be gone;
   * a Receive still waiting on it answers with `reason`.
   */
  async kill(reason: Error): Promise<void> {
    this.failure ??= reason;
    this.signalGroup('SIGKILL');
    for (const name of OUTPUT_STREAMS) this.sources[name].readable.destroy();
    this.child.stdin?.destroy();
    await this.exited;
    await this.groupGone();
    this.notify();
  }

  /** SIGKILL is delivered asynchronously: waits (briefly) until no live process is left in the group. */
  private async groupGone(): Promise<void> {
    const deadline = Date.now() + GROUP_EXIT_WAIT_MS;
    while (Date.now() < deadline) {
      const left = usageOfGroups(new Set([this.pid]))?.get(this.pid)?.processes ?? 0;
      if (left === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Synchronous last resort when the endpoint's own process exits. */
  killNow(): void {
    this.signalGroup('SIGKILL');
  }
}

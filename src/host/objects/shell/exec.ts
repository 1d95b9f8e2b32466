/**
 * WshShell.Exec's WshScriptExec for a real local process. The script thread never returns to
 * Node's event loop while a script runs, so child-process events would never arrive: the
 * command runs under a small /bin/sh wrapper that writes the command's process id and, when it
 * ends, its exit code to files, and the child's output goes to files that StdOut/StdErr read as
 * they grow (blocking the way a pipe read blocks). StdIn is a pipe written synchronously.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { EOL, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { SyncDispatch, Variant } from '../../../automation/dispatch/contract';
import { blockFor } from '../../wscript/blocking-wait';
import { hostDispatch } from '../host-dispatch';
import { runtimeError } from '../runtime-errors';
import { toStr } from '../variants';

const WSH_RUNNING = 0;
const WSH_FINISHED = 1;
const POLL_MS = 5;

/**
 * $1 the command line, $2 the folder for the pid and status files. The command runs in the
 * background with the wrapper's stdin passed through fd 3 (dash gives a background job
 * /dev/null even for `<&0`), the wrapper then lets go of it so the command sees its end,
 * so that its pid is known and Terminate can stop it alone; the status file appears atomically.
 */
const WRAPPER = 'exec 3<&0; /bin/sh -c "$1" <&3 3<&- & exec 0<&- 3<&-; echo $! > "$2/pid.tmp"; mv "$2/pid.tmp" "$2/pid"; wait $!; echo $? > "$2/status.tmp"; mv "$2/status.tmp" "$2/status"';

class ExecState {
  readonly folder = mkdtempSync(join(tmpdir(), 'wsh-exec-'));
  readonly child: ChildProcess;
  #terminated = false;

  constructor(command: string) {
    const out = openSync(join(this.folder, 'stdout'), 'w');
    const err = openSync(join(this.folder, 'stderr'), 'w');
    try {
      this.child = spawn('/bin/sh', ['-c', WRAPPER, 'sh', command, this.folder], { stdio: ['pipe', out, err] });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    // The host ends with the script; a process the script started goes on as on Windows.
    this.child.unref();
  }

  get finished(): boolean {
    return existsSync(join(this.folder, 'status'));
  }

  get exitCode(): number {
    return this.finished ? Number(readFileSync(join(this.folder, 'status'), 'utf8').trim()) : 0;
  }

  get processId(): number {
    while (!existsSync(join(this.folder, 'pid'))) blockFor(POLL_MS);
    return Number(readFileSync(join(this.folder, 'pid'), 'utf8').trim());
  }

  terminate(): void {
    if (this.finished || this.#terminated) return;
    this.#terminated = true;
    try {
      process.kill(this.processId, 'SIGTERM');
    } catch {
      // Ended on its own in the meantime.
    }
  }

  /** The stdin pipe's descriptor: written with writeSync, since the event loop never runs to flush a stream. */
  get stdinFd(): number | undefined {
    return (this.child.stdin as unknown as { _handle?: { fd?: number } } | null)?._handle?.fd;
  }
}

/** A growing output file read like a pipe: a read waits for data or for the process to end. */
function outputStream(state: ExecState, name: string): SyncDispatch {
  const fd = openSync(join(state.folder, name), 'r');
  const decoder = new StringDecoder('utf8');
  const chunk = Buffer.alloc(64 * 1024);
  let buffered = '';
  let ended = false;
  let line = 1;
  let column = 1;
  const pull = (): boolean => {
    const read = readSync(fd, chunk, 0, chunk.length, null);
    if (read > 0) {
      buffered += decoder.write(chunk.subarray(0, read));
      return true;
    }
    if (state.finished) {
      // Written before the status file: one more read takes what is left.
      const rest = readSync(fd, chunk, 0, chunk.length, null);
      if (rest > 0) {
        buffered += decoder.write(chunk.subarray(0, rest));
        return true;
      }
      buffered += decoder.end();
      ended = true;
      return false;
    }
    blockFor(POLL_MS);
    return true;
  };
  const take = (count: number): string => {
    const text = buffered.slice(0, count);
    buffered = buffered.slice(count);
    const lines = text.split('\n');
    if (lines.length > 1) {
      line += lines.length - 1;
      column = lines[lines.length - 1].length + 1;
    } else column += text.length;
    return text;
  };
  const atEnd = (): boolean => {
    while (buffered === '' && !ended) pull();
    return buffered === '';
  };
  const readLine = (): string => {
    while (!buffered.includes('\n') && !ended) pull();
    if (buffered === '' && ended) throw runtimeError(62);
    const newline = buffered.indexOf('\n');
    return take(newline < 0 ? buffered.length : newline + 1).replace(/\r?\n$/, '');
  };
  const readAll = (): string => {
    while (!ended) pull();
    return take(buffered.length);
  };
  const read = (count: Variant): string => {
    const wanted = Number(count);
    while (buffered.length < wanted && !ended) pull();
    if (buffered === '' && ended) throw runtimeError(62);
    return take(wanted);
  };
  return hostDispatch({
    typeName: 'ITextStream',
    members: {
      Line: { dispid: 10000, get: () => line },
      Column: { dispid: -529, get: () => column },
      AtEndOfStream: { dispid: 10002, get: atEnd },
      AtEndOfLine: { dispid: 10003, get: () => atEnd() || buffered.startsWith('\n') || buffered.startsWith('\r\n') },
      Read: { dispid: 10004, params: ['Characters'], call: read },
      ReadLine: { dispid: 10005, call: readLine },
      ReadAll: { dispid: 10006, call: readAll },
      Skip: { dispid: 10010, params: ['Characters'], call: (count: Variant) => void read(count) },
      SkipLine: { dispid: 10011, call: () => void readLine() },
      Close: { dispid: 10012, call: () => undefined },
    },
  });
}

function inputStream(state: ExecState): SyncDispatch {
  const write = (text: string): void => {
    const fd = state.stdinFd;
    if (fd === undefined) throw runtimeError(54);
    writeSync(fd, text);
  };
  return hostDispatch({
    typeName: 'ITextStream',
    members: {
      Write: { dispid: 10007, params: ['Text'], call: (text: Variant) => write(toStr(text)) },
      WriteLine: { dispid: 10008, params: ['Text?'], call: (text: Variant) => write(toStr(text) + EOL) },
      WriteBlankLines: { dispid: 10009, params: ['Lines'], call: (count: Variant) => write(EOL.repeat(Number(count))) },
      Close: { dispid: 10012, call: () => void state.child.stdin?.destroy() },
    },
  });
}

/**
 * The status files' folder, when the host ends. A command still running writes its status there
 * as it ends, which can race the removal (ENOTEMPTY): the folder is only scratch, and a failure
 * to remove it must not turn into the host's exit code.
 */
function removeScratch(folder: string): void {
  try {
    rmSync(folder, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // Left behind in the temporary directory.
  }
}

export function execProcess(command: string, beforeInvoke?: () => void): SyncDispatch {
  const state = new ExecState(command);
  const stdout = outputStream(state, 'stdout');
  const stderr = outputStream(state, 'stderr');
  const stdin = inputStream(state);
  process.once('exit', () => removeScratch(state.folder));
  return hostDispatch({
    typeName: 'IWshExec',
    beforeInvoke,
    members: {
      Status: { dispid: 1, get: () => (state.finished ? WSH_FINISHED : WSH_RUNNING) },
      StdIn: { dispid: 3, get: () => stdin },
      StdOut: { dispid: 4, get: () => stdout },
      StdErr: { dispid: 5, get: () => stderr },
      ProcessID: { dispid: 6, get: () => state.processId },
      ExitCode: { dispid: 7, get: () => state.exitCode },
      Terminate: { dispid: 8, call: () => state.terminate() },
    },
  });
}

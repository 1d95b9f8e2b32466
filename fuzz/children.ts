/** A child process of the fuzz run (the endpoint or the client), spoken to over IPC; its death is observed. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ChildReply, ChildRequest } from './protocol';

type Payload<T extends ChildRequest['type']> = T extends ChildRequest['type'] ? Omit<Extract<ChildRequest, { type: T }>, 'id'> : never;

export class Child {
  private process!: ChildProcess;
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: ChildReply | undefined) => void>();
  /** Set when the process ended on its own (a crash); cleared by restart(). */
  exited: string | undefined;
  restarts = 0;

  /** `nodeOptions`: further Node options for the process, e.g. a V8 heap limit. */
  constructor(
    private readonly script: 'endpoint-child.ts' | 'client-child.ts',
    private readonly nodeOptions: readonly string[] = [],
  ) {}

  async start(): Promise<void> {
    this.exited = undefined;
    const ready = new Promise<void>((resolve, reject) => {
      this.process = fork(join(__dirname, this.script), [], {
        execArgv: ['-r', join(__dirname, 'swc-register.js'), ...this.nodeOptions],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        cwd: join(__dirname, '..'),
      });
      let stderr = '';
      this.process.stderr!.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      this.process.on('message', (reply: ChildReply) => {
        if (reply.id === 0 && reply.type === 'ready') resolve();
        const waiter = this.waiting.get(reply.id);
        if (waiter) {
          this.waiting.delete(reply.id);
          waiter(reply);
        }
      });
      this.process.once('exit', (code, signal) => {
        this.exited = `exit code ${code} signal ${signal}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`;
        for (const waiter of this.waiting.values()) waiter(undefined);
        this.waiting.clear();
        reject(new Error(this.exited));
      });
    });
    if (this.script === 'client-child.ts') await ready;
    else ready.catch(() => undefined);
  }

  /** The reply, or undefined when the process died first or did not answer within `timeoutMs`. */
  ask<T extends ChildRequest['type']>(request: Payload<T>, timeoutMs: number): Promise<ChildReply | undefined> {
    if (this.exited) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, timeoutMs);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.process.send({ ...request, id } as ChildRequest);
    });
  }

  private restarting: Promise<void> | undefined;

  /** A new process; callers that ask at the same time share one restart. */
  restart(): Promise<void> {
    this.restarting ??= (async () => {
      this.stop();
      this.restarts += 1;
      await this.start();
    })().finally(() => {
      this.restarting = undefined;
    });
    return this.restarting;
  }

  stop(): void {
    this.process.removeAllListeners('exit');
    this.process.kill('SIGKILL');
  }
}

/** Runs `wsman` in-process with captured streams, against an embedded endpoint. */
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import type { CliIo, InStream } from '../../src/cli/io';
import { startEndpoint, type EndpointOptions, type RunningEndpoint } from '../../src/server/endpoint';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CaptureOptions {
  readonly stdoutTTY?: boolean;
  readonly stderrTTY?: boolean;
  readonly cwd?: string;
  readonly stdin?: InStream;
}

export function capture(options: CaptureOptions = {}): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (out += t), isTTY: options.stdoutTTY ?? false },
    stderr: { write: (t: string) => (err += t), isTTY: options.stderrTTY ?? false },
    stdin: options.stdin ?? (new PassThrough() as unknown as InStream),
    env: {},
    cwd: options.cwd ?? process.cwd(),
  };
  return { io, out: () => out, err: () => err };
}

export async function wsman(args: readonly string[], options: CaptureOptions = {}): Promise<CliRun> {
  const { io, out, err } = capture(options);
  const code = await main(args, io);
  return { code, stdout: out(), stderr: err() };
}

export const USER = 'alice';
export const PASSWORD = 'Secret#1';
export const MACHINE = 'WIN-CLI';

export async function startCliEndpoint(extra: Partial<EndpointOptions> = {}): Promise<RunningEndpoint> {
  return startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], allowUnencrypted: true, machineName: MACHINE, ...extra });
}

/** The switches of Basic over HTTP (-unencrypted) for an endpoint URL. */
export function basicSwitches(url: string): string[] {
  return [`-r:${url}`, `-u:${USER}`, `-p:${PASSWORD}`, '-a:basic', '-un'];
}

/** `wsman run` from the sources in a child process, for scripts that use the host's objects. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { inChildSlot } from '../../helpers/child-slots';

const ROOT = join(__dirname, '..', '..', '..');

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function wsmanRun(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Run> {
  return inChildSlot(() => spawnRun(args, options));
}

function spawnRun(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string }): Promise<Run> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'cli', 'main.ts'), 'run', ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdin.end();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * `wsman serve` stopping on SIGTERM/SIGINT ends every shell process: the serve loop runs in
 * this process and its own signal handler is called, as the signal would call it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../../../src/cli/serve';
import { ShellClient, alive } from './shell-client';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it.each(['SIGTERM', 'SIGINT'] as const)('%s to wsman serve leaves no shell process running', async (signal) => {
  const dir = mkdtempSync(join(tmpdir(), 'wsman-serve-shell-'));
  const before = new Set(process.listeners(signal));
  const lines: string[] = [];
  const served = serve(['--port', '0', '--user', 'alice:Secret#1', '--allow-unencrypted'], (line) => lines.push(line));
  try {
    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      url = /listening on (http:\/\/\S+)/.exec(lines.join('\n'))?.[1];
      if (!url) await sleep(10);
    }
    const alice = new ShellClient(url!, 'alice', 'Secret#1');
    const shellId = await alice.create();
    const pidFile = join(dir, 'pids');
    await alice.command(shellId, `sleep 30 & echo "$$ $!" > ${pidFile}; wait`);
    let pids: number[] = [];
    for (let i = 0; i < 100 && pids.length < 2; i++) {
      await sleep(20);
      try {
        pids = readFileSync(pidFile, 'utf8').trim().split(' ').filter(Boolean).map(Number);
      } catch {
        // not yet written
      }
    }
    expect(pids.every(alive)).toBe(true);
    const stop = process.listeners(signal).find((listener) => !before.has(listener))!;
    (stop as () => void)();
    expect(await served).toBe(0);
    expect(lines).toContain('WinRM endpoint stopped');
    expect(pids.some(alive)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

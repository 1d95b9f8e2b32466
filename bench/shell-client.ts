/**
 * This project's shell client as a child process of bench/shell.ts (so that its peak RSS is its
 * own): the C API session and RemoteShell helpers, Basic over HTTP, one session for the run.
 * Same line protocol as bench/pywinrm_shell.py: a JSON job line, then `stream <bytes>`,
 * `roundtrips <ms>`, `quit`; each answered with one JSON line.
 */
import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { defaultContainer } from '../src/composition-root';
import { WSManClientApi } from '../src/core/capi/client-api';
import { dwordData, WSManAuthenticationFlags, WSManSessionOption, WSMAN_FLAG_REQUESTED_API_VERSION_1_1 } from '../src/core/capi/constants';
import { WSManShellApi } from '../src/core/capi/shell-api';
import { RemoteShell } from '../src/core/shell/remote-shell';

interface Job {
  readonly endpoint: string;
  readonly user: string;
  readonly password: string;
  readonly stream_command: string;
  readonly roundtrip_command: string;
}

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const job = JSON.parse((await lines.next()).value as string) as Job;
  const container = defaultContainer();
  const api = container.get(WSManClientApi);
  const shells = container.get(WSManShellApi);
  const session = api.WSManCreateSession(api.WSManInitialize(WSMAN_FLAG_REQUESTED_API_VERSION_1_1).value!, job.endpoint, 0, {
    authenticationMechanism: WSManAuthenticationFlags.WSMAN_FLAG_AUTH_BASIC,
    userAccount: { username: job.user, password: job.password },
  }).value!;
  api.WSManSetSessionOption(session, WSManSessionOption.WSMAN_OPTION_UNENCRYPTED_MESSAGES, dwordData(1));

  const stream = async (size: number) => {
    const start = performance.now();
    const shell = await RemoteShell.create(shells, session, { codepage: 65001 });
    const command = await shell.run(job.stream_command.replace('{bytes}', String(size)));
    let bytes = 0;
    command.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    command.stderr.on('data', (chunk: Buffer) => (bytes += chunk.length));
    const exitCode = await command.exitCode;
    await command.close();
    await shell.close();
    if (exitCode !== 0) throw new Error(`the stream command exited with ${exitCode}`);
    return { bytes, ms: performance.now() - start, peak_rss_kb: process.resourceUsage().maxRSS };
  };

  const roundtrip = async () => {
    const shell = await RemoteShell.create(shells, session, { codepage: 65001 });
    const result = await shell.exec(job.roundtrip_command);
    await shell.close();
    if (result.exitCode !== 0 || result.stdout.toString().trim() !== 'hi') throw new Error(`unexpected output ${result.stdout.toString()} / ${result.exitCode}`);
  };

  const roundtrips = async (ms: number) => {
    const latencies: number[] = [];
    const end = performance.now() + ms;
    for (;;) {
      const before = performance.now();
      await roundtrip();
      const now = performance.now();
      latencies.push(now - before);
      if (now >= end) break;
    }
    return { latencies };
  };

  console.log(JSON.stringify({ ready: true }));
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    const [verb, argument] = (next.value as string).trim().split(/\s+/);
    if (verb === 'quit') break;
    if (verb === 'stream') console.log(JSON.stringify(await stream(Number(argument))));
    else if (verb === 'roundtrips') console.log(JSON.stringify(await roundtrips(Number(argument))));
    else throw new Error(`unknown command: ${next.value}`);
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});

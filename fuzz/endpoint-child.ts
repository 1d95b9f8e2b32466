/**
 * The endpoint under fuzzing, in its own process so that a crash is observed, not fatal. It
 * answers the driver over IPC: its URL, the state fingerprint, its unhandled rejections and its
 * peak RSS; `reset` starts a fresh endpoint (new data directory) after a request legitimately
 * changed the state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEndpoint, type RunningEndpoint } from '../src/server/endpoint';
import { familyStart, peakRssKb } from './memory';
import { FUZZ_USER, type ChildReply, type ChildRequest } from './protocol';

let rejections = 0;
process.on('unhandledRejection', () => {
  rejections += 1;
});

let endpoint: RunningEndpoint | undefined;
let dataDir: string | undefined;

async function start(): Promise<string> {
  if (endpoint) await endpoint.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = mkdtempSync(join(tmpdir(), 'wsman-fuzz-endpoint-'));
  endpoint = await startEndpoint({
    port: 0,
    users: [`${FUZZ_USER.name}:${FUZZ_USER.password}`],
    allowUnencrypted: true,
    machineName: 'WIN-FUZZ',
    dataDir,
    // Short, so that the cases that stall are answered (408, closed) quickly.
    unauthenticatedDeadlineMs: 1000,
    requestBodyDeadlineMs: 1000,
  });
  return endpoint.url!;
}

function reply(message: ChildReply): void {
  process.send!(message);
}

process.on('message', (message: ChildRequest) => {
  switch (message.type) {
    case 'state':
      reply({ type: 'state', id: message.id, fingerprint: endpoint!.stateFingerprint(), rejections, peakRssKb: peakRssKb() });
      return;
    case 'family-start':
      reply(familyStart(message.id));
      return;
    case 'reset':
      start().then((url) => reply({ type: 'ready', id: message.id, url }), (error: unknown) => reply({ type: 'failed', id: message.id, message: String(error) }));
      return;
  }
});

process.on('exit', () => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/**
 * The client side of bench/enumeration.ts, a process of its own so that its peak RSS and its CPU
 * profile are the client's alone (the endpoint runs in the parent). One JSON command per line on
 * stdin, one JSON answer line each on stdout:
 *
 *   {"op":"prepare","url","batchItems"}   session + the client's captured Enumerate/Pull bytes
 *   {"op":"client","url","batchItems","expected"}   one enumeration: Session.Enumerate, then
 *                                          AtEndOfStream/ReadItem to the end, items counted
 *   {"op":"raw","url","batchItems","expected"}      the raw loop (raw-enumeration.ts) POSTing the
 *                                          captured bytes, items counted in the reply bytes
 *   {"op":"reset-peak"}                    gc, then VmHWM reset to the current RSS (clear_refs 5)
 *   {"op":"peak"}                          VmHWM and VmRSS now, then the heap kept after a gc
 *   quit
 *
 * Answers: {ms, items, requests} for an enumeration, {hwmKb, rssKb, heapKb} for the memory commands,
 * {error} when a command fails.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Session } from '../src/index';
import { AUTH, captureEnumeration, ENUMERATE_LOCATOR, ok, openSession, type CapturedPull, type CapturedRequest } from './client';
import { SessionClient } from './http-client';
import { enumerateAll } from './raw-enumeration';

interface Command {
  readonly op: 'prepare' | 'client' | 'raw' | 'reset-peak' | 'peak';
  readonly url?: string;
  readonly batchItems?: number;
  readonly expected?: number;
}

interface Prepared {
  readonly session: Session;
  readonly raw: SessionClient;
  readonly enumerate: CapturedRequest;
  readonly pull: CapturedPull;
  readonly firstBatchItems: number;
}

const prepared = new Map<string, Prepared>();

function preparedFor(command: Command): Prepared {
  const found = prepared.get(`${command.url}|${command.batchItems}`);
  if (!found) throw new Error(`not prepared: ${command.url} BatchItems ${command.batchItems}`);
  return found;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Peak and current RSS (Linux /proc), then the heap that survives a full collection. */
function memory(): { hwmKb: number; rssKb: number; heapKb: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  collectGarbage();
  return { hwmKb, rssKb, heapKb: Math.round(process.memoryUsage().heapUsed / 1024) };
}

function checkCount(what: string, items: number, expected: number | undefined): void {
  if (expected !== undefined && items !== expected) throw new Error(`${what} read ${items} items, expected ${expected}`);
}

async function run(command: Command): Promise<unknown> {
  switch (command.op) {
    case 'prepare': {
      const { url, batchItems } = command as Required<Command>;
      const session = openSession(url);
      ok(session.put_BatchItems(batchItems), 'put_BatchItems');
      // The session's connection opens before anything is timed.
      ok(await session.Identify(), 'Session.Identify');
      const captured = await captureEnumeration(url, batchItems);
      prepared.set(`${url}|${batchItems}`, { session, raw: new SessionClient(url), ...captured });
      return { firstBatchItems: captured.firstBatchItems };
    }
    case 'client': {
      const { session } = preparedFor(command);
      const started = performance.now();
      const enumerator = ok(await session.Enumerate(ENUMERATE_LOCATOR), 'Enumerate');
      let items = 0;
      while (!enumerator.get_AtEndOfStream().value) {
        const item = await enumerator.ReadItem();
        if (item.hr !== 0) ok(item, 'ReadItem');
        items++;
      }
      const ms = performance.now() - started;
      checkCount('the Enumerator', items, command.expected);
      return { ms, items };
    }
    case 'raw': {
      const { raw, enumerate, pull } = preparedFor(command);
      const started = performance.now();
      const result = await enumerateAll(raw, enumerate, pull, AUTH);
      const ms = performance.now() - started;
      checkCount('the raw loop', result.items, command.expected);
      return { ms, items: result.items, requests: result.requests, largestReply: result.largestReply };
    }
    case 'reset-peak': {
      collectGarbage();
      writeFileSync('/proc/self/clear_refs', '5');
      return memory();
    }
    case 'peak':
      return memory();
  }
}

async function main(): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'quit') break;
    let answer: unknown;
    try {
      answer = await run(JSON.parse(line) as Command);
    } catch (error) {
      answer = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
  }
  for (const { raw } of prepared.values()) raw.close();
  // Sessions keep their keep-alive connections; exit (which also writes a --cpu-prof profile).
  process.exit(0);
}

void main();

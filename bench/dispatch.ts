/**
 * The cost of late binding, per call, as ratios against a direct TypeScript call measured in the
 * same run (the measured calls and the direct calls alternate in short slices, stats.ts
 * measurePaired). The call is a property read that answers at once, ConnectionOptions.UserName:
 *
 *  - direct:      options.get_UserName(), the typed vtable-shaped method
 *  - Invoke:      dispatchOf(options).Invoke(dispid, DISPATCH_PROPERTYGET, []), awaited
 *  - Proxy:       lateBound(options).UserName, the late-bound view over the same object
 *  - sync bridge: the same read by a script thread through the blocking bridge of `wsman run`
 *                 (src/host/bridge): a message to the engine's worker thread and the reply back,
 *                 the script thread asleep in Atomics.wait meanwhile
 *
 * One op is a batch of calls (sub-microsecond calls cannot be timed one by one); the figures
 * are per call. No timed assertions.
 *
 *   BENCH_SUITE=dispatch npm run bench        (when wired into run.ts), or: npx ts-node bench/dispatch.ts
 * BENCH_SECONDS, BENCH_FILTER and BENCH_JSON as for the other benchmarks (config.ts).
 */
import { DISPATCH_PROPERTYGET, dispatchOf, lateBound } from '../src/automation/dispatch';
import { EngineConnection } from '../src/host/bridge/engine-connection';
import { RemoteObjects } from '../src/host/bridge/remote-objects';
import { createObject } from '../src/index';
import { progress, SECONDS, selected, WARMUP_MS } from './config';
import { environment, fmtRate, table, writeResultsJson } from './format';
import { measurePaired, summarize, type Operation, type PairedOptions, type Summary } from './stats';

const USER_NAME = 'alice';
const DIRECT_BATCH = 10_000;

const PAIRED: PairedOptions = { warmupOps: 20, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 100, baselineSliceMs: 50, minOps: 20 };

export interface DispatchRow {
  readonly name: string;
  /** Calls per timed op. */
  readonly batch: number;
  readonly meanNsPerCall: number;
  readonly p50NsPerCall: number;
  /** The direct call's mean in the slices interleaved with this measurement. */
  readonly directNsPerCall: number;
  /** meanNsPerCall ÷ directNsPerCall: how many direct calls one of these costs. */
  readonly ratio: number;
}

function perCall(summary: Summary, batch: number): { mean: number; p50: number } {
  return { mean: (summary.meanMs * 1e6) / batch, p50: (summary.p50Ms * 1e6) / batch };
}

/** A batch of calls as one op; a wrong answer stops the benchmark. */
function batchOf(batch: number, call: () => unknown): Operation {
  return async () => {
    for (let i = 0; i < batch; i++) {
      if (call() !== USER_NAME) throw new Error('unexpected UserName');
    }
  };
}

function asyncBatchOf(batch: number, call: () => Promise<unknown>): Operation {
  return async () => {
    for (let i = 0; i < batch; i++) {
      if ((await call()) !== USER_NAME) throw new Error('unexpected UserName');
    }
  };
}

export async function runDispatchBench(): Promise<DispatchRow[]> {
  console.log(`Dispatch benchmark: one ConnectionOptions.UserName read, direct and late-bound; ${SECONDS} s per measurement after warm-up, interleaved with the direct call\n`);
  const options = createObject('WSMan.Automation').CreateConnectionOptions().value!;
  options.put_UserName(USER_NAME);
  const direct = batchOf(DIRECT_BATCH, () => options.get_UserName().value);

  const dispatch = dispatchOf(options);
  const [userNameId] = dispatch.GetIDsOfNames(['UserName']);
  const view = lateBound(options);

  // The script side of `wsman run`: its own WSMan.Automation in the engine thread.
  const engine = new EngineConnection(
    () => undefined,
    (error) => progress(`engine thread failed: ${error.message}`),
  );
  const rows: DispatchRow[] = [];
  const directLatencies: number[] = [];
  try {
    const remoteOptions = lateBound(new RemoteObjects(engine, (error) => new Error(error.message)).create('WSMan.Automation')).CreateConnectionOptions();
    remoteOptions.UserName = USER_NAME;
    const measurements: readonly (readonly [name: string, batch: number, operation: Operation])[] = [
      ['Invoke(DISPATCH_PROPERTYGET), awaited', 1_000, asyncBatchOf(1_000, () => dispatch.Invoke(userNameId, DISPATCH_PROPERTYGET, []))],
      ['lateBound Proxy: .UserName', 1_000, batchOf(1_000, () => view.UserName)],
      ['sync bridge (script thread → engine worker): .UserName', 100, batchOf(100, () => remoteOptions.UserName)],
    ];
    for (const [name, batch, operation] of measurements) {
      if (!selected(name)) continue;
      progress(name);
      const { target, baseline, baselineLatencies } = await measurePaired(operation, direct, PAIRED);
      directLatencies.push(...baselineLatencies);
      const measured = perCall(target, batch);
      const directCall = perCall(baseline, DIRECT_BATCH);
      rows.push({ name, batch, meanNsPerCall: measured.mean, p50NsPerCall: measured.p50, directNsPerCall: directCall.mean, ratio: measured.mean / directCall.mean });
    }
  } finally {
    await engine.close();
  }
  if (directLatencies.length > 0) {
    const directCall = perCall(summarize(directLatencies), DIRECT_BATCH);
    rows.unshift({ name: 'direct: options.get_UserName()', batch: DIRECT_BATCH, meanNsPerCall: directCall.mean, p50NsPerCall: directCall.p50, directNsPerCall: directCall.mean, ratio: 1 });
  }
  report(rows);
  return rows;
}

function report(rows: readonly DispatchRow[]): void {
  console.log('\nCost per call (op = a batch of calls; ns per call = op time ÷ batch)');
  console.log(
    table(
      ['call', 'batch', 'mean ns/call', 'p50 ns/call', 'paired direct ns/call', 'vs direct'],
      rows.map((row) => [row.name, String(row.batch), fmtRate(row.meanNsPerCall), fmtRate(row.p50NsPerCall), fmtRate(row.directNsPerCall), `${row.ratio.toFixed(1)}×`]),
    ),
  );
  console.log('vs direct = mean time per call ÷ the direct call\'s mean in the slices interleaved with it (the direct row: over all its slices).');
}

// `ts-node bench/dispatch.ts`: this benchmark alone.
if (require.main === module) {
  const env = environment();
  console.log(`wsman-automation dispatch benchmark — node ${env.node} (V8 ${env.v8}), ${env.os}`);
  console.log(`CPU: ${env.cpu} × ${env.cpuCount}`);
  runDispatchBench()
    .then((dispatch) => writeResultsJson({ suite: 'dispatch', dispatch }))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exitCode = 1;
    });
}

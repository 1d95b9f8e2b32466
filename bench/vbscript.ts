/**
 * The VBScript engine against JScript as `wsman run` runs it (a node:vm context with the
 * script's globals), the same work in both, measured in the same run with interleaved slices
 * (stats.ts measurePaired): the JScript run is the baseline, the ratio is VBScript ÷ JScript.
 *
 *  - integer loop:   10 million additions  (`s = s + i` in a For loop)
 *  - string build:   100,000 concatenations (`s = s & "x" & i`)
 *  - WSMan call:     one late-bound ConnectionOptions.UserName read through the host's blocking
 *                    bridge to the automation engine's worker thread, per call
 *
 *   BENCH_SUITE=vbscript npm run bench     or: npx ts-node bench/vbscript.ts
 * BENCH_SECONDS, BENCH_FILTER and BENCH_JSON as for the other benchmarks (config.ts).
 */
import { createContext, Script, type Context } from 'node:vm';
import { lateBound } from '../src/automation/dispatch';
import type { SyncDispatch } from '../src/automation/dispatch/contract';
import { EngineConnection } from '../src/host/bridge/engine-connection';
import { RemoteObjects } from '../src/host/bridge/remote-objects';
import { VbsEngine } from '../src/host/vbscript/engine';
import { errorReport } from '../src/host/vbscript/errors';
import { progress, SECONDS, selected } from './config';
import { environment, fmtMs, table, writeResultsJson } from './format';
import { measurePaired, type Operation, type PairedOptions } from './stats';

// A run is one op; JScript's 10M loop takes tens of seconds (every global goes through the vm
// context's interceptor), so a few runs of each, alternating, is what the budget allows.
const WHOLE_RUNS: PairedOptions = { warmupOps: 1, warmupMs: 0, durationMs: SECONDS * 1000, sliceMs: 1, baselineSliceMs: 1, minOps: 3, baselineWarmupOps: 1 };

export interface VbscriptRow {
  readonly name: string;
  /** Units of work per run (additions, concatenations, calls). */
  readonly units: number;
  readonly vbscriptMs: number;
  readonly jscriptMs: number;
  /** vbscriptMs ÷ jscriptMs. */
  readonly ratio: number;
}

interface Workload {
  readonly name: string;
  readonly units: number;
  readonly vbscript: string;
  readonly jscript: string;
  /** What the script leaves in `s`, to check that both did the work. */
  readonly result: string;
}

const LOOP = 10_000_000;
const STRINGS = 100_000;
const CALLS = 200;

const WORKLOADS: readonly Workload[] = [
  {
    name: 'integer loop: 10M additions',
    units: LOOP,
    vbscript: `s = 0\nFor i = 1 To ${LOOP}\n  s = s + i\nNext`,
    jscript: `var s = 0;\nfor (var i = 1; i <= ${LOOP}; i++) {\n  s = s + i;\n}`,
    result: String((LOOP * (LOOP + 1)) / 2),
  },
  {
    name: 'string building: 100k concatenations',
    units: STRINGS,
    vbscript: `s = ""\nFor i = 1 To ${STRINGS}\n  s = s & "x" & i\nNext\ns = Len(s)`,
    jscript: `var s = "";\nfor (var i = 1; i <= ${STRINGS}; i++) {\n  s = s + "x" + i;\n}\ns = s.length;`,
    result: String(Array.from({ length: STRINGS }, (_, i) => `x${i + 1}`).join('').length),
  },
  {
    name: `WSMan call: ${CALLS} × options.UserName`,
    units: CALLS,
    vbscript: `For i = 1 To ${CALLS}\n  s = options.UserName\nNext`,
    jscript: `for (var i = 1; i <= ${CALLS}; i++) {\n  s = options.UserName;\n}`,
    result: 'alice',
  },
];

/** One VBScript run; its `s` is read back through a one-line script that hands it to the host. */
function vbscriptRun(source: string, options: SyncDispatch, expected: string): Operation {
  let seen = '';
  const sink: SyncDispatch = {
    typeName: 'Object',
    GetIDsOfNames: () => [1],
    describe: () => ({ name: 'Put', dispid: 1, kinds: new Set(['method']), params: [], minArgs: 1, maxArgs: 1 }),
    members: () => [],
    Invoke: (_dispid, _flags, args) => {
      seen = String(args[0]);
      return undefined;
    },
  };
  const fail = (what: string): never => {
    throw new Error(what);
  };
  return async () => {
    const engine = new VbsEngine({
      host: { createRegExp: () => fail('no RegExp'), createObject: () => fail('no objects') },
      namedItems: { options, sink },
    });
    const error = engine.run(`${source}\nsink.Put s`);
    if (error) throw new Error(errorReport(error, 'bench.vbs'));
    if (seen !== expected) throw new Error(`VBScript left ${seen}, not ${expected}`);
  };
}

function jscriptRun(source: string, context: Context, expected: string): Operation {
  const script = new Script(source, { filename: 'bench.js' });
  return async () => {
    script.runInContext(context);
    if (String(context['s']) !== expected) throw new Error(`JScript left ${String(context['s'])}, not ${expected}`);
  };
}

export async function runVbscriptBench(): Promise<VbscriptRow[]> {
  console.log(`VBScript benchmark: the same work in VBScript and in JScript as wsman run runs them; ${SECONDS} s per measurement, interleaved\n`);
  const engine = new EngineConnection(
    () => undefined,
    (error) => progress(`engine thread failed: ${error.message}`),
  );
  const rows: VbscriptRow[] = [];
  try {
    const objects = new RemoteObjects(engine, (error) => new Error(error.message));
    const options = objects.create('WSMan.Automation').Invoke(objects.create('WSMan.Automation').GetIDsOfNames(['CreateConnectionOptions'])[0], 1, []) as SyncDispatch;
    const [userName] = options.GetIDsOfNames(['UserName']);
    options.Invoke(userName, 4, ['alice']);
    const context = createContext({ options: lateBound(options) });
    for (const workload of WORKLOADS) {
      if (!selected(workload.name)) continue;
      progress(workload.name);
      const { target, baseline } = await measurePaired(vbscriptRun(workload.vbscript, options, workload.result), jscriptRun(workload.jscript, context, workload.result), WHOLE_RUNS);
      rows.push({ name: workload.name, units: workload.units, vbscriptMs: target.p50Ms, jscriptMs: baseline.p50Ms, ratio: target.p50Ms / baseline.p50Ms });
    }
  } finally {
    await engine.close();
  }
  console.log('\nOne run of each script (medians)');
  console.log(
    table(
      ['workload', 'VBScript', 'JScript', 'VBScript ÷ JScript', 'VBScript per unit'],
      rows.map((row) => [row.name, fmtMs(row.vbscriptMs), fmtMs(row.jscriptMs), `${row.ratio.toFixed(2)}×`, `${((row.vbscriptMs * 1e6) / row.units).toFixed(0)} ns`]),
    ),
  );
  console.log('Goal: VBScript within 3× of JScript for the loops; the WSMan call is dominated by the bridge in both.');
  return rows;
}

// `ts-node bench/vbscript.ts`: this benchmark alone.
if (require.main === module) {
  const env = environment();
  console.log(`wsman-automation VBScript benchmark — node ${env.node} (V8 ${env.v8}), ${env.os}`);
  runVbscriptBench()
    .then((vbscript) => writeResultsJson({ suite: 'vbscript', vbscript }))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exitCode = 1;
    });
}

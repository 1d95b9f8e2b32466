/**
 * Timing. Every measurement is paired with the baseline: after warm-up, short slices of the
 * measured operation alternate with short slices of the baseline operation, so both see the
 * same machine (other load, CPU frequency, GC state) and their ratio stays meaningful on a busy
 * host. Latencies are wall-clock per operation; throughput is operations ÷ time spent in slices.
 */
import { performance } from 'node:perf_hooks';

export interface Summary {
  readonly ops: number;
  readonly elapsedMs: number;
  readonly opsPerSecond: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Latencies in ms; the elapsed time is their sum (operations run back to back). */
export function summarize(latencies: readonly number[]): Summary {
  const sorted = Float64Array.from(latencies).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    ops: sorted.length,
    elapsedMs: total,
    opsPerSecond: (sorted.length * 1000) / total,
    meanMs: total / sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    minMs: sorted[0],
    maxMs: sorted[sorted.length - 1],
  };
}

export type Operation = () => Promise<unknown>;

export interface PairedOptions {
  /** Warm-up of the measured operation: at least this many operations and at least this long. */
  readonly warmupOps: number;
  readonly warmupMs: number;
  /** Time the measured operation gets in total, in slices of sliceMs (at least one op each). */
  readonly durationMs: number;
  readonly sliceMs: number;
  /** The baseline's slice after each measured slice. */
  readonly baselineSliceMs: number;
  /** The measured operation runs at least this often. */
  readonly minOps: number;
  /** Baseline operations run before the timed phase (default 20; fewer for slow baselines). */
  readonly baselineWarmupOps?: number;
  /** Called between warm-up and the timed phase (e.g. to reset counters the operation keeps). */
  readonly onTimedStart?: () => void;
}

/** Runs `operation` back to back for at least sliceMs, appending each latency. */
export async function slice(operation: Operation, sliceMs: number, latencies: number[]): Promise<void> {
  let now = performance.now();
  const end = now + sliceMs;
  do {
    const before = now;
    await operation();
    now = performance.now();
    latencies.push(now - before);
  } while (now < end);
}

export interface PairedResult {
  readonly target: Summary;
  readonly baseline: Summary;
  /** The baseline's timed latencies (for a summary over several measurements). */
  readonly baselineLatencies: readonly number[];
}

export async function measurePaired(operation: Operation, baseline: Operation, options: PairedOptions): Promise<PairedResult> {
  const warmupEnd = performance.now() + options.warmupMs;
  for (let i = 0; i < options.warmupOps || performance.now() < warmupEnd; i++) await operation();
  for (let i = 0; i < (options.baselineWarmupOps ?? 20); i++) await baseline();
  (globalThis as { gc?: () => void }).gc?.();
  options.onTimedStart?.();

  const target: number[] = [];
  const reference: number[] = [];
  let spent = 0;
  while (spent < options.durationMs || target.length < options.minOps) {
    const before = target.length;
    await slice(operation, options.sliceMs, target);
    for (let i = before; i < target.length; i++) spent += target[i];
    await slice(baseline, options.baselineSliceMs, reference);
  }
  return { target: summarize(target), baseline: summarize(reference), baselineLatencies: reference };
}

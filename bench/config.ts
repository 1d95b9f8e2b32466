/**
 * Settings shared by the endpoint and client benchmarks, read from the environment:
 *
 *   BENCH_SECONDS   time per measurement after warm-up (default 2)
 *   BENCH_FILTER    only the measurements whose name matches (regular expression, case-insensitive)
 *   BENCH_SUITE     one of SUITES below, or all (default all): which benchmark `npm run bench` runs
 *   BENCH_JSON      also write bench/results/latest.json
 */
function benchSeconds(): number {
  const raw = process.env['BENCH_SECONDS'];
  if (raw === undefined || raw.trim() === '') return 2;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`BENCH_SECONDS must be a positive number (got "${raw}")`);
  return value;
}

export const SUITES = ['endpoint', 'client', 'client-get', 'auth', 'kerberos', 'dispatch', 'shell', 'cli', 'host-objects', 'vbscript', 'reader', 'enumeration', 'seal', 'endpoint-get', 'sessions'] as const;
export type Suite = (typeof SUITES)[number] | 'all';

function benchSuite(): Suite {
  const raw = (process.env['BENCH_SUITE'] ?? '').trim().toLowerCase();
  if (raw === '') return 'all';
  const suites: readonly Suite[] = [...SUITES, 'all'];
  if ((suites as readonly string[]).includes(raw)) return raw as Suite;
  throw new Error(`BENCH_SUITE must be one of ${suites.join(', ')} (got "${process.env['BENCH_SUITE']}")`);
}

export const SECONDS = benchSeconds();
export const SUITE = benchSuite();
const FILTER = process.env['BENCH_FILTER'] ? new RegExp(process.env['BENCH_FILTER'], 'i') : undefined;

export function selected(name: string): boolean {
  return !FILTER || FILTER.test(name);
}

/** Only when BENCH_FILTER names it: for measurements too long for the default run. */
export function explicitlySelected(name: string): boolean {
  return FILTER !== undefined && FILTER.test(name);
}

export function jsonWanted(): boolean {
  const flag = process.env['BENCH_JSON'];
  return flag !== undefined && flag !== '' && flag !== '0';
}

export const WARMUP_MS = Math.min(500, SECONDS * 250);

export function progress(text: string): void {
  process.stderr.write(`  … ${text}\n`);
}

/** Number formatting and plain-text tables for the benchmark reports. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import { jsonWanted, SECONDS } from './config';

export function fmtRate(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value < 100) return value.toFixed(2);
  return Math.round(value).toLocaleString('en-US');
}

export function fmtMs(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value < 1) return value.toFixed(3);
  if (value < 100) return value.toFixed(2);
  return value.toFixed(1);
}

export function table(headers: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export interface Environment {
  readonly node: string;
  readonly v8: string;
  readonly cpu: string;
  readonly cpuCount: number;
  readonly os: string;
  readonly benchSeconds: number;
}

export function environment(): Environment {
  const cpu = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cpuCount: cpu.length,
    os: `${platform()} ${release()} ${arch()}`,
    benchSeconds: SECONDS,
  };
}

/** With BENCH_JSON set: bench/results/latest.json = { date, environment, ...sections }. */
export function writeResultsJson(sections: Record<string, unknown>): void {
  if (!jsonWanted()) return;
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'latest.json');
  const result = { date: new Date().toISOString(), environment: environment(), ...sections };
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`\nJSON written to ${file}`);
}

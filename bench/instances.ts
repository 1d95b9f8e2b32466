/**
 * A temporary CIM instances directory with one big class: `Win32_Service.json` holding `count`
 * services, cloned round-robin from the shipped Win32_Service records so each item has the
 * size and shape of a real one. Name (the only key, compared without case) is made unique.
 * Classes without a file in the directory keep their machine fill, so the endpoint still
 * serves them; only Win32_Service is replaced.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CIM_DATA_DIR } from '../src/server/cim/cim-store';

export const BIG_CLASS = 'Win32_Service';

/** The big class's resource URI. */
export const BIG_CLASS_URI = `http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/${BIG_CLASS}`;

export interface GeneratedInstances {
  readonly dir: string;
  /** Every Name, in file order. */
  readonly names: readonly string[];
  readonly fileBytes: number;
  remove(): void;
}

export function generateServiceInstances(count: number): GeneratedInstances {
  const templates = JSON.parse(readFileSync(join(DEFAULT_CIM_DATA_DIR, 'instances', `${BIG_CLASS}.json`), 'utf8')) as Record<string, unknown>[];
  if (!Array.isArray(templates) || templates.length === 0) throw new Error(`no ${BIG_CLASS} records to clone`);
  const names: string[] = [];
  const records = Array.from({ length: count }, (_, i) => {
    const template = templates[i % templates.length];
    const name = `${String(template['Name'])}_${String(i).padStart(5, '0')}`;
    names.push(name);
    return { ...template, Name: name, DisplayName: `${String(template['DisplayName'])} #${i}`, Caption: `${String(template['Caption'])} #${i}` };
  });
  const dir = mkdtempSync(join(tmpdir(), 'wsman-bench-cim-'));
  const text = JSON.stringify(records);
  writeFileSync(join(dir, `${BIG_CLASS}.json`), text, 'utf8');
  return { dir, names, fileBytes: Buffer.byteLength(text), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

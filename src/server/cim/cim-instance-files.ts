/**
 * Instance files: `<Class>.json` holds a JSON array of objects, property name → value
 * (numbers, booleans, strings, null, arrays; 64-bit integers may be strings; datetimes DMTF or
 * ISO 8601; a reference is an object of the key values of the instance it names, optionally
 * with `__CLASS`). The same format serves the default data, a user's own data and the saved state.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileDurably } from '../durable-file';
import { findProperty, type CimClassDef, type CimInstance, type CimPropertyDef, type CimReference, type CimValue } from './cim-types';
import { CimValueError, valueFromJson, valueToJson } from './cim-values';

/** Placeholder in string values replaced by the emulated host name (instance files cannot know it). */
export const COMPUTERNAME_PLACEHOLDER = '%COMPUTERNAME%';

export type InstanceRecord = Readonly<Record<string, unknown>>;

export interface RecordOptions {
  /** Where the record came from, for error messages. */
  readonly source: string;
  readonly machineName: string;
  /** Drop properties the class does not define instead of failing (machine fill against a user's schema). */
  readonly ignoreUnknown?: boolean;
  /**
   * Finds the instance a reference value names (`{ "Name": "RpcSs" }`); throws CimValueError when
   * there is none. Without it, records cannot hold references.
   */
  readonly resolveReference?: (property: CimPropertyDef, json: unknown) => CimReference;
}

function substitute(value: unknown, machineName: string): unknown {
  if (typeof value === 'string') {
    return value.includes(COMPUTERNAME_PLACEHOLDER) ? value.split(COMPUTERNAME_PLACEHOLDER).join(machineName) : value;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => substitute(item, machineName));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, substitute(item, machineName)]));
  }
  return value;
}

function propertyValue(property: CimPropertyDef, raw: unknown, options: RecordOptions): CimValue {
  if (property.type !== 'reference' || raw === null || raw === undefined) return valueFromJson(property, raw);
  if (!options.resolveReference) throw new CimValueError('references cannot be given here');
  return options.resolveReference(property, raw);
}

/** A complete instance (every property present, absent ones null) from one record. */
export function instanceFromRecord(classDef: CimClassDef, record: InstanceRecord, options: RecordOptions): CimInstance {
  const values = new Map<string, CimValue>(classDef.properties.map((p) => [p.name, null]));
  const seen = new Set<string>();
  for (const [name, raw] of Object.entries(record)) {
    const property = findProperty(classDef, name);
    if (!property) {
      if (options.ignoreUnknown) continue;
      throw new Error(`${options.source}: property "${name}" is not defined in class ${classDef.name}`);
    }
    if (seen.has(property.name)) throw new Error(`${options.source}: property ${property.name} is given twice`);
    seen.add(property.name);
    try {
      values.set(property.name, propertyValue(property, substitute(raw, options.machineName), options));
    } catch (error) {
      if (!(error instanceof CimValueError)) throw error;
      throw new Error(`${options.source}: property ${property.name} (${property.type}${property.array ? '[]' : ''}): ${error.message}`, {
        cause: error,
      });
    }
  }
  for (const key of classDef.keys) {
    if (values.get(key.name) === null) throw new Error(`${options.source}: key property ${key.name} is missing or null`);
  }
  return { className: classDef.name, properties: values };
}

/** Reads one instance file; every problem names the file and the instance index. */
export function readInstanceFile(
  file: string,
  classDef: CimClassDef,
  machineName: string,
  resolveReference?: RecordOptions['resolveReference'],
): CimInstance[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`CIM instances ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(json)) throw new Error(`CIM instances ${file}: expected a JSON array of instances`);
  return json.map((entry: unknown, index: number) => {
    const source = `CIM instances ${file}: instance ${index}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`${source}: expected a JSON object`);
    return instanceFromRecord(classDef, entry as InstanceRecord, { source, machineName, ...(resolveReference ? { resolveReference } : {}) });
  });
}

/** `<Class>.json` files of a directory, by lower-cased class name; a missing directory holds none. */
export function listInstanceFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return files;
    throw new Error(`CIM instances ${dir}: cannot list the directory (${(error as Error).message})`, { cause: error });
  }
  for (const name of names.sort()) {
    if (!name.toLowerCase().endsWith('.json')) continue;
    const className = name.slice(0, -'.json'.length).toLowerCase();
    const existing = files.get(className);
    if (existing) throw new Error(`CIM instances ${dir}: both ${path.basename(existing)} and ${name} name class ${className}`);
    files.set(className, path.join(dir, name));
  }
  return files;
}

export function instanceJson(instance: CimInstance): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [name, value] of instance.properties) record[name] = valueToJson(value);
  return record;
}

/**
 * Replaces `file` with the instances: written to a temporary file first and renamed over the
 * old one, so a crash or a failed write leaves the previous file whole.
 */
export function writeInstanceFileAtomic(file: string, instances: readonly CimInstance[]): void {
  writeFileDurably(file, JSON.stringify(instances.map(instanceJson), null, 2) + '\n');
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorNamed } from '../../../src/core/errors/error-table';
import { WSManError } from '../../../src/core/errors/wsman-error';
import { instanceFromRecord, type InstanceRecord } from '../../../src/server/cim/cim-instance-files';
import { parseSchema } from '../../../src/server/cim/cim-schema';
import { CimStore } from '../../../src/server/cim/cim-store';
import type { CimClassDef, CimInstance, CimStoreOptions } from '../../../src/server/cim/cim-types';

export const MACHINE = 'WIN-TEST';
export const CIMV2 = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/';

export function loadStore(options: CimStoreOptions = {}): CimStore {
  return CimStore.load({ machineName: MACHINE, ...options });
}

/** The WSManError `action` throws, checked for its symbolic name and HRESULT. */
export function expectWsmanError(action: () => unknown, code: string): WSManError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(WSManError);
  const error = caught as WSManError;
  expect(error.code).toBe(code);
  expect(error.hresult).toBe(errorNamed(code).hresult);
  return error;
}

/** The detail a store error carries as its cause. */
export function causeOf(error: WSManError): string {
  return error.cause instanceof Error ? error.cause.message : '';
}

export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cim-test-'));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
}

/** A small class with one property of each kind the tests exercise. */
export const FIXTURE_SCHEMA = {
  namespace: 'root/cimv2',
  classes: [
    {
      name: 'Test_Item',
      properties: [
        { name: 'Name', type: 'string', key: true },
        { name: 'Size', type: 'uint32' },
        { name: 'Big', type: 'uint64' },
        { name: 'Ratio', type: 'real64' },
        { name: 'Enabled', type: 'boolean' },
        { name: 'Created', type: 'datetime' },
        { name: 'Tags', type: 'string', array: true },
        { name: 'Note', type: 'string', writable: true },
        { name: 'Delta', type: 'sint32' },
        { name: 'Level', type: 'uint8', writable: true },
      ],
    },
    {
      name: 'Test_Clock',
      singleton: true,
      properties: [{ name: 'Ticks', type: 'uint64', writable: true }],
    },
  ],
};

export const FIXTURE_ITEMS: InstanceRecord[] = [
  { Name: 'alpha', Size: 10, Big: '9007199254740993', Ratio: 0.5, Enabled: true, Created: '20240101120000.000000+000', Tags: ['a', 'b'], Note: null, Delta: -5, Level: 1 },
  { Name: 'Beta', Size: 20, Big: 2, Ratio: 1.5, Enabled: false, Created: '2024-06-30T08:15:00Z', Tags: [], Note: 'x', Delta: 0, Level: 2 },
  { Name: 'gamma_1', Size: 30, Big: 3, Ratio: 2.25, Enabled: true, Created: null, Tags: null, Note: "It's <ok>", Delta: 3, Level: 3 },
  { Name: '100%', Size: 40, Big: 4, Ratio: -1, Enabled: false, Created: null, Tags: ['c'], Note: 'percent', Delta: 7, Level: 4 },
];

export function fixtureClass(): CimClassDef {
  const def = parseSchema(FIXTURE_SCHEMA, 'fixture').classes.get('test_item');
  if (!def) throw new Error('fixture class missing');
  return def;
}

export function fixtureInstances(def: CimClassDef = fixtureClass()): CimInstance[] {
  return FIXTURE_ITEMS.map((record, index) => instanceFromRecord(def, record, { source: `fixture ${index}`, machineName: MACHINE }));
}

/** A schema file and instances directory holding the fixture, for stores independent of the default data. */
export function writeFixtureFiles(dir: string): { schemaFile: string; instancesDir: string } {
  const schemaFile = path.join(dir, 'schema.json');
  const instancesDir = path.join(dir, 'instances');
  writeJson(schemaFile, FIXTURE_SCHEMA);
  writeJson(path.join(instancesDir, 'Test_Item.json'), FIXTURE_ITEMS);
  writeJson(path.join(instancesDir, 'Test_Clock.json'), [{ Ticks: 42 }]);
  return { schemaFile, instancesDir };
}

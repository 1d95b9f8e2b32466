import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadSchema, parseSchema } from '../../../src/server/cim/cim-schema';
import { DEFAULT_CIM_DATA_DIR } from '../../../src/server/cim/cim-store';
import { findMethod, findProperty } from '../../../src/server/cim/cim-types';
import { makeTempDir, removeDir, writeJson } from './cim-test-helpers';

describe('the default schema (data/cim/schema.json)', () => {
  const schema = loadSchema(path.join(DEFAULT_CIM_DATA_DIR, 'schema.json'));
  const cls = (name: string) => {
    const def = schema.classes.get(name.toLowerCase());
    if (!def) throw new Error(`${name} missing`);
    return def;
  };

  it('defines the root/cimv2 classes with their real keys', () => {
    expect(schema.namespace).toBe('root/cimv2');
    const keys = (name: string) => cls(name).keys.map((k) => `${k.name}:${k.type}`);
    expect(keys('Win32_OperatingSystem')).toEqual(['Name:string']);
    expect(keys('Win32_ComputerSystem')).toEqual(['Name:string']);
    expect(keys('Win32_Service')).toEqual(['Name:string']);
    expect(keys('Win32_Process')).toEqual(['Handle:string']);
    expect(keys('Win32_LogicalDisk')).toEqual(['DeviceID:string']);
    expect(keys('Win32_Environment')).toEqual(['Name:string', 'UserName:string']);
    expect(cls('Win32_LocalTime').singleton).toBe(true);
    expect(cls('Win32_LocalTime').keys).toEqual([]);
  });

  it('lists properties sorted by name without case, with CIM types', () => {
    const os = cls('Win32_OperatingSystem');
    const names = os.properties.map((p) => p.name);
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(findProperty(os, 'totalvisiblememorysize')?.type).toBe('uint64');
    expect(findProperty(os, 'MUILanguages')).toMatchObject({ type: 'string', array: true });
    expect(findProperty(os, 'LastBootUpTime')?.type).toBe('datetime');
    expect(findProperty(os, 'CurrentTimeZone')?.type).toBe('sint16');
    const service = cls('Win32_Service');
    for (const name of ['AcceptPause', 'AcceptStop', 'Caption', 'Description', 'DesktopInteract', 'DisplayName', 'ErrorControl', 'ExitCode', 'Name', 'PathName', 'ProcessId', 'ServiceType', 'Started', 'StartMode', 'StartName', 'State', 'Status', 'SystemName', 'DelayedAutoStart']) {
      expect(findProperty(service, name)).toBeDefined();
    }
  });

  it('declares the methods with their parameters', () => {
    const service = cls('Win32_Service');
    expect(service.methods.map((m) => m.name)).toEqual(['ChangeStartMode', 'PauseService', 'ResumeService', 'StartService', 'StopService']);
    expect(findMethod(service, 'changestartmode')?.inParameters).toEqual([{ name: 'StartMode', type: 'string', array: false }]);
    const process = cls('Win32_Process');
    expect(findMethod(process, 'Create')).toEqual({
      name: 'Create',
      isStatic: true,
      returnType: 'uint32',
      inParameters: [
        { name: 'CommandLine', type: 'string', array: false },
        { name: 'CurrentDirectory', type: 'string', array: false },
      ],
      outParameters: [{ name: 'ProcessId', type: 'uint32', array: false }],
    });
    expect(findMethod(process, 'Terminate')?.inParameters).toEqual([{ name: 'Reason', type: 'uint32', array: false }]);
    expect(findMethod(process, 'GetOwner')?.outParameters.map((p) => p.name)).toEqual(['Domain', 'User']);
  });
});

describe('schema validation', () => {
  const base = (classes: unknown[]) => ({ namespace: 'root/cimv2', classes });
  const keyed = (extra: Record<string, unknown> = {}) => ({ name: 'A_Class', properties: [{ name: 'Id', type: 'string', key: true }], ...extra });

  it.each([
    ['a class list that is not an array', { classes: {} }, '"classes" must be an array'],
    ['another namespace', { namespace: 'root/default', classes: [] }, '"namespace" must be "root/cimv2"'],
    ['an unknown top-level field', { classes: [], clases: [] }, 'unknown field "clases"'],
    ['an unknown type', base([{ name: 'A_Class', properties: [{ name: 'Id', type: 'int', key: true }] }]), 'class A_Class: properties[0] (Id): "type" must be one of'],
    ['a property given twice', base([{ name: 'A_Class', properties: [{ name: 'Id', type: 'string', key: true }, { name: 'ID', type: 'string' }] }]), 'duplicate property ID'],
    ['an array key', base([{ name: 'A_Class', properties: [{ name: 'Id', type: 'string', key: true, array: true }] }]), 'a key cannot be an array'],
    ['a writable key', base([{ name: 'A_Class', properties: [{ name: 'Id', type: 'string', key: true, writable: true }] }]), 'a key cannot be writable'],
    ['a singleton with a key', base([keyed({ singleton: true })]), 'a singleton class has no keys'],
    ['a keyless class', base([{ name: 'A_Class', properties: [{ name: 'Id', type: 'string' }] }]), 'needs at least one key'],
    ['a misspelt field', base([keyed({ key: ['Id'] })]), 'classes[0]: unknown field "key"'],
    ['a class defined twice', base([keyed(), keyed({ name: 'a_class' })]), 'class a_class: defined twice'],
    ['a bad class name', base([keyed({ name: 'A Class' })]), '"name" must be an identifier'],
    ['an explicit ReturnValue', base([keyed({ methods: [{ name: 'Go', out: [{ name: 'ReturnValue', type: 'uint32' }] }] })]), 'ReturnValue is implicit'],
    ['a superclass loop', base([keyed({ superclass: 'B_Class' }), { name: 'B_Class', superclass: 'A_Class', properties: [] }]), 'superclass chain loops'],
    ['a flag that is no boolean', base([keyed({ singleton: 'yes' })]), '"singleton" must be true or false'],
  ])('refuses %s, naming the file and the problem', (_, json, problem) => {
    expect(() => parseSchema(json, '/data/my-schema.json')).toThrow(`CIM schema /data/my-schema.json: `);
    expect(() => parseSchema(json, '/data/my-schema.json')).toThrow(problem);
  });

  it('reports a file that is missing or not JSON', () => {
    const dir = makeTempDir();
    try {
      const broken = path.join(dir, 'broken.json');
      fs.writeFileSync(broken, '{ "classes": [ ');
      expect(() => loadSchema(broken)).toThrow(`CIM schema ${broken}: not valid JSON`);
      expect(() => loadSchema(path.join(dir, 'missing.json'))).toThrow(`CIM schema ${path.join(dir, 'missing.json')}: cannot read the file`);
    } finally {
      removeDir(dir);
    }
  });

  it('inherits properties and methods from a superclass in the schema; an outside superclass is a name only', () => {
    const dir = makeTempDir();
    try {
      const file = path.join(dir, 'schema.json');
      writeJson(file, {
        classes: [
          { name: 'Derived', superclass: 'Base', properties: [{ name: 'Extra', type: 'uint16' }, { name: 'Label', type: 'string', writable: true }] },
          { name: 'Base', superclass: 'CIM_Outside', properties: [{ name: 'Id', type: 'string', key: true }, { name: 'Label', type: 'string' }], methods: [{ name: 'Ping' }] },
        ],
      });
      const schema = loadSchema(file);
      const derived = schema.classes.get('derived');
      expect(derived?.superclass).toBe('Base');
      expect(derived?.properties.map((p) => p.name)).toEqual(['Extra', 'Id', 'Label']);
      expect(derived?.keys.map((k) => k.name)).toEqual(['Id']);
      expect(derived && findProperty(derived, 'label')?.writable).toBe(true);
      expect(derived?.methods.map((m) => m.name)).toEqual(['Ping']);
      expect(schema.classes.get('base')?.superclass).toBe('CIM_Outside');
    } finally {
      removeDir(dir);
    }
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorNamed } from '../../../src/core/errors/error-table';
import { CIM_ERRORS, CimStore } from '../../../src/server/cim/cim-store';
import { isCimReference, type CimInstance, type PropertyTexts } from '../../../src/server/cim/cim-types';
import { scalarText } from '../../../src/server/cim/cim-values';
import { causeOf, expectWsmanError, loadStore, MACHINE, makeTempDir, removeDir, writeFixtureFiles, writeJson } from './cim-test-helpers';

const texts = (entries: Record<string, string | null | string[]>): PropertyTexts => new Map(Object.entries(entries));
const sel = (name: string, value: string) => ({ name, value });
const names = (instances: readonly CimInstance[]) => instances.map((i) => i.properties.get('Name'));

/** Every property of an instance as the XML texts a Get-modify-Put client would send back (classes without references). */
function roundTripTexts(instance: CimInstance): Map<string, string | null | string[]> {
  const result = new Map<string, string | null | string[]>();
  for (const [name, value] of instance.properties) {
    if (isCimReference(value)) throw new Error(`${name} is a reference`);
    result.set(name, value === null ? null : Array.isArray(value) ? value.map(scalarText) : scalarText(value));
  }
  return result;
}

let dir: string;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => removeDir(dir));

it('reports only error names the WinRM table defines', () => {
  for (const name of Object.values(CIM_ERRORS)) expect(() => errorNamed(name)).not.toThrow();
});

describe('the default data', () => {
  const store = loadStore();

  it('knows classes without case and reports their schema spelling', () => {
    expect(store.hasClass('WIN32_SERVICE')).toBe(true);
    expect(store.hasClass('Win32_Nothing')).toBe(false);
    expect(store.classDef('win32_service').name).toBe('Win32_Service');
  });

  it('serves about twenty Windows services, in a stable order, with the machine name filled in', () => {
    const services = store.enumerate('Win32_Service');
    expect(services.length).toBeGreaterThanOrEqual(20);
    expect(names(store.enumerate('Win32_Service'))).toEqual(names(services));
    const winrm = store.get('Win32_Service', [sel('Name', 'WinRM')]);
    expect(Object.fromEntries(winrm.properties)).toMatchObject({ State: 'Running', StartMode: 'Auto', Started: true, SystemName: MACHINE });
    expect(store.get('Win32_Service', [sel('Name', 'wuauserv')]).properties.get('State')).toBe('Stopped');
    expect(Object.fromEntries(store.get('Win32_Service', [sel('Name', 'RemoteRegistry')]).properties)).toMatchObject({ StartMode: 'Disabled', State: 'Stopped' });
  });
});

describe('Get by selectors', () => {
  const store = loadStore();

  it('matches selector names and string values without case', () => {
    expect(store.get('win32_service', [sel('NAME', 'winrm')]).properties.get('Name')).toBe('WinRM');
    const variable = store.get('Win32_Environment', [sel('name', 'comspec'), sel('USERNAME', '<system>')]);
    expect(variable.properties.get('Name')).toBe('ComSpec');
  });

  it('gets a singleton without selectors and refuses selectors on it', () => {
    expect(store.get('Win32_LocalTime', []).className).toBe('Win32_LocalTime');
    const error = expectWsmanError(() => store.get('Win32_LocalTime', [sel('Day', '1')]), 'ERROR_WSMAN_INVALID_SELECTORS');
    expect(causeOf(error)).toContain('singleton');
  });

  it('accepts a __cimnamespace selector naming root/cimv2 and refuses another namespace', () => {
    expect(store.get('Win32_Service', [sel('__cimnamespace', 'root\\cimv2'), sel('Name', 'Spooler')]).properties.get('Name')).toBe('Spooler');
    expectWsmanError(() => store.get('Win32_Service', [sel('__cimnamespace', 'root/default'), sel('Name', 'Spooler')]), 'ERROR_WSMAN_DIFFERENT_CIM_SELECTOR');
  });

  it.each([
    ['no selectors on a keyed class', [], 'selector Name is missing'],
    ['a selector that is not a key', [sel('DisplayName', 'Print Spooler')], 'DisplayName is not a key'],
    ['an extra selector', [sel('Name', 'Spooler'), sel('State', 'Running')], 'State is not a key'],
    ['a duplicate selector', [sel('Name', 'Spooler'), sel('name', 'Spooler')], 'appears twice'],
  ])('refuses %s with ERROR_WSMAN_INVALID_SELECTORS', (_, selectors, detail) => {
    const error = expectWsmanError(() => store.get('Win32_Service', selectors), 'ERROR_WSMAN_INVALID_SELECTORS');
    expect(error.hresult).toBe(0x8033803d);
    expect(causeOf(error)).toContain(detail);
  });

  it('refuses a missing key of a class with two keys', () => {
    expectWsmanError(() => store.get('Win32_Environment', [sel('Name', 'ComSpec')]), 'ERROR_WSMAN_INVALID_SELECTORS');
  });

  it('refuses a selector value that does not convert to the key type', () => {
    const schemaFile = path.join(dir, 'schema.json');
    writeJson(schemaFile, { classes: [{ name: 'Num_Item', properties: [{ name: 'Id', type: 'uint16', key: true }] }] });
    writeJson(path.join(dir, 'instances', 'Num_Item.json'), [{ Id: 7 }]);
    const numbered = loadStore({ schemaFile, instancesDir: path.join(dir, 'instances') });
    expect(numbered.get('Num_Item', [sel('Id', '7')]).properties.get('Id')).toBe(7);
    expect(causeOf(expectWsmanError(() => numbered.get('Num_Item', [sel('Id', 'seven')]), 'ERROR_WSMAN_INVALID_SELECTORS'))).toContain('uint16');
    expectWsmanError(() => numbered.get('Num_Item', [sel('Id', '70000')]), 'ERROR_WSMAN_INVALID_SELECTORS');
    expectWsmanError(() => numbered.get('Num_Item', [sel('Id', '8')]), 'ERROR_WSMAN_RESOURCE_NOT_FOUND');
  });

  it('reports an instance that does not exist as ERROR_WSMAN_RESOURCE_NOT_FOUND (0x80338000)', () => {
    const error = expectWsmanError(() => store.get('Win32_Service', [sel('Name', 'NoSuchService')]), 'ERROR_WSMAN_RESOURCE_NOT_FOUND');
    expect(error.hresult).toBe(0x80338000);
    expect(error.message).toContain('cannot find the resource identified by the resource URI and selectors');
  });

  it('reports an unknown class as ERROR_WSMAN_RESOURCE_NOT_FOUND with the WMI detail', () => {
    const error = expectWsmanError(() => store.enumerate('Win32_Nothing'), 'ERROR_WSMAN_RESOURCE_NOT_FOUND');
    expect(causeOf(error)).toBe('The class Win32_Nothing does not exist in the root/cimv2 namespace.');
    expectWsmanError(() => store.get('Win32_Nothing', []), 'ERROR_WSMAN_RESOURCE_NOT_FOUND');
    expectWsmanError(() => store.classDef('Win32_Nothing'), 'ERROR_WSMAN_RESOURCE_NOT_FOUND');
  });

  it('gives the key selectors of an instance for its EPR', () => {
    const variable = store.get('Win32_Environment', [sel('Name', 'OS'), sel('UserName', '<SYSTEM>')]);
    expect(store.keySelectors(variable)).toEqual([sel('Name', 'OS'), sel('UserName', '<SYSTEM>')]);
    expect(store.keySelectors(store.get('Win32_LocalTime', []))).toEqual([]);
  });
});

describe('SelectorFilter', () => {
  const store = loadStore();

  it('selects by any property, names and string values without case, all selectors together', () => {
    const running = store.selectByFilter('Win32_Service', [sel('state', 'running')]);
    expect(running.length).toBeGreaterThan(5);
    expect(running.every((s) => s.properties.get('State') === 'Running')).toBe(true);
    expect(names(store.selectByFilter('Win32_Service', [sel('StartMode', 'Manual'), sel('State', 'Running')]))).toEqual(['PlugPlay', 'W32Time']);
    expect(names(store.selectByFilter('Win32_Service', [sel('Started', 'false'), sel('StartMode', 'disabled')]))).toEqual(['RemoteRegistry']);
    expect(store.selectByFilter('Win32_Service', [])).toHaveLength(store.enumerate('Win32_Service').length);
  });

  it.each([
    ['an unknown property', [sel('Colour', 'red')]],
    ['a duplicate name', [sel('State', 'Running'), sel('STATE', 'Stopped')]],
    ['a double quote in a value', [sel('Name', 'a"b')]],
    ['a single quote in a value', [sel('Name', "a'b")]],
    ['a value of the wrong type', [sel('ProcessId', 'many')]],
  ])('refuses %s with ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER', (_, selectors) => {
    expectWsmanError(() => store.selectByFilter('Win32_Service', selectors), 'ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER');
  });
});

describe('Put, Create, Delete', () => {
  it('Put updates writable properties, keeps the others, and returns the new instance', () => {
    const store = loadStore(writeFixtureFiles(dir));
    const updated = store.put('test_item', [sel('name', 'ALPHA')], texts({ note: 'changed', Level: '9' }));
    expect(Object.fromEntries(updated.properties)).toMatchObject({ Name: 'alpha', Note: 'changed', Level: 9, Size: 10 });
    expect(store.get('Test_Item', [sel('Name', 'alpha')])).toEqual(updated);
    expect(store.put('Test_Item', [sel('Name', 'alpha')], texts({ Note: null })).properties.get('Note')).toBeNull();
  });

  it('Put accepts a full Get-modify-Put round trip, keys and read-only values unchanged', () => {
    const store = loadStore(writeFixtureFiles(dir));
    const beta = store.get('Test_Item', [sel('Name', 'Beta')]);
    const body = roundTripTexts(beta);
    body.set('Note', 'edited');
    body.set('Name', 'BETA');
    const updated = store.put('Test_Item', [sel('Name', 'Beta')], body);
    expect(updated.properties.get('Note')).toBe('edited');
    expect(updated.properties.get('Name')).toBe('Beta');
    expect(updated.properties.get('Created')).toBe(beta.properties.get('Created'));
  });

  it.each([
    ['an unknown property', { Colour: 'red' }, 'has no property Colour'],
    ['a value of the wrong type', { Level: 'high' }, 'Level'],
    ['a value out of range', { Level: '256' }, 'out of range'],
    ['a changed key', { Name: 'omega' }, 'key property Name cannot change'],
    ['a changed read-only property', { Size: '11' }, 'read-only'],
    ['a list for a scalar', { Note: ['a', 'b'] }, 'not an array'],
  ])('Put refuses %s with ERROR_WSMAN_INVALID_REPRESENTATION and changes nothing', (_, body, detail) => {
    const store = loadStore(writeFixtureFiles(dir));
    const before = store.enumerate('Test_Item');
    const error = expectWsmanError(() => store.put('Test_Item', [sel('Name', 'alpha')], texts({ Note: 'applied?', ...body })), 'ERROR_WSMAN_INVALID_REPRESENTATION');
    expect(causeOf(error)).toContain(detail);
    expect(store.enumerate('Test_Item')).toEqual(before);
  });

  it('Put on a singleton needs no selectors', () => {
    const store = loadStore(writeFixtureFiles(dir));
    expect(store.put('Test_Clock', [], texts({ Ticks: '18446744073709551615' })).properties.get('Ticks')).toBe(18446744073709551615n);
  });

  it('Create adds an instance with the given values and returns its selectors', () => {
    const store = loadStore(writeFixtureFiles(dir));
    const created = store.create('Test_Item', texts({ Name: 'delta', Size: '5', Tags: ['x', 'y'], Created: '2024-02-03T04:05:06.5+01:00' }));
    expect(created.selectors).toEqual([sel('Name', 'delta')]);
    expect(Object.fromEntries(created.instance.properties)).toMatchObject({ Name: 'delta', Size: 5, Tags: ['x', 'y'], Created: '20240203040506.500000+060', Note: null });
    expect(names(store.enumerate('Test_Item'))).toEqual(['alpha', 'Beta', 'gamma_1', '100%', 'delta']);
  });

  it('Create refuses an existing key (without case), a missing key and bad values, changing nothing', () => {
    const store = loadStore(writeFixtureFiles(dir));
    const before = store.enumerate('Test_Item');
    expectWsmanError(() => store.create('Test_Item', texts({ Name: 'BETA' })), 'ERROR_WSMAN_ALREADY_EXISTS');
    expectWsmanError(() => store.create('Test_Item', texts({ Size: '1' })), 'ERROR_WSMAN_INVALID_REPRESENTATION');
    expectWsmanError(() => store.create('Test_Item', texts({ Name: null })), 'ERROR_WSMAN_INVALID_REPRESENTATION');
    expectWsmanError(() => store.create('Test_Item', texts({ Name: 'new', Enabled: 'maybe' })), 'ERROR_WSMAN_INVALID_REPRESENTATION');
    expectWsmanError(() => store.create('Test_Clock', texts({ Ticks: '1' })), 'ERROR_WSMAN_ALREADY_EXISTS');
    expect(store.enumerate('Test_Item')).toEqual(before);
  });

  it('Delete removes the instance; deleting it again is not found', () => {
    const store = loadStore(writeFixtureFiles(dir));
    store.delete('Test_Item', [sel('Name', 'gamma_1')]);
    expect(names(store.enumerate('Test_Item'))).toEqual(['alpha', 'Beta', '100%']);
    expectWsmanError(() => store.delete('Test_Item', [sel('Name', 'gamma_1')]), 'ERROR_WSMAN_RESOURCE_NOT_FOUND');
    expectWsmanError(() => store.delete('Test_Item', []), 'ERROR_WSMAN_INVALID_SELECTORS');
  });

  it('refuses to change a computed class (Win32_LocalTime)', () => {
    const store = loadStore();
    expectWsmanError(() => store.put('Win32_LocalTime', [], texts({ Year: '1999' })), 'ERROR_WSMAN_WMI_PROVIDER_NOT_CAPABLE');
    expectWsmanError(() => store.delete('Win32_LocalTime', []), 'ERROR_WSMAN_WMI_PROVIDER_NOT_CAPABLE');
  });

  it('changes writable properties of the default classes (Win32_Environment.VariableValue)', () => {
    const store = loadStore();
    const keys = [sel('Name', 'TEMP'), sel('UserName', '<SYSTEM>')];
    expect(store.put('Win32_Environment', keys, texts({ VariableValue: 'D:\\Temp' })).properties.get('VariableValue')).toBe('D:\\Temp');
    expectWsmanError(() => store.put('Win32_Service', [sel('Name', 'WinRM')], texts({ State: 'Stopped' })), 'ERROR_WSMAN_INVALID_REPRESENTATION');
  });
});

describe('persistence (dataDir)', () => {
  it('saves changed classes to <dataDir>/cim/<Class>.json and prefers them at the next load', () => {
    const files = writeFixtureFiles(dir);
    const dataDir = path.join(dir, 'state');
    const first = loadStore({ ...files, dataDir });
    first.create('Test_Item', texts({ Name: 'delta', Big: '18446744073709551615' }));
    first.put('Test_Item', [sel('Name', 'alpha')], texts({ Note: 'kept' }));
    first.delete('Test_Item', [sel('Name', 'Beta')]);

    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'cim', 'Test_Item.json'), 'utf8')) as Record<string, unknown>[];
    expect(saved.map((record) => record['Name'])).toEqual(['alpha', 'gamma_1', '100%', 'delta']);
    expect(saved[3]?.['Big']).toBe('18446744073709551615');
    expect(saved[0]?.['Big']).toBe('9007199254740993');
    expect(saved[1]?.['Size']).toBe(30);
    expect(fs.readdirSync(path.join(dataDir, 'cim'))).toEqual(['Test_Item.json']);

    const second = loadStore({ ...files, dataDir });
    expect(second.enumerate('Test_Item')).toEqual(first.enumerate('Test_Item'));
    expect(names(loadStore(files).enumerate('Test_Item'))).toEqual(['alpha', 'Beta', 'gamma_1', '100%']);
  });

  it('keeps method effects on the default data across a restart', () => {
    const first = loadStore({ dataDir: dir });
    first.invoke('Win32_Service', [sel('Name', 'wuauserv')], 'StartService', new Map());
    const second = loadStore({ dataDir: dir });
    const service = second.get('Win32_Service', [sel('Name', 'wuauserv')]);
    expect(service.properties.get('State')).toBe('Running');
    expect(service.properties.get('SystemName')).toBe(MACHINE);
    expect(second.enumerate('Win32_Service')).toHaveLength(first.enumerate('Win32_Service').length);
  });

  it('a failed save changes neither the store nor the files already saved', () => {
    const files = writeFixtureFiles(dir);
    const dataDir = path.join(dir, 'state');
    const store = loadStore({ ...files, dataDir });
    store.put('Test_Item', [sel('Name', 'alpha')], texts({ Note: 'saved' }));
    const itemFile = path.join(dataDir, 'cim', 'Test_Item.json');
    const savedText = fs.readFileSync(itemFile, 'utf8');
    // A non-empty directory where Test_Clock.json would go: the rename fails even for root.
    fs.mkdirSync(path.join(dataDir, 'cim', 'Test_Clock.json', 'blocker'), { recursive: true });

    const error = expectWsmanError(() => store.put('Test_Clock', [], texts({ Ticks: '1' })), 'ERROR_WSMAN_PROVIDER_FAILURE');
    expect(causeOf(error)).toContain('Test_Clock.json');
    expect(store.get('Test_Clock', []).properties.get('Ticks')).toBe(42n);
    expect(fs.readFileSync(itemFile, 'utf8')).toBe(savedText);
    expect(fs.readdirSync(path.join(dataDir, 'cim')).sort()).toEqual(['Test_Clock.json', 'Test_Item.json']);
  });
});

describe('user-replaceable data files', () => {
  it('serves only the classes of the given schema and instances', () => {
    const store = loadStore(writeFixtureFiles(dir));
    expect(store.classNames()).toEqual(['Test_Item', 'Test_Clock']);
    expect(store.hasClass('Win32_Service')).toBe(false);
    expect(store.enumerate('Test_Item')).toHaveLength(4);
  });

  it('lets an instance file replace the machine fill of a class', () => {
    writeJson(path.join(dir, 'Win32_Process.json'), [{ Handle: '4', ProcessId: 4, Name: 'System', ThreadCount: 150 }]);
    const store = loadStore({ instancesDir: dir });
    expect(store.enumerate('Win32_Process').map((p) => p.properties.get('Name'))).toEqual(['System']);
    expect(store.enumerate('Win32_Service')).toEqual([]);
  });

  it.each([
    ['an unknown property', [{ Name: 'x', Colour: 'red' }], 'instance 0: property "Colour" is not defined in class Test_Item'],
    ['a value of the wrong type', [{ Name: 'x', Size: 'big' }], 'instance 0: property Size (uint32): expected an integer'],
    ['a missing key', [{ Name: 'x' }, { Size: 1 }], 'instance 1: key property Name is missing'],
    ['duplicate keys', [{ Name: 'x' }, { Name: 'X' }], 'two instances of Test_Item have the keys'],
    ['no array', { Name: 'x' }, 'expected a JSON array'],
  ])('reports %s naming the file', (_, content, problem) => {
    const files = writeFixtureFiles(dir);
    const file = path.join(files.instancesDir, 'Test_Item.json');
    writeJson(file, content);
    expect(() => loadStore(files)).toThrow(file);
    expect(() => loadStore(files)).toThrow(problem);
  });

  it('reports an instance file for a class the schema lacks, and a missing instances directory', () => {
    const files = writeFixtureFiles(dir);
    writeJson(path.join(files.instancesDir, 'Win32_Service.json'), []);
    expect(() => loadStore(files)).toThrow(/Win32_Service\.json: class Win32_Service is not defined in/);
    expect(() => CimStore.load({ instancesDir: path.join(dir, 'nowhere') })).toThrow('the directory does not exist');
  });
});

/** Association classes: reference properties in the schema and instance files, associators/references, their XML. */
import * as path from 'node:path';
import { parseXml, child, childElements, textContent } from '../../../src/core/protocol/xml';
import { NS } from '../../../src/core/protocol/namespaces';
import { loadSchema, parseSchema } from '../../../src/server/cim/cim-schema';
import { CIM_ERRORS, CimStore, DEFAULT_CIM_DATA_DIR } from '../../../src/server/cim/cim-store';
import { findProperty, type CimInstance } from '../../../src/server/cim/cim-types';
import { instanceXml } from '../../../src/server/cim/cim-xml';
import { causeOf, CIMV2, expectWsmanError, loadStore, MACHINE, makeTempDir, removeDir, writeJson } from './cim-test-helpers';

const sel = (name: string, value: string) => ({ name, value });
const service = (name: string) => ({ className: 'Win32_Service', selectors: [sel('Name', name)] });
const names = (instances: readonly CimInstance[]) => instances.map((i) => i.properties.get('Name'));
const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';

describe('reference properties in the schema', () => {
  const base = (classes: unknown[]) => ({ namespace: 'root/cimv2', classes });
  const node = { name: 'T_Node', superclass: 'T_Base', properties: [{ name: 'Name', type: 'string', key: true }] };
  const ref = (name: string, extra: Record<string, unknown> = {}) => ({ name, type: 'reference', referenceClass: 'T_Base', key: true, ...extra });
  const link = (properties: unknown[], extra: Record<string, unknown> = {}) => ({ name: 'T_Link', association: true, properties, ...extra });

  it('reads the default association classes', () => {
    const schema = loadSchema(path.join(DEFAULT_CIM_DATA_DIR, 'schema.json'));
    const dependent = schema.classes.get('win32_dependentservice')!;
    expect(dependent.association).toBe(true);
    expect(dependent.lineage).toEqual(['Win32_DependentService', 'CIM_ServiceServiceDependency']);
    expect(dependent.keys.map((k) => `${k.name}:${k.type}:${k.referenceClass}`)).toEqual([
      'Antecedent:reference:Win32_BaseService',
      'Dependent:reference:Win32_BaseService',
    ]);
    expect(findProperty(schema.classes.get('win32_systemservices')!, 'partcomponent')).toMatchObject({ type: 'reference', referenceClass: 'Win32_Service', key: true });
    expect(schema.classes.get('win32_service')!.lineage).toEqual(['Win32_Service', 'Win32_BaseService']);
    expect(schema.classes.get('win32_service')!.association).toBe(false);
  });

  it('accepts a referenceClass that is a superclass the schema only names', () => {
    const schema = parseSchema(base([node, link([ref('Left'), ref('Right')])]), 'fixture');
    expect(schema.classes.get('t_link')!.keys.map((k) => k.referenceClass)).toEqual(['T_Base', 'T_Base']);
  });

  it.each([
    ['a reference without referenceClass', [node, link([ref('Left', { referenceClass: undefined }), ref('Right')])], 'a reference needs "referenceClass"'],
    ['referenceClass on another type', [node, link([ref('Left'), ref('Right'), { name: 'X', type: 'string', referenceClass: 'T_Base' }])], '"referenceClass" belongs to properties of type reference'],
    ['an unknown referenceClass', [node, link([ref('Left', { referenceClass: 'T_Nothing' }), ref('Right')])], 'referenceClass T_Nothing is neither a class of the schema nor a superclass of one'],
    ['a reference outside an association', [node, link([ref('Left'), ref('Right')], { association: false })], 'only association classes ("association": true) have references'],
    ['an association with one reference', [node, link([ref('Left'), { name: 'Id', type: 'string', key: true }])], 'an association needs at least two reference properties'],
    ['a reference array', [node, link([ref('Left', { key: false, array: true }), ref('Right'), ref('Other')])], 'reference arrays are not supported'],
    ['a reference parameter', [{ ...node, methods: [{ name: 'Go', in: [{ name: 'Target', type: 'reference' }] }] }], '"type" must be one of'],
    ['an association flag that is no boolean', [node, link([ref('Left'), ref('Right')], { association: 'yes' })], '"association" must be true or false'],
  ])('refuses %s', (_, classes, problem) => {
    expect(() => parseSchema(base(classes), '/data/my-schema.json')).toThrow(problem);
  });
});

describe('associators and references of the default data', () => {
  const store = loadStore();

  it('AssociatedInstances of WinRM through Win32_DependentService as Dependent: the services WinRM depends on', () => {
    const result = store.associators(service('winrm'), { associationClass: 'Win32_DependentService', role: 'Dependent' });
    expect(names(result)).toEqual(['RpcSs']);
    expect(result[0].className).toBe('Win32_Service');
  });

  it('as Antecedent: the services that depend on it, never the source itself', () => {
    const dependents = names(store.associators(service('RpcSs'), { associationClass: 'Win32_DependentService', role: 'Antecedent' }));
    expect(dependents).toEqual(expect.arrayContaining(['WinRM', 'Winmgmt', 'SamSs', 'Schedule', 'Spooler', 'BITS']));
    expect(dependents).not.toContain('RpcSs');
    expect(dependents).not.toContain('DcomLaunch');
    expect(names(store.associators(service('RpcSs'), { associationClass: 'Win32_DependentService', resultRole: 'Antecedent' }))).toEqual(['DcomLaunch']);
  });

  it('without narrowing: every association, each result once; ResultClassName picks classes (and their subclasses)', () => {
    const all = store.associators(service('WinRM'));
    expect(all.map((i) => `${i.className}:${i.properties.get('Name')}`)).toEqual(['Win32_Service:RpcSs', `Win32_ComputerSystem:${MACHINE}`]);
    expect(names(store.associators(service('WinRM'), { resultClass: 'win32_computersystem' }))).toEqual([MACHINE]);
    expect(names(store.associators(service('WinRM'), { resultClass: 'Win32_BaseService' }))).toEqual(['RpcSs']);
    expect(store.associators(service('sshd'), { associationClass: 'Win32_DependentService' })).toEqual([]);
  });

  it('Win32_SystemServices links the computer system to every service', () => {
    const system = { className: 'Win32_ComputerSystem', selectors: [sel('Name', MACHINE)] };
    const services = store.associators(system, { associationClass: 'Win32_SystemServices', role: 'GroupComponent', resultRole: 'PartComponent' });
    expect(names(services)).toEqual(names(store.enumerate('Win32_Service')));
    expect(store.enumerate('Win32_SystemServices')).toHaveLength(services.length);
    expect(names(store.associators(service('Spooler'), { associationClass: 'Win32_SystemServices' }))).toEqual([MACHINE]);
  });

  it('references: the association instances naming the source, narrowed by class and role', () => {
    const links = store.references(service('WinRM'));
    expect(links.map((l) => l.className)).toEqual(['Win32_DependentService', 'Win32_SystemServices']);
    const [dependency] = store.references(service('WinRM'), { associationClass: 'Win32_DependentService', role: 'Dependent' });
    expect(store.keySelectors(dependency)).toEqual([sel('Antecedent', 'Win32_Service.Name="RpcSs"'), sel('Dependent', 'Win32_Service.Name="WinRM"')]);
    expect(store.instanceReference(dependency)).toEqual({
      className: 'Win32_DependentService',
      keys: [
        { name: 'Antecedent', value: { className: 'Win32_Service', keys: [{ name: 'Name', value: 'RpcSs' }] } },
        { name: 'Dependent', value: { className: 'Win32_Service', keys: [{ name: 'Name', value: 'WinRM' }] } },
      ],
    });
    expect(store.references(service('WinRM'), { associationClass: 'Win32_DependentService', role: 'Antecedent' })).toEqual([]);
    expect(store.references(service('WinRM'), { role: 'NoSuchRole' })).toEqual([]);
  });

  it('faults: an unknown source is not found; unknown or non-association classes cannot be processed', () => {
    expectWsmanError(() => store.associators(service('NoSuchService')), CIM_ERRORS.instanceNotFound);
    expectWsmanError(() => store.references({ className: 'Win32_Nothing', selectors: [] }), CIM_ERRORS.unknownClass);
    expect(CIM_ERRORS.instanceNotFound).toBe('ERROR_WSMAN_RESOURCE_NOT_FOUND');
    const unknown = expectWsmanError(() => store.associators(service('WinRM'), { associationClass: 'Win32_Nothing' }), CIM_ERRORS.invalidAssociationFilter);
    expect(causeOf(unknown)).toContain('Win32_Nothing does not exist');
    const notAssociation = expectWsmanError(() => store.references(service('WinRM'), { associationClass: 'Win32_Service' }), CIM_ERRORS.invalidAssociationFilter);
    expect(causeOf(notAssociation)).toContain('not an association class');
    expectWsmanError(() => store.associators(service('WinRM'), { resultClass: 'Win32_Nothing' }), 'ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER');
  });

  it('serves associations to Enumerate and WQL; references cannot be compared in WHERE nor filtered by selector', () => {
    expect(store.query('SELECT * FROM Win32_DependentService').instances).toHaveLength(store.enumerate('Win32_DependentService').length);
    expect(store.query('SELECT Antecedent FROM Win32_DependentService WHERE Antecedent IS NOT NULL').properties).toEqual(['Antecedent']);
    expectWsmanError(() => store.query("SELECT * FROM Win32_DependentService WHERE Antecedent = 'x'"), CIM_ERRORS.invalidFilter);
    expectWsmanError(() => store.selectByFilter('Win32_DependentService', [sel('Dependent', 'WinRM')]), CIM_ERRORS.invalidFilter);
  });

  it('keeps associations read-only', () => {
    const [dependency] = store.enumerate('Win32_DependentService');
    expectWsmanError(() => store.delete('Win32_DependentService', store.keySelectors(dependency)), CIM_ERRORS.notCapable);
    expectWsmanError(() => store.create('Win32_DependentService', new Map([['TypeOfDependency', '1']])), CIM_ERRORS.notCapable);
  });
});

describe('association data', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeDir(dir));

  const SCHEMA = {
    namespace: 'root/cimv2',
    classes: [
      { name: 'T_Node', superclass: 'T_Base', properties: [{ name: 'Name', type: 'string', key: true }, { name: 'Size', type: 'uint32' }] },
      { name: 'T_Other', superclass: 'T_Base', properties: [{ name: 'Name', type: 'string', key: true }] },
      {
        name: 'T_Link',
        association: true,
        properties: [
          { name: 'Left', type: 'reference', referenceClass: 'T_Base', key: true },
          { name: 'Right', type: 'reference', referenceClass: 'T_Node', key: true },
          { name: 'Weight', type: 'uint8' },
        ],
      },
    ],
  };

  function storeWith(links: unknown[]): CimStore {
    const schemaFile = path.join(dir, 'schema.json');
    const instancesDir = path.join(dir, 'instances');
    writeJson(schemaFile, SCHEMA);
    writeJson(path.join(instancesDir, 'T_Node.json'), [{ Name: 'a', Size: 1 }, { Name: 'b', Size: 2 }, { Name: 'c', Size: 3 }]);
    writeJson(path.join(instancesDir, 'T_Other.json'), [{ Name: 'a' }, { Name: 'x' }]);
    writeJson(path.join(instancesDir, 'T_Link.json'), links);
    return loadStore({ schemaFile, instancesDir });
  }

  it('resolves references by key values to the concrete class; __CLASS chooses between classes', () => {
    const store = storeWith([
      { Left: { Name: 'x' }, Right: { name: 'A' }, Weight: 1 },
      { Left: { __CLASS: 'T_Node', Name: 'b' }, Right: { Name: 'a' }, Weight: 2 },
      { Left: { __CLASS: 't_other', Name: 'a' }, Right: { Name: 'c' } },
    ]);
    const [first] = store.enumerate('T_Link');
    expect(first.properties.get('Left')).toEqual({ className: 'T_Other', keys: [{ name: 'Name', value: 'x' }] });
    expect(first.properties.get('Right')).toEqual({ className: 'T_Node', keys: [{ name: 'Name', value: 'a' }] });
    const a = { className: 'T_Node', selectors: [sel('Name', 'a')] };
    expect(store.associators(a).map((i) => `${i.className}:${i.properties.get('Name')}`)).toEqual(['T_Other:x', 'T_Node:b']);
    expect(names(store.associators(a, { resultClass: 'T_Other' }))).toEqual(['x']);
    expect(names(store.associators(a, { resultClass: 'T_Base' }))).toEqual(['x', 'b']);
    // T_Other:a is a different instance from T_Node:a.
    expect(names(store.associators({ className: 'T_Other', selectors: [sel('Name', 'a')] }))).toEqual(['c']);
  });

  it('returns the source only when an association links it to itself', () => {
    const store = storeWith([{ Left: { __CLASS: 'T_Node', Name: 'a' }, Right: { Name: 'a' } }, { Left: { __CLASS: 'T_Node', Name: 'b' }, Right: { Name: 'a' } }]);
    const a = { className: 'T_Node', selectors: [sel('Name', 'a')] };
    expect(names(store.associators(a))).toEqual(['a', 'b']);
    expect(names(store.associators(a, { role: 'Right' }))).toEqual(['a', 'b']);
    expect(names(store.associators(a, { role: 'Left' }))).toEqual(['a']);
    expect(store.references(a)).toHaveLength(2);
  });

  it('serves an association instance only while what it names exists', () => {
    const store = storeWith([{ Left: { Name: 'x' }, Right: { Name: 'b' } }, { Left: { Name: 'x' }, Right: { Name: 'c' } }]);
    store.delete('T_Node', [sel('Name', 'b')]);
    expect(store.enumerate('T_Link')).toHaveLength(1);
    expect(names(store.associators({ className: 'T_Other', selectors: [sel('Name', 'x')] }))).toEqual(['c']);
  });

  it.each([
    ['a reference to no instance', [{ Left: { Name: 'nope' }, Right: { Name: 'a' } }], 'property Left (reference): no instance of T_Base has Name=nope'],
    ['key values that fit two classes', [{ Left: { Name: 'a' }, Right: { Name: 'a' } }], 'the keys name instances of T_Node and T_Other; add "__CLASS" to choose'],
    ['a __CLASS outside the referenceClass', [{ Left: { Name: 'x' }, Right: { __CLASS: 'T_Other', Name: 'x' } }], '__CLASS T_Other is not T_Node or a class derived from it'],
    ['a misspelt key under __CLASS', [{ Left: { __CLASS: 'T_Node', Nmae: 'a' }, Right: { Name: 'a' } }], 'Nmae is not a key of T_Node (keys: Name)'],
    ['a reference that is no object', [{ Left: 'T_Node.Name="a"', Right: { Name: 'a' } }], 'expected an object of the key values of a T_Base instance'],
    ['a missing reference key', [{ Left: { Name: 'x' } }], 'key property Right is missing or null'],
    ['a duplicate link', [{ Left: { Name: 'x' }, Right: { Name: 'a' } }, { Left: { name: 'X' }, Right: { Name: 'A' } }], 'two instances of T_Link have the keys'],
  ])('refuses %s, naming the file', (_, links, problem) => {
    expect(() => storeWith(links)).toThrow(path.join(dir, 'instances', 'T_Link.json'));
    expect(() => storeWith(links)).toThrow(problem);
  });

  it('refuses a reference-shaped value for a property that is no reference', () => {
    const schemaFile = path.join(dir, 'schema.json');
    writeJson(schemaFile, SCHEMA);
    writeJson(path.join(dir, 'instances', 'T_Node.json'), [{ Name: { Name: 'a' } }]);
    expect(() => loadStore({ schemaFile, instancesDir: path.join(dir, 'instances') })).toThrow('expected a string (string)');
  });
});

describe('XML of reference properties', () => {
  const store = loadStore();
  const [dependency] = store.references(service('WinRM'), { associationClass: 'Win32_DependentService' });
  const def = store.classDef('Win32_DependentService');

  it('writes each reference as the EPR of the concrete class, declaring a and w on the instance', () => {
    const xml = instanceXml(dependency, def, `${CIMV2}*`);
    expect(xml).toContain(`xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}"`);
    expect(xml).toContain(
      `<p:Antecedent><a:Address>${ANONYMOUS}</a:Address><a:ReferenceParameters><w:ResourceURI>${CIMV2}Win32_Service</w:ResourceURI>` +
        '<w:SelectorSet><w:Selector Name="Name">RpcSs</w:Selector></w:SelectorSet></a:ReferenceParameters></p:Antecedent>',
    );
    const element = parseXml(xml);
    expect(element).toMatchObject({ namespace: `${CIMV2}Win32_DependentService`, localName: 'Win32_DependentService' });
    const dependent = child(element, `${CIMV2}Win32_DependentService`, 'Dependent')!;
    const parameters = child(dependent, NS.addressing, 'ReferenceParameters')!;
    expect(textContent(child(parameters, NS.wsman, 'ResourceURI')!)).toBe(`${CIMV2}Win32_Service`);
    expect(textContent(childElements(child(parameters, NS.wsman, 'SelectorSet')!)[0])).toBe('WinRM');
    expect(childElements(element).map((e) => e.localName)).toEqual(['Antecedent', 'Dependent', 'TypeOfDependency']);
  });

  it('declares the addressing prefixes only when a reference is written', () => {
    expect(instanceXml(dependency, def, `${CIMV2}Win32_DependentService`, ['TypeOfDependency'])).not.toContain('xmlns:a=');
    expect(instanceXml(store.get('Win32_Service', [sel('Name', 'WinRM')]), store.classDef('Win32_Service'), `${CIMV2}Win32_Service`)).not.toContain('xmlns:a=');
  });
});

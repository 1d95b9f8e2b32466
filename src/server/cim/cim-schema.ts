/**
 * Loads and validates the schema file (data/cim/schema.json or a user's own). Every problem
 * is reported as an Error naming the file and the offending class, property or method, so a
 * user editing the data sees what to fix.
 *
 * File shape:
 * { "namespace": "root/cimv2", "classes": [ { "name", "superclass"?, "singleton"?, "association"?,
 *   "properties": [ { "name", "type", "array"?, "key"?, "writable"?, "referenceClass"? } ],
 *   "methods"?: [ { "name", "static"?, "returns"?, "in"?: [params], "out"?: [params] } ] } ] }
 *
 * A property of type `reference` names its `referenceClass`: a class of the schema or a
 * superclass some class of the schema names (Win32_BaseService). As in CIM, only association
 * classes have references, and an association has at least two.
 */
import * as fs from 'node:fs';
import {
  CIM_TYPES,
  compareNames,
  type CimClassDef,
  type CimMethodDef,
  type CimParameterDef,
  type CimPropertyDef,
  type CimType,
} from './cim-types';

export const CIM_NAMESPACE = 'root/cimv2';

export interface CimSchema {
  readonly namespace: string;
  /** Lower-cased class name → definition. */
  readonly classes: ReadonlyMap<string, CimClassDef>;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Json = Record<string, unknown>;

class SchemaReader {
  constructor(private readonly source: string) {}

  fail(where: string, problem: string): never {
    throw new Error(`CIM schema ${this.source}: ${where}${where ? ': ' : ''}${problem}`);
  }

  object(value: unknown, where: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(where, 'expected a JSON object');
    return value as Json;
  }

  onlyFields(value: Json, allowed: readonly string[], where: string): void {
    for (const field of Object.keys(value)) {
      if (!allowed.includes(field)) this.fail(where, `unknown field "${field}" (allowed: ${allowed.join(', ')})`);
    }
  }

  identifier(value: unknown, where: string): string {
    if (typeof value !== 'string' || !IDENTIFIER.test(value)) this.fail(where, `"name" must be an identifier, got ${JSON.stringify(value)}`);
    return value;
  }

  flag(value: unknown, field: string, where: string): boolean {
    if (value === undefined) return false;
    if (typeof value !== 'boolean') this.fail(where, `"${field}" must be true or false`);
    return value;
  }

  type(value: unknown, where: string): CimType {
    return this.typeOf(value, where, CIM_TYPES);
  }

  /** A type that is not a reference: method parameters and return values. */
  valueType(value: unknown, where: string): CimType {
    return this.typeOf(value, where, CIM_TYPES.filter((type) => type !== 'reference'));
  }

  private typeOf(value: unknown, where: string, allowed: readonly CimType[]): CimType {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(where, `"type" must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
    }
    return value as CimType;
  }

  list(value: unknown, field: string, where: string): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.fail(where, `"${field}" must be an array`);
    return value;
  }
}

interface RawClass {
  readonly name: string;
  readonly superclass?: string;
  readonly singleton: boolean;
  readonly association: boolean;
  readonly properties: readonly CimPropertyDef[];
  readonly methods: readonly CimMethodDef[];
}

function readParameters(reader: SchemaReader, value: unknown, field: string, where: string): CimParameterDef[] {
  const seen = new Set<string>();
  return reader.list(value, field, where).map((entry, index) => {
    const here = `${where}: ${field}[${index}]`;
    const raw = reader.object(entry, here);
    reader.onlyFields(raw, ['name', 'type', 'array'], here);
    const name = reader.identifier(raw['name'], here);
    if (name.toLowerCase() === 'returnvalue') reader.fail(here, 'ReturnValue is implicit; declare its type with "returns"');
    if (seen.has(name.toLowerCase())) reader.fail(here, `duplicate parameter ${name}`);
    seen.add(name.toLowerCase());
    return { name, type: reader.valueType(raw['type'], `${where}: parameter ${name}`), array: reader.flag(raw['array'], 'array', here) };
  });
}

function readProperty(reader: SchemaReader, entry: unknown, where: string): CimPropertyDef {
  const raw = reader.object(entry, where);
  reader.onlyFields(raw, ['name', 'type', 'array', 'key', 'writable', 'referenceClass'], where);
  const name = reader.identifier(raw['name'], where);
  const here = `${where} (${name})`;
  const type = reader.type(raw['type'], here);
  const array = reader.flag(raw['array'], 'array', here);
  const key = reader.flag(raw['key'], 'key', here);
  const writable = reader.flag(raw['writable'], 'writable', here);
  if (key && array) reader.fail(here, 'a key cannot be an array');
  if (key && writable) reader.fail(here, 'a key cannot be writable');
  if (key && (type === 'real32' || type === 'real64')) reader.fail(here, 'a key cannot be a real number');
  if (type !== 'reference') {
    if (raw['referenceClass'] !== undefined) reader.fail(here, '"referenceClass" belongs to properties of type reference');
    return { name, type, array, key, writable };
  }
  if (raw['referenceClass'] === undefined) reader.fail(here, 'a reference needs "referenceClass", the class of the instances it names');
  const referenceClass = reader.identifier(raw['referenceClass'], `${here}: referenceClass`);
  if (array) reader.fail(here, 'reference arrays are not supported');
  if (writable) reader.fail(here, 'a reference cannot be writable');
  return { name, type, array, key, writable, referenceClass };
}

function readMethod(reader: SchemaReader, entry: unknown, where: string): CimMethodDef {
  const raw = reader.object(entry, where);
  reader.onlyFields(raw, ['name', 'static', 'returns', 'in', 'out'], where);
  const name = reader.identifier(raw['name'], where);
  const here = `${where} (${name})`;
  return {
    name,
    isStatic: reader.flag(raw['static'], 'static', here),
    returnType: raw['returns'] === undefined ? 'uint32' : reader.valueType(raw['returns'], `${here}: returns`),
    inParameters: readParameters(reader, raw['in'], 'in', here),
    outParameters: readParameters(reader, raw['out'], 'out', here),
  };
}

function readClass(reader: SchemaReader, entry: unknown, index: number): RawClass {
  const where = `classes[${index}]`;
  const raw = reader.object(entry, where);
  reader.onlyFields(raw, ['name', 'superclass', 'singleton', 'association', 'properties', 'methods'], where);
  const name = reader.identifier(raw['name'], where);
  const here = `class ${name}`;
  const superclass = raw['superclass'] === undefined ? undefined : reader.identifier(raw['superclass'], `${here}: superclass`);
  const properties = reader.list(raw['properties'], 'properties', here).map((p, i) => readProperty(reader, p, `${here}: properties[${i}]`));
  const methods = reader.list(raw['methods'], 'methods', here).map((m, i) => readMethod(reader, m, `${here}: methods[${i}]`));
  for (const [kind, names] of [
    ['property', properties.map((p) => p.name)],
    ['method', methods.map((m) => m.name)],
  ] as const) {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n.toLowerCase())) reader.fail(here, `duplicate ${kind} ${n} (names compare without case)`);
      seen.add(n.toLowerCase());
    }
  }
  const result: RawClass = {
    name,
    singleton: reader.flag(raw['singleton'], 'singleton', here),
    association: reader.flag(raw['association'], 'association', here),
    properties,
    methods,
  };
  return superclass === undefined ? result : { ...result, superclass };
}

/**
 * Own members override inherited ones of the same name. A superclass outside the schema is
 * kept as a name only (WMI's Win32_BaseService and the like need not be declared).
 */
function resolveClass(reader: SchemaReader, raw: RawClass, byName: ReadonlyMap<string, RawClass>, namespace: string): CimClassDef {
  const properties = new Map<string, CimPropertyDef>();
  const methods = new Map<string, CimMethodDef>();
  const chain: RawClass[] = [];
  const visited = new Set<string>();
  for (let current: RawClass | undefined = raw; current; current = current.superclass ? byName.get(current.superclass.toLowerCase()) : undefined) {
    if (visited.has(current.name.toLowerCase())) reader.fail(`class ${raw.name}`, 'superclass chain loops');
    visited.add(current.name.toLowerCase());
    chain.unshift(current);
  }
  for (const cls of chain) {
    for (const p of cls.properties) properties.set(p.name.toLowerCase(), p);
    for (const m of cls.methods) methods.set(m.name.toLowerCase(), m);
  }
  const sorted = [...properties.values()].sort((a, b) => compareNames(a.name, b.name));
  const keys = sorted.filter((p) => p.key);
  const where = `class ${raw.name}`;
  if (raw.singleton && keys.length > 0) reader.fail(where, `a singleton class has no keys (found ${keys.map((k) => k.name).join(', ')})`);
  if (!raw.singleton && keys.length === 0) reader.fail(where, 'a class that is not a singleton needs at least one key property');
  // Nearest first: the class, the superclasses the schema defines, then the first one it does not.
  const lineage = [...chain].reverse().map((cls) => cls.name);
  const top = chain[0];
  if (top?.superclass !== undefined) lineage.push(top.superclass);
  const association = chain.some((cls) => cls.association);
  const references = sorted.filter((p) => p.type === 'reference');
  if (association && raw.singleton) reader.fail(where, 'an association cannot be a singleton');
  if (association && references.length < 2) reader.fail(where, 'an association needs at least two reference properties');
  if (!association && references.length > 0) {
    reader.fail(where, `only association classes ("association": true) have references (found ${references.map((p) => p.name).join(', ')})`);
  }
  const definition: CimClassDef = {
    name: raw.name,
    namespace,
    lineage,
    singleton: raw.singleton,
    association,
    properties: sorted,
    keys,
    methods: [...methods.values()].sort((a, b) => compareNames(a.name, b.name)),
    propertyIndex: properties,
    methodIndex: methods,
  };
  return raw.superclass === undefined ? definition : { ...definition, superclass: raw.superclass };
}

/** Every referenceClass must be able to name an instance: a class of the schema or an ancestor of one. */
function checkReferenceClasses(reader: SchemaReader, classes: ReadonlyMap<string, CimClassDef>): void {
  const known = new Set<string>();
  for (const def of classes.values()) for (const name of def.lineage) known.add(name.toLowerCase());
  for (const def of classes.values()) {
    for (const property of def.properties) {
      if (property.referenceClass !== undefined && !known.has(property.referenceClass.toLowerCase())) {
        reader.fail(
          `class ${def.name} (${property.name})`,
          `referenceClass ${property.referenceClass} is neither a class of the schema nor a superclass of one`,
        );
      }
    }
  }
}

/** Validates parsed schema JSON; `source` names the file in error messages. */
export function parseSchema(json: unknown, source: string): CimSchema {
  const reader: SchemaReader = new SchemaReader(source);
  const top = reader.object(json, '');
  reader.onlyFields(top, ['namespace', 'classes', 'description'], 'top level');
  const namespace = top['namespace'] === undefined ? CIM_NAMESPACE : top['namespace'];
  if (typeof namespace !== 'string' || namespace.toLowerCase() !== CIM_NAMESPACE) {
    reader.fail('top level', `"namespace" must be "${CIM_NAMESPACE}" (the only namespace the endpoint serves)`);
  }
  const classList = top['classes'];
  if (!Array.isArray(classList)) reader.fail('top level', '"classes" must be an array');
  const rawClasses = classList.map((entry: unknown, index: number) => readClass(reader, entry, index));
  const byName = new Map<string, RawClass>();
  for (const raw of rawClasses) {
    if (byName.has(raw.name.toLowerCase())) reader.fail(`class ${raw.name}`, 'defined twice (class names compare without case)');
    byName.set(raw.name.toLowerCase(), raw);
  }
  const classes = new Map<string, CimClassDef>();
  for (const raw of rawClasses) classes.set(raw.name.toLowerCase(), resolveClass(reader, raw, byName, CIM_NAMESPACE));
  checkReferenceClasses(reader, classes);
  return { namespace: CIM_NAMESPACE, classes };
}

export function loadSchema(file: string): CimSchema {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`CIM schema ${file}: cannot read the file (${(error as Error).message})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`CIM schema ${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return parseSchema(json, file);
}

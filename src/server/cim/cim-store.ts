/**
 * The emulated CIM repository of namespace root/cimv2: classes from the schema file, instances
 * from instance files (or the local machine fill), queried and changed the way the WinRM WMI
 * plugin would. Every failure is a WSManError the dispatcher turns into a SOAP fault, and a
 * failed operation changes nothing: each one validates fully, then commits.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { wsmanError, type WSManError } from '../../core/errors/wsman-error';
import { associationComputation, type StoreView } from './cim-associations';
import { createHash } from 'node:crypto';
import { instanceFromRecord, instanceJson, listInstanceFiles, readInstanceFile, writeInstanceFileAtomic, type InstanceRecord } from './cim-instance-files';
import { methodHandler, processIdOf, type MethodResult } from './cim-methods';
import { CIM_NAMESPACE, loadSchema, type CimSchema } from './cim-schema';
import {
  findMethod,
  findProperty,
  isCimReference,
  isClassOf,
  type CimClassDef,
  type CimInstance,
  type CimMethodDef,
  type CimMethodOutput,
  type CimParameterDef,
  type CimPropertyDef,
  type CimReference,
  type CimScalar,
  type CimStoreOptions,
  type CimValue,
  type PropertyTexts,
  type Selector,
  type WqlResult,
} from './cim-types';
import { CimValueError, parseCimText, sameKeyValue, sameReference, sameValue, scalarText, valueFromJson, valueFromTexts, valueToJson } from './cim-values';
import { defaultMachineName, MachineSnapshot } from './machine-instances';
import { compileExpressionFor, compileWql, equalityExpression, parseWql, WqlError, type CompiledWql } from './wql';

/** `<repo>/data/cim`, the same from src/server/cim (ts-node, jest) and dist/server/cim (built). */
export const DEFAULT_CIM_DATA_DIR = path.join(__dirname, '..', '..', '..', 'data', 'cim');

/**
 * The WinRM error (a symbol of winrm-errors.json) reported for each kind of failure. The
 * detail of a failure travels as the error's `cause`; the message stays the table text.
 */
export const CIM_ERRORS = {
  /**
   * A class the schema does not define, named by a resource URI. Windows answers 0x80338000
   * ("cannot find the resource") with "The class … does not exist" as the provider detail.
   */
  unknownClass: 'ERROR_WSMAN_RESOURCE_NOT_FOUND',
  /** Valid selectors that match no instance. */
  instanceNotFound: 'ERROR_WSMAN_RESOURCE_NOT_FOUND',
  /** Selector names that are not the keys, a key missing, a duplicate, a value of the wrong type. */
  invalidSelectors: 'ERROR_WSMAN_INVALID_SELECTORS',
  /** A __cimnamespace selector naming a namespace other than root/cimv2. */
  otherNamespace: 'ERROR_WSMAN_DIFFERENT_CIM_SELECTOR',
  /** WQL or SelectorFilter the store cannot evaluate. */
  invalidFilter: 'ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER',
  /**
   * An association filter naming an association or result class the schema does not know, or
   * an association class that is no association (the source instance itself, when missing, is
   * instanceNotFound).
   */
  invalidAssociationFilter: 'ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER',
  /** Put/Create body: unknown property, wrong type, key changed, read-only property changed, key missing. */
  invalidRepresentation: 'ERROR_WSMAN_INVALID_REPRESENTATION',
  alreadyExists: 'ERROR_WSMAN_ALREADY_EXISTS',
  /** A method the class does not declare (the action URI names it). */
  unknownMethod: 'ERROR_WSMAN_ACTION_NOT_SUPPORTED',
  /** An input element that is no in parameter of the method. */
  unknownParameter: 'ERROR_WSMAN_INVALID_PARAMETER',
  /** An input value that does not convert to its parameter type (what Windows answers: 0x80338041). */
  parameterType: 'ERROR_WSMAN_SCHEMA_VALIDATION_ERROR',
  /**
   * Changing a computed class (Win32_LocalTime) or an association (read-only in the emulation),
   * or calling a method the emulation does not implement.
   */
  notCapable: 'ERROR_WSMAN_WMI_PROVIDER_NOT_CAPABLE',
  /** The changed state could not be saved to dataDir (the store keeps its previous state). */
  saveFailed: 'ERROR_WSMAN_PROVIDER_FAILURE',
} as const;

const CIM_NAMESPACE_SELECTOR = '__cimnamespace';

/** The longest a WQL evaluation runs before it lets other work in. */
const QUERY_SLICE_MS = 10;

function fail(name: string, detail: string | Error): WSManError {
  return wsmanError(name, { cause: detail instanceof Error ? detail : new Error(detail) });
}

/** One class's definition and instances (the store's internal state, exported for the constructor). */
export interface ClassState {
  readonly def: CimClassDef;
  /** Set for classes recomputed at every read; those cannot be changed. */
  readonly compute?: () => CimInstance[];
  instances: readonly CimInstance[];
}

interface Located {
  readonly instance: CimInstance;
  readonly index: number;
}

/** A key value made comparable: strings without case, the way WMI matches keys; references by what they name. */
function comparableKey(value: CimValue): unknown {
  if (typeof value === 'string') return value.toLowerCase();
  if (typeof value === 'bigint') return value.toString();
  if (isCimReference(value)) return [value.className.toLowerCase(), ...value.keys.map((key) => [key.name.toLowerCase(), comparableKey(key.value)])];
  return value;
}

function keyIdentity(def: CimClassDef, instance: CimInstance): string {
  return JSON.stringify(def.keys.map((key) => comparableKey(instance.properties.get(key.name) ?? null)));
}

/** The identity of the instance a reference names, comparable like keyIdentity. */
function referenceIdentity(reference: CimReference): string {
  return JSON.stringify(comparableKey(reference));
}

/** A reference in WMI object-path text, `Win32_Service.Name="RpcSs"`: the text selector of a reference key. */
function objectPath(reference: CimReference): string {
  const value = (v: CimScalar | CimReference): string => {
    const text = isCimReference(v) ? objectPath(v) : typeof v === 'string' ? v : undefined;
    return text === undefined ? scalarText(v as CimScalar) : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  };
  return `${reference.className}.${reference.keys.map((key) => `${key.name}=${value(key.value)}`).join(',')}`;
}

function describeKeys(fields: readonly (readonly [string, unknown])[]): string {
  return fields.map(([name, value]) => `${name}=${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`).join(', ');
}

/** The instances of a class: computed at every read, or held. */
/**
 * Whether an instance has `value` as its key `name` (as sameKeyValue compares). A string key, the
 * common case, is lowered once per lookup instead of once per instance compared.
 */
function keyMatcher(name: string, value: CimValue): (instance: CimInstance) => boolean {
  if (typeof value !== 'string') return (instance) => sameKeyValue(instance.properties.get(name) ?? null, value);
  const lower = value.toLowerCase();
  return (instance) => {
    const own = instance.properties.get(name);
    return typeof own === 'string' ? own === value || own.toLowerCase() === lower : sameKeyValue(own ?? null, value);
  };
}

/**
 * The identity of string key values as keyMatcher compares them (without case), in the order of
 * the class's keys; undefined when a key value is not a string (those are compared by the scan).
 */
function stringKeysIdentity(def: CimClassDef, keys: ReadonlyMap<string, CimValue>): string | undefined {
  const parts: string[] = [];
  for (const key of def.keys) {
    const value = keys.get(key.name);
    if (typeof value !== 'string') return undefined;
    parts.push(value.toLowerCase());
  }
  return JSON.stringify(parts);
}

const stringKeyPositions = new WeakMap<readonly CimInstance[], Map<string, number>>();

/**
 * Positions of the instances whose keys are all strings, by stringKeysIdentity (the first of equal
 * ones, as a scan finds it), built once per instance list (a change makes a new list): a Get by
 * key is then one lookup instead of a scan lower-casing every instance's keys on its way.
 */
function positionsByStringKeys(def: CimClassDef, instances: readonly CimInstance[]): Map<string, number> {
  let positions = stringKeyPositions.get(instances);
  if (!positions) {
    positions = new Map();
    for (let index = 0; index < instances.length; index++) {
      const identity = stringKeysIdentity(def, instances[index].properties);
      if (identity !== undefined && !positions.has(identity)) positions.set(identity, index);
    }
    stringKeyPositions.set(instances, positions);
  }
  return positions;
}

function readInstances(state: ClassState): readonly CimInstance[] {
  return state.compute ? state.compute() : state.instances;
}

function referenceTo(def: CimClassDef, instance: CimInstance): CimReference {
  return {
    className: def.name,
    keys: def.keys.map((key) => ({ name: key.name, value: instance.properties.get(key.name) as CimScalar | CimReference })),
  };
}

/** Key values of `def` from the fields of a reference object: every key exactly once, nothing else. */
function keysFromJson(
  def: CimClassDef,
  fields: readonly (readonly [string, unknown])[],
  resolve: (property: CimPropertyDef, json: unknown) => CimReference,
): Map<string, CimValue> {
  const keyNames = def.keys.map((k) => k.name).join(', ') || 'none';
  const wanted = new Map<string, CimValue>();
  for (const [name, raw] of fields) {
    const key = def.keys.find((k) => k.name.toLowerCase() === name.toLowerCase());
    if (!key) throw new CimValueError(`${name} is not a key of ${def.name} (keys: ${keyNames})`);
    if (wanted.has(key.name)) throw new CimValueError(`key ${key.name} is given twice`);
    const value = key.type === 'reference' ? resolve(key, raw) : valueFromJson(key, raw);
    if (value === null) throw new CimValueError(`key ${key.name} is null`);
    wanted.set(key.name, value);
  }
  if (def.keys.length === 0 || wanted.size !== def.keys.length) throw new CimValueError(`the keys of ${def.name} are ${keyNames}`);
  return wanted;
}

const keyIndexes = new WeakMap<readonly CimInstance[], Map<string, CimInstance>>();

/** Instances by key identity, built once per instance list: resolving N references stays linear. */
function keyIndex(def: CimClassDef, instances: readonly CimInstance[]): Map<string, CimInstance> {
  let index = keyIndexes.get(instances);
  if (!index) {
    index = new Map(instances.map((instance) => [keyIdentity(def, instance), instance]));
    keyIndexes.set(instances, index);
  }
  return index;
}

/**
 * Resolves the instance-file form of a reference: an object of the key values of the named
 * instance, optionally with `__CLASS` (the concrete class, needed only when the key values name
 * instances of two classes that both fit the referenceClass).
 */
function referenceResolver(classes: ReadonlyMap<string, ClassState>): (property: CimPropertyDef, json: unknown) => CimReference {
  const resolve = (property: CimPropertyDef, json: unknown): CimReference => {
    const referenceClass = property.referenceClass ?? '';
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new CimValueError(`expected an object of the key values of a ${referenceClass} instance, such as { "Name": "…" }; got ${JSON.stringify(json)}`);
    }
    const fields = Object.entries(json as Record<string, unknown>).filter(([name]) => name !== '__CLASS');
    const pinned = (json as Record<string, unknown>)['__CLASS'];
    if (pinned !== undefined && typeof pinned !== 'string') throw new CimValueError('"__CLASS" must be a class name');
    const candidates = [...classes.values()].filter(
      (state) => isClassOf(state.def, referenceClass) && (pinned === undefined || state.def.name.toLowerCase() === pinned.toLowerCase()),
    );
    if (pinned !== undefined && candidates.length === 0) throw new CimValueError(`__CLASS ${pinned} is not ${referenceClass} or a class derived from it`);
    const found: { def: CimClassDef; instance: CimInstance }[] = [];
    for (const state of candidates) {
      const def = state.def;
      let wanted: Map<string, CimValue>;
      try {
        wanted = keysFromJson(def, fields, resolve);
      } catch (error) {
        // Without __CLASS, a class whose keys these are not is simply no candidate.
        if (pinned === undefined && error instanceof CimValueError) continue;
        throw error;
      }
      const instance = keyIndex(def, readInstances(state)).get(JSON.stringify(def.keys.map((key) => comparableKey(wanted.get(key.name) ?? null))));
      if (instance) found.push({ def, instance });
    }
    const [first, second] = found;
    if (!first) throw new CimValueError(`no instance of ${pinned ?? referenceClass} has ${describeKeys(fields) || 'no keys'}`);
    if (second) {
      throw new CimValueError(`the keys name instances of ${found.map((f) => f.def.name).join(' and ')}; add "__CLASS" to choose`);
    }
    return referenceTo(first.def, first.instance);
  };
  return resolve;
}

function assertUniqueKeys(def: CimClassDef, instances: readonly CimInstance[], source: string): void {
  const seen = new Set<string>();
  for (const instance of instances) {
    const identity = keyIdentity(def, instance);
    if (seen.has(identity)) throw new Error(`${source}: two instances of ${def.name} have the keys ${identity}`);
    seen.add(identity);
  }
  if (def.singleton && instances.length > 1) throw new Error(`${source}: singleton class ${def.name} has ${instances.length} instances`);
}

/** The instance an association filter starts from: its class and the selectors that name it. */
export interface AssociationSource {
  readonly className: string;
  readonly selectors: readonly Selector[];
}

/**
 * Narrowing of associators (WQL `ASSOCIATORS OF … WHERE`, DSP0227 b:AssociatedInstances). Class
 * names match the class and the classes derived from it; role names are property names of the
 * association. All compare without case.
 */
export interface AssociatorOptions {
  /** Only links through instances of this association class. */
  readonly associationClass?: string;
  /** The reference property of the association that names the source. */
  readonly role?: string;
  /** Only results of this class. */
  readonly resultClass?: string;
  /** The reference property of the association that names the result. */
  readonly resultRole?: string;
}

/** Narrowing of references (WQL `REFERENCES OF … WHERE`, DSP0227 b:AssociationInstances). */
export interface ReferenceOptions {
  readonly associationClass?: string;
  readonly role?: string;
}

/** One association instance naming the source through one of its reference properties. */
interface Link {
  readonly state: ClassState;
  readonly instance: CimInstance;
  readonly role: CimPropertyDef;
}

/** What CimStore.load assembles. */
export interface CimStoreContents {
  readonly schema: CimSchema;
  /** Lower-cased class name → state. */
  readonly classes: ReadonlyMap<string, ClassState>;
  readonly machineName: string;
  /** `<dataDir>/cim` when persisting. */
  readonly saveDir: string | undefined;
  /** Lower-cased class name → the file its state is saved to (an existing file keeps its spelling). */
  readonly savePaths: Map<string, string>;
}

export class CimStore {
  private readonly schema: CimSchema;
  private readonly classes: ReadonlyMap<string, ClassState>;
  private readonly machineName: string;
  private readonly saveDir: string | undefined;
  private readonly savePaths: Map<string, string>;
  /** fingerprint(), kept until the next commit. */
  private digest: string | undefined;

  /** Use CimStore.load; the constructor is public only so the class can serve as a DI token. */
  constructor(contents: CimStoreContents) {
    this.schema = contents.schema;
    this.classes = contents.classes;
    this.machineName = contents.machineName;
    this.saveDir = contents.saveDir;
    this.savePaths = contents.savePaths;
  }

  /**
   * Loads the schema and, per class, the first of: the saved state in `<dataDir>/cim`, the
   * instance file, the local machine fill, no instances. Bad data throws an Error naming the file.
   */
  static load(options: CimStoreOptions = {}): CimStore {
    const schemaFile = options.schemaFile ?? path.join(DEFAULT_CIM_DATA_DIR, 'schema.json');
    const instancesDir = options.instancesDir ?? path.join(DEFAULT_CIM_DATA_DIR, 'instances');
    if (options.instancesDir !== undefined && !fs.existsSync(instancesDir)) {
      throw new Error(`CIM instances ${instancesDir}: the directory does not exist`);
    }
    const machineName = options.machineName ?? defaultMachineName();
    const schema = loadSchema(schemaFile);
    const instanceFiles = listInstanceFiles(instancesDir);
    const saveDir = options.dataDir === undefined ? undefined : path.join(options.dataDir, 'cim');
    const savedFiles = saveDir === undefined ? new Map<string, string>() : listInstanceFiles(saveDir);
    for (const [className, file] of [...instanceFiles, ...savedFiles]) {
      if (!schema.classes.has(className)) {
        throw new Error(`CIM instances ${file}: class ${path.basename(file, '.json')} is not defined in ${schemaFile}`);
      }
    }
    const machine = new MachineSnapshot(machineName);
    const classes = new Map<string, ClassState>();
    const resolveReference = referenceResolver(classes);
    // Associations last: their references name instances of the other classes.
    const ordered = [...schema.classes].sort(([, a], [, b]) => Number(a.association) - Number(b.association));
    for (const [lower, def] of ordered) {
      const file = savedFiles.get(lower) ?? instanceFiles.get(lower);
      if (file !== undefined) {
        const instances = readInstanceFile(file, def, machineName, resolveReference);
        assertUniqueKeys(def, instances, `CIM instances ${file}`);
        classes.set(lower, { def, instances });
        continue;
      }
      const computation = associationComputation(def);
      if (computation) {
        const view: StoreView = {
          instancesOf: (className) => {
            const state = classes.get(className.toLowerCase());
            return state ? readInstances(state) : [];
          },
          referenceRecord: (instance) => {
            const target = classes.get(instance.className.toLowerCase());
            if (!target) throw new Error(`${def.name}: no class ${instance.className}`);
            return valueToJson(referenceTo(target.def, instance)) as InstanceRecord;
          },
        };
        const source = `computed instances of ${def.name}`;
        const compute = (): CimInstance[] =>
          computation(view).map((record) => instanceFromRecord(def, record, { source, machineName, ignoreUnknown: true, resolveReference }));
        // Computed once here so a schema the computation does not fit fails at load, not on a request.
        assertUniqueKeys(def, compute(), source);
        classes.set(lower, { def, instances: [], compute });
        continue;
      }
      const source = machine.source(def.name);
      const build = (records: readonly InstanceRecord[]): CimInstance[] =>
        records.map((record) => instanceFromRecord(def, record, { source: `machine fill of ${def.name}`, machineName, ignoreUnknown: true }));
      if (source?.kind === 'computed') {
        classes.set(lower, { def, instances: [], compute: () => build(source.compute()) });
      } else {
        const instances = source ? build(source.records) : [];
        assertUniqueKeys(def, instances, `machine fill of ${def.name}`);
        classes.set(lower, { def, instances });
      }
    }
    return new CimStore({ schema, classes, machineName, saveDir, savePaths: new Map(savedFiles) });
  }

  /** Class names compare without case, as in WMI. */
  hasClass(className: string): boolean {
    return this.classes.has(className.toLowerCase());
  }

  classDef(className: string): CimClassDef {
    return this.state(className).def;
  }

  /** The instance the selectors name; a singleton takes no selectors. */
  get(className: string, selectors: readonly Selector[]): CimInstance {
    return this.locate(this.state(className), selectors).instance;
  }

  /** All instances, in file (or process id) order, created ones last. */
  enumerate(className: string): CimInstance[] {
    return [...this.instancesOf(this.state(className))];
  }

  /** A digest of every changeable instance (computed classes excluded): equal digests, equal state. */
  fingerprint(): string {
    this.digest ??= this.computeFingerprint();
    return this.digest;
  }

  private computeFingerprint(): string {
    const hash = createHash('sha256');
    for (const [name, state] of this.classes) {
      if (state.compute) continue;
      hash.update(name).update(JSON.stringify(state.instances.map(instanceJson), (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value)));
    }
    return hash.digest('hex');
  }

  /** Runs a WQL SELECT at once; any problem with the query is ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER. */
  query(wql: string): WqlResult {
    const { state, compiled } = this.compileQuery(wql);
    return { className: state.def.name, instances: this.instancesOf(state).filter(compiled.matches), properties: compiled.properties };
  }

  /**
   * Runs a WQL SELECT in slices of at most QUERY_SLICE_MS, letting other requests in between; past
   * `deadline` (Date.now() time, the request's OperationTimeout) it stops with
   * ERROR_WSMAN_OPERATION_TIMEDOUT, so no query holds the endpoint however large the store or
   * costly the WHERE clause.
   */
  async queryInSlices(wql: string, deadline: number): Promise<WqlResult> {
    const { state, compiled } = this.compileQuery(wql);
    const candidates = [...this.instancesOf(state)];
    const instances: CimInstance[] = [];
    let sliceEnd = Date.now() + QUERY_SLICE_MS;
    const pause = async (): Promise<void> => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (Date.now() >= deadline) throw wsmanError('ERROR_WSMAN_OPERATION_TIMEDOUT');
      sliceEnd = Date.now() + QUERY_SLICE_MS;
    };
    for (const instance of candidates) {
      const steps = compiled.steps(instance);
      let step = steps.next();
      while (!step.done) {
        if (Date.now() >= sliceEnd) await pause();
        step = steps.next();
      }
      if (step.value) instances.push(instance);
      if (Date.now() >= sliceEnd) await pause();
    }
    return { className: state.def.name, instances, properties: compiled.properties };
  }

  private compileQuery(wql: string): { state: ClassState; compiled: CompiledWql } {
    try {
      const parsed = parseWql(wql);
      const state = this.classes.get(parsed.className.toLowerCase());
      if (!state) throw new WqlError('class', `Class: ${parsed.className}.`, parsed.classPosition);
      return { state, compiled: compileWql(parsed, state.def) };
    } catch (error) {
      if (error instanceof WqlError) throw fail(CIM_ERRORS.invalidFilter, error);
      throw error;
    }
  }

  /**
   * The SelectorFilter dialect: instances whose named properties (any property, not only keys)
   * equal the values, as Windows evaluates it through WQL `Name = "value" AND …` — hence the
   * refusal of quotes in values.
   */
  selectByFilter(className: string, selectors: readonly Selector[]): CimInstance[] {
    const state = this.state(className);
    const pairs: Selector[] = [];
    const seen = new Set<string>();
    for (const selector of this.withoutNamespace(selectors)) {
      const property = findProperty(state.def, selector.name);
      if (!property) throw fail(CIM_ERRORS.invalidFilter, `class ${state.def.name} has no property ${selector.name}`);
      if (seen.has(property.name)) throw fail(CIM_ERRORS.invalidFilter, `selector ${property.name} appears twice`);
      if (/["']/.test(selector.value)) throw fail(CIM_ERRORS.invalidFilter, `the value of ${property.name} contains a quote`);
      seen.add(property.name);
      pairs.push({ name: property.name, value: selector.value });
    }
    try {
      const matches = compileExpressionFor(state.def, equalityExpression(pairs));
      return this.instancesOf(state).filter(matches);
    } catch (error) {
      if (error instanceof WqlError) throw fail(CIM_ERRORS.invalidFilter, error);
      throw error;
    }
  }

  /**
   * Updates the instance from a representation. Properties left out keep their values; keys and
   * read-only properties may appear (a Get-modify-Put round trip) but must not change.
   */
  put(className: string, selectors: readonly Selector[], values: PropertyTexts): CimInstance {
    const staged = this.stagePut(className, selectors, values);
    staged.commit();
    return staged.instance;
  }

  /**
   * A Put checked and computed but not made: `commit` saves (when persisting) and then swaps the
   * instance in; until then nothing has changed, so a reply that cannot be sent costs nothing.
   */
  stagePut(className: string, selectors: readonly Selector[], values: PropertyTexts): { instance: CimInstance; commit(): void } {
    const state = this.mutableState(className);
    const { instance, index } = this.locate(state, selectors);
    const properties = new Map(instance.properties);
    for (const [property, value] of this.representation(state.def, values)) {
      const current = instance.properties.get(property.name) ?? null;
      if (property.key) {
        if (!sameKeyValue(value, current)) throw fail(CIM_ERRORS.invalidRepresentation, `key property ${property.name} cannot change`);
      } else if (property.writable) {
        properties.set(property.name, value);
      } else if (!sameValue(value, current)) {
        throw fail(CIM_ERRORS.invalidRepresentation, `property ${property.name} is read-only`);
      }
    }
    const updated: CimInstance = { className: state.def.name, properties };
    return {
      instance: updated,
      commit: () => {
        // Found again by identity: another request may have changed the class since.
        const current = state.instances[index] === instance ? index : state.instances.indexOf(instance);
        if (current === -1) throw fail(CIM_ERRORS.instanceNotFound, 'the instance changed while the Put was answered');
        this.commit(state, state.instances.map((existing, i) => (i === current ? updated : existing)));
      },
    };
  }

  /** Adds an instance; every key must be given. Properties left out are null. */
  create(className: string, values: PropertyTexts): { instance: CimInstance; selectors: Selector[] } {
    const state = this.mutableState(className);
    const def = state.def;
    const properties = new Map<string, CimValue>(def.properties.map((p) => [p.name, null]));
    for (const [property, value] of this.representation(def, values)) properties.set(property.name, value);
    for (const key of def.keys) {
      if (properties.get(key.name) === null) throw fail(CIM_ERRORS.invalidRepresentation, `key property ${key.name} is missing`);
    }
    const instance: CimInstance = { className: def.name, properties };
    this.assertNew(state, instance);
    this.commit(state, [...state.instances, instance]);
    return { instance, selectors: this.keySelectors(instance) };
  }

  delete(className: string, selectors: readonly Selector[]): void {
    const state = this.mutableState(className);
    const { index } = this.locate(state, selectors);
    this.commit(state, state.instances.filter((_, i) => i !== index));
  }

  /**
   * Calls a method (name without case). Instance methods need the instance's selectors; static
   * ones (Win32_Process.Create) take none. In-parameter names are case-sensitive.
   */
  invoke(className: string, selectors: readonly Selector[], method: string, input: PropertyTexts): CimMethodOutput {
    const state = this.state(className);
    const def = state.def;
    const methodDef = findMethod(def, method);
    if (!methodDef) throw fail(CIM_ERRORS.unknownMethod, `class ${def.name} has no method ${method}`);
    const located = methodDef.isStatic && this.withoutNamespace(selectors).length === 0 ? undefined : this.locate(state, selectors);
    const args = this.methodInput(methodDef, input);
    const handler = methodHandler(def.name, methodDef.name);
    if (!handler) throw fail(CIM_ERRORS.notCapable, `the emulation does not implement ${def.name}.${methodDef.name}`);
    const result = handler({
      classDef: def,
      method: methodDef,
      instance: located?.instance,
      input: args,
      machineName: this.machineName,
      usedProcessIds: () => this.usedProcessIds(),
      buildInstance: (record) =>
        instanceFromRecord(def, record, { source: `${def.name}.${methodDef.name}`, machineName: this.machineName, ignoreUnknown: true }),
    });
    const parameters: CimParameterDef[] = [...methodDef.outParameters, { name: 'ReturnValue', type: methodDef.returnType, array: false }];
    const values = new Map<string, CimValue>();
    for (const parameter of parameters) {
      const raw = parameter.name === 'ReturnValue' ? result.returnValue : result.out?.[parameter.name];
      values.set(parameter.name, valueFromJson(parameter, raw ?? null));
    }
    this.applyMethodResult(state, located, result);
    return { className: def.name, method: methodDef.name, values, parameters };
  }

  /**
   * The selectors that name the instance, keys in schema order and spelling (none for a
   * singleton). A reference key appears as WMI object-path text; `instanceReference` keeps it
   * structured, for endpoint references.
   */
  keySelectors(instance: CimInstance): Selector[] {
    const def = this.state(instance.className).def;
    return def.keys.map((key) => {
      const value = instance.properties.get(key.name) ?? null;
      return { name: key.name, value: isCimReference(value) ? objectPath(value) : scalarText(value as CimScalar) };
    });
  }

  /** A reference to the instance: its class and key values (references for an association's keys). */
  instanceReference(instance: CimInstance): CimReference {
    return referenceTo(this.state(instance.className).def, instance);
  }

  /**
   * The instances associated with the source: for every association instance that names the
   * source through one reference property (the role), the instances its other reference
   * properties name. Each result appears once, in association order; the source itself only
   * when an association links it to itself.
   */
  associators(source: AssociationSource, options: AssociatorOptions = {}): CimInstance[] {
    const associations = this.associationStates(options.associationClass);
    const resultClass = options.resultClass === undefined ? undefined : this.knownClassName(options.resultClass, 'result class');
    const resultRole = options.resultRole?.toLowerCase();
    const results: CimInstance[] = [];
    const seen = new Set<string>();
    for (const link of this.links(source, associations, options.role)) {
      for (const property of link.state.def.properties) {
        if (property.type !== 'reference' || property === link.role) continue;
        if (resultRole !== undefined && property.name.toLowerCase() !== resultRole) continue;
        const reference = link.instance.properties.get(property.name) ?? null;
        if (!isCimReference(reference)) continue;
        const target = this.resolve(reference);
        if (!target || (resultClass !== undefined && !isClassOf(target.def, resultClass))) continue;
        const identity = referenceIdentity(reference);
        if (seen.has(identity)) continue;
        seen.add(identity);
        results.push(target.instance);
      }
    }
    return results;
  }

  /** The association instances that name the source (through `role`, when given), each once. */
  references(source: AssociationSource, options: ReferenceOptions = {}): CimInstance[] {
    const associations = this.associationStates(options.associationClass);
    const results: CimInstance[] = [];
    for (const link of this.links(source, associations, options.role)) {
      if (!results.includes(link.instance)) results.push(link.instance);
    }
    return results;
  }

  /** The machine name the fill and `%COMPUTERNAME%` used. */
  get computerName(): string {
    return this.machineName;
  }

  /** Names of all classes, as the schema spells them. */
  classNames(): string[] {
    return [...this.schema.classes.values()].map((def) => def.name);
  }

  // ---- internals ----

  private state(className: string): ClassState {
    const state = this.classes.get(className.toLowerCase());
    if (!state) throw fail(CIM_ERRORS.unknownClass, `The class ${className} does not exist in the ${CIM_NAMESPACE} namespace.`);
    return state;
  }

  private mutableState(className: string): ClassState {
    const state = this.state(className);
    if (state.compute) throw fail(CIM_ERRORS.notCapable, `instances of ${state.def.name} are computed and cannot be changed`);
    if (state.def.association) throw fail(CIM_ERRORS.notCapable, `${state.def.name} is an association; its instances cannot be changed`);
    return state;
  }

  /**
   * The instances of a class. An association instance is served only while every instance it
   * names exists (a deleted service takes its dependency links with it).
   */
  private instancesOf(state: ClassState): readonly CimInstance[] {
    const instances = readInstances(state);
    if (!state.def.association || state.compute) return instances;
    const references = state.def.properties.filter((p) => p.type === 'reference');
    return instances.filter((instance) =>
      references.every((property) => {
        const value = instance.properties.get(property.name) ?? null;
        return !isCimReference(value) || this.resolve(value) !== undefined;
      }),
    );
  }

  /** The instance a reference names, with its class, or undefined when it no longer exists. */
  private resolve(reference: CimReference): { def: CimClassDef; instance: CimInstance } | undefined {
    const state = this.classes.get(reference.className.toLowerCase());
    if (!state) return undefined;
    const instance = this.instancesOf(state).find((candidate) => sameReference(referenceTo(state.def, candidate), reference));
    return instance ? { def: state.def, instance } : undefined;
  }

  /** The spelling the schema gives a class name, or a superclass name a class of the schema derives from. */
  private knownClassName(className: string, what: string): string {
    const lower = className.toLowerCase();
    for (const state of this.classes.values()) {
      const known = state.def.lineage.find((name) => name.toLowerCase() === lower);
      if (known !== undefined) return known;
    }
    throw fail(CIM_ERRORS.invalidAssociationFilter, `the ${what} ${className} does not exist in the ${CIM_NAMESPACE} namespace`);
  }

  /** The association classes an association filter may traverse: all, or those of `associationClass`. */
  private associationStates(associationClass: string | undefined): ClassState[] {
    const all = [...this.classes.values()].filter((state) => state.def.association);
    if (associationClass === undefined) return all;
    const name = this.knownClassName(associationClass, 'association class');
    const matching = all.filter((state) => isClassOf(state.def, name));
    if (matching.length === 0) throw fail(CIM_ERRORS.invalidAssociationFilter, `${name} is not an association class`);
    return matching;
  }

  /** Association instances naming the source instance, with the reference property that names it. */
  private links(source: AssociationSource, associations: readonly ClassState[], role: string | undefined): Link[] {
    const sourceState = this.state(source.className);
    const target = referenceTo(sourceState.def, this.locate(sourceState, source.selectors).instance);
    const wantedRole = role?.toLowerCase();
    const links: Link[] = [];
    for (const state of associations) {
      const roles = state.def.properties.filter(
        (p) => p.type === 'reference' && (wantedRole === undefined || p.name.toLowerCase() === wantedRole) && isClassOf(sourceState.def, p.referenceClass ?? ''),
      );
      if (roles.length === 0) continue;
      for (const instance of this.instancesOf(state)) {
        for (const property of roles) {
          const value = instance.properties.get(property.name) ?? null;
          if (isCimReference(value) && sameReference(value, target)) links.push({ state, instance, role: property });
        }
      }
    }
    return links;
  }

  /** Drops a __cimnamespace selector naming this namespace; refuses one naming another. */
  private withoutNamespace(selectors: readonly Selector[]): Selector[] {
    return selectors.filter((selector) => {
      if (selector.name.toLowerCase() !== CIM_NAMESPACE_SELECTOR) return true;
      const namespace = selector.value.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
      if (namespace !== CIM_NAMESPACE) throw fail(CIM_ERRORS.otherNamespace, `__cimnamespace ${selector.value} is not ${CIM_NAMESPACE}`);
      return false;
    });
  }

  /** Converts selectors to key values: names without case, every key exactly once, values of the key type. */
  private keyValues(def: CimClassDef, selectors: readonly Selector[]): Map<string, CimValue> {
    const values = new Map<string, CimValue>();
    for (const selector of this.withoutNamespace(selectors)) {
      const key = def.keys.find((k) => k.name.toLowerCase() === selector.name.toLowerCase());
      if (!key) {
        const why = def.singleton ? `${def.name} is a singleton and takes no selectors` : `${selector.name} is not a key of ${def.name}`;
        throw fail(CIM_ERRORS.invalidSelectors, why);
      }
      if (values.has(key.name)) throw fail(CIM_ERRORS.invalidSelectors, `selector ${key.name} appears twice`);
      try {
        values.set(key.name, parseCimText(key.type, selector.value));
      } catch (error) {
        if (!(error instanceof CimValueError)) throw error;
        throw fail(CIM_ERRORS.invalidSelectors, `selector ${key.name}: ${error.message}`);
      }
    }
    for (const key of def.keys) {
      if (!values.has(key.name)) {
        const keys = def.keys.map((k) => k.name).join(', ');
        throw fail(CIM_ERRORS.invalidSelectors, `selector ${key.name} is missing (keys of ${def.name}: ${keys})`);
      }
    }
    return values;
  }

  private locate(state: ClassState, selectors: readonly Selector[]): Located {
    const keys = this.keyValues(state.def, selectors);
    const instances = this.instancesOf(state);
    let index: number;
    const wanted = stringKeysIdentity(state.def, keys);
    // A held list (not computed, not filtered) is looked up by its string keys; anything else is scanned.
    if (wanted !== undefined && instances === state.instances) {
      index = positionsByStringKeys(state.def, instances).get(wanted) ?? -1;
    } else {
      const matchers = [...keys].map(([name, value]) => keyMatcher(name, value));
      index = instances.findIndex((instance) => matchers.every((matches) => matches(instance)));
    }
    const instance = instances[index];
    if (!instance) {
      const named = [...keys].map(([name, value]) => `${name}=${value === null ? '' : scalarText(value as CimScalar)}`).join(', ');
      throw fail(CIM_ERRORS.instanceNotFound, `no instance of ${state.def.name}${named ? ` with ${named}` : ''}`);
    }
    return { instance, index };
  }

  /** Put/Create body values by property; unknown names, duplicates and bad values are refused. */
  private representation(def: CimClassDef, values: PropertyTexts): [CimPropertyDef, CimValue][] {
    const converted: [CimPropertyDef, CimValue][] = [];
    for (const [name, text] of values) {
      const property = findProperty(def, name);
      if (!property) throw fail(CIM_ERRORS.invalidRepresentation, `class ${def.name} has no property ${name}`);
      if (converted.some(([seen]) => seen === property)) throw fail(CIM_ERRORS.invalidRepresentation, `property ${property.name} is given twice`);
      try {
        converted.push([property, valueFromTexts(property, text)]);
      } catch (error) {
        if (!(error instanceof CimValueError)) throw error;
        throw fail(CIM_ERRORS.invalidRepresentation, `property ${property.name}: ${error.message}`);
      }
    }
    return converted;
  }

  private methodInput(method: CimMethodDef, input: PropertyTexts): Map<string, CimValue> {
    const values = new Map<string, CimValue>(method.inParameters.map((p) => [p.name, null]));
    for (const [name, text] of input) {
      const parameter = method.inParameters.find((p) => p.name === name);
      if (!parameter) {
        const known = method.inParameters.map((p) => p.name).join(', ') || 'none';
        throw fail(CIM_ERRORS.unknownParameter, `${method.name} has no in parameter ${name} (names are case-sensitive; parameters: ${known})`);
      }
      try {
        values.set(parameter.name, valueFromTexts(parameter, text));
      } catch (error) {
        if (!(error instanceof CimValueError)) throw error;
        throw fail(CIM_ERRORS.parameterType, `parameter ${name}: ${error.message}`);
      }
    }
    return values;
  }

  private assertNew(state: ClassState, instance: CimInstance): void {
    const identity = keyIdentity(state.def, instance);
    if (state.def.singleton ? state.instances.length > 0 : state.instances.some((other) => keyIdentity(state.def, other) === identity)) {
      throw fail(CIM_ERRORS.alreadyExists, `an instance of ${state.def.name} with these keys exists`);
    }
  }

  private applyMethodResult(state: ClassState, located: Located | undefined, result: MethodResult): void {
    if (!result.updated && !result.added && !result.removed) return;
    if (state.compute) throw fail(CIM_ERRORS.notCapable, `instances of ${state.def.name} are computed and cannot be changed`);
    let instances = [...state.instances];
    if (result.updated && located) instances[located.index] = result.updated;
    if (result.removed) instances = instances.filter((instance) => instance !== result.removed);
    if (result.added) {
      this.assertNew(state, result.added);
      instances.push(result.added);
    }
    this.commit(state, instances);
  }

  private usedProcessIds(): number[] {
    const ids: number[] = [];
    for (const name of ['win32_process', 'win32_service']) {
      const state = this.classes.get(name);
      if (!state) continue;
      for (const instance of this.instancesOf(state)) {
        const id = processIdOf(instance, state.def);
        if (id !== undefined) ids.push(id);
      }
    }
    return ids;
  }

  /** Saves first (when persisting), then swaps the class's instances: a failed save changes nothing. */
  private commit(state: ClassState, instances: readonly CimInstance[]): void {
    if (this.saveDir !== undefined) {
      const lower = state.def.name.toLowerCase();
      const file = this.savePaths.get(lower) ?? path.join(this.saveDir, `${state.def.name}.json`);
      try {
        writeInstanceFileAtomic(file, instances);
      } catch (error) {
        throw fail(CIM_ERRORS.saveFailed, new Error(`cannot save ${file}: ${(error as Error).message}`, { cause: error }));
      }
      this.savePaths.set(lower, file);
    }
    state.instances = instances;
    this.digest = undefined;
  }
}

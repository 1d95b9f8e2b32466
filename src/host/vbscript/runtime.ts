/**
 * What compiled VBScript runs on: variables (cells, so that ByRef arguments share them),
 * procedure frames, user procedures, classes and their instances (SyncDispatch objects, so
 * that COM and GetRef callers can use them), the Err object, and late-bound member access.
 */
import { DISPATCH_METHOD, DISPATCH_PROPERTYGET, DISPATCH_PROPERTYPUT, DISPATCH_PROPERTYPUTREF, MISSING_ARGUMENT, type DispatchMember, type SyncDispatch, type Variant } from '../../automation/dispatch/contract';
import { errorNamed } from '../../core/errors/error-table';
import { ComError } from '../../core/errors/wsman-error';
import { asVbsError, E, RUNTIME_SOURCE, runtimeText, VbsError, vbsError } from './errors';
import { fromCom, isObjectValue, NOTHING, toCom, toLong, toStr, VbArray, VbErrorValue, type Value } from './values';

export interface Ref {
  v: Value;
}

export class Cell implements Ref {
  constructor(
    public v: Value,
    readonly constant = false,
  ) {}
}

/** An array element passed ByRef. */
export class ElementRef implements Ref {
  constructor(
    private readonly array: VbArray,
    private readonly offset: number,
  ) {}

  get v(): Value {
    return this.array.data[this.offset];
  }

  set v(value: Value) {
    this.array.data[this.offset] = value;
  }
}

/** What Exit leaves, as statements return it. */
export const NORMAL = 0;
export const EXIT_FOR = 1;
export const EXIT_DO = 2;
export const EXIT_PROC = 3;
export type Completion = number;

export class Frame {
  resumeNext = false;
  readonly withObjects: Value[] = [];
  /** Implicit locals and those Execute declared. */
  dynamic: Map<string, Cell> | undefined;

  constructor(
    readonly vars: Ref[],
    readonly me: VbsInstance | undefined,
  ) {}
}

/** Arrays are values: assignment and ByVal copy them. */
export function copyValue(value: Value): Value {
  return value instanceof VbArray ? new VbArray([...value.bounds], value.data.map(copyValue), false) : value;
}

export const MISSING = new VbErrorValue(0x80020004);

// ------------------------------------------------------------------------------------------
// Procedures

export interface ProcedureShape {
  readonly kind: 'sub' | 'function' | 'get' | 'let' | 'set';
  readonly key: string;
  readonly text: string;
  readonly byVal: readonly boolean[];
  readonly isPublic: boolean;
  readonly isDefault: boolean;
}

const MAX_DEPTH = 3000;

export class Procedure {
  slotCount = 0;
  body: (f: Frame) => Completion = () => NORMAL;

  constructor(
    readonly shape: ProcedureShape,
    private readonly machine: Machine,
  ) {}

  get text(): string {
    return this.shape.text;
  }

  call(args: readonly Ref[], me: VbsInstance | undefined): Value {
    const { byVal } = this.shape;
    if (args.length !== byVal.length) throw vbsError(E.WRONG_ARGUMENTS, this.shape.text);
    const vars: Ref[] = new Array(this.slotCount);
    vars[0] = new Cell(undefined);
    for (let i = 0; i < byVal.length; i++) {
      const arg = args[i];
      vars[i + 1] = byVal[i] || arg.v === MISSING ? new Cell(copyValue(arg.v === MISSING ? undefined : arg.v)) : arg;
    }
    for (let i = byVal.length + 1; i < vars.length; i++) vars[i] = new Cell(undefined);
    const machine = this.machine;
    if (++machine.depth > MAX_DEPTH) {
      machine.depth = 0;
      throw vbsError(E.OUT_OF_STACK, this.shape.text);
    }
    try {
      this.body(new Frame(vars, me));
    } finally {
      machine.depth--;
    }
    return vars[0].v;
  }

  callWithValues(values: readonly Value[], me: VbsInstance | undefined): Value {
    return this.call(
      values.map((v) => new Cell(v)),
      me,
    );
  }
}

// ------------------------------------------------------------------------------------------
// Classes

export class ClassInfo {
  readonly fieldIndex = new Map<string, { readonly index: number; readonly isPublic: boolean }>();
  readonly fieldInits: ((f: Frame) => Value)[] = [];
  readonly methods = new Map<string, Procedure>();
  readonly getters = new Map<string, Procedure>();
  readonly letters = new Map<string, Procedure>();
  readonly setters = new Map<string, Procedure>();
  defaultKey: string | undefined;
  /** Public member names in a fixed order: DISPID = index + 1. */
  readonly dispNames: string[] = [];

  constructor(
    readonly key: string,
    readonly text: string,
  ) {}

  hasMember(key: string): boolean {
    return this.fieldIndex.has(key) || this.methods.has(key) || this.getters.has(key) || this.letters.has(key) || this.setters.has(key);
  }

  isPublic(key: string): boolean {
    const field = this.fieldIndex.get(key);
    if (field) return field.isPublic;
    const proc = this.methods.get(key) ?? this.getters.get(key) ?? this.letters.get(key) ?? this.setters.get(key);
    return proc?.shape.isPublic ?? false;
  }
}

export class VbsInstance implements SyncDispatch {
  readonly fields: Cell[];
  terminated = false;

  constructor(readonly info: ClassInfo) {
    this.fields = info.fieldInits.map(() => new Cell(undefined));
  }

  get typeName(): string {
    return this.info.text;
  }

  GetIDsOfNames(names: readonly string[]): number[] {
    return names.map((name) => {
      const key = name.toLowerCase();
      if (!this.info.hasMember(key) || !this.info.isPublic(key)) throw new ComError(errorNamed('DISP_E_UNKNOWNNAME'));
      return this.info.dispNames.indexOf(key) + 1;
    });
  }

  describe(dispid: number): DispatchMember {
    const key = dispid === 0 ? this.info.defaultKey : this.info.dispNames[dispid - 1];
    if (key === undefined) throw new ComError(errorNamed('DISP_E_MEMBERNOTFOUND'));
    const kinds = new Set<'method' | 'propget' | 'propput'>();
    if (this.info.methods.has(key)) kinds.add('method');
    if (this.info.getters.has(key) || this.info.fieldIndex.has(key)) kinds.add('propget');
    if (this.info.letters.has(key) || this.info.setters.has(key) || this.info.fieldIndex.has(key)) kinds.add('propput');
    return { name: key, dispid, kinds, params: [], minArgs: 0, maxArgs: 255 };
  }

  members(): readonly DispatchMember[] {
    return this.info.dispNames.map((_, i) => this.describe(i + 1));
  }

  Invoke(dispid: number, flags: number, args: readonly Variant[]): Variant {
    const key = dispid === 0 ? this.info.defaultKey : this.info.dispNames[dispid - 1];
    if (key === undefined) throw new ComError(errorNamed('DISP_E_MEMBERNOTFOUND'));
    const values = args.map(fromCom);
    try {
      if (flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF)) {
        const value = values.pop();
        instancePut(this, key, values, value, (flags & DISPATCH_PROPERTYPUTREF) !== 0, false);
        return undefined;
      }
      return toCom(instanceGet(this, key, values.map((v) => new Cell(v)), false)) as Variant;
    } catch (error) {
      const failure = asVbsError(error);
      throw new ComError({ name: 'VBS', hresult: failure.number < 0 ? failure.number >>> 0 : (0x800a0000 | failure.number) >>> 0, message: failure.description }, { source: failure.source });
    }
  }
}

/** `inst.key(args)`: a field, a Function/Sub, or a Property Get. `inside`: from the class's own code, where Private members count. */
export function instanceGet(instance: VbsInstance, key: string, args: readonly Ref[], inside: boolean): Value {
  const { info } = instance;
  if (!inside && !info.isPublic(key)) throw vbsError(E.MEMBER_NOT_SUPPORTED, key);
  const field = info.fieldIndex.get(key);
  if (field) {
    const value = instance.fields[field.index].v;
    return args.length === 0 ? value : indexValue(value, args.map((a) => a.v), key);
  }
  const proc = info.methods.get(key) ?? info.getters.get(key);
  if (proc) return proc.call(args, instance);
  throw vbsError(E.MEMBER_NOT_SUPPORTED, key);
}

export function instancePut(instance: VbsInstance, key: string, args: readonly Value[], value: Value, set: boolean, inside: boolean): void {
  const { info } = instance;
  if (!inside && !info.isPublic(key)) throw vbsError(E.MEMBER_NOT_SUPPORTED, key);
  const field = info.fieldIndex.get(key);
  if (field) {
    const cell = instance.fields[field.index];
    if (args.length === 0) cell.v = copyValue(value);
    else storeIndexed(cell.v, args, value, set, key);
    return;
  }
  const proc = set ? (info.setters.get(key) ?? info.letters.get(key)) : (info.letters.get(key) ?? info.setters.get(key));
  if (!proc) throw vbsError(info.getters.has(key) ? E.WRONG_ARGUMENTS : E.MEMBER_NOT_SUPPORTED, key);
  proc.call([...args, value].map((v) => new Cell(v)), instance);
}

// ------------------------------------------------------------------------------------------
// Late-bound access to any object

function comArgs(args: readonly Value[]): unknown[] {
  return args.map((arg) => (arg === MISSING ? MISSING_ARGUMENT : toCom(arg)));
}

function dispidOf(object: SyncDispatch, name: string): number {
  try {
    return object.GetIDsOfNames([name])[0];
  } catch (error) {
    throw asVbsError(error);
  }
}

function invoke(object: SyncDispatch, dispid: number, flags: number, args: readonly unknown[]): Value {
  try {
    return fromCom(object.Invoke(dispid, flags, args as Variant[]));
  } catch (error) {
    throw asVbsError(error);
  }
}

function objectOf(value: Value, display: string): SyncDispatch {
  if (value === NOTHING) throw vbsError(E.OBJECT_NOT_SET, display);
  if (!isObjectValue(value)) throw vbsError(E.OBJECT_REQUIRED, display);
  return value;
}

/** `obj.name(args)` read or called; `statement`: a Sub call (DISPATCH_METHOD) rather than a value. */
export function memberGet(object: Value, name: string, key: string, args: readonly Ref[], statement: boolean, display: string): Value {
  const target = objectOf(object, display);
  if (target instanceof VbsInstance) {
    try {
      return instanceGet(target, key, args, false);
    } catch (error) {
      if (error instanceof VbsError && error.number === E.MEMBER_NOT_SUPPORTED) error.suffix = `${display}.${name}`;
      throw error;
    }
  }
  let dispid: number;
  try {
    dispid = dispidOf(target, name);
  } catch (error) {
    if (error instanceof VbsError && error.number === E.MEMBER_NOT_SUPPORTED) error.suffix = `${display}.${name}`;
    throw error;
  }
  return invoke(target, dispid, statement ? DISPATCH_METHOD : DISPATCH_METHOD | DISPATCH_PROPERTYGET, comArgs(args.map((a) => a.v)));
}

export function memberPut(object: Value, name: string, key: string, args: readonly Value[], value: Value, set: boolean, display: string): void {
  const target = objectOf(object, display);
  if (target instanceof VbsInstance) {
    instancePut(target, key, args, value, set, false);
    return;
  }
  const dispid = dispidOf(target, name);
  invoke(target, dispid, set ? DISPATCH_PROPERTYPUTREF : DISPATCH_PROPERTYPUT, comArgs([...args, value]));
}

/** `v(args)` where v is a value: an array element or an object's default member. */
export function indexValue(value: Value, args: readonly Value[], display: string): Value {
  if (value instanceof VbArray) {
    if (args.length === 1 && value.bounds.length === 1) {
      const index = toLong(args[0]);
      if (index < 0 || index > value.bounds[0]) throw vbsError(E.SUBSCRIPT, display);
      return value.data[index];
    }
    return value.data[arrayOffset(value, args, display)];
  }
  if (value === NOTHING) throw vbsError(E.OBJECT_NOT_SET, display);
  if (isObjectValue(value)) return invoke(value, 0, DISPATCH_METHOD | DISPATCH_PROPERTYGET, comArgs(args));
  if (args.length === 0) return value;
  throw vbsError(E.TYPE_MISMATCH, display);
}

export function arrayOffset(array: VbArray, args: readonly Value[], display: string): number {
  try {
    return array.offset(args.map(toLong));
  } catch (error) {
    if (error instanceof VbsError) error.suffix ??= display;
    throw error;
  }
}

/** `v(args) = value`: an array element or the default property of an object. */
export function storeIndexed(target: Value, args: readonly Value[], value: Value, set: boolean, display: string): void {
  if (target instanceof VbArray) {
    target.data[arrayOffset(target, args, display)] = copyValue(value);
    return;
  }
  if (target === NOTHING) throw vbsError(E.OBJECT_NOT_SET, display);
  if (!isObjectValue(target)) throw vbsError(E.TYPE_MISMATCH, display);
  if (target instanceof VbsInstance) {
    const key = target.info.defaultKey;
    if (key === undefined) throw vbsError(E.MEMBER_NOT_SUPPORTED, display);
    instancePut(target, key, args, value, set, false);
    return;
  }
  invoke(target, 0, set ? DISPATCH_PROPERTYPUTREF : DISPATCH_PROPERTYPUT, comArgs([...args, value]));
}

// ------------------------------------------------------------------------------------------
// The Err object

export class ErrObject implements SyncDispatch {
  readonly typeName = 'ErrObject';
  number = 0;
  description = '';
  source = '';
  helpFile = '';
  helpContext = 0;
  static readonly NAMES = ['number', 'description', 'source', 'helpfile', 'helpcontext', 'clear', 'raise'];

  set(error: VbsError): void {
    this.number = error.number;
    this.description = error.description;
    this.source = error.source;
  }

  clear(): void {
    this.number = 0;
    this.description = '';
    this.source = '';
    this.helpFile = '';
    this.helpContext = 0;
  }

  raise(args: readonly Value[]): never {
    if (args.length === 0 || args[0] === MISSING) throw vbsError(E.NOT_OPTIONAL);
    const number = toLong(args[0]);
    const given = (i: number): string | undefined => (args.length > i && args[i] !== MISSING && args[i] !== undefined ? toStr(args[i]) : undefined);
    const isEngineNumber = number > 0 && number <= 65535;
    const description = given(2) ?? (isEngineNumber ? runtimeText(number) : '');
    const error = new VbsError(number, description, given(1) ?? RUNTIME_SOURCE);
    throw error;
  }

  GetIDsOfNames(names: readonly string[]): number[] {
    return names.map((name) => {
      const index = ErrObject.NAMES.indexOf(name.toLowerCase());
      if (index < 0) throw new ComError(errorNamed('DISP_E_UNKNOWNNAME'));
      return index === 0 ? 0 : index + 1;
    });
  }

  describe(dispid: number): DispatchMember {
    const name = ErrObject.NAMES[dispid === 0 ? 0 : dispid - 1];
    if (!name) throw new ComError(errorNamed('DISP_E_MEMBERNOTFOUND'));
    const kinds = new Set<'method' | 'propget' | 'propput'>(name === 'clear' || name === 'raise' ? ['method'] : ['propget', 'propput']);
    return { name, dispid, kinds, params: [], minArgs: 0, maxArgs: 5 };
  }

  members(): readonly DispatchMember[] {
    return ErrObject.NAMES.map((_, i) => this.describe(i === 0 ? 0 : i + 1));
  }

  Invoke(dispid: number, flags: number, args: readonly Variant[]): Variant {
    const name = ErrObject.NAMES[dispid === 0 ? 0 : dispid - 1];
    const values = args.map(fromCom);
    if (flags & DISPATCH_PROPERTYPUT) {
      const value = values[values.length - 1];
      switch (name) {
        case 'number':
          this.number = toLong(value);
          if (this.description === '' && this.number > 0 && this.number <= 65535) this.description = runtimeText(this.number);
          return undefined;
        case 'description':
          this.description = toStr(value);
          return undefined;
        case 'source':
          this.source = toStr(value);
          return undefined;
        case 'helpfile':
          this.helpFile = toStr(value);
          return undefined;
        case 'helpcontext':
          this.helpContext = toLong(value);
          return undefined;
        default:
          throw vbsError(E.WRONG_ARGUMENTS);
      }
    }
    switch (name) {
      case 'number':
        return this.number;
      case 'description':
        return this.description;
      case 'source':
        return this.source;
      case 'helpfile':
        return this.helpFile;
      case 'helpcontext':
        return this.helpContext;
      case 'clear':
        this.clear();
        return undefined;
      case 'raise':
        return this.raise(values);
      default:
        throw new ComError(errorNamed('DISP_E_MEMBERNOTFOUND'));
    }
  }
}

/** A procedure as an object (GetRef): calling its default member runs it. */
export class ProcedureReference implements SyncDispatch {
  readonly typeName = 'Object';

  constructor(private readonly procedure: Procedure) {}

  GetIDsOfNames(): number[] {
    throw new ComError(errorNamed('DISP_E_UNKNOWNNAME'));
  }

  describe(dispid: number): DispatchMember {
    if (dispid !== 0) throw new ComError(errorNamed('DISP_E_MEMBERNOTFOUND'));
    return { name: this.procedure.text, dispid: 0, kinds: new Set(['method']), params: [], minArgs: 0, maxArgs: 255 };
  }

  members(): readonly DispatchMember[] {
    return [this.describe(0)];
  }

  Invoke(dispid: number, _flags: number, args: readonly Variant[]): Variant {
    if (dispid !== 0) throw new ComError(errorNamed('DISP_E_MEMBERNOTFOUND'));
    return toCom(this.procedure.callWithValues(args.map(fromCom), undefined)) as Variant;
  }
}

/** The interpreter's state shared by all compiled code. */
export class Machine {
  readonly globals = new Map<string, Cell>();
  readonly procs = new Map<string, Procedure>();
  readonly classes = new Map<string, ClassInfo>();
  readonly err = new ErrObject();
  /** Instances not yet terminated, for Class_Terminate at the end of the script. */
  readonly instances = new Set<VbsInstance>();
  optionExplicit = false;
  depth = 0;

  newInstance(info: ClassInfo, f: Frame): VbsInstance {
    const instance = new VbsInstance(info);
    info.fieldInits.forEach((init, i) => (instance.fields[i].v = init(f)));
    this.instances.add(instance);
    const initialize = info.methods.get('class_initialize');
    if (initialize) initialize.call([], instance);
    return instance;
  }

  terminate(instance: VbsInstance): void {
    if (instance.terminated) return;
    instance.terminated = true;
    this.instances.delete(instance);
    const terminate = instance.info.methods.get('class_terminate');
    if (terminate) terminate.call([], instance);
  }

  terminateAll(): void {
    for (const instance of [...this.instances]) this.terminate(instance);
  }
}

export { DISPATCH_METHOD, DISPATCH_PROPERTYGET };

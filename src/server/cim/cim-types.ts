/**
 * The data model of the emulated CIM store: class definitions as the schema file declares
 * them, and instances as property name → typed value.
 */
import type { Selector } from '../../core/session/resource-uri';

export type { Selector };

/**
 * The CIM types the schema may use: the intrinsic types, and `reference` (a property of an
 * association naming an instance of its `referenceClass`). No embedded objects.
 */
export const CIM_TYPES = [
  'string',
  'boolean',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'sint8',
  'sint16',
  'sint32',
  'sint64',
  'real32',
  'real64',
  'datetime',
  'char16',
  'reference',
] as const;

export type CimType = (typeof CIM_TYPES)[number];

/**
 * One value: uint64/sint64 are `bigint` (exact beyond 2^53), the other integers and reals
 * `number`, datetime a DMTF string (`yyyymmddHHMMSS.mmmmmmsUUU` or an interval
 * `ddddddddHHMMSS.mmmmmm:000`), char16 a one-character string.
 */
export type CimScalar = string | number | boolean | bigint;

/**
 * The value of a reference property: the instance it names, by its concrete class (a
 * `referenceClass` such as Win32_BaseService resolves to the class the instance belongs to,
 * Win32_Service) and its key values in that class's key order and spelling. A key may itself be
 * a reference (an association instance named by its own references).
 */
export interface CimReference {
  readonly className: string;
  readonly keys: readonly CimReferenceKey[];
}

export interface CimReferenceKey {
  readonly name: string;
  readonly value: CimScalar | CimReference;
}

export type CimValue = CimScalar | CimScalar[] | CimReference | null;

/** True for the value of a reference property. */
export function isCimReference(value: CimValue | undefined): value is CimReference {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface CimPropertyDef {
  readonly name: string;
  readonly type: CimType;
  readonly array: boolean;
  readonly key: boolean;
  /** Put may change it (WMI's `write` qualifier). Keys are never writable. */
  readonly writable: boolean;
  /** For type `reference` only: the class (or a superclass) of the instances it may name. */
  readonly referenceClass?: string;
}

export interface CimParameterDef {
  readonly name: string;
  readonly type: CimType;
  readonly array: boolean;
}

export interface CimMethodDef {
  readonly name: string;
  /** Invoked on the class, not on an instance (Win32_Process.Create). */
  readonly isStatic: boolean;
  readonly inParameters: readonly CimParameterDef[];
  /** Out parameters, ReturnValue excluded. */
  readonly outParameters: readonly CimParameterDef[];
  readonly returnType: CimType;
}

export interface CimClassDef {
  readonly name: string;
  readonly namespace: string;
  readonly superclass?: string;
  /**
   * The class's own name, then its superclasses nearest first, as far as they are known: the
   * schema's chain plus the first superclass it does not define (Win32_Service, Win32_BaseService).
   */
  readonly lineage: readonly string[];
  readonly singleton: boolean;
  /** An association class: its instances link other instances through reference properties. */
  readonly association: boolean;
  /** Own and inherited properties, sorted by name without case (the order WMI serializes). */
  readonly properties: readonly CimPropertyDef[];
  readonly keys: readonly CimPropertyDef[];
  readonly methods: readonly CimMethodDef[];
  /** Lower-cased name → property; WMI names compare without case. */
  readonly propertyIndex: ReadonlyMap<string, CimPropertyDef>;
  readonly methodIndex: ReadonlyMap<string, CimMethodDef>;
}

export interface CimInstance {
  /** The class name as the schema spells it. */
  readonly className: string;
  /** Every property of the class under its schema spelling; absent values are null. */
  readonly properties: ReadonlyMap<string, CimValue>;
}

/** Property values as they arrive in XML: element text, null for xsi:nil, arrays for repeated elements. */
export type PropertyTexts = ReadonlyMap<string, string | null | readonly string[]>;

export interface CimMethodOutput {
  readonly className: string;
  /** The method name as the schema spells it. */
  readonly method: string;
  /** Out parameters and ReturnValue. */
  readonly values: ReadonlyMap<string, CimValue>;
  /** Definitions of the entries of `values`, so the XML can tell a datetime from a string. */
  readonly parameters: readonly CimParameterDef[];
}

export interface CimStoreOptions {
  /** Defaults to `<repo>/data/cim/schema.json`. */
  readonly schemaFile?: string;
  /** Defaults to `<repo>/data/cim/instances`. */
  readonly instancesDir?: string;
  /** When set, changed classes are saved to `<dataDir>/cim/<Class>.json` and preferred at the next load. */
  readonly dataDir?: string;
  /** Overrides the host name the machine fill and `%COMPUTERNAME%` use. */
  readonly machineName?: string;
}

export interface WqlResult {
  readonly className: string;
  readonly instances: CimInstance[];
  /** Schema spellings of the selected properties, or '*'. */
  readonly properties: string[] | '*';
}

/** Whether the class is `className` or derives from it (names without case). */
export function isClassOf(classDef: CimClassDef, className: string): boolean {
  const lower = className.toLowerCase();
  return classDef.lineage.some((name) => name.toLowerCase() === lower);
}

export function findProperty(classDef: CimClassDef, name: string): CimPropertyDef | undefined {
  return classDef.propertyIndex.get(name.toLowerCase());
}

export function findMethod(classDef: CimClassDef, name: string): CimMethodDef | undefined {
  return classDef.methodIndex.get(name.toLowerCase());
}

/** Case-insensitive ordering of property names, the order WMI serializes them. */
export function compareNames(a: string, b: string): number {
  const lowerA = a.toLowerCase();
  const lowerB = b.toLowerCase();
  if (lowerA !== lowerB) return lowerA < lowerB ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Scripting.Dictionary (scrrun.dll): keys in insertion order, Item the default member (a read of
 * a missing key adds it with Empty, as Windows does), CompareMode binary or text, For Each over
 * the keys. DISPIDs as scrrun's type library numbers them.
 */
import { DISPID_VALUE, type SyncDispatch, type Variant } from '../../automation/dispatch/contract';
import { hostDispatch } from './host-dispatch';
import { runtimeError } from './runtime-errors';
import { toNumber } from './variants';

const BINARY_COMPARE = 0;
const TEXT_COMPARE = 1;

const objectKeys = new WeakMap<object, number>();
let nextObjectKey = 1;

/** A Map key for a VARIANT: numbers by value whatever their subtype, strings by CompareMode, objects by identity. */
function keyOf(key: Variant, compareMode: number): string {
  if (Array.isArray(key)) throw runtimeError(13);
  if (key === undefined) return 'e:';
  if (key === null) return 'n:';
  if (typeof key === 'number') return `#:${key}`;
  if (typeof key === 'boolean') return `b:${key}`;
  if (typeof key === 'string') return `s:${compareMode === BINARY_COMPARE ? key : key.toLowerCase()}`;
  if (key instanceof Date) return `d:${key.getTime()}`;
  let id = objectKeys.get(key);
  if (id === undefined) objectKeys.set(key, (id = nextObjectKey++));
  return `o:${id}`;
}

interface Entry {
  key: Variant;
  item: Variant;
}

export function createDictionary(beforeInvoke?: () => void): SyncDispatch {
  let compareMode = BINARY_COMPARE;
  let entries = new Map<string, Entry>();
  const find = (key: Variant): Entry | undefined => entries.get(keyOf(key, compareMode));
  const store = (key: Variant, item: Variant): void => {
    const entry = find(key);
    if (entry) entry.item = item;
    else entries.set(keyOf(key, compareMode), { key, item });
  };
  const read = (key: Variant): Variant => {
    const entry = find(key);
    if (entry) return entry.item;
    store(key, undefined);
    return undefined;
  };
  return hostDispatch({
    typeName: 'Dictionary',
    beforeInvoke,
    members: {
      Item: { dispid: DISPID_VALUE, params: ['Key'], get: read, put: store, putRef: store },
      Add: {
        dispid: 1,
        params: ['Key', 'Item'],
        call: (key: Variant, item: Variant) => {
          if (find(key)) throw runtimeError(457);
          store(key, item);
        },
      },
      Count: { dispid: 2, get: () => entries.size },
      Exists: { dispid: 3, params: ['Key'], call: (key: Variant) => find(key) !== undefined },
      Items: { dispid: 4, call: () => [...entries.values()].map((entry) => entry.item) },
      Key: {
        dispid: 5,
        params: ['Key'],
        put: (key: Variant, newKey: Variant) => {
          const oldId = keyOf(key, compareMode);
          const entry = entries.get(oldId);
          if (!entry) throw runtimeError(32811);
          const newId = keyOf(newKey, compareMode);
          if (newId === oldId) return;
          if (entries.has(newId)) throw runtimeError(457);
          // The renamed entry keeps its place in the order.
          entries = new Map([...entries].map(([id, value]) => (id === oldId ? [newId, { key: newKey, item: value.item }] : [id, value])));
        },
      },
      Remove: {
        dispid: 6,
        params: ['Key'],
        call: (key: Variant) => {
          if (!entries.delete(keyOf(key, compareMode))) throw runtimeError(32811);
        },
      },
      RemoveAll: { dispid: 7, call: () => entries.clear() },
      Keys: { dispid: 8, call: () => [...entries.values()].map((entry) => entry.key) },
      CompareMode: {
        dispid: 9,
        get: () => compareMode,
        put: (mode: Variant) => {
          const value = toNumber(mode);
          if (entries.size > 0 || !Number.isInteger(value) || value < BINARY_COMPARE) throw runtimeError(5);
          compareMode = value === BINARY_COMPARE ? BINARY_COMPARE : TEXT_COMPARE;
        },
      },
    },
    enumerate: () => [...entries.values()].map((entry) => entry.key),
  });
}

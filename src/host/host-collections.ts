/**
 * What JScript's Enumerator walks for WSH's own collections (IEnumVARIANT in the original):
 * WshArguments and Unnamed yield their values, Named its names.
 */
export interface CollectionItems {
  count(): number;
  item(index: number): unknown;
}

const itemsOfHostCollection = new WeakMap<object, CollectionItems>();

export function asHostCollection<T extends object>(collection: T, items: CollectionItems): T {
  itemsOfHostCollection.set(collection, items);
  return collection;
}

export function hostCollectionItems(value: unknown): CollectionItems | undefined {
  return value !== null && (typeof value === 'object' || typeof value === 'function') ? itemsOfHostCollection.get(value) : undefined;
}

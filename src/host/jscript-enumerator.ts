/**
 * JScript's built-in Enumerator: `new Enumerator(collection)` with atEnd(), item(), moveNext()
 * and moveFirst(), over WSH's own collections and over any object with Count and Item (an
 * automation collection). Items are read when the enumerator reaches them.
 */
import { DISPATCH_METHOD, DISPATCH_PROPERTYGET, DISPID_NEWENUM, isVariantEnumerator, lateBound } from '../automation/dispatch';
import { unwrapLateBound } from '../automation/dispatch/late-bound-registry';
import { hostCollectionItems, type CollectionItems } from './host-collections';
import { isSyncDispatch } from './objects/host-dispatch';
import { JSCRIPT_ERROR, type ScriptErrors } from './script-errors';

const EMPTY: CollectionItems = { count: () => 0, item: () => undefined };

/** Count may be a property or a method, depending on the collection's type library. */
function countAndItem(collection: { Count: unknown; Item: (index: number) => unknown }): CollectionItems {
  return {
    count: () => Number(typeof collection.Count === 'function' ? collection.Count() : collection.Count),
    item: (index) => collection.Item(index),
  };
}

/** An object with _NewEnum (DISPID_NEWENUM): its IEnumVARIANT drained once, as JScript's Enumerator does. */
function enumeratedItems(collection: unknown): CollectionItems | undefined {
  const target = unwrapLateBound(collection);
  if (!isSyncDispatch(target) || !target.members().some((member) => member.dispid === DISPID_NEWENUM)) return undefined;
  const enumerator = target.Invoke(DISPID_NEWENUM, DISPATCH_METHOD | DISPATCH_PROPERTYGET, []);
  if (!isVariantEnumerator(enumerator)) return undefined;
  const items = [...enumerator].map((item) => (isSyncDispatch(item) ? lateBound(item) : item));
  return { count: () => items.length, item: (index) => items[index] };
}

function itemsOf(collection: unknown, errors: ScriptErrors): CollectionItems {
  if (collection === undefined) return EMPTY;
  const host = hostCollectionItems(collection) ?? enumeratedItems(collection);
  if (host) return host;
  try {
    const candidate = collection as { Count: unknown; Item: unknown };
    if (candidate.Count !== undefined && typeof candidate.Item === 'function') return countAndItem(candidate as Parameters<typeof countAndItem>[0]);
  } catch {
    // A member lookup that fails (an automation object without Count) means the same as a missing one.
  }
  throw errors.jscript(JSCRIPT_ERROR.NOT_A_COLLECTION);
}

export type EnumeratorConstructor = new (collection?: unknown) => object;

export function enumeratorConstructor(errors: ScriptErrors): EnumeratorConstructor {
  return class Enumerator {
    readonly #items: CollectionItems;
    #index = 0;

    constructor(collection?: unknown) {
      this.#items = itemsOf(collection, errors);
    }

    atEnd(): boolean {
      return this.#index >= this.#items.count();
    }

    /** undefined once the enumerator is past the last item. */
    item(): unknown {
      return this.atEnd() ? undefined : this.#items.item(this.#index);
    }

    moveNext(): void {
      if (!this.atEnd()) this.#index++;
    }

    moveFirst(): void {
      this.#index = 0;
    }
  };
}

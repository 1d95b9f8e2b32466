/**
 * Which values are late-bound proxies, and what stands behind each. Kept apart from the Proxy
 * itself so that argument coercion can unwrap a proxy without depending on the Proxy code.
 */
const targets = new WeakMap<object, object>();

export function registerLateBound(proxy: object, target: object): void {
  targets.set(proxy, target);
}

export function isLateBound(value: unknown): value is object {
  return typeof value === 'object' && value !== null && targets.has(value);
}

/** The automation object (or foreign IDispatch) behind a proxy; any other value as it is. */
export function unwrapLateBound<T>(value: T): T | object {
  return isLateBound(value) ? targets.get(value)! : value;
}

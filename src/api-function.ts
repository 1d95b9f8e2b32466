/** The C API's free functions: each is its engine's method of the same name, resolved at call time. */

type MethodOf<T, K extends keyof T> = T[K] extends (...args: infer A) => infer R ? (...args: A) => R : never;

/** `engine()[name]` as a free function, so the exported wsman.h names keep the engine's signatures without restating them. */
export function apiFunction<T, K extends keyof T>(engine: () => T, name: K): MethodOf<T, K> {
  const call = (...args: unknown[]): unknown => {
    const target = engine();
    return (target[name] as (...parameters: unknown[]) => unknown).apply(target, args);
  };
  return call as MethodOf<T, K>;
}

/**
 * WSH's own objects (WScript, its Arguments and streams) as a script sees them: COM objects,
 * so member names compare without case (`WScript.echo` works), unknown members are JScript
 * error 438, read-only properties refuse assignment, and a default member makes the object
 * callable (`WScript.Arguments(0)`) or gives its value (`String(WScript)`).
 */
import { JSCRIPT_ERROR, type ScriptErrors } from './script-errors';

export type HostMember =
  | { readonly method: (...args: any[]) => unknown }
  | { readonly get: () => unknown; readonly set?: (value: unknown) => void };

export interface HostObjectShape {
  /** Keyed by the documented spelling. */
  readonly members: Readonly<Record<string, HostMember>>;
  /** The default method, for `object(…)`. */
  readonly call?: (...args: any[]) => unknown;
  /** The default property, for the object's value. */
  readonly value?: () => unknown;
}

export interface HostContext {
  readonly errors: ScriptErrors;
  /** Runs at every entry into the host (see ScriptLifetime.checkpoint). */
  readonly checkpoint: () => void;
  /** How a shape becomes the object a script holds; without it, JScript's view (below). VBScript takes a SyncDispatch. */
  readonly objectOf?: (shape: HostObjectShape) => object;
}

export function hostObject(shape: HostObjectShape, context: HostContext): object {
  return context.objectOf ? context.objectOf(shape) : jscriptView(shape, context);
}

function jscriptView(shape: HostObjectShape, context: HostContext): object {
  const gated = <A extends unknown[], R>(body: (...args: A) => R) => (...args: A): R => {
    context.checkpoint();
    return body(...args);
  };
  const members = new Map<string, HostMember>();
  for (const [name, member] of Object.entries(shape.members)) {
    members.set(name.toLowerCase(), 'method' in member ? { method: gated(member.method) } : member);
  }
  const memberNamed = (key: string): HostMember => {
    const member = members.get(key.toLowerCase());
    if (!member) throw context.errors.jscript(JSCRIPT_ERROR.MEMBER_NOT_SUPPORTED);
    return member;
  };
  const { call, value } = shape;
  const toPrimitive = gated(() => {
    if (!value) throw context.errors.jscript(JSCRIPT_ERROR.MEMBER_NOT_SUPPORTED);
    return value();
  });
  // A function target only where there is a default method: only those objects are callable.
  const target = call ? () => undefined : {};
  return new Proxy(target, {
    get(_, key) {
      if (typeof key === 'symbol') return key === Symbol.toPrimitive ? toPrimitive : undefined;
      context.checkpoint();
      const member = memberNamed(key);
      return 'method' in member ? member.method : member.get();
    },
    set(_, key, assigned) {
      if (typeof key === 'symbol') return false;
      context.checkpoint();
      const member = memberNamed(key);
      if ('method' in member || !member.set) throw context.errors.jscript(JSCRIPT_ERROR.INVALID_PROPERTY_ASSIGNMENT);
      member.set(assigned);
      return true;
    },
    has(_, key) {
      return typeof key === 'string' && members.has(key.toLowerCase());
    },
    apply(_, __, args) {
      context.checkpoint();
      return call!(...args);
    },
  });
}

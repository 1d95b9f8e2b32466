/**
 * The host's objects as a JScript script holds them: behind `lateBound` (so `dict.Item("k")`,
 * `dict.Count`, `fso.FileExists(p)` bind at run time), with every failure turned into a script
 * error of the script's realm (`e.number`, `e.description`), as RemoteObjects does for the
 * engine's objects. Objects a call returns are seen the same way.
 */
import { isVariantEnumerator, NOTHING, type DispatchMember, type SyncDispatch, type Variant, type VariantEnumerator } from '../../automation/dispatch/contract';
import { lateBound } from '../../automation/dispatch/late-bound';
import { unwrapLateBound } from '../../automation/dispatch/late-bound-registry';
import { errorNamed } from '../../core/errors/error-table';
import { toUnsigned } from '../../core/hresult';
import type { ScriptErrors } from '../script-errors';
import { isSyncDispatch } from './host-dispatch';
import { createHostObject, type HostObjectEnvironment } from './registry';

function errorInfoOf(error: unknown): { hresult: number; message: string; source: string } {
  const fields = (error ?? {}) as { hresult?: unknown; number?: unknown; message?: unknown; description?: unknown; source?: unknown };
  const code = typeof fields.hresult === 'number' ? fields.hresult : typeof fields.number === 'number' ? fields.number : errorNamed('E_UNEXPECTED').hresult;
  const message = typeof fields.description === 'string' ? fields.description : typeof fields.message === 'string' ? fields.message : String(error);
  return { hresult: toUnsigned(code), message, source: typeof fields.source === 'string' ? fields.source : '' };
}

class JScriptFacing implements SyncDispatch {
  constructor(
    readonly inner: SyncDispatch,
    private readonly view: JScriptView,
  ) {}

  get typeName(): string {
    return this.inner.typeName;
  }

  GetIDsOfNames(names: readonly string[]): number[] {
    return this.view.guard(() => this.inner.GetIDsOfNames(names));
  }

  /** A property with index parameters (Dictionary's Item(key)) is called like a method in JScript: `dict.Item("k")`. */
  describe(dispid: number): DispatchMember {
    const member = this.view.guard(() => this.inner.describe(dispid));
    if (member.maxArgs === 0 || member.kinds.has('method')) return member;
    return { ...member, kinds: new Set([...member.kinds, 'method']) };
  }

  members(): readonly DispatchMember[] {
    return this.inner.members();
  }

  Invoke(dispid: number, flags: number, args: readonly Variant[]): Variant {
    const plainArgs = args.map((arg) => this.view.unwrap(arg));
    return this.view.wrap(this.view.guard(() => this.inner.Invoke(dispid, flags, plainArgs)));
  }
}

export class JScriptView {
  readonly #facings = new WeakMap<SyncDispatch, JScriptFacing>();

  constructor(private readonly errors: ScriptErrors) {}

  /** The host's object for a ProgID as JScript holds it; undefined when the host has none. */
  hostObject(progId: string, environment: HostObjectEnvironment): SyncDispatch | undefined {
    const object = createHostObject(progId, environment);
    return object && (this.wrap(object) as SyncDispatch);
  }

  /** One facing per object, so that the same object is the same late-bound view. */
  wrap(value: Variant): Variant {
    // A SAFEARRAY (Keys, Items) comes back as a JavaScript array of late-bound views.
    if (Array.isArray(value)) return value.map((item: Variant) => (isSyncDispatch(item) ? lateBound(this.wrap(item) as SyncDispatch) : item));
    // JScript has no Nothing: a NULL object is null there.
    if (value === NOTHING) return null;
    if (isVariantEnumerator(value)) return this.#enumerator(value);
    if (!isSyncDispatch(value) || value instanceof JScriptFacing) return value;
    let facing = this.#facings.get(value);
    if (!facing) this.#facings.set(value, (facing = new JScriptFacing(value, this)));
    return facing;
  }

  #enumerator(inner: VariantEnumerator): VariantEnumerator {
    const outer: VariantEnumerator = {
      enumVariant: true,
      next: () => {
        const step = inner.next();
        return step.done ? step : { done: false, value: this.wrap(step.value) };
      },
      reset: () => inner.reset(),
      [Symbol.iterator]: () => outer,
    };
    return outer;
  }

  /** A late-bound view or facing passed back as an argument is the object behind it. */
  unwrap(value: Variant): Variant {
    const plain = unwrapLateBound(value);
    return plain instanceof JScriptFacing ? plain.inner : plain;
  }

  guard<T>(body: () => T): T {
    try {
      return body();
    } catch (error) {
      throw this.errors.fromErrorInfo(errorInfoOf(error));
    }
  }
}

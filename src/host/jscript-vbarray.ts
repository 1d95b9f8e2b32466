/**
 * JScript's built-in VBArray: the view of a SAFEARRAY an automation object returned
 * (Dictionary.Keys(), Items() …), with toArray(), getItem(), lbound(), ubound(), dimensions().
 * The host's objects hand SAFEARRAYs over as one-dimensional arrays with lower bound 0.
 */
import { JSCRIPT_ERROR, type ScriptErrors } from './script-errors';

export type VBArrayConstructor = new (safeArray: unknown) => object;

export function vbArrayConstructor(errors: ScriptErrors): VBArrayConstructor {
  return class VBArray {
    readonly #items: readonly unknown[];

    constructor(safeArray: unknown) {
      if (!Array.isArray(safeArray)) throw errors.jscript(JSCRIPT_ERROR.TYPE_MISMATCH);
      this.#items = safeArray;
    }

    toArray(): unknown[] {
      return [...this.#items];
    }

    getItem(index: unknown): unknown {
      const position = Number(index);
      if (!Number.isInteger(position) || position < 0 || position >= this.#items.length) throw errors.jscript(JSCRIPT_ERROR.SUBSCRIPT_OUT_OF_RANGE);
      return this.#items[position];
    }

    lbound(): number {
      return 0;
    }

    ubound(): number {
      return this.#items.length - 1;
    }

    dimensions(): number {
      return 1;
    }
  };
}

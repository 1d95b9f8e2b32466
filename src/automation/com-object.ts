/**
 * What every automation object shares: the interfaces it claims, and turning a thrown library
 * error into `{ hr, value, error }` while keeping the WSManFault XML for the object's Error
 * property (which keeps the last failure until the next one).
 */
import { hostname } from 'node:os';
import { type ComResult, succeeded } from '../core/hresult';
import { toComFailure } from '../core/errors/com-failure';
import type { AutomationObject } from './interfaces';

export abstract class ComObject implements AutomationObject {
  abstract readonly implementedInterfaces: readonly string[];
  /** IErrorInfo source, e.g. "Session". */
  protected abstract readonly errorSource: string;
  #lastErrorXml = '';

  /** The Machine attribute of client-side faults: the computer the object works for. */
  protected errorMachine(): string {
    return hostname();
  }

  protected lastErrorXml(): ComResult<string> {
    return succeeded(this.#lastErrorXml);
  }

  protected run<T>(body: () => T): ComResult<T> {
    try {
      return succeeded(body());
    } catch (error) {
      return this.#fail(error);
    }
  }

  protected async runAsync<T>(body: () => Promise<T>): Promise<ComResult<T>> {
    try {
      return succeeded(await body());
    } catch (error) {
      return this.#fail(error);
    }
  }

  #fail(error: unknown) {
    const failure = toComFailure(error, this.errorSource, this.errorMachine());
    this.#lastErrorXml = failure.error.faultXml;
    return failure;
  }
}

/** Win32 BOOL from a script value: any non-zero number or true is TRUE (1). */
export function toBool(value: number | boolean | undefined): number {
  return value === true || (typeof value === 'number' && value !== 0) ? 1 : 0;
}

/** Turns a thrown library error into the `{ hr, value, error }` a COM-shaped call returns. */
import { hostname } from 'node:os';
import { type ComFailure, type ComResult, toUnsigned } from '../hresult';
import { buildFaultXml } from './fault-xml';
import { WSManError, wsmanError, wsmanErrorFromHResult } from './wsman-error';

export function toComFailure(error: unknown, source: string, machine: string = hostname()): ComFailure {
  const known = error instanceof WSManError ? error : wsmanError('E_UNEXPECTED', { cause: error });
  const faultXml = known.faultXml || buildFaultXml({ hresult: known.hresult, machine, message: known.message });
  return {
    hr: toUnsigned(known.hresult),
    value: undefined,
    error: { name: known.code, description: known.message, source, faultXml, ...(known.cause !== undefined ? { cause: known.cause } : {}) },
  };
}

/**
 * The value of a successful result; a failure is thrown again as the library error it stands for,
 * so that the calling object records it with its own source and machine.
 */
export function valueOrThrow<T>(result: ComResult<T>): T {
  if (!result.error) return result.value;
  throw wsmanErrorFromHResult(result.hr, { message: result.error.description });
}

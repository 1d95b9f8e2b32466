/**
 * The engine side of the script bridge: the real automation objects, a handle table, and each
 * request answered through their IDispatch. Runs in the worker, where awaiting the network is
 * free; nothing here blocks.
 */
import { MISSING_ARGUMENT, type IDispatch, type Variant } from '../../automation/dispatch';
import type { AutomationObject } from '../../automation/interfaces';
import { wsmanError } from '../../core/errors/wsman-error';
import { errorNamed } from '../../core/errors/error-table';
import { toUnsigned } from '../../core/hresult';
import type { EngineReply, EngineRequest, EngineResults, WireError, WireValue } from './protocol';

export interface EngineDependencies {
  /** CreateObject: throws for an unknown ProgID. */
  readonly createObject: (progId: string) => AutomationObject;
  readonly dispatchOf: (object: AutomationObject) => IDispatch;
}

interface Entry {
  readonly object: AutomationObject;
  readonly dispatch: IDispatch;
}

export class AutomationEngine {
  readonly #entries = new Map<number, Entry>();
  #nextHandle = 1;

  constructor(private readonly dependencies: EngineDependencies) {}

  /** Never rejects: every failure becomes an error reply. */
  async handle(request: EngineRequest): Promise<EngineReply> {
    try {
      return { ok: true, result: await this.#answer(request) };
    } catch (error) {
      return { ok: false, error: toWireError(error) };
    }
  }

  async #answer(request: EngineRequest): Promise<EngineResults[EngineRequest['op']]> {
    switch (request.op) {
      case 'create':
        return this.#register(this.dependencies.createObject(request.progId));
      case 'ids':
        return this.#entry(request.handle).dispatch.GetIDsOfNames(request.names);
      case 'describe':
        return this.#entry(request.handle).dispatch.describe(request.dispid);
      case 'members':
        return this.#entry(request.handle).dispatch.members();
      case 'invoke': {
        const args = request.args.map((arg) => this.#fromWire(arg));
        return this.#toWire(await this.#entry(request.handle).dispatch.Invoke(request.dispid, request.flags, args));
      }
    }
  }

  #entry(handle: number): Entry {
    const entry = this.#entries.get(handle);
    // Only a confused or hostile caller names a handle the engine never gave out.
    if (!entry) throw wsmanError('E_INVALIDARG');
    return entry;
  }

  #register(object: AutomationObject): WireValue {
    const handle = this.#nextHandle++;
    const dispatch = this.dependencies.dispatchOf(object);
    this.#entries.set(handle, { object, dispatch });
    return { kind: 'object', handle, typeName: dispatch.typeName };
  }

  #fromWire(value: WireValue): Variant {
    switch (value.kind) {
      case 'object':
        return this.#entry(value.handle).object;
      case 'missing':
        return MISSING_ARGUMENT;
      case 'value':
        return value.value;
    }
  }

  /** Objects returned by a call become new handles; everything else is a plain value. */
  #toWire(value: Variant): WireValue {
    if (value !== null && typeof value === 'object') return this.#register(value as AutomationObject);
    return { kind: 'value', value };
  }
}

/** The IErrorInfo of any thrown value; errors without an HRESULT are E_UNEXPECTED. */
function toWireError(error: unknown): WireError {
  const fields = (error ?? {}) as { hresult?: unknown; message?: unknown; source?: unknown; faultXml?: unknown };
  const known = typeof fields.hresult === 'number';
  return {
    hresult: known ? toUnsigned(fields.hresult as number) : errorNamed('E_UNEXPECTED').hresult,
    message: typeof fields.message === 'string' ? fields.message : String(error),
    source: typeof fields.source === 'string' ? fields.source : '',
    faultXml: typeof fields.faultXml === 'string' ? fields.faultXml : '',
  };
}

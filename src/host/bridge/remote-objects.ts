/**
 * The script side of the bridge: SyncDispatch stand-ins for the engine's automation objects.
 * Every call blocks until the engine has answered. Type information (DISPIDs, member
 * descriptions) is the same for all objects of a type, so it is asked for once per type and
 * name and the answer kept, failures included; only Invoke goes to the engine every time.
 */
import { MISSING_ARGUMENT, type DispatchMember, type SyncDispatch, type Variant } from '../../automation/dispatch';
import { unwrapLateBound } from '../../automation/dispatch/late-bound-registry';
import { errorNamed } from '../../core/errors/error-table';
import type { EngineReply, EngineRequest, EngineResults, WireError, WirePrimitive, WireValue } from './protocol';

/** Sends one request to the engine and waits for its answer. */
export interface EngineLink {
  request(request: EngineRequest): EngineReply;
}

/** Makes the error a failed call throws into the script. */
export type RaiseError = (error: WireError) => Error;

class TypeInfo {
  readonly ids = new Map<string, EngineReply>();
  readonly described = new Map<number, EngineReply>();
  members: EngineReply | undefined;
}

class RemoteDispatch implements SyncDispatch {
  constructor(
    readonly handle: number,
    readonly typeName: string,
    private readonly objects: RemoteObjects,
    private readonly type: TypeInfo,
  ) {}

  GetIDsOfNames(names: readonly string[]): number[] {
    // NUL cannot occur in a member name, so the joined names are a unique key.
    const key = names.join('\0');
    const ids = this.objects.remembered<'ids'>(this.type.ids, key, { op: 'ids', handle: this.handle, names });
    return [...ids];
  }

  describe(dispid: number): DispatchMember {
    return this.objects.remembered<'describe'>(this.type.described, dispid, { op: 'describe', handle: this.handle, dispid });
  }

  members(): readonly DispatchMember[] {
    this.type.members ??= this.objects.link.request({ op: 'members', handle: this.handle });
    return this.objects.resultOf<'members'>(this.type.members);
  }

  Invoke(dispid: number, flags: number, args: readonly Variant[]): Variant {
    const wireArgs = args.map((arg) => this.objects.toWire(arg));
    return this.objects.fromWire(this.objects.ask<'invoke'>({ op: 'invoke', handle: this.handle, dispid, flags, args: wireArgs }));
  }
}

export class RemoteObjects {
  readonly #types = new Map<string, TypeInfo>();

  constructor(
    readonly link: EngineLink,
    private readonly raise: RaiseError,
  ) {}

  /** CreateObject in the engine; throws the engine's error (e.g. REGDB_E_CLASSNOTREG). */
  create(progId: string): SyncDispatch {
    return this.fromWire(this.ask<'create'>({ op: 'create', progId })) as SyncDispatch;
  }

  ask<Op extends EngineRequest['op']>(request: EngineRequest & { op: Op }): EngineResults[Op] {
    return this.resultOf<Op>(this.link.request(request));
  }

  /** The kept answer for a key, asking the engine the first time; a kept failure is raised anew at each use. */
  remembered<Op extends EngineRequest['op']>(answers: Map<string | number, EngineReply>, key: string | number, request: EngineRequest & { op: Op }): EngineResults[Op] {
    let reply = answers.get(key);
    if (!reply) answers.set(key, (reply = this.link.request(request)));
    return this.resultOf<Op>(reply);
  }

  resultOf<Op extends EngineRequest['op']>(reply: EngineReply): EngineResults[Op] {
    if (!reply.ok) throw this.raise(reply.error);
    return reply.result as EngineResults[Op];
  }

  fromWire(value: WireValue): Variant {
    switch (value.kind) {
      case 'object':
        return new RemoteDispatch(value.handle, value.typeName, this, this.#typeInfo(value.typeName));
      case 'missing':
        return MISSING_ARGUMENT;
      case 'value':
        return value.value;
    }
  }

  /** Arguments arrive as the script passed them: late-bound views stand for their dispatch. */
  toWire(argument: Variant): WireValue {
    const value = unwrapLateBound(argument);
    if (value instanceof RemoteDispatch) return { kind: 'object', handle: value.handle, typeName: value.typeName };
    if (value === MISSING_ARGUMENT) return { kind: 'missing' };
    // Only the engine's own objects can be passed to it; a script's object has no VARIANT form there.
    if (value !== null && typeof value === 'object') {
      const { hresult, message } = errorNamed('DISP_E_TYPEMISMATCH');
      throw this.raise({ hresult, message, source: '', faultXml: '' });
    }
    return { kind: 'value', value: value as WirePrimitive };
  }

  #typeInfo(typeName: string): TypeInfo {
    let type = this.#types.get(typeName);
    if (!type) this.#types.set(typeName, (type = new TypeInfo()));
    return type;
  }
}

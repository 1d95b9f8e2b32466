/**
 * WSH's own objects (WScript, WshArguments, WshNamed, the standard streams) as SyncDispatch, for
 * a script engine that binds through IDispatch (VBScript): the same shapes as JScript's view
 * (src/host/wscript), each member a DISPID, the default method or value DISPID_VALUE, and the
 * collections enumerable (For Each over WScript.Arguments).
 */
import { DISPID_VALUE, type SyncDispatch, type Variant } from '../../automation/dispatch/contract';
import { hostCollectionItems } from '../host-collections';
import type { HostContext, HostObjectShape } from '../host-object';
import { wscriptObject, type WScriptEnvironment } from '../wscript/wscript';
import { hostDispatch, isSyncDispatch, type HostMember } from './host-dispatch';
import { runtimeError } from './runtime-errors';
import { toStr } from './variants';

/**
 * WSH's methods take text (Echo, Write, a ProgID, a name) or numbers given as text: each
 * argument is made text as VBScript's VariantChangeType makes it (True → "True", Empty → "",
 * objects through their default value), not as JavaScript's String() would.
 */
function vbText(value: Variant): string {
  if (value === null) return 'Null';
  if (typeof value === 'object' && !isSyncDispatch(value)) return String(value);
  return toStr(value);
}

/** The shapes carry no argument counts: each member takes what its function takes. */
const ANY_ARGUMENTS = ['...args'];

function shapeDispatch(shape: HostObjectShape, context: HostContext): SyncDispatch {
  const members: Record<string, HostMember> = {};
  for (const [name, member] of Object.entries(shape.members)) {
    // A property takes no arguments: given some, they index its value (WScript.Arguments.Named("x")).
    members[name] =
      'method' in member
        ? { params: ANY_ARGUMENTS, call: (...args: Variant[]) => member.method(...args.map(vbText)) }
        : { get: member.get, put: member.set && ((value: unknown) => member.set!(value)) };
  }
  const { call, value } = shape;
  // The default member has no name of its own in the shape ('' is never looked up by name).
  if (call || value) members[''] = { dispid: DISPID_VALUE, params: ANY_ARGUMENTS, call, get: value ?? call };
  const dispatch: SyncDispatch = hostDispatch({
    typeName: 'Object',
    members,
    beforeInvoke: context.checkpoint,
    enumerate: () => {
      const items = hostCollectionItems(dispatch);
      if (!items) throw runtimeError(451);
      return Array.from({ length: items.count() }, (_, index) => items.item(index) as string);
    },
  });
  return dispatch;
}

/** The WScript object a VBScript script sees; its sub-objects are SyncDispatch too. */
export function wscriptDispatch(environment: WScriptEnvironment, context: HostContext): SyncDispatch {
  const dispatchContext: HostContext = { ...context, objectOf: (shape) => shapeDispatch(shape, dispatchContext) };
  return wscriptObject(environment, dispatchContext) as SyncDispatch;
}

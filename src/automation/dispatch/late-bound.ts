/**
 * The late-bound JavaScript view of an IDispatch: a Proxy on which `obj.Name` reads a property,
 * `obj.Name(…)` calls a method and `obj.Name = v` writes a property, names in any case, as a
 * script engine binds them at run time.
 *
 * Over this library's own objects members that answer at once give plain values, and only the
 * members that go over the network give a Promise. Over a foreign IDispatch whose Invoke is
 * asynchronous every read and call gives a Promise; over a synchronous one (a script host's
 * blocking bridge) everything is plain.
 */
import { inspect } from 'node:util';
import { wsmanError } from '../../core/errors/wsman-error';
import type { AutomationObject } from '../interfaces';
import { AutomationDispatch } from './automation-dispatch';
import { DISPATCH_METHOD, DISPATCH_PROPERTYGET, DISPATCH_PROPERTYPUT, type DispatchMember, type IDispatch, type SyncDispatch, type Variant } from './contract';
import { dispatchOf, isAutomationObject } from './dispatch-of';
import { isLateBound, registerLateBound } from './late-bound-registry';

type AnyDispatch = IDispatch | SyncDispatch;
type Invoker = (dispid: number, flags: number, args: readonly Variant[]) => Variant | Promise<Variant>;

const proxies = new WeakMap<AnyDispatch, object>();

function isDispatch(value: unknown): value is AnyDispatch {
  return typeof value === 'object' && value !== null && typeof (value as AnyDispatch).GetIDsOfNames === 'function' && typeof (value as AnyDispatch).Invoke === 'function';
}

/** Objects in results come back late-bound too. */
function wrapValue(value: Variant): Variant {
  if (isLateBound(value)) return value;
  return isAutomationObject(value) || isDispatch(value) ? lateBound(value) : value;
}

function wrapResult(result: Variant | Promise<Variant>): Variant | Promise<Variant> {
  return result instanceof Promise ? result.then(wrapValue) : wrapValue(result);
}

/** Our own dispatch answers synchronously where it can; any other is called through its Invoke. */
function invokerOf(dispatch: AnyDispatch): Invoker {
  return dispatch instanceof AutomationDispatch ? dispatch.invokeNow.bind(dispatch) : dispatch.Invoke.bind(dispatch);
}

/**
 * A method read without a call, as VBScript allows for `flags = wsman.SessionFlagUTF8`: in a
 * primitive context (`flags | wsman.SessionFlagUTF8`) the function stands for the call without
 * arguments, made as VBScript makes it (METHOD|PROPERTYGET), for members that answer synchronously.
 */
function methodValue(member: DispatchMember, invoke: Invoker): (...args: Variant[]) => Variant | Promise<Variant> {
  const method = (...args: Variant[]) => wrapResult(invoke(member.dispid, DISPATCH_METHOD, args));
  Object.defineProperty(method, 'name', { value: member.name });
  Object.defineProperty(method, Symbol.toPrimitive, {
    value: () => {
      const result = invoke(member.dispid, DISPATCH_METHOD | DISPATCH_PROPERTYGET, []);
      if (!(result instanceof Promise)) return result;
      result.catch(() => undefined);
      throw new TypeError(`${member.name} answers asynchronously: call it and await the result`);
    },
  });
  return method;
}

function createProxy(dispatch: AnyDispatch): object {
  const invoke = invokerOf(dispatch);
  // The interfaces are nonextensible: a name, once bound, keeps its member.
  const bound = new Map<string, DispatchMember>();
  const memberNamed = (name: string): DispatchMember => {
    let member = bound.get(name);
    if (!member) bound.set(name, (member = dispatch.describe(dispatch.GetIDsOfNames([name])[0])));
    return member;
  };
  // One function per method, made on first read: `view.Get === view.get`.
  const methods = new Map<number, ReturnType<typeof methodValue>>();
  const methodOf = (member: DispatchMember) => {
    let method = methods.get(member.dispid);
    if (!method) methods.set(member.dispid, (method = methodValue(member, invoke)));
    return method;
  };
  // util.inspect looks at a proxy's target, never through its traps.
  const target = Object.create(null, { [inspect.custom]: { value: () => `[${dispatch.typeName}]` } }) as object;
  const proxy = new Proxy(target, {
    get(_target, name) {
      // Symbols are JavaScript's own protocols; `then` is asked by await and Promise resolution.
      if (typeof name === 'symbol') return Reflect.get(target, name);
      if (name === 'then') return undefined;
      const member = memberNamed(name);
      if (member.kinds.has('method')) return methodOf(member);
      return wrapResult(invoke(member.dispid, DISPATCH_PROPERTYGET, []));
    },
    set(_target, name, value: Variant) {
      if (typeof name === 'symbol') return false;
      const member = memberNamed(name);
      if (!member.kinds.has('propput')) {
        // A synchronous dispatch reports it in its own words (a script host words it for the script);
        // an assignment cannot await an asynchronous one, so that failure is thrown here.
        const refused = invoke(member.dispid, DISPATCH_PROPERTYPUT, [value]);
        if (refused instanceof Promise) refused.catch(() => undefined);
        throw wsmanError('DISP_E_MEMBERNOTFOUND');
      }
      // Our own putters all answer at once; a foreign asynchronous put reports a failure as an unhandled rejection.
      invoke(member.dispid, DISPATCH_PROPERTYPUT, [value]);
      return true;
    },
    has(_target, name) {
      if (typeof name === 'symbol') return false;
      try {
        memberNamed(name);
        return true;
      } catch {
        return false;
      }
    },
  });
  registerLateBound(proxy, dispatch instanceof AutomationDispatch ? dispatch.object : dispatch);
  return proxy;
}

/** The late-bound view of an automation object or an IDispatch; one proxy per dispatch, so views compare equal. */
export function lateBound(target: IDispatch | SyncDispatch | AutomationObject): any {
  if (isLateBound(target)) return target;
  const dispatch = isAutomationObject(target) ? dispatchOf(target) : target;
  let proxy = proxies.get(dispatch);
  if (!proxy) proxies.set(dispatch, (proxy = createProxy(dispatch)));
  return proxy;
}

/** The IDispatch of an automation object, made once per object. */
import type { AutomationObject } from '../interfaces';
import { loadTypeLibrary } from '../typelib/load-type-library';
import { AutomationDispatch } from './automation-dispatch';
import type { IDispatch } from './contract';
import { isLateBound } from './late-bound-registry';

const dispatches = new WeakMap<AutomationObject, AutomationDispatch>();

/** A late-bound proxy is not one itself: reading a property of it would be a dispatch call. */
export function isAutomationObject(value: unknown): value is AutomationObject {
  return !isLateBound(value) && typeof value === 'object' && value !== null && Array.isArray((value as Partial<AutomationObject>).implementedInterfaces);
}

export function dispatchOf(object: AutomationObject): IDispatch {
  if (!isAutomationObject(object)) throw new TypeError('dispatchOf needs an automation object (one with implementedInterfaces)');
  let dispatch = dispatches.get(object);
  if (!dispatch) dispatches.set(object, (dispatch = new AutomationDispatch(object, loadTypeLibrary())));
  return dispatch;
}

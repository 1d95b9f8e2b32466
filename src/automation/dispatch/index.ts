/** IDispatch over the automation objects, and the late-bound JavaScript view of it. */
export * from './contract';
export { dispatchOf } from './dispatch-of';
export { lateBound } from './late-bound';
export { changeType, type VarType } from './variant-coercion';

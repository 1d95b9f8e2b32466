/**
 * What crosses the thread boundary between the script thread and the automation engine:
 * structured-clone data only. Automation objects stay in the engine; the script side holds
 * their handle numbers.
 */
import type { MessagePort } from 'node:worker_threads';
import type { DispatchMember } from '../../automation/dispatch';
import type { LogonIdentity } from '../../automation/logon-identity';

export type WirePrimitive = string | number | boolean | null | undefined;

/** A VARIANT on the wire: a plain value, an automation object by handle, or an argument left out (MISSING_ARGUMENT). */
export type WireValue =
  | { readonly kind: 'value'; readonly value: WirePrimitive }
  | { readonly kind: 'missing' }
  | { readonly kind: 'object'; readonly handle: number; readonly typeName: string };

/** An IErrorInfo on the wire: what a script's error object is rebuilt from. */
export interface WireError {
  /** Unsigned HRESULT. */
  readonly hresult: number;
  readonly message: string;
  readonly source: string;
  readonly faultXml: string;
}

export type EngineRequest =
  | { readonly op: 'create'; readonly progId: string }
  | { readonly op: 'ids'; readonly handle: number; readonly names: readonly string[] }
  | { readonly op: 'describe'; readonly handle: number; readonly dispid: number }
  | { readonly op: 'members'; readonly handle: number }
  | { readonly op: 'invoke'; readonly handle: number; readonly dispid: number; readonly flags: number; readonly args: readonly WireValue[] };

/** The result type of each request. */
export interface EngineResults {
  readonly create: WireValue;
  readonly ids: number[];
  readonly describe: DispatchMember;
  readonly members: readonly DispatchMember[];
  readonly invoke: WireValue;
}

export type EngineReply = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: WireError };

/** What the worker is started with. */
export interface EngineWorkerData {
  readonly port: MessagePort;
  /** One Int32 word: the SignalState of the channel (sync-channel.ts). */
  readonly signal: Int32Array;
  /** The host's identity for sessions created without credentials, and the local computer's address. */
  readonly logonIdentity: LogonIdentity;
}

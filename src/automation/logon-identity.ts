/**
 * The identity a program creating sessions runs as, which WSMan.CreateSession uses when a
 * script gives no credentials (Windows takes the logged-on user's token), and the address of
 * "the local computer" (`CreateSession()` and `CreateSession("localhost")`). A host passes it in
 * as configuration; without one, sessions behave as the C API does on its own.
 */
import type { ServiceIdentifier } from 'inversify';

export interface LogonIdentity {
  /** Used as implicit credentials for sessions created without any. */
  readonly credentials?: { readonly username: string; readonly password: string };
  /** The connection string that stands for the local computer; '' leaves it to the C API. */
  readonly localConnection: string;
}

export const LogonIdentity: ServiceIdentifier<LogonIdentity> = Symbol.for('LogonIdentity');

export const NO_LOGON_IDENTITY: LogonIdentity = { localConnection: '' };

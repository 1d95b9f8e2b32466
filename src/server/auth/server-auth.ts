/**
 * Server side of HTTP authentication. Each scheme is a small provider; connection-bound schemes
 * (Negotiate/NTLM, with message encryption) keep their state in `connection.state`, so they plug
 * in beside Basic and client certificates without changing the HTTP layer.
 */
import type { Socket } from 'node:net';
import type { SessionSecurity } from '../../core/transport/auth/session-security';
import type { Principal } from '../principal';

export interface ConnectionInfo {
  /** TLS listener: the socket is a TLSSocket. */
  readonly secure: boolean;
  readonly socket: Socket;
  /** Per-connection state of connection-bound schemes. */
  readonly state: Map<string, unknown>;
}

/** What a connection-bound scheme (Negotiate) establishes for the rest of its connection. */
export interface ConnectionSession {
  /** Seals and opens message bodies (MS-WSMV encryption over plain HTTP). */
  readonly security: SessionSecurity;
  /** The encrypted bodies' protocol string (default HTTP-SPNEGO-session-encrypted; `Kerberos` has its own). */
  readonly protocol?: string;
}

export type AuthStep =
  | {
      readonly kind: 'authenticated';
      readonly principal: Principal;
      /** Connection-bound schemes: later requests on the connection run as `principal` without an Authorization header. */
      readonly session?: ConnectionSession;
      /** WWW-Authenticate value for the reply (the final Negotiate token). */
      readonly challenge?: string;
    }
  /** Another leg is needed: 401 with this WWW-Authenticate value, connection kept open. */
  | { readonly kind: 'continue'; readonly challenge: string }
  | { readonly kind: 'rejected' };

export interface ServerAuthScheme {
  /** WWW-Authenticate value this scheme offers on this connection, or undefined when not offered. */
  offer(connection: ConnectionInfo): string | undefined;
  /** Whether an Authorization header value is meant for this scheme. */
  matches(authorization: string): boolean;
  authenticate(authorization: string, connection: ConnectionInfo): AuthStep;
}

export const ServerAuthScheme = Symbol.for('wsman-automation.server.ServerAuthScheme');

/** Local accounts of the emulated host (`--user NAME:PASSWORD`). */
export interface EndpointUser {
  readonly name: string;
  readonly password: string;
}

export const EndpointUsers = Symbol.for('wsman-automation.server.EndpointUsers');

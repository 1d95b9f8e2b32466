/**
 * Client side of HTTP authentication, one small provider per scheme: the Authorization value of
 * the first leg, and the answer to a challenge when the scheme needs more legs (Negotiate does;
 * Basic and certificates do not). Message encryption hooks (`wrap`/`unwrap`) belong here too.
 */
import { MUTUAL_TLS_PROFILE } from '../protocol/namespaces';

export interface ClientAuthProvider {
  /** Authorization header value of the first request; undefined sends none. */
  initialToken(): string | undefined;
  /** Next Authorization value for a 401's WWW-Authenticate values, or undefined when done (access denied). */
  handleChallenge(challenges: readonly string[]): string | undefined;
}

/** Basic: the credentials on every request, pre-emptively, like the Windows client. */
export function basicAuth(userName: string, password: string): ClientAuthProvider {
  const token = `Basic ${Buffer.from(`${userName}:${password}`, 'utf8').toString('base64')}`;
  return { initialToken: () => token, handleChallenge: () => undefined };
}

/** Client certificate: the TLS handshake proves the identity; the header names the profile. */
export function certificateAuth(): ClientAuthProvider {
  return { initialToken: () => MUTUAL_TLS_PROFILE, handleChallenge: () => undefined };
}

/** No Authorization header (unauthenticated Identify). */
export function noAuth(): ClientAuthProvider {
  return { initialToken: () => undefined, handleChallenge: () => undefined };
}

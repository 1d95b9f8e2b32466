/**
 * A ticket with what goes with it, in the shape MIT's credential cache stores it: client and
 * server principal, session key, times, flags and the ticket's DER. The session key never leaves
 * through toString/JSON (see redacted()).
 */
import { decodeMessage, flagBit, NameType, PrincipalName, type Ticket } from './asn1';

export interface Principal {
  readonly realm: string;
  readonly nameType: number;
  readonly components: readonly string[];
}

export function principalToString(principal: Principal): string {
  return `${principal.components.join('/')}@${principal.realm}`;
}

/** `user@REALM`, `user` (default realm) or `service/host@REALM` as a principal. */
export function parsePrincipal(text: string, defaultRealm: string | undefined, nameType: number = NameType.PRINCIPAL): Principal {
  const at = text.lastIndexOf('@');
  const realm = at >= 0 ? text.slice(at + 1) : defaultRealm;
  const name = at >= 0 ? text.slice(0, at) : text;
  if (!realm || !name) throw new RangeError(`not a Kerberos principal name (no realm): ${text}`);
  return { realm, nameType, components: name.split('/') };
}

export function principalName(principal: Principal): PrincipalName {
  return PrincipalName.of(principal.nameType, ...principal.components);
}

export function samePrincipal(a: Principal, b: Principal): boolean {
  return a.realm === b.realm && a.components.length === b.components.length && a.components.every((part, i) => part === b.components[i]);
}

/** RFC 4120 §5.3 ticket flags used here. */
export const TicketFlag = {
  FORWARDABLE: flagBit(1),
  FORWARDED: flagBit(2),
  RENEWABLE: flagBit(8),
  INITIAL: flagBit(9),
  PRE_AUTHENT: flagBit(10),
  OK_AS_DELEGATE: flagBit(13),
} as const;

export interface SessionKey {
  readonly etype: number;
  readonly value: Buffer;
}

export interface Credential {
  readonly client: Principal;
  readonly server: Principal;
  readonly key: SessionKey;
  readonly authtime: Date;
  readonly starttime?: Date;
  readonly endtime: Date;
  readonly renewTill?: Date;
  readonly flags: number;
  /** The ticket's DER ([APPLICATION 1]) as the KDC sent it. */
  readonly ticket: Buffer;
}

export function ticketOf(credential: Credential): Ticket {
  return decodeMessage('Ticket', credential.ticket);
}

/** Whether the ticket is still good `marginMs` from now. */
export function isCurrent(credential: Credential, now: number = Date.now(), marginMs = 60_000): boolean {
  return credential.endtime.getTime() - marginMs > now;
}

export function isTgt(credential: Credential): boolean {
  return credential.server.components.length === 2 && credential.server.components[0] === 'krbtgt';
}

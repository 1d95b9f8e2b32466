/**
 * Kerberos at the endpoint, with the service keys of a keytab (`wsman serve --keytab FILE`): the
 * AP-REQ is accepted under `Authorization: Kerberos` (its replies sealed as
 * HTTP-Kerberos-session-encrypted) and, through NegotiateAuthScheme, under `Negotiate` in SPNEGO
 * or as a bare Kerberos token. The client principal `user@REALM` runs as the local account of the
 * same name when REALM is the endpoint's realm (`--realm`, else the keytab's). Without a keytab
 * nothing here is offered or accepted.
 */
import { inject, injectable } from 'inversify';
import { decodeSpnego, encodeNegTokenResp, NegState } from '../../core/transport/auth/spnego';
import { acceptSecurityContext, CLOCK_SKEW_MS, type AcceptedContext } from '../../core/transport/auth/kerberos/gss/acceptor';
import { KRB5_OID, MS_KRB5_OID, unframeToken } from '../../core/transport/auth/kerberos/gss/gss-token';
import { ReplayCache } from '../../core/transport/auth/kerberos/gss/replay-cache';
import { EncryptionKey } from '../../core/transport/auth/kerberos/asn1';
import type { KeytabEntry } from '../../core/transport/auth/kerberos/keytab';
import { KERBEROS_ENCRYPTED_PROTOCOL } from '../../core/transport/message-encryption';
import { WSManError } from '../../core/errors/wsman-error';
import type { Principal } from '../principal';
import { EndpointState } from '../service/endpoint-state';
import { listenerBindings } from './listener-bindings';
import { EndpointUsers, type AuthStep, type ConnectionInfo, type ConnectionSession, type EndpointUser, type ServerAuthScheme } from './server-auth';

/** The endpoint's Kerberos service keys; an empty keytab turns Kerberos off. */
export interface KerberosServiceKeys {
  readonly keytab: readonly KeytabEntry[];
  /** Realm whose principals map to local accounts (default: the realms of the keytab). */
  readonly realm?: string;
}

export const KerberosServiceKeys = Symbol.for('wsman-automation.server.KerberosServiceKeys');

const KERBEROS_MECHS = [MS_KRB5_OID, KRB5_OID];

export interface KerberosAcceptance {
  readonly userName: string;
  readonly session: ConnectionSession;
  readonly replyToken?: Buffer;
}

/** Accepts AP-REQs for this endpoint: one replay cache for all its connections. */
@injectable()
export class EndpointKerberos {
  private readonly replayCache = new ReplayCache(CLOCK_SKEW_MS);
  private readonly realms: ReadonlySet<string>;

  constructor(
    @inject(EndpointState) private readonly state: EndpointState,
    @inject(EndpointUsers) private readonly users: readonly EndpointUser[],
    @inject(KerberosServiceKeys) private readonly keys: KerberosServiceKeys,
  ) {
    this.realms = new Set(keys.realm !== undefined ? [keys.realm.toUpperCase()] : keys.keytab.map((entry) => entry.principal.realm.toUpperCase()));
  }

  get configured(): boolean {
    return this.keys.keytab.length > 0;
  }

  /** Whether a Negotiate token is Kerberos: a bare Kerberos token, or SPNEGO whose preferred mechanism is Kerberos. */
  handles(token: Buffer): boolean {
    if (!this.configured) return false;
    if (isKerberosToken(token)) return true;
    try {
      const spnego = decodeSpnego(token);
      return spnego.kind === 'init' && KERBEROS_MECHS.includes(spnego.mechTypes[0] ?? '') && spnego.mechToken !== undefined;
    } catch {
      return false;
    }
  }

  /**
   * Accepts a Negotiate token that `handles` claimed: the reply is in the form the client used
   * (a NegTokenResp naming the client's Kerberos OID, or the bare AP-REP). Undefined when refused.
   */
  acceptNegotiate(token: Buffer, connection: ConnectionInfo): KerberosAcceptance | undefined {
    if (isKerberosToken(token)) return this.accept(token, connection);
    const init = decodeSpnego(token);
    if (init.kind !== 'init' || !init.mechToken) return undefined;
    const accepted = this.accept(init.mechToken, connection);
    if (!accepted) return undefined;
    // The client's preferred mechanism took its optimistic token: no mechListMIC is needed (RFC 4178 §5).
    const replyToken = encodeNegTokenResp({
      negState: NegState.ACCEPT_COMPLETED,
      supportedMech: init.mechTypes[0]!,
      ...(accepted.replyToken ? { responseToken: accepted.replyToken } : {}),
    });
    return { ...accepted, replyToken };
  }

  /** Accepts a bare Kerberos AP-REQ; undefined when it is refused or names no local account. */
  accept(token: Buffer, connection: ConnectionInfo, protocol?: string): KerberosAcceptance | undefined {
    let context: AcceptedContext;
    try {
      context = acceptSecurityContext(token, {
        keys: (sname, realm, etype, kvno) => this.serviceKey(sname.nameString, realm, etype, kvno),
        replayCache: this.replayCache,
        ...listenerBindings(connection, this.state.config),
      });
    } catch (error) {
      if (error instanceof WSManError) return undefined;
      throw error;
    }
    const account = this.account(context);
    if (!account) return undefined;
    return {
      userName: account.name,
      session: { security: context.security, ...(protocol ? { protocol } : {}) },
      ...(context.replyToken ? { replyToken: context.replyToken } : {}),
    };
  }

  /** The keytab key for the ticket: same principal and type, the given key version or the newest. */
  private serviceKey(components: readonly string[], realm: string, etype: number, kvno: number | undefined): EncryptionKey | undefined {
    let found: KeytabEntry | undefined;
    for (const entry of this.keys.keytab) {
      const { principal, key } = entry;
      if (key.etype !== etype || principal.realm !== realm || principal.components.join('/') !== components.join('/')) continue;
      if (kvno !== undefined && entry.kvno !== kvno) continue;
      if (!found || entry.kvno > found.kvno) found = entry;
    }
    return found && Object.assign(new EncryptionKey(), { keytype: found.key.etype, keyvalue: found.key.value });
  }

  /** `user@REALM` of the endpoint's realm → the local account `user`, compared without case like Windows. */
  private account(context: AcceptedContext): EndpointUser | undefined {
    if (context.clientName.length !== 1 || !this.realms.has(context.clientRealm.toUpperCase())) return undefined;
    const name = context.clientName[0]!.toLowerCase();
    return this.users.find((user) => user.name.toLowerCase() === name);
  }
}

/** A bare GSS-API Kerberos token (not SPNEGO). */
export function isKerberosToken(token: Buffer): boolean {
  try {
    unframeToken(token);
    return true;
  } catch {
    return false;
  }
}

const SCHEME = /^kerberos(?:\s+|$)/i;

/** `Authorization: Kerberos <AP-REQ>`, offered when a keytab is configured and Service/Auth/Kerberos is on. */
@injectable()
export class KerberosAuthScheme implements ServerAuthScheme {
  constructor(
    @inject(EndpointState) private readonly state: EndpointState,
    @inject(EndpointKerberos) private readonly kerberos: EndpointKerberos,
  ) {}

  private enabled(): boolean {
    return this.kerberos.configured && this.state.config.flag('Service/Auth/Kerberos');
  }

  offer(): string | undefined {
    return this.enabled() ? 'Kerberos' : undefined;
  }

  matches(authorization: string): boolean {
    return SCHEME.test(authorization);
  }

  authenticate(authorization: string, connection: ConnectionInfo): AuthStep {
    const token = Buffer.from(authorization.replace(SCHEME, '').trim(), 'base64');
    if (!this.enabled() || token.length === 0) return { kind: 'rejected' };
    const accepted = this.kerberos.accept(token, connection, KERBEROS_ENCRYPTED_PROTOCOL);
    if (!accepted) return { kind: 'rejected' };
    const principal: Principal = { userName: accepted.userName, scheme: 'Kerberos' };
    return {
      kind: 'authenticated',
      principal,
      session: accepted.session,
      ...(accepted.replyToken ? { challenge: `Kerberos ${accepted.replyToken.toString('base64')}` } : {}),
    };
  }
}

/**
 * The client's Kerberos credentials the way users have them, in the order MIT and Windows look:
 * an explicit user name and password (AS exchange), a keytab (KRB5_CLIENT_KTNAME; AS exchange
 * with its keys), or the tickets an earlier `kinit` left in the credential cache (KRB5CCNAME, or
 * the default cache) when no password is given. Service tickets are asked for with the TGT and
 * kept until they expire; an expired TGT is renewed when it is renewable, otherwise obtained
 * again from the password or keytab.
 */
import { securityError } from '../security-errors';
import { NameType } from './asn1';
import { defaultCcacheName, readCcache } from './ccache';
import { type Credential, isCurrent, isTgt, type Principal, principalToString, samePrincipal } from './credential';
import type { EncryptionType } from './crypto/encryption-type';
import { ENCRYPTION_TYPES } from './crypto/encryption-types';
import { type ClientKeySource, KdcClient, type KdcClientOptions, KdcOption, krbtgt, passwordKeySource } from './kdc-client';
import type { KdcTransportOptions } from './kdc-transport';
import { keysFor, readKeytab, type KeytabEntry } from './keytab';
import { type Krb5Config, loadKrb5Config } from './krb5-config';

/** A keytab's keys as the client's long-term keys (strongest encryption type first). */
export function keytabKeySource(entries: readonly KeytabEntry[]): ClientKeySource {
  const byType = new Map(entries.map((entry) => [entry.key.etype, entry.key.value]));
  return {
    keyFor: (type: EncryptionType) => byType.get(type.etype),
    etypes: ENCRYPTION_TYPES.map((type) => type.etype).filter((etype) => byType.has(etype)),
  };
}

export interface KerberosCredentialOptions extends KdcTransportOptions, Pick<KdcClientOptions, 'ticketLifetimeMs' | 'renewLifetimeMs'> {
  /** `user@REALM`, `DOMAIN\user` or `user` (default realm); absent: the cache's or keytab's principal. */
  readonly userName?: string;
  readonly password?: string;
  /** Environment read for KRB5_CONFIG, KRB5CCNAME, KRB5_CLIENT_KTNAME (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  readonly config?: Krb5Config;
  readonly now?: () => number;
}

type Source = { kind: 'keys'; keys: ClientKeySource } | { kind: 'cache'; name: string };

/**
 * `DOMAIN\user` → the realm whose first label is DOMAIN (else DOMAIN in capitals); `user@domain`
 * → the realm in capitals (a UPN suffix); `user` → the default realm.
 */
export function clientPrincipal(userName: string, config: Krb5Config): Principal {
  const slash = userName.indexOf('\\');
  if (slash >= 0) {
    const domain = userName.slice(0, slash).toUpperCase();
    const realm = config.defaultRealm?.toUpperCase().split('.')[0] === domain ? config.defaultRealm! : domain;
    return { realm, nameType: NameType.PRINCIPAL, components: [userName.slice(slash + 1)] };
  }
  const at = userName.lastIndexOf('@');
  if (at >= 0) return { realm: userName.slice(at + 1).toUpperCase(), nameType: NameType.PRINCIPAL, components: userName.slice(0, at).split('/') };
  if (!config.defaultRealm) throw securityError('SEC_E_NO_CREDENTIALS', `no realm for ${userName}: give user@REALM or set default_realm in krb5.conf`);
  return { realm: config.defaultRealm, nameType: NameType.PRINCIPAL, components: userName.split('/') };
}

export class KerberosCredentials {
  readonly config: Krb5Config;
  readonly kdc: KdcClient;
  readonly client: Principal;
  private readonly source: Source;
  private tgt: Credential | undefined;
  private readonly tickets = new Map<string, Credential>();
  private readonly now: () => number;

  constructor(options: KerberosCredentialOptions = {}) {
    const env = options.env ?? process.env;
    this.config = options.config ?? loadKrb5Config(env);
    this.now = options.now ?? Date.now;
    this.kdc = new KdcClient({ ...options, config: this.config, now: this.now });
    const explicit = options.userName ? clientPrincipal(options.userName, this.config) : undefined;
    if (explicit && options.password !== undefined) {
      this.client = explicit;
      this.source = { kind: 'keys', keys: passwordKeySource(options.password) };
      return;
    }
    const keytabName = env.KRB5_CLIENT_KTNAME;
    if (keytabName) {
      const entries = readKeytabOrFail(keytabName);
      const principal = explicit ?? entries[0]?.principal;
      const keys = principal ? keysFor(entries, principal) : [];
      if (principal && keys.length > 0) {
        this.client = principal;
        this.source = { kind: 'keys', keys: keytabKeySource(keys) };
        return;
      }
    }
    const cacheName = defaultCcacheName(env, this.config.libdefault('default_ccache_name'));
    const cache = readCacheOrFail(cacheName);
    if (explicit && !samePrincipal(explicit, cache.principal)) {
      throw securityError('SEC_E_NO_CREDENTIALS', `no password given and the credential cache holds tickets for ${principalToString(cache.principal)}, not ${principalToString(explicit)}`);
    }
    this.client = cache.principal;
    this.source = { kind: 'cache', name: cacheName };
    for (const credential of cache.credentials) this.remember(credential);
  }

  private remember(credential: Credential): void {
    if (isTgt(credential) && credential.server.components[1] === this.client.realm) this.tgt = credential;
    else this.tickets.set(principalToString(credential.server), credential);
  }

  /** A current TGT: the one held, renewed, or a new one from the password or keytab. */
  async ticketGrantingTicket(): Promise<Credential> {
    const now = this.now();
    if (this.tgt && isCurrent(this.tgt, now)) return this.tgt;
    if (this.tgt?.renewTill && this.tgt.renewTill.getTime() > now && this.tgt.endtime.getTime() > now) {
      this.tgt = await this.kdc.renew(this.tgt);
      return this.tgt;
    }
    if (this.source.kind === 'keys') {
      this.tgt = await this.kdc.asExchange(this.client, this.source.keys, krbtgt(this.client.realm));
      return this.tgt;
    }
    throw securityError('SEC_E_NO_CREDENTIALS', `the tickets of ${principalToString(this.client)} in ${this.source.name} have expired; run kinit again`);
  }

  /** A current service ticket for `server` (from the cache, or a new TGS exchange). */
  async serviceTicket(server: Principal): Promise<Credential> {
    const held = this.tickets.get(principalToString(server));
    if (held && isCurrent(held, this.now())) return held;
    const ticket = await this.kdc.tgsExchange(await this.ticketGrantingTicket(), server);
    this.tickets.set(principalToString(server), ticket);
    return ticket;
  }

  /** A forwarded TGT for credential delegation (RFC 4120 §2.6), asked for each time. */
  async forwardedTgt(): Promise<Credential> {
    const tgt = await this.ticketGrantingTicket();
    return this.kdc.tgsExchange(tgt, tgt.server, KdcOption.FORWARDED | KdcOption.FORWARDABLE);
  }
}

function readKeytabOrFail(name: string): KeytabEntry[] {
  try {
    return readKeytab(name);
  } catch (error) {
    throw securityError('SEC_E_NO_CREDENTIALS', `the keytab ${name} cannot be read (${(error as Error).message})`);
  }
}

function readCacheOrFail(name: string): ReturnType<typeof readCcache> {
  try {
    return readCcache(name);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist; run kinit or give a user name and password' : (error as Error).message;
    throw securityError('SEC_E_NO_CREDENTIALS', `no Kerberos credentials: the credential cache ${name} cannot be read (${reason})`);
  }
}

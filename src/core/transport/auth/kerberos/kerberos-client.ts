/**
 * The client side of a Kerberos GSS context for HTTP: the target's service principal as the
 * Windows client names it (`HOST/<host>`, `HOST/<host>:<port>` with the SPN-port option), the
 * service ticket (and a forwarded TGT when delegating) from the client's credentials, then the
 * AP-REQ/AP-REP of gss/initiator.ts. The ticket is fetched before the first leg (start) because
 * that may need the KDC; building the tokens needs no network.
 */
import { decodeMessage, EncryptionKey, NameType } from './asn1';
import { type Credential, type Principal, principalName } from './credential';
import { KerberosInitiator, type DelegatedTicket, type ServiceCredential } from './gss/initiator';
import type { KerberosCredentials } from './kerberos-credentials';

export interface ServicePrincipalOptions {
  readonly host: string;
  /** The port, included when WSManFlagEnableSPNServerPort / WSMAN_OPTION_ENABLE_SPN_SERVER_PORT is set. */
  readonly port?: number;
  /** The service class; the Windows WinRM client uses HOST for Negotiate and Kerberos. */
  readonly service?: string;
}

/** `HOST/<host>[:port]` in the realm krb5.conf maps the host to, else the client's realm. */
export function servicePrincipal(options: ServicePrincipalOptions, credentials: KerberosCredentials): Principal {
  const host = options.host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const instance = options.port !== undefined ? `${host}:${options.port}` : host;
  const realm = credentials.config.realmOfHost(host) ?? credentials.client.realm;
  return { realm, nameType: NameType.SRV_HST, components: [options.service ?? 'HOST', instance] };
}

function serviceCredential(credential: Credential): ServiceCredential {
  return {
    clientRealm: credential.client.realm,
    clientName: principalName(credential.client),
    ticket: decodeMessage('Ticket', credential.ticket),
    sessionKey: Object.assign(new EncryptionKey(), { keytype: credential.key.etype, keyvalue: credential.key.value }),
  };
}

function delegatedTicket(credential: Credential): DelegatedTicket {
  return {
    ...serviceCredential(credential),
    flags: credential.flags,
    authtime: credential.authtime,
    ...(credential.starttime ? { starttime: credential.starttime } : {}),
    endtime: credential.endtime,
    ...(credential.renewTill ? { renewTill: credential.renewTill } : {}),
  };
}

export interface KerberosContextOptions {
  readonly credentials: KerberosCredentials;
  readonly target: Principal;
  /** Forward a TGT to the service (credential delegation). */
  readonly delegate?: boolean;
  readonly channelBindings?: Buffer;
}

/** One security context: start() fetches tickets, then initialToken/handleReply as in gss/initiator.ts. */
export async function startKerberosContext(options: KerberosContextOptions): Promise<KerberosInitiator> {
  const ticket = await options.credentials.serviceTicket(options.target);
  const delegate = options.delegate ? delegatedTicket(await options.credentials.forwardedTgt()) : undefined;
  return new KerberosInitiator({
    credential: serviceCredential(ticket),
    ...(options.channelBindings ? { channelBindings: options.channelBindings } : {}),
    ...(delegate ? { delegate } : {}),
  });
}

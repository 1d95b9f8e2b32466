/**
 * Negotiate (SPNEGO or raw NTLM under `Negotiate`) against the endpoint's local accounts; a
 * Kerberos token (SPNEGO preferring Kerberos, or bare) goes to EndpointKerberos when a keytab is
 * configured. The
 * exchange is bound to the TCP connection: the NegotiateServer of an unfinished handshake lives in
 * `connection.state`, and the authenticated connection keeps its session security for message
 * encryption. Over HTTPS the client's channel bindings are checked against the endpoint's own
 * certificate as `Service/Auth/CbtHardeningLevel` says (Relaxed: only bindings that are sent).
 */
import { inject, injectable } from 'inversify';
import { NegotiateServer, opensExchange, type NegotiateServerOptions } from '../../core/transport/auth/negotiate';
import { EndpointState } from '../service/endpoint-state';
import { EndpointKerberos } from './kerberos-auth';
import { listenerBindings } from './listener-bindings';
import { EndpointUsers, type AuthStep, type ConnectionInfo, type EndpointUser, type ServerAuthScheme } from './server-auth';

const HANDSHAKE = 'negotiate.handshake';
const SCHEME = /^negotiate(?:\s+|$)/i;

const header = (token: Buffer): string => `Negotiate ${token.toString('base64')}`;

@injectable()
export class NegotiateAuthScheme implements ServerAuthScheme {
  constructor(
    @inject(EndpointState) private readonly state: EndpointState,
    @inject(EndpointUsers) private readonly users: readonly EndpointUser[],
    @inject(EndpointKerberos) private readonly kerberos: EndpointKerberos,
  ) {}

  private enabled(): boolean {
    return this.state.config.flag('Service/Auth/Negotiate');
  }

  offer(): string | undefined {
    return this.enabled() ? 'Negotiate' : undefined;
  }

  matches(authorization: string): boolean {
    return SCHEME.test(authorization);
  }

  authenticate(authorization: string, connection: ConnectionInfo): AuthStep {
    const token = Buffer.from(authorization.replace(SCHEME, '').trim(), 'base64');
    const pending = connection.state.get(HANDSHAKE) as NegotiateServer | undefined;
    connection.state.delete(HANDSHAKE);
    if (!this.enabled() || token.length === 0) return { kind: 'rejected' };
    if (this.kerberos.handles(token)) return this.kerberosStep(token, connection);
    const server = pending && !opensExchange(token) ? pending : new NegotiateServer(this.serverOptions(connection));
    const step = server.step(token);
    switch (step.kind) {
      case 'continue':
        connection.state.set(HANDSHAKE, server);
        return { kind: 'continue', challenge: header(step.token) };
      case 'rejected':
        return { kind: 'rejected' };
      case 'authenticated': {
        // lookupPassword found the account, so it resolves again here.
        const account = this.account(step.user, step.domain)!;
        return {
          kind: 'authenticated',
          principal: { userName: account.name, scheme: 'Negotiate' },
          session: { security: server.security },
          ...(step.token ? { challenge: header(step.token) } : {}),
        };
      }
    }
  }

  /** Kerberos chosen by the client (SPNEGO with Kerberos first, or a bare Kerberos token): one leg, sealed as SPNEGO. */
  private kerberosStep(token: Buffer, connection: ConnectionInfo): AuthStep {
    const accepted = this.kerberos.acceptNegotiate(token, connection);
    if (!accepted) return { kind: 'rejected' };
    return {
      kind: 'authenticated',
      principal: { userName: accepted.userName, scheme: 'Negotiate' },
      session: accepted.session,
      ...(accepted.replyToken ? { challenge: header(accepted.replyToken) } : {}),
    };
  }

  private serverOptions(connection: ConnectionInfo): NegotiateServerOptions {
    return {
      lookupPassword: (user, domain) => this.account(user, domain)?.password,
      computerName: this.state.machineName,
      ...listenerBindings(connection, this.state.config),
    };
  }

  /**
   * The local account a user name stands for, compared without case like Windows: `user` with an
   * empty domain, `.`, or this computer's name, or the UPN form `user@computer`. Other domains
   * name accounts this workgroup host does not have.
   */
  private account(user: string, domain: string): EndpointUser | undefined {
    const at = domain === '' ? user.lastIndexOf('@') : -1;
    const [name, realm] = at > 0 ? [user.slice(0, at), user.slice(at + 1)] : [user, domain];
    const machine = this.state.machineName.toLowerCase();
    const local = ['', '.', machine, machine.split('.')[0]!].includes(realm.toLowerCase());
    return local ? this.users.find((u) => u.name.toLowerCase() === name.toLowerCase()) : undefined;
  }
}

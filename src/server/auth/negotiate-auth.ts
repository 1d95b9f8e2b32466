/**
 * Negotiate (SPNEGO or raw NTLM under `Negotiate`) against the endpoint's local accounts. The
 * exchange is bound to the TCP connection: the NegotiateServer of an unfinished handshake lives in
 * `connection.state`, and the authenticated connection keeps its session security for message
 * encryption. Over HTTPS the client's channel bindings are checked against the endpoint's own
 * certificate as `Service/Auth/CbtHardeningLevel` says (Relaxed: only bindings that are sent).
 */
import type { TLSSocket } from 'node:tls';
import { inject, injectable } from 'inversify';
import { tlsServerEndPoint } from '../../core/transport/auth/channel-bindings';
import { NegotiateServer, opensExchange, type NegotiateServerOptions } from '../../core/transport/auth/negotiate';
import { EndpointState } from '../service/endpoint-state';
import { EndpointUsers, type AuthStep, type ConnectionInfo, type EndpointUser, type ServerAuthScheme } from './server-auth';

const HANDSHAKE = 'negotiate.handshake';
const SCHEME = /^negotiate(?:\s+|$)/i;

const header = (token: Buffer): string => `Negotiate ${token.toString('base64')}`;

@injectable()
export class NegotiateAuthScheme implements ServerAuthScheme {
  constructor(
    @inject(EndpointState) private readonly state: EndpointState,
    @inject(EndpointUsers) private readonly users: readonly EndpointUser[],
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

  private serverOptions(connection: ConnectionInfo): NegotiateServerOptions {
    const hardening = this.state.config.get('Service/Auth/CbtHardeningLevel').toLowerCase();
    // The listener's own certificate (`raw` DER); Node gives an empty object when there is none.
    const certificate = connection.secure && hardening !== 'none' ? ((connection.socket as TLSSocket).getCertificate() as { raw?: Buffer } | null) : null;
    const raw = certificate?.raw;
    return {
      lookupPassword: (user, domain) => this.account(user, domain)?.password,
      computerName: this.state.machineName,
      ...(raw ? { channelBindings: tlsServerEndPoint(raw), requireChannelBindings: hardening === 'strict' } : {}),
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

/**
 * Client certificates (HTTPS only): the request carries the mutual-TLS security profile URI as
 * its Authorization value, the TLS handshake verified the certificate against the configured
 * CAs, and a certificate mapping names the local user (wire.md §4.3).
 */
import type { TLSSocket } from 'node:tls';
import { inject, injectable } from 'inversify';
import { EndpointState } from '../service/endpoint-state';
import { mapClientCertificate, type CertificateMapping } from '../tls/certificate-mapping';
import { MUTUAL_TLS_PROFILE } from '../../core/protocol/namespaces';
import type { AuthStep, ConnectionInfo, ServerAuthScheme } from './server-auth';

export const CertificateMappings = Symbol.for('wsman-automation.server.CertificateMappings');

@injectable()
export class CertificateAuthScheme implements ServerAuthScheme {
  constructor(
    @inject(EndpointState) private readonly state: EndpointState,
    @inject(CertificateMappings) private readonly mappings: readonly CertificateMapping[],
  ) {}

  private allowed(connection: ConnectionInfo): boolean {
    return connection.secure && this.state.config.flag('Service/Auth/Certificate');
  }

  // Windows never advertises certificate auth in WWW-Authenticate; the client sends it unasked.
  offer(): undefined {
    return undefined;
  }

  matches(authorization: string): boolean {
    return authorization.trim().toLowerCase() === MUTUAL_TLS_PROFILE;
  }

  authenticate(_authorization: string, connection: ConnectionInfo): AuthStep {
    if (!this.allowed(connection)) return { kind: 'rejected' };
    const socket = connection.socket as TLSSocket;
    if (!socket.authorized) return { kind: 'rejected' };
    const userName = mapClientCertificate(socket.getPeerCertificate(true), this.mappings);
    return userName ? { kind: 'authenticated', principal: { userName, scheme: 'Certificate' } } : { kind: 'rejected' };
  }
}

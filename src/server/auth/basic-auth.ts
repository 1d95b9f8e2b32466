/**
 * Basic: offered and accepted only when the service config enables it, and over plain HTTP only
 * with AllowUnencrypted, as a Windows listener does.
 *
 * A connection remembers the last Authorization value it verified: a client sends the same header
 * with every request of a keep-alive connection, and hashing the password against every account
 * each time is most of a small request's authentication cost. A different value is verified
 * afresh; a refused one is never remembered; the config check runs on every request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { EndpointState } from '../service/endpoint-state';
import { EndpointUsers, type AuthStep, type ConnectionInfo, type EndpointUser, type ServerAuthScheme } from './server-auth';

/** Where a connection keeps the Basic credentials it verified last. */
const VERIFIED = 'basic.verified';

interface Verified {
  readonly authorization: string;
  readonly step: AuthStep;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

@injectable()
export class BasicAuthScheme implements ServerAuthScheme {
  constructor(
    @inject(EndpointState) private readonly state: EndpointState,
    @inject(EndpointUsers) private readonly users: readonly EndpointUser[],
  ) {}

  private allowed(connection: ConnectionInfo): boolean {
    const config = this.state.config;
    return config.flag('Service/Auth/Basic') && (connection.secure || config.flag('Service/AllowUnencrypted'));
  }

  offer(connection: ConnectionInfo): string | undefined {
    return this.allowed(connection) ? 'Basic realm="WSMAN"' : undefined;
  }

  matches(authorization: string): boolean {
    return /^basic\s/i.test(authorization);
  }

  authenticate(authorization: string, connection: ConnectionInfo): AuthStep {
    if (!this.allowed(connection)) return { kind: 'rejected' };
    const verified = connection.state.get(VERIFIED) as Verified | undefined;
    if (verified?.authorization === authorization) return verified.step;
    const step = this.verify(authorization);
    if (step.kind === 'authenticated') connection.state.set(VERIFIED, { authorization, step } satisfies Verified);
    return step;
  }

  private verify(authorization: string): AuthStep {
    const decoded = Buffer.from(authorization.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return { kind: 'rejected' };
    const name = decoded.slice(0, colon);
    const offered = digest(decoded.slice(colon + 1));
    // Compare every account in constant time so the answer does not reveal which names exist.
    let match: EndpointUser | undefined;
    for (const user of this.users) {
      const same = timingSafeEqual(offered, digest(user.password));
      if (same && user.name.toLowerCase() === name.toLowerCase()) match = user;
    }
    return match ? { kind: 'authenticated', principal: { userName: match.name, scheme: 'Basic' } } : { kind: 'rejected' };
  }
}

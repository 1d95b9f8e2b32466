/**
 * The typed cause of an E_ACCESSDENIED from a 401: the scheme the client used and the schemes the
 * server's WWW-Authenticate offered. Windows reports every 401 alike; the offers tell a refused
 * mechanism (ours not among them) from refused credentials (ours offered, and still a 401).
 */
export class AuthenticationRefused {
  constructor(
    /** The scheme the client authenticated with, as its Authorization header names it (Basic, Negotiate, Kerberos). */
    readonly scheme: string,
    /** The auth-schemes of the 401's WWW-Authenticate values, in the server's order and spelling. */
    readonly offered: readonly string[],
    /** The connection was HTTPS. */
    readonly secure: boolean,
  ) {}

  /** The server did not offer the scheme in use: the mechanism, not the credentials, was refused. */
  get mechanismRefused(): boolean {
    const scheme = this.scheme.toLowerCase();
    return !this.offered.some((offer) => offer.toLowerCase() === scheme);
  }
}

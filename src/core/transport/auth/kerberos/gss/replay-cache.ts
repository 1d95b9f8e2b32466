/**
 * The acceptor's replay cache (RFC 4120 §3.2.3): an authenticator (client, time, checksum) is
 * accepted once; entries are forgotten when they fall outside the clock skew window, after which
 * the skew check alone refuses them.
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** Records the authenticator; false when it was seen before. */
  admit(id: string, authenticatorTime: number, now: number): boolean {
    this.prune(now);
    if (this.seen.has(id)) return false;
    this.seen.set(id, authenticatorTime);
    return true;
  }

  private prune(now: number): void {
    for (const [id, time] of this.seen) if (Math.abs(now - time) > this.windowMs) this.seen.delete(id);
  }
}

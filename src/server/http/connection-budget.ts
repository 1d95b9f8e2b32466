/**
 * Who may hold a connection of the listener, and for how long: the connection budget
 * (Service/MaxConnections) with a share of its own for connections that have not authenticated
 * yet, so that anonymous or half-open requests can never lock authenticated users out, and the
 * time any request body may take to arrive:
 *
 * - every connection starts unauthenticated and must finish each request (headers and body) within
 *   a short deadline, measured from its opening or from its last answer; else it is closed;
 * - unauthenticated connections may hold at most half of the budget: a new connection beyond that,
 *   or beyond the whole budget, closes the oldest unauthenticated one instead of being refused;
 * - a connection that authenticates leaves the share and the short deadline;
 * - any request, authenticated or not, must deliver its body within `bodyDeadlineMs` of its headers.
 */
import type { Socket } from 'node:net';

export interface ConnectionBudgetOptions {
  /** The whole budget, read at each new connection (a Put of MaxConnections takes effect at once). */
  readonly maxConnections: () => number;
  /** How long an unauthenticated connection may take for a request, or stay idle. */
  readonly unauthenticatedDeadlineMs: number;
  /** How long any request body may take after its headers. */
  readonly bodyDeadlineMs: number;
}

export class ConnectionBudget {
  private readonly all = new Set<Socket>();
  /** Unauthenticated connections, oldest first, with their deadline timers. */
  private readonly pending = new Map<Socket, NodeJS.Timeout>();

  constructor(private readonly options: ConnectionBudgetOptions) {}

  get bodyDeadlineMs(): number {
    return this.options.bodyDeadlineMs;
  }

  /** A new connection: admitted as unauthenticated, making room if the budget or the share is full. */
  admit(socket: Socket): void {
    const budget = Math.max(1, this.options.maxConnections());
    const share = Math.max(1, Math.floor(budget / 2));
    while (this.pending.size >= share || (this.all.size >= budget && this.pending.size > 0)) this.evictOldest();
    if (this.all.size >= budget) {
      socket.destroy();
      return;
    }
    this.all.add(socket);
    this.arm(socket);
    socket.once('close', () => {
      this.all.delete(socket);
      this.disarm(socket);
    });
  }

  /** The connection proved who it is: it leaves the unauthenticated share and its deadline. */
  authenticated(socket: Socket): void {
    this.disarm(socket);
  }

  /** Whether the connection has not authenticated yet (only such a connection is ever pending again). */
  awaitsAuthentication(socket: Socket): boolean {
    return this.pending.has(socket);
  }

  /** An unauthenticated connection was answered: its deadline starts over (for its next request, or idling). */
  answered(socket: Socket): void {
    if (this.pending.has(socket)) this.arm(socket);
  }

  private arm(socket: Socket): void {
    this.disarm(socket);
    const timer = setTimeout(() => socket.destroy(), this.options.unauthenticatedDeadlineMs);
    timer.unref();
    this.pending.set(socket, timer);
  }

  private disarm(socket: Socket): void {
    const timer = this.pending.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.pending.delete(socket);
  }

  private evictOldest(): void {
    const oldest = this.pending.keys().next().value as Socket | undefined;
    if (oldest === undefined) return;
    this.disarm(oldest);
    // Counted out now: its 'close' event comes later.
    this.all.delete(oldest);
    oldest.destroy();
  }
}

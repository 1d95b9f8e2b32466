/**
 * Open enumerations: each context is a snapshot of items and a position. A context is good for
 * one Pull only (every Pull hands out a new one, wire.md §6.6), belongs to the user who opened
 * it, and expires after EnumerationTimeoutms without use.
 */
import { wsmanError } from '../../core/errors/wsman-error';
import { newMessageId } from '../../core/protocol/envelope';
import type { EnumerationItem } from '../resources/resource-provider';

export type EnumerationMode = 'objects' | 'references' | 'objectsAndReferences';

export interface OpenEnumeration {
  readonly items: readonly EnumerationItem[];
  readonly mode: EnumerationMode;
  readonly resourceUri: string;
  readonly owner: string;
  position: number;
  lastUsed: number;
}

export class EnumerationContexts {
  private readonly open = new Map<string, OpenEnumeration>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes the enumeration out of its context (the context is spent whatever happens next). */
  take(context: string, owner: string, timeoutMs: number): OpenEnumeration {
    this.expire(timeoutMs);
    const enumeration = this.open.get(context);
    if (!enumeration || enumeration.owner !== owner) throw wsmanError('ERROR_WSMAN_ENUMERATE_INVALID_ENUMERATION_CONTEXT');
    this.open.delete(context);
    enumeration.lastUsed = this.now();
    return enumeration;
  }

  /** Stores an enumeration that still has items under a new context (its first, or the next after a Pull). */
  keep(enumeration: OpenEnumeration): string {
    const context = newMessageId();
    enumeration.lastUsed = this.now();
    this.open.set(context, enumeration);
    return context;
  }

  /** Enumerations a user has open: they count against MaxConcurrentOperationsPerUser. */
  countFor(owner: string, timeoutMs: number): number {
    this.expire(timeoutMs);
    let count = 0;
    for (const enumeration of this.open.values()) if (enumeration.owner === owner) count++;
    return count;
  }

  private expire(timeoutMs: number): void {
    const limit = this.now() - timeoutMs;
    for (const [context, enumeration] of this.open) if (enumeration.lastUsed < limit) this.open.delete(context);
  }
}

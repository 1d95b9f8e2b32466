/**
 * Enumerator (IWSManEnumerator): items of an enumeration, pulled BatchItems at a time.
 *
 * Pipelined, one page ahead: when a page becomes the one being read, the Pull for the next page
 * goes out first — with the context the reply's text shows, before the reply is read — so the
 * service works (and the reply travels) while this side reads the page and the script consumes
 * it. Reading the reply confirms that context; should it differ, the early Pull is dropped (its
 * context released) and the Pull sent again with the right one. At most two pages are held — the
 * one being read and the one ahead (in flight, or received and unread) — whatever the length of
 * the enumeration. Reading the last item of a page waits for the page ahead (past empty pages),
 * so AtEndOfStream is exact without a network call. A read-ahead Pull that fails, or a reply that
 * does not read, is reported by the next ReadItem, and the stream is then over. An enumerator
 * dropped early (Close, `await using`, the end of `for await`) sends Release for the live context:
 * with a Pull in flight it first waits for that Pull, whose reply carries the context to release
 * (the context a Pull was sent with is spent; a failed Pull leaves nothing to release).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { succeeded, type ComResult } from '../core/hresult';
import { wsmanError } from '../core/errors/wsman-error';
import type { WSMAN_SESSION_HANDLE } from '../core/capi/client-api';
import type { EnumerationPage, OperationTarget, ReceivedPage, WSManOperations } from '../core/session/wsman-operations';
import { ComObject } from './com-object';
import type { IWSManEnumerator } from './interfaces';

/** A read-ahead Pull, settled either way so that an abandoned one never rejects unheard. */
type Ahead = Promise<{ readonly received: ReceivedPage } | { readonly error: unknown }>;

const NO_ITEMS: readonly string[] = [];

export class Enumerator extends ComObject implements IWSManEnumerator, AsyncIterable<string>, AsyncDisposable {
  readonly implementedInterfaces = ['IWSManEnumerator'] as const;
  protected readonly errorSource = 'Enumerator';
  /** The page being read (read in place, never copied) and the index of its next item. */
  #page: readonly string[];
  #next = 0;
  /** The Pull for the page after this one, and the context it went with; undefined once the sequence ended (or broke, or closed). */
  #ahead: Ahead | undefined;
  #aheadContext: string | undefined;
  /** A Pull was queued since the last ReadItem: give the event loop one turn so it reaches the wire. */
  #unsent = false;
  #closed = false;
  /** Set after a failed Pull: the context is gone and further reads fail (ERROR_WSMAN_ENUMERATION_INVALID). */
  #broken = false;
  /** A failure of the read-ahead Pull, reported by the next ReadItem (not lost as an end of stream). */
  #pendingError: unknown = undefined;

  constructor(
    private readonly operations: WSManOperations,
    private readonly handle: WSMAN_SESSION_HANDLE,
    private readonly target: OperationTarget,
    private readonly batchItems: number,
    first: EnumerationPage,
    private readonly machine: string,
  ) {
    super();
    this.#page = first.items;
    this.#pullAhead(first.context);
  }

  protected override errorMachine(): string {
    return this.machine;
  }

  /** Sends the Pull for the page after the current one (none once the sequence ended). */
  #pullAhead(context: string | undefined): void {
    if (context === undefined || this.#closed) return;
    this.#ahead = this.operations.pull(this.handle, this.target, context, this.batchItems).then(
      (received) => ({ received }),
      (error: unknown) => ({ error }),
    );
    this.#aheadContext = context;
    this.#unsent = true;
  }

  /** Drops the Pull ahead: its page is never read, and the context its reply carries is released. */
  #dropAhead(): void {
    const dropped = this.#ahead;
    this.#ahead = undefined;
    void dropped?.then((outcome) => releaseWhatIsLeft(this.operations, this.handle, this.target, outcome).catch(() => undefined));
  }

  /**
   * Once the current page is read: the page ahead becomes current (past empty pages). The Pull
   * after it goes out, and reaches the wire, before its reply is read.
   */
  async #advance(): Promise<void> {
    while (this.#next >= this.#page.length && this.#ahead !== undefined) {
      const ahead = this.#ahead;
      const outcome = await ahead;
      // Closed meanwhile: Close owns the outcome (it releases the context the Pull returned).
      if (this.#closed || this.#ahead !== ahead) return;
      this.#ahead = undefined;
      this.#next = 0;
      this.#page = NO_ITEMS;
      if ('error' in outcome) {
        this.#broken = true;
        throw outcome.error;
      }
      this.#pullAhead(outcome.received.contextHint);
      if (this.#unsent) {
        this.#unsent = false;
        await nextTurn();
        if (this.#closed) return;
      }
      let page: EnumerationPage;
      try {
        page = outcome.received.read();
      } catch (error) {
        this.#dropAhead();
        this.#broken = true;
        throw error;
      }
      if (page.context !== (this.#ahead ? this.#aheadContext : undefined)) {
        this.#dropAhead();
        this.#pullAhead(page.context);
      }
      this.#page = page.items;
    }
    // The last page, read: let it go.
    if (this.#next >= this.#page.length) this.#page = NO_ITEMS;
  }

  ReadItem(): Promise<ComResult<string>> {
    return this.runAsync(async () => {
      if (this.#pendingError !== undefined) {
        const error = this.#pendingError;
        this.#pendingError = undefined;
        throw error;
      }
      if (this.#broken) throw wsmanError('ERROR_WSMAN_ENUMERATION_INVALID');
      // A script that reads without ever waiting on I/O would otherwise hold the Pull until the page ends.
      if (this.#unsent) {
        this.#unsent = false;
        await nextTurn();
      }
      await this.#advance();
      if (this.#next >= this.#page.length) throw wsmanError('ERROR_WSMAN_ENUMERATION_CLOSED');
      const item = this.#page[this.#next++];
      // The page's last item: wait for the page ahead so that AtEndOfStream answers without the network.
      if (this.#next === this.#page.length) {
        await this.#advance().catch((error: unknown) => {
          this.#pendingError = error;
        });
      }
      return item;
    });
  }

  get_AtEndOfStream(): ComResult<boolean> {
    return succeeded(this.#next >= this.#page.length && this.#ahead === undefined && this.#pendingError === undefined);
  }

  get_Error(): ComResult<string> {
    return this.lastErrorXml();
  }

  /** Ends the enumeration on the service if items are left (WS-Enumeration Release). */
  Close(): Promise<ComResult<void>> {
    return this.runAsync(async () => {
      const ahead = this.#ahead;
      this.#closed = true;
      this.#ahead = undefined;
      this.#page = NO_ITEMS;
      this.#next = 0;
      this.#pendingError = undefined;
      if (ahead !== undefined) await releaseWhatIsLeft(this.operations, this.handle, this.target, await ahead);
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.Close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    try {
      while (!this.get_AtEndOfStream().value) {
        const item = await this.ReadItem();
        if (item.error) throw Object.assign(new Error(item.error.description), { hresult: item.hr, faultXml: item.error.faultXml });
        yield item.value;
      }
    } finally {
      await this.Close();
    }
  }
}

/** Release of the context a Pull's reply carries, if the Pull succeeded, its reply reads, and the sequence goes on. */
async function releaseWhatIsLeft(
  operations: WSManOperations,
  handle: WSMAN_SESSION_HANDLE,
  target: OperationTarget,
  outcome: Awaited<Ahead>,
): Promise<void> {
  if (!('received' in outcome)) return;
  let context: string | undefined;
  try {
    context = outcome.received.read().context;
  } catch {
    return;
  }
  if (context !== undefined) await operations.release(handle, target, context);
}

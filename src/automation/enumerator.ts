/**
 * Enumerator (IWSManEnumerator): items of an enumeration, pulled BatchItems at a time. The next
 * batch is fetched as soon as the buffer runs dry, so AtEndOfStream is exact without a network
 * call; an enumerator dropped early sends Release (Close, `await using`, or the end of
 * `for await`).
 */
import { succeeded, type ComResult } from '../core/hresult';
import { wsmanError } from '../core/errors/wsman-error';
import type { WSMAN_SESSION_HANDLE } from '../core/capi/client-api';
import type { EnumerationPage, OperationTarget, WSManOperations } from '../core/session/wsman-operations';
import { ComObject } from './com-object';
import type { IWSManEnumerator } from './interfaces';

export class Enumerator extends ComObject implements IWSManEnumerator, AsyncIterable<string>, AsyncDisposable {
  readonly implementedInterfaces = ['IWSManEnumerator'] as const;
  protected readonly errorSource = 'Enumerator';
  #items: string[];
  #context: string | undefined;
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
    this.#items = [...first.items];
    this.#context = first.context;
  }

  protected override errorMachine(): string {
    return this.machine;
  }

  /** Fills an empty buffer from the service; pages may come back empty before the end. */
  async #refill(): Promise<void> {
    while (this.#items.length === 0 && this.#context !== undefined) {
      const context = this.#context;
      this.#context = undefined;
      try {
        const page = await this.operations.pull(this.handle, this.target, context, this.batchItems);
        this.#items = [...page.items];
        this.#context = page.context;
      } catch (error) {
        this.#broken = true;
        throw error;
      }
    }
  }

  ReadItem(): Promise<ComResult<string>> {
    return this.runAsync(async () => {
      if (this.#pendingError !== undefined) {
        const error = this.#pendingError;
        this.#pendingError = undefined;
        throw error;
      }
      if (this.#broken) throw wsmanError('ERROR_WSMAN_ENUMERATION_INVALID');
      await this.#refill();
      const item = this.#items.shift();
      if (item === undefined) throw wsmanError('ERROR_WSMAN_ENUMERATION_CLOSED');
      // Fetch ahead so that AtEndOfStream answers without the network.
      if (this.#items.length === 0) {
        await this.#refill().catch((error: unknown) => {
          this.#pendingError = error;
        });
      }
      return item;
    });
  }

  get_AtEndOfStream(): ComResult<boolean> {
    return succeeded(this.#items.length === 0 && (this.#context === undefined || this.#broken) && this.#pendingError === undefined);
  }

  get_Error(): ComResult<string> {
    return this.lastErrorXml();
  }

  /** Ends the enumeration on the service if items are left (WS-Enumeration Release). */
  Close(): Promise<ComResult<void>> {
    return this.runAsync(async () => {
      const context = this.#context;
      this.#context = undefined;
      this.#items = [];
      this.#pendingError = undefined;
      if (context !== undefined && !this.#broken) await this.operations.release(this.handle, this.target, context);
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

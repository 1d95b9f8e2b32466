/**
 * Progress of a long enumeration on stderr — items so far, pages, rate — redrawn in place a few
 * times a second. Only when stderr is a terminal and the items go elsewhere (a file or a pipe):
 * never into pipes, and never over items scrolling on the same screen.
 */
import type { OutStream } from './io';

const REDRAW_MS = 250;
/** Short enumerations finish before any progress would be worth showing. */
const FIRST_DRAW_MS = 1000;

export class EnumerationProgress {
  readonly #stream: OutStream;
  readonly #pageSize: number;
  readonly #enabled: boolean;
  readonly #now: () => number;
  readonly #started: number;
  #items = 0;
  #lastDraw = 0;
  #shown = false;

  constructor(stderr: OutStream, stdout: OutStream, pageSize: number, now: () => number = Date.now) {
    this.#stream = stderr;
    this.#pageSize = Math.max(1, pageSize);
    this.#enabled = stderr.isTTY === true && stdout.isTTY !== true;
    this.#now = now;
    this.#started = now();
  }

  item(): void {
    this.#items += 1;
    if (!this.#enabled) return;
    const now = this.#now();
    if (now - this.#started < FIRST_DRAW_MS || now - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = now;
    this.#stream.write(`\r\x1b[K${this.line(now)}`);
    this.#shown = true;
  }

  /** The line for the current counts. */
  line(now = this.#now()): string {
    const seconds = Math.max((now - this.#started) / 1000, 0.001);
    const pages = Math.ceil(this.#items / this.#pageSize);
    return `${this.#items} items, ${pages} pages, ${Math.round(this.#items / seconds)} items/s`;
  }

  /** Removes the progress line (before an error or at the end). */
  clear(): void {
    if (this.#shown) this.#stream.write('\r\x1b[K');
    this.#shown = false;
  }
}

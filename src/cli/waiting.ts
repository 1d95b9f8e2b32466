/**
 * A request that waits on a silent server says so: after a few seconds without an answer, one
 * line on stderr — only on a terminal, erased as soon as something arrives.
 */
import type { OutStream } from './io';

export const SILENCE_NOTICE_MS = 5000;
export const SILENCE_NOTICE = 'Waiting for the server to answer… (Ctrl+C stops; -timeout:MS limits the wait)';

export class SilenceWatch {
  #timer: NodeJS.Timeout | undefined;
  #shown = false;

  constructor(
    private readonly stderr: OutStream,
    private readonly afterMs = SILENCE_NOTICE_MS,
  ) {}

  /** Starts (or restarts) the wait: the notice appears if nothing is heard for afterMs. */
  waiting(): void {
    if (this.stderr.isTTY !== true) return;
    this.#clear();
    this.#timer = setTimeout(() => {
      this.#shown = true;
      this.stderr.write(SILENCE_NOTICE);
    }, this.afterMs);
    this.#timer.unref();
  }

  /** Something arrived: the notice goes, the wait restarts. */
  heard(): void {
    if (this.#timer === undefined) return;
    this.waiting();
  }

  stop(): void {
    this.#clear();
    this.#timer = undefined;
  }

  #clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#shown) this.stderr.write('\r\x1b[K');
    this.#shown = false;
  }
}

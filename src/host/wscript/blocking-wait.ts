/** Sleeping without spinning: Atomics.wait on a word nobody ever changes. */
const neverNotified = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

export function blockFor(milliseconds: number): void {
  if (milliseconds > 0) Atomics.wait(neverNotified, 0, 0, milliseconds);
}

/**
 * A blocking request/reply channel between two threads (the synckit pattern): the caller posts
 * a request on a MessagePort and sleeps in Atomics.wait on a shared signal word; the answering
 * thread posts the reply and flips the word. The caller then takes the reply off its port with
 * receiveMessageOnPort, without ever returning to its event loop.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** The one shared word's states. */
export const SignalState = {
  /** A request is outstanding (or none was made yet). */
  WAITING: 0,
  /** The reply is on the port. */
  REPLIED: 1,
  /** The answering thread is gone; no reply will ever come. */
  CLOSED: 2,
} as const;

export function createSignal(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
}

/** The calling side. */
export class SyncChannel<Request, Reply> {
  constructor(
    private readonly port: MessagePort,
    private readonly signal: Int32Array,
  ) {}

  call(request: Request): Reply {
    if (Atomics.load(this.signal, 0) === SignalState.CLOSED) throw new ChannelClosedError('the answering thread has exited');
    this.port.postMessage(request);
    while (Atomics.load(this.signal, 0) === SignalState.WAITING) Atomics.wait(this.signal, 0, SignalState.WAITING);
    if (Atomics.load(this.signal, 0) === SignalState.CLOSED) throw new ChannelClosedError('the answering thread exited during a call');
    Atomics.store(this.signal, 0, SignalState.WAITING);
    const received = receiveMessageOnPort(this.port);
    if (!received) throw new ChannelClosedError('signalled without a reply');
    return received.message as Reply;
  }

  /** Later calls fail at once (a terminated worker runs no exit handler that could say so). */
  close(): void {
    Atomics.store(this.signal, 0, SignalState.CLOSED);
    this.port.close();
  }
}

/** The answering side: post the reply first, then wake the caller. */
export function answer(port: MessagePort, signal: Int32Array, reply: unknown): void {
  port.postMessage(reply);
  Atomics.store(signal, 0, SignalState.REPLIED);
  Atomics.notify(signal, 0);
}

/**
 * WScript.StdIn, StdOut and StdErr (TextStream objects, as cscript gives them). StdIn reads
 * blocking, straight from the file descriptor: the script thread cannot wait for stream events.
 */
import { readSync } from 'node:fs';
import { EOL } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { hostObject, type HostContext } from '../host-object';
import { JSCRIPT_ERROR } from '../script-errors';
import { blockFor } from './blocking-wait';

/** How long to wait before trying again when stdin is a non-blocking descriptor with nothing to read yet. */
const EAGAIN_RETRY_MS = 10;
const CHUNK_BYTES = 64 * 1024;

type ReaderState = 'open' | 'ended';

/** Reads a descriptor up to what each call needs; lines end at LF, a CR before it is dropped. */
export class BlockingReader {
  #buffered = '';
  #state: ReaderState = 'open';
  readonly #decoder = new StringDecoder('utf8');
  readonly #chunk = Buffer.alloc(CHUNK_BYTES);

  constructor(private readonly fd: number) {}

  get atEnd(): boolean {
    while (this.#buffered === '' && this.#state === 'open') this.#fill();
    return this.#buffered === '';
  }

  /** undefined at the end of the input. */
  readLine(): string | undefined {
    let newline = this.#buffered.indexOf('\n');
    while (newline < 0 && this.#state === 'open') {
      this.#fill();
      newline = this.#buffered.indexOf('\n');
    }
    if (newline < 0 && this.#buffered === '') return undefined;
    const end = newline < 0 ? this.#buffered.length : newline;
    const line = this.#buffered.slice(0, end);
    this.#buffered = this.#buffered.slice(end + 1);
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }

  /** undefined at the end of the input. */
  readAll(): string | undefined {
    while (this.#state === 'open') this.#fill();
    if (this.#buffered === '') return undefined;
    const all = this.#buffered;
    this.#buffered = '';
    return all;
  }

  #fill(): void {
    const read = this.#read();
    if (read === 0) {
      this.#buffered += this.#decoder.end();
      this.#state = 'ended';
    } else {
      this.#buffered += this.#decoder.write(this.#chunk.subarray(0, read));
    }
  }

  #read(): number {
    for (;;) {
      try {
        return readSync(this.fd, this.#chunk, 0, CHUNK_BYTES, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EOF') return 0;
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        blockFor(EAGAIN_RETRY_MS);
      }
    }
  }
}

export function inputStream(reader: BlockingReader, context: HostContext): object {
  const orFail = (text: string | undefined): string => {
    if (text === undefined) throw context.errors.jscript(JSCRIPT_ERROR.INPUT_PAST_END_OF_FILE);
    return text;
  };
  return hostObject(
    {
      members: {
        ReadLine: { method: () => orFail(reader.readLine()) },
        ReadAll: { method: () => orFail(reader.readAll()) },
        AtEndOfStream: { get: () => reader.atEnd },
      },
    },
    context,
  );
}

export function outputStream(write: (text: string) => void, context: HostContext): object {
  return hostObject(
    {
      members: {
        Write: { method: (text: unknown) => write(String(text)) },
        WriteLine: { method: (text: unknown = '') => write(String(text) + EOL) },
      },
    },
    context,
  );
}

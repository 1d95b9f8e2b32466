/**
 * RC4, as NTLM uses it: one long-lived cipher per direction whose key stream runs on across
 * messages (MS-NLMP §3.1.5.1), plus the one-shot RC4K. OpenSSL 3 only has RC4 in its legacy provider.
 *
 * The key schedule runs in JavaScript; the key stream runs in a tiny WebAssembly function (about
 * twice the rate of the best JavaScript loop, docs/decisions.md) shared by every cipher: each call
 * copies the data into the module's memory, in chunks, and back; a cipher's 256-byte state moves
 * in and out only when another cipher takes the module. Key stream can also be made ahead of
 * use (prepare), when nothing waits for it; using it is then one XOR.
 */
import { RC4_WASM_CHUNK, RC4_WASM_DATA, RC4_WASM_STREAM, rc4WasmModule } from './rc4-wasm';

interface Rc4Exports {
  readonly memory: WebAssembly.Memory;
  /** XORs memory[start, end) with the key stream of the state at memory[0, 256); `ij` = i | j << 8, in and out. */
  readonly run: (start: number, end: number, ij: number) => number;
  /** XORs memory[start, end) with memory[stream, stream + end - start). */
  readonly xor: (start: number, end: number, stream: number) => number;
}

interface Rc4Engine {
  readonly wasm: Rc4Exports;
  readonly bytes: Uint8Array;
  /** The cipher whose state is in the module's memory now; its own copy is stale until another cipher takes the module. */
  resident: Rc4 | undefined;
}

let engine: Rc4Engine | undefined;

/** The one module instance, compiled on first use (synchronous: the module is a few hundred bytes). */
function rc4Engine(): Rc4Engine {
  if (!engine) {
    const wasm = new WebAssembly.Instance(new WebAssembly.Module(rc4WasmModule())).exports as unknown as Rc4Exports;
    engine = { wasm, bytes: new Uint8Array(wasm.memory.buffer), resident: undefined };
  }
  return engine;
}

/** Up to this many bytes are XORed with key stream made ahead in JavaScript (a signature's checksum): cheaper than the copies in and out. */
const SMALL_XOR = 32;
const NO_STREAM = new Uint8Array(0);

export class Rc4 {
  private readonly state = new Uint8Array(256);
  /** i | j << 8. */
  private ij = 0;
  /** Key stream made ahead of use (prepare): bytes [streamAt, streamEnd) come next; the state is already past them. */
  private stream = NO_STREAM;
  private streamAt = 0;
  private streamEnd = 0;

  constructor(key: Buffer) {
    if (key.length === 0 || key.length > 256) throw new RangeError('an RC4 key has 1 to 256 bytes');
    const state = this.state;
    for (let n = 0; n < 256; n++) state[n] = n;
    for (let n = 0, k = 0; n < 256; n++) {
      const held = state[n]!;
      k = (k + held + key[n % key.length]!) & 0xff;
      state[n] = state[k]!;
      state[k] = held;
    }
  }

  /** XORs `data` with the next bytes of the key stream, into a new buffer. */
  update(data: Buffer): Buffer {
    const out = Buffer.allocUnsafe(data.length);
    this.updateInto(data, out);
    return out;
  }

  /**
   * XORs `data` with the next bytes of the key stream into `out` (at least as long; may be `data`
   * itself): first with what prepare made ahead, then with key stream made now.
   */
  updateInto(data: Uint8Array, out: Uint8Array): void {
    const ready = Math.min(this.streamEnd - this.streamAt, data.length);
    if (ready > 0) this.xorReady(data, out, ready);
    if (ready < data.length) this.run(ready === 0 ? data : data.subarray(ready), ready === 0 ? out : out.subarray(ready));
  }

  /**
   * Makes key stream ahead so that at least `length` bytes (at most RC4_WASM_CHUNK) are ready: the
   * cost of the next message's key stream moved to a moment when nothing waits for it (the key
   * stream does not depend on the data).
   */
  prepare(length: number): void {
    const wanted = Math.min(length, RC4_WASM_CHUNK);
    const ready = this.streamEnd - this.streamAt;
    if (ready >= wanted) return;
    if (this.stream.length < wanted) {
      const grown = new Uint8Array(wanted);
      grown.set(this.stream.subarray(this.streamAt, this.streamEnd));
      this.stream = grown;
    } else if (this.streamAt > 0) {
      this.stream.copyWithin(0, this.streamAt, this.streamEnd);
    }
    this.streamAt = 0;
    this.streamEnd = ready;
    const { wasm, bytes } = this.takeEngine();
    const more = wanted - ready;
    bytes.fill(0, RC4_WASM_DATA, RC4_WASM_DATA + more);
    this.ij = wasm.run(RC4_WASM_DATA, RC4_WASM_DATA + more, this.ij);
    this.stream.set(bytes.subarray(RC4_WASM_DATA, RC4_WASM_DATA + more), ready);
    this.streamEnd = wanted;
  }

  /** XORs data[0, count) with the key stream made ahead into out. */
  private xorReady(data: Uint8Array, out: Uint8Array, count: number): void {
    const stream = this.stream;
    const at = this.streamAt;
    this.streamAt = at + count;
    if (count <= SMALL_XOR) {
      for (let n = 0; n < count; n++) out[n] = data[n]! ^ stream[at + n]!;
      return;
    }
    const { wasm, bytes } = rc4Engine();
    bytes.set(count === data.length ? data : data.subarray(0, count), RC4_WASM_DATA);
    bytes.set(stream.subarray(at, at + count), RC4_WASM_STREAM);
    wasm.xor(RC4_WASM_DATA, RC4_WASM_DATA + count, RC4_WASM_STREAM);
    out.set(bytes.subarray(RC4_WASM_DATA, RC4_WASM_DATA + count));
  }

  /** XORs data with key stream made now, in chunks through the module's memory. */
  private run(data: Uint8Array, out: Uint8Array): void {
    const { wasm, bytes } = this.takeEngine();
    let ij = this.ij;
    for (let at = 0; at < data.length; at += RC4_WASM_CHUNK) {
      const length = Math.min(RC4_WASM_CHUNK, data.length - at);
      bytes.set(length === data.length ? data : data.subarray(at, at + length), RC4_WASM_DATA);
      ij = wasm.run(RC4_WASM_DATA, RC4_WASM_DATA + length, ij);
      out.set(bytes.subarray(RC4_WASM_DATA, RC4_WASM_DATA + length), at);
    }
    this.ij = ij;
  }

  /**
   * The module with this cipher's state in its memory. The state stays there after a call: a
   * session's signature and ciphertext, run one after the other on the same cipher, copy it in and
   * out once.
   */
  private takeEngine(): Rc4Engine {
    const current = rc4Engine();
    if (current.resident !== this) {
      if (current.resident) current.resident.state.set(current.bytes.subarray(0, 256));
      current.bytes.set(this.state, 0);
      current.resident = this;
    }
    return current;
  }
}

/** MS-NLMP's RC4K(key, message): a cipher used for this one message only. */
export function rc4k(key: Buffer, data: Buffer): Buffer {
  return new Rc4(key).update(data);
}

/**
 * RC4, as NTLM uses it: one long-lived cipher per direction whose key stream runs on across
 * messages (MS-NLMP §3.1.5.1), plus the one-shot RC4K. OpenSSL 3 only has RC4 in its legacy provider.
 *
 * The key schedule runs in JavaScript; the key stream runs in a tiny WebAssembly function (about
 * twice the rate of the best JavaScript loop, docs/decisions.md) shared by every cipher: each call
 * copies the data into the module's memory, in chunks, and back; a cipher's 256-byte state moves
 * in and out only when another cipher takes the module.
 */
import { RC4_WASM_CHUNK, RC4_WASM_DATA, rc4WasmModule } from './rc4-wasm';

interface Rc4Exports {
  readonly memory: WebAssembly.Memory;
  /** XORs memory[start, end) with the key stream of the state at memory[0, 256); `ij` = i | j << 8, in and out. */
  readonly run: (start: number, end: number, ij: number) => number;
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

export class Rc4 {
  private readonly state = new Uint8Array(256);
  /** i | j << 8. */
  private ij = 0;

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
   * itself). The state stays in the module's memory after the call: a session's signature and
   * ciphertext, run one after the other on the same cipher, copy it in and out once.
   */
  updateInto(data: Uint8Array, out: Uint8Array): void {
    const current = rc4Engine();
    const { wasm, bytes } = current;
    if (current.resident !== this) {
      if (current.resident) current.resident.state.set(bytes.subarray(0, 256));
      bytes.set(this.state, 0);
      current.resident = this;
    }
    let ij = this.ij;
    for (let at = 0; at < data.length; at += RC4_WASM_CHUNK) {
      const length = Math.min(RC4_WASM_CHUNK, data.length - at);
      bytes.set(length === data.length ? data : data.subarray(at, at + length), RC4_WASM_DATA);
      ij = wasm.run(RC4_WASM_DATA, RC4_WASM_DATA + length, ij);
      out.set(bytes.subarray(RC4_WASM_DATA, RC4_WASM_DATA + length), at);
    }
    this.ij = ij;
  }
}

/** MS-NLMP's RC4K(key, message): a cipher used for this one message only. */
export function rc4k(key: Buffer, data: Buffer): Buffer {
  return new Rc4(key).update(data);
}

/**
 * HMAC-MD5 (RFC 2104) for NTLM message signatures, one keyed instance per signing key: the key's
 * inner and outer pad blocks are compressed once, so a message costs its own blocks and one more.
 * MD5's compression runs in a tiny WebAssembly function (md5-wasm.ts), shared by every instance;
 * messages longer than SMALL go to node:crypto, which hashes long inputs faster (docs/decisions.md).
 */
import { createHmac } from 'node:crypto';
import { MD5_WASM_DATA, md5WasmModule } from './md5-wasm';

interface Md5Exports {
  readonly memory: WebAssembly.Memory;
  /** Compresses the 64-byte blocks at memory[p, end) into the state at memory[0, 16). */
  readonly run: (p: number, end: number) => number;
}

let engine: { readonly wasm: Md5Exports; readonly bytes: Uint8Array; readonly words: DataView } | undefined;

function md5Engine(): NonNullable<typeof engine> {
  if (!engine) {
    const wasm = new WebAssembly.Instance(new WebAssembly.Module(md5WasmModule())).exports as unknown as Md5Exports;
    engine = { wasm, bytes: new Uint8Array(wasm.memory.buffer), words: new DataView(wasm.memory.buffer) };
  }
  return engine;
}

const INITIAL_STATE = Uint8Array.from([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10]);
const BLOCK = 64;

/** Messages up to this many bytes are hashed here. */
export const SMALL = 6_144;

export class HmacMd5 {
  private readonly inner = new Uint8Array(16);
  private readonly outer = new Uint8Array(16);

  constructor(private readonly key: Buffer) {
    if (key.length > BLOCK) throw new RangeError('an HMAC-MD5 key here has at most 64 bytes');
    const { wasm, bytes } = md5Engine();
    for (const [state, pad] of [[this.inner, 0x36], [this.outer, 0x5c]] as const) {
      bytes.set(INITIAL_STATE, 0);
      for (let n = 0; n < BLOCK; n++) bytes[MD5_WASM_DATA + n] = (key[n] ?? 0) ^ pad;
      wasm.run(MD5_WASM_DATA, MD5_WASM_DATA + BLOCK);
      state.set(bytes.subarray(0, 16));
    }
  }

  /** HMAC_MD5(key, prefix ‖ message) into out[0, 16). */
  digestInto(prefix: Uint8Array, message: Uint8Array, out: Uint8Array): void {
    const length = prefix.length + message.length;
    if (length > SMALL) {
      out.set(createHmac('md5', this.key).update(prefix).update(message).digest());
      return;
    }
    const { wasm, bytes, words } = md5Engine();
    bytes.set(this.inner, 0);
    const end = pad(bytes, words, length, () => {
      bytes.set(prefix, MD5_WASM_DATA);
      bytes.set(message, MD5_WASM_DATA + prefix.length);
    });
    wasm.run(MD5_WASM_DATA, end);
    bytes.copyWithin(MD5_WASM_DATA, 0, 16);
    bytes.set(this.outer, 0);
    wasm.run(MD5_WASM_DATA, pad(bytes, words, 16, () => undefined));
    out.set(bytes.subarray(0, 16));
  }
}

/** Writes the data (fill) and MD5's padding for `length` bytes after the pad block; returns the end of the last block. */
function pad(bytes: Uint8Array, words: DataView, length: number, fill: () => void): number {
  fill();
  let at = MD5_WASM_DATA + length;
  bytes[at++] = 0x80;
  const end = MD5_WASM_DATA + Math.ceil((length + 9) / BLOCK) * BLOCK;
  bytes.fill(0, at, end - 8);
  const bits = (length + BLOCK) * 8;
  words.setUint32(end - 8, bits >>> 0, true);
  words.setUint32(end - 4, Math.floor(bits / 2 ** 32), true);
  return end;
}

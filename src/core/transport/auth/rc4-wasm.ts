/**
 * The RC4 key stream as a WebAssembly module, assembled here from named instructions
 * (wasm-assembly.ts; there is no WAT compiler in the build, docs/decisions.md). In WAT terms:
 *
 *   (memory (export "memory") 3 3)          ;; state at [0, 256), data at [256, 256 + 65536),
 *                                           ;; key stream made ahead at [65792, 65792 + 65536)
 *   (func (export "xor") (param $p i32) (param $end i32) (param $q i32) (result i32)
 *     memory[p, end) ^= memory[q, q + end - p), eight bytes at a time, then byte by byte; return 0)
 *   (func (export "run") (param $p i32) (param $end i32) (param $ij i32) (result i32)
 *     i = ij & 255; j = ij >> 8
 *     while p < end4 (= end - ((end - p) & 3)):   ;; four bytes of key stream XORed as one word
 *       store32(p, load32(p) ^ (k() | k() << 8 | k() << 16 | k() << 24)); p += 4
 *     while p < end: store8(p, load8(p) ^ k()); p += 1
 *     return i | j << 8)
 *
 * where k() is one RC4 step: i = (i + 1) & 255; si = S[i]; j = (j + si) & 255; sj = S[j];
 * S[i] = sj; S[j] = si; yield S[(si + sj) & 255].
 */

import { assembleModule, constant, get, load32, load64, load8, loopWhileBelow, Op, set, store32, store64, store8, tee } from './wasm-assembly';

/** Where the data goes in the module's memory, and how much of it fits per call. */
export const RC4_WASM_DATA = 256;
export const RC4_WASM_CHUNK = 65_536;
/** Where key stream made ahead of time is copied in to be XORed with the data. */
export const RC4_WASM_STREAM = RC4_WASM_DATA + RC4_WASM_CHUNK;
const PAGES = 3; // 192 KiB: the state and two chunks.

/** Parameters and locals, by index. */
const enum L {
  p = 0,
  end = 1,
  ij = 2,
  i = 3,
  j = 4,
  si = 5,
  sj = 6,
  end4 = 7,
}
const LOCALS = 5; // i, j, si, sj, end4

/** One RC4 step, leaving the key stream byte on the stack. */
const keyByte = [
  ...get(L.i), ...constant(1), Op.i32Add, ...constant(255), Op.i32And, ...tee(L.i), ...load8, ...set(L.si),
  ...get(L.j), ...get(L.si), Op.i32Add, ...constant(255), Op.i32And, ...tee(L.j), ...load8, ...set(L.sj),
  ...get(L.i), ...get(L.sj), ...store8,
  ...get(L.j), ...get(L.si), ...store8,
  ...get(L.si), ...get(L.sj), Op.i32Add, ...constant(255), Op.i32And, ...load8,
];

const runBody = [
  ...get(L.ij), ...constant(255), Op.i32And, ...set(L.i),
  ...get(L.ij), ...constant(8), Op.i32ShrU, ...set(L.j),
  ...get(L.end), ...get(L.end), ...get(L.p), Op.i32Sub, ...constant(3), Op.i32And, Op.i32Sub, ...set(L.end4),
  ...loopWhileBelow(L.p, L.end4, 4, [
    ...get(L.p), ...get(L.p), ...load32(),
    ...keyByte,
    ...keyByte, ...constant(8), Op.i32Shl, Op.i32Or,
    ...keyByte, ...constant(16), Op.i32Shl, Op.i32Or,
    ...keyByte, ...constant(24), Op.i32Shl, Op.i32Or,
    Op.i32Xor, ...store32(),
  ]),
  ...loopWhileBelow(L.p, L.end, 1, [...get(L.p), ...get(L.p), ...load8, ...keyByte, Op.i32Xor, ...store8]),
  ...get(L.i), ...get(L.j), ...constant(8), Op.i32Shl, Op.i32Or,
  Op.end,
];

/** xor's parameters and locals: the stream sits `distance` bytes after the data. */
const enum X {
  p = 0,
  end = 1,
  q = 2,
  distance = 3,
  end8 = 4,
}

const xorBody = [
  ...get(X.q), ...get(X.p), Op.i32Sub, ...set(X.distance),
  ...get(X.end), ...get(X.end), ...get(X.p), Op.i32Sub, ...constant(7), Op.i32And, Op.i32Sub, ...set(X.end8),
  ...loopWhileBelow(X.p, X.end8, 8, [...get(X.p), ...get(X.p), ...load64, ...get(X.p), ...get(X.distance), Op.i32Add, ...load64, Op.i64Xor, ...store64]),
  ...loopWhileBelow(X.p, X.end, 1, [...get(X.p), ...get(X.p), ...load8, ...get(X.p), ...get(X.distance), Op.i32Add, ...load8, Op.i32Xor, ...store8]),
  ...constant(0),
  Op.end,
];

/** The module's bytes. */
export function rc4WasmModule(): Uint8Array<ArrayBuffer> {
  return assembleModule({
    functions: [
      { name: 'run', params: 3, locals: LOCALS, body: runBody },
      { name: 'xor', params: 3, locals: 2, body: xorBody },
    ],
    pages: PAGES,
  });
}

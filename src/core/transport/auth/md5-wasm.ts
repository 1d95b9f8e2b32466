/**
 * MD5's compression function (RFC 1321 §3.4) as a WebAssembly module, assembled at load like the
 * RC4 one. node:crypto's MD5 costs a few microseconds of setup per HMAC (object, digest lookup,
 * context), as much as hashing the 1–3 KB of a typical WS-Man message; this one has none.
 *
 *   (memory (export "memory") 2 2)        ;; state (A, B, C, D) at [0, 16), blocks from 64 on
 *   (func (export "run") (param $p i32) (param $end i32) (result i32)
 *     for each 64-byte block at p below end: the 64 steps on (a, b, c, d), then state += (a, b, c, d)
 *     return 0)
 */
import { assembleModule, constant, get, load32, loopWhileBelow, Op, set, store32 } from './wasm-assembly';

/** Where the blocks go in the module's memory (128 KiB: the state and up to 131,008 bytes of blocks per call). */
export const MD5_WASM_DATA = 64;
const PAGES = 2;

const P = 0;
const END = 1;
const [A, B, C, D, AA, BB, CC, DD] = [2, 3, 4, 5, 6, 7, 8, 9];
/** The block's 16 message words, loaded once per block. */
const X = 10;
const LOCALS = 8 + 16;

const SHIFTS = [
  [7, 12, 17, 22],
  [5, 9, 14, 20],
  [4, 11, 16, 23],
  [6, 10, 15, 21],
] as const;

/** K[i] = floor(|sin(i + 1)| · 2^32). */
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32));

/**
 * Adds round r's function of (x, y, z) to the value on the stack, x being the word the previous
 * step just produced: each form keeps the operations on x last, so that the chain from one step
 * to the next is as short as it can be (the other operands are ready earlier).
 */
function addRoundFunction(round: number, x: number, y: number, z: number): number[] {
  switch (round) {
    case 0: // F = z ^ (x & (y ^ z))
      return [...get(z), ...get(y), ...get(z), Op.i32Xor, ...get(x), Op.i32And, Op.i32Xor, Op.i32Add];
    case 1: // G = (x & z) | (y & ~z), whose two halves never share a bit: added one after the other
      return [...get(y), ...get(z), ...constant(-1), Op.i32Xor, Op.i32And, Op.i32Add, ...get(x), ...get(z), Op.i32And, Op.i32Add];
    case 2: // H = x ^ (y ^ z)
      return [...get(y), ...get(z), Op.i32Xor, ...get(x), Op.i32Xor, Op.i32Add];
    default: // I = y ^ (x | ~z)
      return [...get(y), ...get(z), ...constant(-1), Op.i32Xor, ...get(x), Op.i32Or, Op.i32Xor, Op.i32Add];
  }
}

/** Which message word step i reads. */
function wordOf(i: number): number {
  const round = i >> 4;
  return round === 0 ? i : round === 1 ? (5 * i + 1) % 16 : round === 2 ? (3 * i + 5) % 16 : (7 * i) % 16;
}

/** Step i: a = b + ((a + X[k] + K[i] + f(b, c, d)) <<< s), the roles of a, b, c, d rotating each step; f comes last (see addRoundFunction). */
function step(i: number): number[] {
  const roles = [A, B, C, D];
  const shift = (4 - (i % 4)) % 4;
  const [a, b, c, d] = [roles[shift]!, roles[(shift + 1) % 4]!, roles[(shift + 2) % 4]!, roles[(shift + 3) % 4]!];
  const round = i >> 4;
  return [
    ...get(a), ...get(X + wordOf(i)), Op.i32Add,
    ...constant(K[i]!), Op.i32Add,
    ...addRoundFunction(round, b, c, d),
    ...constant(SHIFTS[round]![i % 4]!), Op.i32Rotl,
    ...get(b), Op.i32Add, ...set(a),
  ];
}

const loadState = [A, B, C, D].flatMap((local, n) => [...constant(0), ...load32(n * 4), ...set(local)]);
const storeState = [A, B, C, D].flatMap((local, n) => [...constant(0), ...get(local), ...store32(n * 4)]);
const saveState = [
  ...[A, B, C, D].flatMap((local, n) => [...get(local), ...set([AA, BB, CC, DD][n]!)]),
  ...Array.from({ length: 16 }, (_, n) => [...get(P), ...load32(n * 4), ...set(X + n)]).flat(),
];
const addSaved = [A, B, C, D].flatMap((local, n) => [...get(local), ...get([AA, BB, CC, DD][n]!), Op.i32Add, ...set(local)]);

const runBody = [
  ...loadState,
  ...loopWhileBelow(P, END, 64, [...saveState, ...Array.from({ length: 64 }, (_, i) => step(i)).flat(), ...addSaved]),
  ...storeState,
  ...constant(0),
  Op.end,
];

/** The module's bytes. */
export function md5WasmModule(): Uint8Array<ArrayBuffer> {
  return assembleModule({ functions: [{ name: 'run', params: 2, locals: LOCALS, body: runBody }], pages: PAGES });
}

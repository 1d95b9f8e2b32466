/**
 * The RC4 key stream as a WebAssembly module, assembled here from named instructions (there is no
 * WAT compiler in the build; docs/decisions.md). In WAT terms:
 *
 *   (memory (export "memory") 2 2)          ;; state at [0, 256), data at [256, 256 + 65536)
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

/** Where the data goes in the module's memory, and how much of it fits per call. */
export const RC4_WASM_DATA = 256;
export const RC4_WASM_CHUNK = 65_536;
const PAGES = 2; // 128 KiB: the state and one chunk.

const enum Op {
  block = 0x02,
  loop = 0x03,
  end = 0x0b,
  brIf = 0x0d,
  localGet = 0x20,
  localSet = 0x21,
  localTee = 0x22,
  i32Load = 0x28,
  i32Load8U = 0x2d,
  i32Store = 0x36,
  i32Store8 = 0x3a,
  i32Const = 0x41,
  i32LtU = 0x49,
  i32GeU = 0x4f,
  i32Add = 0x6a,
  i32Sub = 0x6b,
  i32And = 0x71,
  i32Or = 0x72,
  i32Xor = 0x73,
  i32Shl = 0x74,
  i32ShrU = 0x76,
}

const I32 = 0x7f;
const VOID_BLOCK = 0x40;

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

function unsigned(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128, for i32.const (only small non-negative constants here, so bit 6 needs a spare byte at 64+). */
function signed(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

const get = (local: L): number[] => [Op.localGet, local];
const set = (local: L): number[] => [Op.localSet, local];
const tee = (local: L): number[] => [Op.localTee, local];
const constant = (value: number): number[] => [Op.i32Const, ...signed(value)];
/** Memory immediates: alignment (log2) and offset. */
const load8 = [Op.i32Load8U, 0, 0];
const store8 = [Op.i32Store8, 0, 0];
const load32 = [Op.i32Load, 2, 0];
const store32 = [Op.i32Store, 2, 0];

/** One RC4 step, leaving the key stream byte on the stack. */
const keyByte = [
  ...get(L.i), ...constant(1), Op.i32Add, ...constant(255), Op.i32And, ...tee(L.i), ...load8, ...set(L.si),
  ...get(L.j), ...get(L.si), Op.i32Add, ...constant(255), Op.i32And, ...tee(L.j), ...load8, ...set(L.sj),
  ...get(L.i), ...get(L.sj), ...store8,
  ...get(L.j), ...get(L.si), ...store8,
  ...get(L.si), ...get(L.sj), Op.i32Add, ...constant(255), Op.i32And, ...load8,
];

/** `while (p < limit) { body; p += stride }` as block/loop. */
function loopWhileBelow(limit: L, stride: number, body: number[]): number[] {
  return [
    Op.block, VOID_BLOCK, ...get(L.p), ...get(limit), Op.i32GeU, Op.brIf, 0,
    Op.loop, VOID_BLOCK, ...body, ...get(L.p), ...constant(stride), Op.i32Add, ...tee(L.p), ...get(limit), Op.i32LtU, Op.brIf, 0, Op.end,
    Op.end,
  ];
}

const runBody = [
  ...get(L.ij), ...constant(255), Op.i32And, ...set(L.i),
  ...get(L.ij), ...constant(8), Op.i32ShrU, ...set(L.j),
  ...get(L.end), ...get(L.end), ...get(L.p), Op.i32Sub, ...constant(3), Op.i32And, Op.i32Sub, ...set(L.end4),
  ...loopWhileBelow(L.end4, 4, [
    ...get(L.p), ...get(L.p), ...load32,
    ...keyByte,
    ...keyByte, ...constant(8), Op.i32Shl, Op.i32Or,
    ...keyByte, ...constant(16), Op.i32Shl, Op.i32Or,
    ...keyByte, ...constant(24), Op.i32Shl, Op.i32Or,
    Op.i32Xor, ...store32,
  ]),
  ...loopWhileBelow(L.end, 1, [...get(L.p), ...get(L.p), ...load8, ...keyByte, Op.i32Xor, ...store8]),
  ...get(L.i), ...get(L.j), ...constant(8), Op.i32Shl, Op.i32Or,
  Op.end,
];

function section(id: number, content: number[]): number[] {
  return [id, ...unsigned(content.length), ...content];
}

function name(text: string): number[] {
  return [...unsigned(text.length), ...Buffer.from(text, 'latin1')];
}

/** The module's bytes. */
export function rc4WasmModule(): Uint8Array<ArrayBuffer> {
  const code = [1, LOCALS, I32, ...runBody];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, [1, 0x60, 3, I32, I32, I32, 1, I32]), // type 0: (i32, i32, i32) -> i32
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0x01, PAGES, PAGES]), // one memory, min = max
    ...section(7, [2, ...name('memory'), 0x02, 0, ...name('run'), 0x00, 0]),
    ...section(10, [1, ...unsigned(code.length), ...code]),
  ]);
}

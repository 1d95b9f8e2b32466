/**
 * Just enough of the WebAssembly binary format to assemble the small sealing modules (RC4's key
 * stream, MD5's compression) from named instructions at load: there is no WAT compiler in the
 * build (docs/decisions.md).
 */
export const enum Op {
  block = 0x02,
  loop = 0x03,
  end = 0x0b,
  brIf = 0x0d,
  localGet = 0x20,
  localSet = 0x21,
  localTee = 0x22,
  i32Load = 0x28,
  i64Load = 0x29,
  i32Load8U = 0x2d,
  i32Store = 0x36,
  i64Store = 0x37,
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
  i32Rotl = 0x77,
  i64Xor = 0x85,
}

export const I32 = 0x7f;
export const VOID_BLOCK = 0x40;

export function unsigned(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128, for i32.const (bit 6 of the last byte is the sign). */
export function signed(value: number): number[] {
  const out: number[] = [];
  value |= 0;
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

export const get = (local: number): number[] => [Op.localGet, local];
export const set = (local: number): number[] => [Op.localSet, local];
export const tee = (local: number): number[] => [Op.localTee, local];
export const constant = (value: number): number[] => [Op.i32Const, ...signed(value)];
/** Memory immediates: alignment (log2) and offset. */
export const load8 = [Op.i32Load8U, 0, 0];
export const store8 = [Op.i32Store8, 0, 0];
export const load32 = (offset = 0): number[] => [Op.i32Load, 2, ...unsigned(offset)];
export const store32 = (offset = 0): number[] => [Op.i32Store, 2, ...unsigned(offset)];
export const load64 = [Op.i64Load, 3, 0];
export const store64 = [Op.i64Store, 3, 0];

/** `while (p < limit) { body; p += stride }` as block/loop. */
export function loopWhileBelow(p: number, limit: number, stride: number, body: number[]): number[] {
  return [
    Op.block, VOID_BLOCK, ...get(p), ...get(limit), Op.i32GeU, Op.brIf, 0,
    Op.loop, VOID_BLOCK, ...body, ...get(p), ...constant(stride), Op.i32Add, ...tee(p), ...get(limit), Op.i32LtU, Op.brIf, 0, Op.end,
    Op.end,
  ];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsigned(content.length), ...content];
}

function name(text: string): number[] {
  return [...unsigned(text.length), ...Buffer.from(text, 'latin1')];
}

/** One exported function of `params` i32 parameters returning an i32, with `locals` more i32 locals and `body` (ending in Op.end). */
export interface WasmFunction {
  readonly name: string;
  readonly params: number;
  readonly locals: number;
  readonly body: number[];
}

/** A module of the given exported functions (function n has type n) and one exported memory of `pages` pages. */
export function assembleModule(options: { functions: readonly WasmFunction[]; pages: number }): Uint8Array<ArrayBuffer> {
  const { functions } = options;
  const types = functions.flatMap((fn) => [0x60, fn.params, ...Array<number>(fn.params).fill(I32), 1, I32]);
  const exportEntries = functions.flatMap((fn, index) => [...name(fn.name), 0x00, index]);
  const bodies = functions.flatMap((fn) => {
    const code = [1, fn.locals, I32, ...fn.body];
    return [...unsigned(code.length), ...code];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, [functions.length, ...types]),
    ...section(3, [functions.length, ...functions.map((_, index) => index)]),
    ...section(5, [1, 0x01, options.pages, options.pages]), // one memory, min = max
    ...section(7, [functions.length + 1, ...name('memory'), 0x02, 0, ...exportEntries]),
    ...section(10, [functions.length, ...bodies]),
  ]);
}

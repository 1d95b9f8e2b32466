/**
 * The console code pages a shell may ask for with WINRS_CODEPAGE. Processes here speak UTF-8, so
 * 65001 passes bytes through, and 437 (the OEM code page of US Windows) is transcoded both ways:
 * output UTF-8 → CP437 (unmappable characters become '?', as WideCharToMultiByte's default
 * character), stdin CP437 → UTF-8.
 */
import { StringDecoder } from 'node:string_decoder';
import { wsmanError } from '../../core/errors/wsman-error';

/** Unicode of CP437 bytes 0x80–0xFF (bytes below 0x80 are ASCII), as Windows' code page table maps them. */
const CP437_HIGH =
  '\u00c7\u00fc\u00e9\u00e2\u00e4\u00e0\u00e5\u00e7\u00ea\u00eb\u00e8\u00ef\u00ee\u00ec\u00c4\u00c5' +
  '\u00c9\u00e6\u00c6\u00f4\u00f6\u00f2\u00fb\u00f9\u00ff\u00d6\u00dc\u00a2\u00a3\u00a5\u20a7\u0192' +
  '\u00e1\u00ed\u00f3\u00fa\u00f1\u00d1\u00aa\u00ba\u00bf\u2310\u00ac\u00bd\u00bc\u00a1\u00ab\u00bb' +
  '\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255d\u255c\u255b\u2510' +
  '\u2514\u2534\u252c\u251c\u2500\u253c\u255e\u255f\u255a\u2554\u2569\u2566\u2560\u2550\u256c\u2567' +
  '\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256b\u256a\u2518\u250c\u2588\u2584\u258c\u2590\u2580' +
  '\u03b1\u00df\u0393\u03c0\u03a3\u03c3\u00b5\u03c4\u03a6\u0398\u03a9\u03b4\u221e\u03c6\u03b5\u2229' +
  '\u2261\u00b1\u2265\u2264\u2320\u2321\u00f7\u2248\u00b0\u2219\u00b7\u221a\u207f\u00b2\u25a0\u00a0';

const TO_CP437 = new Map<number, number>([...CP437_HIGH].map((char, index) => [char.codePointAt(0)!, 0x80 + index]));
const UNMAPPABLE = 0x3f; // '?'

export const CODEPAGE_UTF8 = 65001;
export const CODEPAGE_OEM_US = 437;
const SUPPORTED = new Set([CODEPAGE_UTF8, CODEPAGE_OEM_US]);

/** The WINRS_CODEPAGE value as a supported code page; anything else is refused as Windows refuses a code page it cannot set. */
export function readCodepage(value: string | undefined): number {
  if (value === undefined) return CODEPAGE_OEM_US;
  const trimmed = value.trim();
  const codepage = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!SUPPORTED.has(codepage)) throw wsmanError('ERROR_WINRS_CODE_PAGE_NOT_SUPPORTED');
  return codepage;
}

/** Turns a process's UTF-8 output into the shell's code page, chunk by chunk (characters may straddle chunks). */
export interface OutputEncoder {
  write(chunk: Buffer): Buffer;
  end(): Buffer;
}

function encodeCp437(text: string): Buffer {
  const bytes = Buffer.allocUnsafe(text.length);
  let length = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes[length++] = code < 0x80 ? code : (TO_CP437.get(code) ?? UNMAPPABLE);
  }
  return bytes.subarray(0, length);
}

export function decodeCp437(bytes: Buffer): string {
  let text = '';
  for (const byte of bytes) text += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
  return text;
}

export function outputEncoder(codepage: number): OutputEncoder {
  if (codepage === CODEPAGE_UTF8) return { write: (chunk) => chunk, end: () => Buffer.alloc(0) };
  const decoder = new StringDecoder('utf8');
  return { write: (chunk) => encodeCp437(decoder.write(chunk)), end: () => encodeCp437(decoder.end()) };
}

/** Client stdin bytes (in the shell's code page) as the UTF-8 the process reads. */
export function inputToProcess(codepage: number, bytes: Buffer): Buffer {
  return codepage === CODEPAGE_UTF8 ? bytes : Buffer.from(decodeCp437(bytes), 'utf8');
}

/**
 * Scripting.TextStream over a file: opened for reading (the whole text decoded at open, read
 * from a position), or for writing/appending (each Write goes to the file at once). Line and
 * Column count from 1 as the Scripting Runtime counts them. ANSI files are read and written as
 * UTF-8 here (the host's rule for scripts too); Unicode files are UTF-16LE with a byte order mark.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { EOL } from 'node:os';
import type { SyncDispatch, Variant } from '../../../automation/dispatch/contract';
import { hostDispatch } from '../host-dispatch';
import { runtimeError } from '../runtime-errors';
import { toLong, toStr } from '../variants';
import { fileSystemError } from './errors';

export const FOR_READING = 1;
export const FOR_WRITING = 2;
export const FOR_APPENDING = 8;

const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export type Encoding = 'ansi' | 'unicode';

/** Text of a file: a UTF-16LE BOM makes it Unicode whatever was asked (TristateUseDefault reads it so too). */
function decode(bytes: Buffer, encoding: Encoding): string {
  if (bytes.subarray(0, 2).equals(UTF16LE_BOM)) return bytes.subarray(2).toString('utf16le');
  if (encoding === 'unicode') return bytes.toString('utf16le');
  if (bytes.subarray(0, 3).equals(UTF8_BOM)) return bytes.subarray(3).toString('utf8');
  return bytes.toString('utf8');
}

/** Line and Column after some text: lines end at LF. */
function advance(position: { line: number; column: number }, text: string): void {
  const lines = text.split('\n');
  if (lines.length > 1) {
    position.line += lines.length - 1;
    position.column = lines[lines.length - 1].length + 1;
  } else {
    position.column += text.length;
  }
}

export function readingStream(path: string, encoding: Encoding, beforeInvoke?: () => void): SyncDispatch {
  let text: string;
  try {
    text = decode(readFileSync(path), encoding);
  } catch (error) {
    throw fileSystemError(error, 53);
  }
  let at = 0;
  let open = true;
  const position = { line: 1, column: 1 };
  const ensureOpen = (): void => {
    if (!open) throw runtimeError(54);
  };
  const take = (count: number): string => {
    ensureOpen();
    if (at >= text.length) throw runtimeError(62);
    const taken = text.slice(at, at + count);
    at += taken.length;
    advance(position, taken);
    return taken;
  };
  const readLine = (): string => {
    ensureOpen();
    if (at >= text.length) throw runtimeError(62);
    const newline = text.indexOf('\n', at);
    const line = take(newline < 0 ? text.length - at : newline - at + 1);
    return line.replace(/\r?\n$/, '');
  };
  const writeRefused = (): never => {
    throw runtimeError(54);
  };
  return hostDispatch({
    typeName: 'ITextStream',
    beforeInvoke,
    members: {
      Line: { dispid: 10000, get: () => position.line },
      Column: { dispid: -529, get: () => position.column },
      AtEndOfStream: { dispid: 10002, get: () => at >= text.length },
      AtEndOfLine: { dispid: 10003, get: () => at >= text.length || text[at] === '\n' || text.startsWith('\r\n', at) },
      Read: { dispid: 10004, params: ['Characters'], call: (count: Variant) => take(Math.max(0, toLong(count))) },
      ReadLine: { dispid: 10005, call: readLine },
      ReadAll: { dispid: 10006, call: () => take(text.length - at) },
      Write: { dispid: 10007, params: ['Text'], call: writeRefused },
      WriteLine: { dispid: 10008, params: ['Text?'], call: writeRefused },
      WriteBlankLines: { dispid: 10009, params: ['Lines'], call: writeRefused },
      Skip: { dispid: 10010, params: ['Characters'], call: (count: Variant) => void take(Math.max(0, toLong(count))) },
      SkipLine: { dispid: 10011, call: () => void readLine() },
      Close: { dispid: 10012, call: () => void (open = false) },
    },
  });
}

export function writingStream(path: string, mode: typeof FOR_WRITING | typeof FOR_APPENDING, encoding: Encoding, beforeInvoke?: () => void): SyncDispatch {
  let existing: Buffer | undefined;
  try {
    existing = mode === FOR_APPENDING ? readFileSync(path) : undefined;
  } catch {
    existing = undefined;
  }
  // Appending to a Unicode file keeps writing Unicode.
  const unicode = encoding === 'unicode' || (existing?.subarray(0, 2).equals(UTF16LE_BOM) ?? false);
  let fd: number | undefined;
  try {
    fd = openSync(path, mode === FOR_APPENDING ? 'a' : 'w');
  } catch (error) {
    throw fileSystemError(error, 76);
  }
  if (unicode && (existing === undefined || existing.length === 0)) writeSync(fd, UTF16LE_BOM);
  const position = { line: 1, column: 1 };
  const write = (text: string): void => {
    if (fd === undefined) throw runtimeError(54);
    writeSync(fd, Buffer.from(text, unicode ? 'utf16le' : 'utf8'));
    advance(position, text);
  };
  const readRefused = (): never => {
    throw runtimeError(54);
  };
  return hostDispatch({
    typeName: 'ITextStream',
    beforeInvoke,
    members: {
      Line: { dispid: 10000, get: () => position.line },
      Column: { dispid: -529, get: () => position.column },
      AtEndOfStream: { dispid: 10002, get: readRefused },
      AtEndOfLine: { dispid: 10003, get: readRefused },
      Read: { dispid: 10004, params: ['Characters'], call: readRefused },
      ReadLine: { dispid: 10005, call: readRefused },
      ReadAll: { dispid: 10006, call: readRefused },
      Write: { dispid: 10007, params: ['Text'], call: (text: Variant) => write(toStr(text)) },
      WriteLine: { dispid: 10008, params: ['Text?'], call: (text: Variant) => write(toStr(text) + EOL) },
      WriteBlankLines: { dispid: 10009, params: ['Lines'], call: (count: Variant) => write(EOL.repeat(Math.max(0, toLong(count)))) },
      Skip: { dispid: 10010, params: ['Characters'], call: readRefused },
      SkipLine: { dispid: 10011, call: readRefused },
      Close: {
        dispid: 10012,
        call: () => {
          if (fd !== undefined) closeSync(fd);
          fd = undefined;
        },
      },
    },
  });
}

/**
 * A script file's text as WSH reads it: UTF-16LE with its byte order mark (what Notepad's
 * "Unicode" writes), UTF-8 with or without one. WSH reads BOM-less files in the ANSI code page;
 * here they are UTF-8, today's common encoding.
 */
import { readFileSync } from 'node:fs';

const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function decodeScript(bytes: Buffer): string {
  if (bytes.subarray(0, 2).equals(UTF16LE_BOM)) return bytes.subarray(2).toString('utf16le');
  if (bytes.subarray(0, 3).equals(UTF8_BOM)) return bytes.subarray(3).toString('utf8');
  return bytes.toString('utf8');
}

export function readScript(path: string): string {
  return decodeScript(readFileSync(path));
}

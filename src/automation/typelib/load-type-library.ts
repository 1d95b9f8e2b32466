/** Reads idl/wsmandisp.idl once and keeps the parsed library. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIdl } from './idl-parser';
import type { TypeLibrary } from './type-library';

/** src/automation/typelib and dist/automation/typelib both sit three levels below the package root. */
export const WSMANDISP_IDL_PATH = join(__dirname, '..', '..', '..', 'idl', 'wsmandisp.idl');

let cached: TypeLibrary | undefined;

export function loadTypeLibrary(): TypeLibrary {
  cached ??= parseIdl(readFileSync(WSMANDISP_IDL_PATH, 'utf8'));
  return cached;
}

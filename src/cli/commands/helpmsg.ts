/**
 * `wsman helpmsg N`: WSMan.GetErrorMessage for `0x…` (hex), a negative or a positive decimal,
 * as winrm.vbs reads them; a number it cannot read shows the helpmsg help (exit 0, as winrm).
 */
import { createObject } from '../../index';
import type { CliIo } from '../io';
import { writeLine } from '../io';
import { check, ComCallFailed, reportFailure } from './com-call';
import { printHelp } from './help';

/** `winrm helpmsg` accepts 0x-hex, negative decimal and plain decimal (a VBScript Long). */
export function parseErrorNumber(text: string): number | undefined {
  if (/^0x[0-9a-f]{1,8}$/i.test(text)) return parseInt(text.slice(2), 16);
  if (/^-?[0-9]{1,10}$/.test(text) && Number(text) >= -0x80000000 && Number(text) <= 0xffffffff) return Number(text);
  return undefined;
}

export function helpmsg(argument: string | undefined, io: CliIo): number {
  const errorNumber = argument === undefined ? undefined : parseErrorNumber(argument);
  if (errorNumber === undefined) {
    printHelp(io.stdout, 'helpmsg');
    return 0;
  }
  const wsman = createObject('WSMan.Automation');
  try {
    writeLine(io.stdout, check(wsman.GetErrorMessage(errorNumber), wsman).replace(/\r?\n$/, ''));
    return 0;
  } catch (error) {
    if (!(error instanceof ComCallFailed)) throw error;
    reportFailure(io.stderr, 'text', error);
    return 1;
  }
}

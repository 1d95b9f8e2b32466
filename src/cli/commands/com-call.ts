/**
 * A failed object-model call and how winrm.vbs reports one (ASSERTERR): the object's Error XML
 * in the chosen format, `Error number:  <signed> 0x<HEX>`, the description; exit code 1.
 */
import { toSigned, toUnsigned, type ComFailure, type ComResult } from '../../core/hresult';
import { reformat, type OutputFormat } from '../format/output-format';
import { writeLine, type OutStream } from '../io';

/** Something with an Error property (WSMan, Session, Enumerator, ResourceLocator). */
export interface HasErrorXml {
  get_Error(): ComResult<string>;
}

export class ComCallFailed extends Error {
  override readonly name = 'ComCallFailed';

  constructor(
    readonly failure: ComFailure,
    /** The failing object's Error property right after the call. */
    readonly errorXml: string,
  ) {
    super(failure.error.description);
  }

  get hr(): number {
    return this.failure.hr;
  }
}

/** The value of a call, or ComCallFailed carrying the owner's Error XML (the failure's own XML when the object has no Error property). */
export function check<T>(result: ComResult<T>, owner?: HasErrorXml): T {
  if (result.error) throw new ComCallFailed(result, owner?.get_Error().value ?? result.error.faultXml);
  return result.value;
}

/** `0x80338012` as VBScript's `"0x" & Hex(Err.Number)` prints it. */
export function hexNumber(hr: number): string {
  return `0x${toUnsigned(hr).toString(16).toUpperCase()}`;
}

export function reportFailure(stderr: OutStream, format: OutputFormat, failed: ComCallFailed): void {
  const xml = failed.errorXml !== '' ? failed.errorXml : failed.failure.error.faultXml;
  // JSON is for results; a fault on stderr is read by a person, in winrm's text layout.
  const shown = reformat(xml, format === 'json' ? 'text' : format);
  writeLine(stderr, 'text' in shown ? shown.text : xml);
  writeLine(stderr, `Error number:  ${toSigned(failed.hr)} ${hexNumber(failed.hr)}`);
  writeLine(stderr, failed.failure.error.description);
}

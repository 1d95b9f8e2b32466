/** WSManFault XML, the shape WinRM puts in the Error property of a failed object. */
import { toUnsigned } from '../hresult';

export const WSMANFAULT_NAMESPACE = 'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault';

const NEEDS_WORK = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };

/**
 * Character data: &, <, > escaped; CR as a character reference so parsers keep it; characters
 * XML 1.0 cannot carry (other C0 controls, lone surrogates, U+FFFE/F) dropped. Most values need
 * none of it, so one test decides first.
 */
export function escapeXmlText(text: string): string {
  if (!NEEDS_WORK.test(text)) return text;
  return text.replace(NOT_XML, '').replace(/[&<>\r]/g, (c) => ESCAPES[c]);
}

export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text).replace(/"/g, '&quot;');
}

export interface FaultXmlFields {
  readonly hresult: number;
  readonly machine: string;
  readonly message: string;
  readonly language?: string;
}

/** `<f:WSManFault … Code="2150858777" Machine="…" xml:lang="en-US"><f:Message>…</f:Message></f:WSManFault>` */
export function buildFaultXml(fields: FaultXmlFields): string {
  return (
    `<f:WSManFault xmlns:f="${WSMANFAULT_NAMESPACE}" Code="${toUnsigned(fields.hresult)}"` +
    ` Machine="${escapeXmlAttribute(fields.machine)}" xml:lang="${escapeXmlAttribute(fields.language ?? 'en-US')}">` +
    `<f:Message>${escapeXmlText(fields.message)}</f:Message></f:WSManFault>`
  );
}

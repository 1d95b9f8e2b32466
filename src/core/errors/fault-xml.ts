/** WSManFault XML, the shape WinRM puts in the Error property of a failed object. */
import { toUnsigned } from '../hresult';

export const WSMANFAULT_NAMESPACE = 'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault';

export function escapeXmlText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
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

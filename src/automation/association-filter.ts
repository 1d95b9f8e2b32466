/**
 * The short association filter of `winrm enumerate … -dialect:association -filter:{…}`:
 * `{Object=CLASS?Key=Value[+Key=Value];AssociationClassName=…;ResultClassName=…;Role=…;ResultRole=…}`
 * with unquoted values, as Microsoft documents it for winrm. Session.Enumerate turns it into the
 * DSP0227 `b:AssociatedInstances` / `b:AssociationInstances` XML; a class name without a URI is
 * taken relative to the enumerated resource URI (`wmicimv2/*` → `…/root/cimv2/CLASS`).
 */
import { escapeXmlAttribute, escapeXmlText } from '../core/errors/fault-xml';
import { wsmanError } from '../core/errors/wsman-error';
import { ANONYMOUS_ADDRESS, NS } from '../core/protocol/namespaces';
import { parseResourceUri } from '../core/session/resource-uri';

/** Field name (lower case) → element name, in DSP0227 order. */
const FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['associationclassname', 'AssociationClassName'],
  ['role', 'Role'],
  ['resultclassname', 'ResultClassName'],
  ['resultrole', 'ResultRole'],
];

/** Fields b:AssociationInstances allows (it names the associations themselves). */
const ASSOCIATION_INSTANCE_FIELDS = new Set(['AssociationClassName', 'Role']);

export function isShortAssociationFilter(filter: string): boolean {
  const text = filter.trim();
  return text.startsWith('{') && text.endsWith('}');
}

function objectUri(written: string, enumeratedUri: string): string {
  const { resourceUri, selectors } = parseResourceUri(written);
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(resourceUri) ? resourceUri : `${enumeratedUri.slice(0, enumeratedUri.lastIndexOf('/') + 1)}${resourceUri}`;
  const selectorXml = selectors.map((s) => `<w:Selector Name="${escapeXmlAttribute(s.name)}">${escapeXmlText(s.value)}</w:Selector>`).join('');
  return (
    `<b:Object><a:Address>${ANONYMOUS_ADDRESS}</a:Address><a:ReferenceParameters>` +
    `<w:ResourceURI>${escapeXmlText(absolute)}</w:ResourceURI>${selectorXml === '' ? '' : `<w:SelectorSet>${selectorXml}</w:SelectorSet>`}` +
    `</a:ReferenceParameters></b:Object>`
  );
}

/** `{Object=…;…}` → the association filter XML; `associationInstances` picks the wrapper (EnumerationFlagAssociationInstance). */
export function associationFilterXml(filter: string, enumeratedUri: string, associationInstances: boolean): string {
  const body = filter.trim().slice(1, -1);
  const values = new Map<string, string>();
  for (const part of body.split(';')) {
    if (part.trim() === '') continue;
    const equals = part.indexOf('=');
    const key = equals <= 0 ? '' : part.slice(0, equals).trim().toLowerCase();
    if (key === '' || values.has(key) || (key !== 'object' && !FIELDS.some(([name]) => name === key))) throw wsmanError('ERROR_WSMAN_INVALID_FILTER_XML');
    values.set(key, part.slice(equals + 1).trim());
  }
  const object = values.get('object');
  if (object === undefined || object === '') throw wsmanError('ERROR_WSMAN_INVALID_FILTER_XML');
  const wrapper = associationInstances ? 'AssociationInstances' : 'AssociatedInstances';
  let xml = `<b:${wrapper} xmlns:b="${NS.cimBinding}" xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}">${objectUri(object, enumeratedUri)}`;
  for (const [key, element] of FIELDS) {
    const value = values.get(key);
    if (value === undefined) continue;
    if (associationInstances && !ASSOCIATION_INSTANCE_FIELDS.has(element)) throw wsmanError('ERROR_WSMAN_INVALID_FILTER_XML');
    xml += `<b:${element}>${escapeXmlText(value)}</b:${element}>`;
  }
  return `${xml}</b:${wrapper}>`;
}

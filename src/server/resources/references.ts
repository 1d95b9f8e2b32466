/** Endpoint references (EPRs) as Windows writes them in enumerations, ResourceCreated and reference properties. */
import { escapeXmlAttribute, escapeXmlText } from '../../core/errors/fault-xml';
import { ANONYMOUS_ADDRESS } from '../../core/protocol/namespaces';
import type { ReferenceSelector, ResourceReference } from './resource-provider';

/** `<w:SelectorSet>`; a selector whose value is a reference holds an `<a:EndpointReference>`. */
function selectorSetXml(selectors: readonly ReferenceSelector[]): string {
  if (selectors.length === 0) return '';
  const items = selectors.map((selector) => {
    const value = 'reference' in selector ? endpointReferenceXml(selector.reference) : escapeXmlText(selector.value);
    return `<w:Selector Name="${escapeXmlAttribute(selector.name)}">${value}</w:Selector>`;
  });
  return `<w:SelectorSet>${items.join('')}</w:SelectorSet>`;
}

function referenceParametersXml(reference: ResourceReference): string {
  return (
    `<a:ReferenceParameters><w:ResourceURI>${escapeXmlText(reference.resourceUri)}</w:ResourceURI>` +
    `${selectorSetXml(reference.selectors)}</a:ReferenceParameters>`
  );
}

/**
 * The content of an element whose value is an EPR (a reference property such as
 * `<p:Antecedent>`): the anonymous `a:Address`, then `a:ReferenceParameters`. Prefixes a and w
 * must be bound where it is placed.
 */
export function addressedReferenceXml(reference: ResourceReference): string {
  return `<a:Address>${ANONYMOUS_ADDRESS}</a:Address>${referenceParametersXml(reference)}`;
}

/** `<a:EndpointReference>` of an EnumerateEPR item. */
export function endpointReferenceXml(reference: ResourceReference): string {
  return `<a:EndpointReference>${addressedReferenceXml(reference)}</a:EndpointReference>`;
}

/** `<x:ResourceCreated>` of a CreateResponse; its Address is the endpoint the request went to. */
export function resourceCreatedXml(address: string, reference: ResourceReference): string {
  return `<x:ResourceCreated><a:Address>${escapeXmlText(address)}</a:Address>${referenceParametersXml(reference)}</x:ResourceCreated>`;
}

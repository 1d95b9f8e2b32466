/** Endpoint references (EPRs) as Windows writes them in enumerations and ResourceCreated. */
import { escapeXmlText } from '../../core/errors/fault-xml';
import { selectorSetXml } from '../../core/protocol/envelope';
import { ANONYMOUS_ADDRESS } from '../../core/protocol/namespaces';
import type { ResourceReference } from './resource-provider';

function referenceParametersXml(reference: ResourceReference): string {
  return (
    `<a:ReferenceParameters><w:ResourceURI>${escapeXmlText(reference.resourceUri)}</w:ResourceURI>` +
    `${selectorSetXml(reference.selectors)}</a:ReferenceParameters>`
  );
}

/** `<a:EndpointReference>` of an EnumerateEPR item. */
export function endpointReferenceXml(reference: ResourceReference): string {
  return `<a:EndpointReference><a:Address>${ANONYMOUS_ADDRESS}</a:Address>${referenceParametersXml(reference)}</a:EndpointReference>`;
}

/** `<x:ResourceCreated>` of a CreateResponse; its Address is the endpoint the request went to. */
export function resourceCreatedXml(address: string, reference: ResourceReference): string {
  return `<x:ResourceCreated><a:Address>${escapeXmlText(address)}</a:Address>${referenceParametersXml(reference)}</x:ResourceCreated>`;
}

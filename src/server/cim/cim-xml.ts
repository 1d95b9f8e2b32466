/**
 * Instances and method output as the WinRM WMI plugin writes them: one element per property
 * in the class namespace, names sorted without case, no declaration or indentation.
 */
import {
  compareNames,
  isCimReference,
  type CimClassDef,
  type CimInstance,
  type CimMethodOutput,
  type CimReference,
  type CimScalar,
  type CimType,
  type CimValue,
} from './cim-types';
import { dmtfToXsd, isDmtfInterval, scalarText } from './cim-values';
import { escapeXmlText } from '../../core/errors/fault-xml';
import { NS } from '../../core/protocol/namespaces';
import { addressedReferenceXml } from '../resources/references';
import type { ReferenceSelector, ResourceReference } from '../resources/resource-provider';


/** `.../cimv2/*` (a WQL enumeration) names its items by their own class URI. */
export function classResourceUri(resourceUri: string, className: string): string {
  return resourceUri.endsWith('/*') ? `${resourceUri.slice(0, -1)}${className}` : resourceUri;
}

function scalarXml(type: CimType, value: CimScalar): string {
  if (type === 'datetime' && typeof value === 'string') {
    const element = isDmtfInterval(value) ? 'cim:Interval' : 'cim:Datetime';
    return `<${element}>${escapeXmlText(dmtfToXsd(value))}</${element}>`;
  }
  return escapeXmlText(scalarText(value));
}

interface Usage {
  /** Whether a cim:Datetime appeared, for output elements that declare only what they use. */
  datetime: boolean;
  /** Whether a reference appeared (its EPR needs prefixes a and w). */
  references: boolean;
  /** The resource URI of the namespace, ending in '/': a referenced class's URI is this plus its name. */
  readonly namespaceUri: string;
}

/** The resource URI of a class of the namespace the URI addresses (`…/cimv2/X` or `…/cimv2/*` → `…/cimv2/`). */
function namespaceUriOf(resourceUri: string): string {
  return resourceUri.slice(0, resourceUri.lastIndexOf('/') + 1);
}

/** A CIM reference as an endpoint reference to the instance's class URI; reference keys nest. */
export function resourceReferenceOf(reference: CimReference, namespaceUri: string): ResourceReference {
  const selectors: ReferenceSelector[] = reference.keys.map(({ name, value }) =>
    isCimReference(value) ? { name, reference: resourceReferenceOf(value, namespaceUri) } : { name, value: scalarText(value) },
  );
  return { resourceUri: namespaceUri + reference.className, selectors };
}

function propertyXml(name: string, type: CimType, value: CimValue, usage: Usage): string {
  if (value === null) return `<p:${name} xsi:nil="true"/>`;
  if (isCimReference(value)) {
    // Windows writes a reference as the EPR of the instance: a:Address and a:ReferenceParameters.
    usage.references = true;
    return `<p:${name}>${addressedReferenceXml(resourceReferenceOf(value, usage.namespaceUri))}</p:${name}>`;
  }
  if (type === 'datetime') usage.datetime = true;
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => `<p:${name}>${scalarXml(type, item)}</p:${name}>`).join('');
}

/**
 * One instance. `properties` is a WQL projection (schema spellings, any case accepted); only
 * those properties appear, still under the class element.
 */
export function instanceXml(instance: CimInstance, classDef: CimClassDef, resourceUri: string, properties: string[] | '*' = '*'): string {
  const wanted = properties === '*' ? undefined : new Set(properties.map((name) => name.toLowerCase()));
  const usage: Usage = { datetime: false, references: false, namespaceUri: namespaceUriOf(resourceUri) };
  const body = classDef.properties
    .filter((p) => !wanted || wanted.has(p.name.toLowerCase()))
    .map((p) => propertyXml(p.name, p.type, instance.properties.get(p.name) ?? null, usage))
    .join('');
  const name = classDef.name;
  const namespace = escapeXmlText(classResourceUri(resourceUri, name)).replace(/"/g, '&quot;');
  const addressing = usage.references ? ` xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}"` : '';
  return (
    `<p:${name} xmlns:p="${namespace}"${addressing} xmlns:cim="${NS.cimCommon}" xmlns:xsi="${NS.xsi}" ` +
    `xsi:type="p:${name}_Type" xml:lang="en-US">${body}</p:${name}>`
  );
}

/**
 * `<p:Method_OUTPUT>`: out parameters and ReturnValue sorted by name; null out parameters are
 * left out (a failed Win32_Process.Create answers ReturnValue alone).
 */
export function methodOutputXml(output: CimMethodOutput, resourceUri: string): string {
  const usage: Usage = { datetime: false, references: false, namespaceUri: namespaceUriOf(resourceUri) };
  const types = new Map(output.parameters.map((p) => [p.name, p.type] as const));
  const body = [...output.values.entries()]
    .filter(([, value]) => value !== null)
    .sort(([a], [b]) => compareNames(a, b))
    .map(([name, value]) => propertyXml(name, types.get(name) ?? 'string', value, usage))
    .join('');
  const element = `${output.method}_OUTPUT`;
  const namespace = escapeXmlText(resourceUri).replace(/"/g, '&quot;');
  const cim = usage.datetime ? ` xmlns:cim="${NS.cimCommon}"` : '';
  return `<p:${element} xmlns:p="${namespace}"${cim}>${body}</p:${element}>`;
}

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

/** A property's element tags, built once per property of a class (instanceXml) or per call (method output). */
interface PropertyTags {
  readonly open: string;
  readonly close: string;
  readonly nil: string;
}

function tagsOf(name: string): PropertyTags {
  return { open: `<p:${name}>`, close: `</p:${name}>`, nil: `<p:${name} xsi:nil="true"/>` };
}

function propertyXml(type: CimType, value: CimValue, usage: Usage, tags: PropertyTags): string {
  if (value === null) return tags.nil;
  if (isCimReference(value)) {
    // Windows writes a reference as the EPR of the instance: a:Address and a:ReferenceParameters.
    usage.references = true;
    return `${tags.open}${addressedReferenceXml(resourceReferenceOf(value, usage.namespaceUri))}${tags.close}`;
  }
  if (type === 'datetime') usage.datetime = true;
  if (!Array.isArray(value)) return tags.open + scalarXml(type, value) + tags.close;
  let xml = '';
  for (const item of value) xml += tags.open + scalarXml(type, item) + tags.close;
  return xml;
}

/**
 * What every instance of a class shares: its property tags, and the start of its element for the
 * class URI last used (one per class, so the cache never grows with instances or requests).
 */
interface ClassShape {
  readonly properties: CimClassDef['properties'];
  readonly tags: readonly PropertyTags[];
  readonly close: string;
  classUri?: string;
  head?: string;
}

const shapes = new WeakMap<CimClassDef, ClassShape>();
/** The class element's attributes after xmlns:p (and xmlns:a/w when a reference appears), around the class name. */
const INSTANCE_ATTRIBUTES_BEFORE_TYPE = ` xmlns:cim="${NS.cimCommon}" xmlns:xsi="${NS.xsi}" xsi:type="p:`;
const INSTANCE_ATTRIBUTES_AFTER_TYPE = '_Type" xml:lang="en-US">';

function shapeOf(classDef: CimClassDef): ClassShape {
  let shape = shapes.get(classDef);
  if (!shape || shape.properties !== classDef.properties) {
    shape = { properties: classDef.properties, tags: classDef.properties.map((p) => tagsOf(p.name)), close: `</p:${classDef.name}>` };
    shapes.set(classDef, shape);
  }
  return shape;
}

/**
 * One instance. `properties` is a WQL projection (schema spellings, any case accepted); only
 * those properties appear, still under the class element.
 */
export function instanceXml(instance: CimInstance, classDef: CimClassDef, resourceUri: string, properties: string[] | '*' = '*'): string {
  const wanted = properties === '*' ? undefined : new Set(properties.map((name) => name.toLowerCase()));
  const usage: Usage = { datetime: false, references: false, namespaceUri: namespaceUriOf(resourceUri) };
  const shape = shapeOf(classDef);
  const all = shape.properties;
  let body = '';
  for (let i = 0; i < all.length; i++) {
    const p = all[i];
    if (wanted && !wanted.has(p.name.toLowerCase())) continue;
    body += propertyXml(p.type, instance.properties.get(p.name) ?? null, usage, shape.tags[i]);
  }
  const name = classDef.name;
  const classUri = classResourceUri(resourceUri, name);
  if (shape.classUri !== classUri || shape.head === undefined) {
    shape.head = `<p:${name} xmlns:p="${escapeXmlText(classUri).replace(/"/g, '&quot;')}"`;
    shape.classUri = classUri;
  }
  const addressing = usage.references ? ` xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}"` : '';
  return `${shape.head}${addressing}${INSTANCE_ATTRIBUTES_BEFORE_TYPE}${name}${INSTANCE_ATTRIBUTES_AFTER_TYPE}${body}${shape.close}`;
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
    .map(([name, value]) => propertyXml(types.get(name) ?? 'string', value, usage, tagsOf(name)))
    .join('');
  const element = `${output.method}_OUTPUT`;
  const namespace = escapeXmlText(resourceUri).replace(/"/g, '&quot;');
  const cim = usage.datetime ? ` xmlns:cim="${NS.cimCommon}"` : '';
  return `<p:${element} xmlns:p="${namespace}"${cim}>${body}</p:${element}>`;
}

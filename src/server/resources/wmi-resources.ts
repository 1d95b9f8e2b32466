/**
 * WMI resource URIs (`…/wsman/1/wmi/root/cimv2/<Class>`, and `…/cimv2/*` for WQL and
 * association filters) answered from the emulated CIM store, with the WMI plug-in's
 * ProviderFault around its errors.
 */
import { inject, injectable } from 'inversify';
import { escapeXmlText } from '../../core/errors/fault-xml';
import { wsmanError } from '../../core/errors/wsman-error';
import { WMI_URI_PREFIX, NS } from '../../core/protocol/namespaces';
import type { ProviderInfo } from '../../core/protocol/faults';
import { childElements, firstChildElement, isNil, serializeXml, textContent, type XmlElement } from '../../core/protocol/xml';
import { readWireXml } from '../../core/protocol/wire-reader';
import { CimStore } from '../cim/cim-store';
import { instanceXml, methodOutputXml, resourceReferenceOf } from '../cim/cim-xml';
import { isClassOf, type CimInstance, type PropertyTexts, type Selector } from '../cim/cim-types';
import type { WSManRequest } from '../service/wsman-request';
import type { Answer, AssociationFilter, CreatedResource, StagedChange, EnumerationFilter, EnumerationItem, ResourceProvider } from './resource-provider';

const CIMV2_PREFIX = `${WMI_URI_PREFIX}root/cimv2/`;

interface Target {
  /** Class name as the URI spells it; '*' for the namespace-wide WQL URI. */
  readonly className: string;
  readonly classUri: string;
}

@injectable()
export class WmiResources implements ResourceProvider {
  readonly providerInfo: ProviderInfo = { provider: 'WMI Provider', path: '%systemroot%\\system32\\WsmWmiPl.dll' };

  constructor(@inject(CimStore) private readonly store: CimStore) {}

  serves(resourceUri: string): boolean {
    return resourceUri.toLowerCase().startsWith(WMI_URI_PREFIX);
  }

  /** The class the URI names; unknown namespaces and classes are not found, like WMI says. */
  private target(request: WSManRequest, allowWildcard = false): Target {
    const uri = request.resourceUri;
    if (!uri.toLowerCase().startsWith(CIMV2_PREFIX)) throw wsmanError('ERROR_WSMAN_RESOURCE_NOT_FOUND');
    const className = uri.slice(CIMV2_PREFIX.length);
    for (const option of request.options) if (option.mustComply) throw wsmanError('ERROR_WSMAN_INVALID_OPTIONS');
    if (className === '*' && allowWildcard) return { className, classUri: uri };
    if (className.includes('/') || !this.store.hasClass(className)) throw wsmanError('ERROR_WSMAN_RESOURCE_NOT_FOUND');
    const canonical = this.store.classDef(className).name;
    return { className: canonical, classUri: CIMV2_PREFIX + canonical };
  }

  private xmlOf(instance: CimInstance, properties: string[] | '*' = '*'): string {
    return instanceXml(instance, this.store.classDef(instance.className), CIMV2_PREFIX + instance.className, properties);
  }

  /**
   * The addressed instance. Without selectors WMI answers a class that has exactly one instance
   * (`winrm get wmicimv2/Win32_OperatingSystem`, Microsoft's interop scenarios 6.4 and 6.7).
   */
  private instanceOf(className: string, request: WSManRequest): CimInstance {
    if (request.selectors.length === 0 && !this.store.classDef(className).singleton) {
      const all = this.store.enumerate(className);
      if (all.length === 1) return all[0];
    }
    return this.store.get(className, request.selectors);
  }

  get(request: WSManRequest): string {
    const { className } = this.target(request);
    const instance = this.instanceOf(className, request);
    if (!request.fragment) return this.xmlOf(instance);
    const { property, textOnly } = this.fragmentProperty(className, request.fragment.path);
    // The property's element as the instance writes it, read back with the wire reader (the same tree as parseXml, at a fraction of its cost).
    const element = firstChildElement(readWireXml(this.xmlOf(instance, [property])))!;
    const inner = textOnly ? escapeXmlText(textContent(element)) : serializeXml(element);
    return `<w:XmlFragment>${inner}</w:XmlFragment>`;
  }

  put(request: WSManRequest): StagedChange {
    const { className, classUri } = this.target(request);
    const body = request.body;
    let texts: PropertyTexts;
    if (request.fragment) {
      const { property, textOnly } = this.fragmentProperty(className, request.fragment.path);
      if (!body || body.namespace !== NS.wsman || body.localName !== 'XmlFragment') throw wsmanError('ERROR_WSMAN_INVALID_REPRESENTATION');
      const element = childElements(body)[0];
      texts = new Map([[property, textOnly || !element ? textContent(body) : valueText(element)]]);
    } else {
      texts = propertyTexts(this.classElement(body, classUri, className));
    }
    const staged = this.store.stagePut(className, request.selectors, texts);
    return { body: this.xmlOf(staged.instance), commit: () => staged.commit() };
  }

  create(request: WSManRequest): CreatedResource {
    const { className, classUri } = this.target(request);
    if (request.selectors.length > 0) throw wsmanError('ERROR_WSMAN_INVALID_SELECTORS');
    const created = this.store.create(className, propertyTexts(this.classElement(request.body, classUri, className)));
    return { reference: { resourceUri: classUri, selectors: created.selectors } };
  }

  delete(request: WSManRequest): void {
    const { className } = this.target(request);
    this.store.delete(className, request.selectors);
  }

  enumerate(request: WSManRequest, filter: EnumerationFilter): Answer<EnumerationItem[]> {
    const { className } = this.target(request, filter.kind === 'wql' || filter.kind === 'association');
    if (request.selectors.length > 0) throw wsmanError('ERROR_WSMAN_INVALID_SELECTORS');
    switch (filter.kind) {
      case 'none':
        return this.items(this.store.enumerate(className), '*');
      case 'selector':
        return this.items(this.store.selectByFilter(className, filter.selectors), '*');
      case 'wql':
        return this.queryItems(className, filter.query, Date.now() + request.operationTimeoutMs);
      case 'association':
        return this.associationItems(className, filter);
    }
  }

  private async queryItems(className: string, query: string, deadline: number): Promise<EnumerationItem[]> {
    const result = await this.store.queryInSlices(query, deadline);
    if (className !== '*' && result.className.toLowerCase() !== className.toLowerCase()) {
      throw wsmanError('ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER');
    }
    return this.items(result.instances, result.properties);
  }

  /**
   * An association filter, on `…/cimv2/*` or on a class URI. A class URI narrows the results to
   * that class (and the classes derived from it): the associated instances, or for
   * b:AssociationInstances the association instances, as WQL's ResultClass does in
   * `ASSOCIATORS OF` and `REFERENCES OF`.
   */
  private associationItems(uriClass: string, filter: AssociationFilter): EnumerationItem[] {
    const sourceClass = this.filterObjectClass(filter.object.resourceUri);
    const source = { className: sourceClass, selectors: this.sourceSelectors(sourceClass, filter.object.selectors) };
    const { associationClass, role, resultClass, resultRole } = filter;
    const results =
      filter.instances === 'associated'
        ? this.store.associators(source, { associationClass, role, resultClass, resultRole })
        : this.store.references(source, { associationClass, role });
    const narrowed = uriClass === '*' ? results : results.filter((instance) => isClassOf(this.store.classDef(instance.className), uriClass));
    return this.items(narrowed, filter.includeResultProperties ? [...filter.includeResultProperties] : '*');
  }

  /** The class b:Object's resource URI names; a URI outside root/cimv2 or an unknown class is not found. */
  private filterObjectClass(resourceUri: string): string {
    if (!resourceUri.toLowerCase().startsWith(CIMV2_PREFIX)) throw wsmanError('ERROR_WSMAN_RESOURCE_NOT_FOUND');
    const className = resourceUri.slice(CIMV2_PREFIX.length);
    if (className.includes('/') || !this.store.hasClass(className)) throw wsmanError('ERROR_WSMAN_RESOURCE_NOT_FOUND');
    return this.store.classDef(className).name;
  }

  /** As for Get: no selectors name the only instance of a class that has exactly one. */
  private sourceSelectors(className: string, selectors: readonly Selector[]): readonly Selector[] {
    if (selectors.length > 0 || this.store.classDef(className).singleton) return selectors;
    const all = this.store.enumerate(className);
    return all.length === 1 ? this.store.keySelectors(all[0]) : selectors;
  }

  private items(instances: readonly CimInstance[], properties: string[] | '*'): EnumerationItem[] {
    return instances.map((instance) => ({
      xml: () => this.xmlOf(instance, properties),
      reference: resourceReferenceOf(this.store.instanceReference(instance), CIMV2_PREFIX),
    }));
  }

  invoke(request: WSManRequest, method: string): string {
    const { className, classUri } = this.target(request);
    const body = request.body;
    let input: PropertyTexts = new Map();
    if (body) {
      if (body.namespace.toLowerCase() !== classUri.toLowerCase() || body.localName.toLowerCase() !== `${method}_INPUT`.toLowerCase()) {
        throw wsmanError('ERROR_WSMAN_INVALID_REPRESENTATION');
      }
      input = propertyTexts(body);
    }
    return methodOutputXml(this.store.invoke(className, request.selectors, method, input), classUri);
  }

  private classElement(body: XmlElement | undefined, classUri: string, className: string): XmlElement {
    if (!body || body.namespace.toLowerCase() !== classUri.toLowerCase() || body.localName.toLowerCase() !== className.toLowerCase()) {
      throw wsmanError('ERROR_WSMAN_INVALID_REPRESENTATION');
    }
    return body;
  }

  /** `Caption`, `Caption/text()`, `/p:Win32_Service/p:State`: one property of the instance. */
  private fragmentProperty(className: string, path: string): { property: string; textOnly: boolean } {
    let steps = path.replace(/^\/+/, '').split('/').map((step) => step.replace(/^[A-Za-z_][\w.-]*:/, ''));
    const textOnly = steps[steps.length - 1] === 'text()';
    if (textOnly) steps = steps.slice(0, -1);
    if (steps.length === 2 && steps[0].toLowerCase() === className.toLowerCase()) steps = steps.slice(1);
    const property = steps.length === 1 ? this.store.classDef(className).properties.find((p) => p.name === steps[0]) : undefined;
    // Fragment paths are case-sensitive (Microsoft's resource URI documentation).
    if (!property) throw wsmanError('ERROR_WSMAN_INVALID_FRAGMENT_PATH');
    return { property: property.name, textOnly };
  }
}

/** A property element's value: its text, or the text inside a wrapper such as cim:Datetime. */
function valueText(element: XmlElement): string | null {
  if (isNil(element)) return null;
  const inner = childElements(element)[0];
  return inner ? textContent(inner).trim() : textContent(element);
}

/** Child elements of a class or `_INPUT` element as name → text (arrays for repeated names). */
function propertyTexts(element: XmlElement): PropertyTexts {
  const texts = new Map<string, string | null | string[]>();
  for (const property of childElements(element)) {
    const value = valueText(property);
    const previous = texts.get(property.localName);
    if (previous === undefined) texts.set(property.localName, value);
    else texts.set(property.localName, [...(Array.isArray(previous) ? previous : [previous ?? '']), value ?? '']);
  }
  return texts;
}

/**
 * Deep comparison of two XmlElement trees (kinds, names, namespaces, attributes, declarations,
 * scope bindings, children and text), for the differential tests of the wire reader against
 * parseXml. Source spans are not compared: only the wire reader records them.
 */
import type { NamespaceScope, XmlElement, XmlNode } from '../../src/core/protocol/xml';

/** The private parts of a scope: its own bindings and the scope it chains to. */
interface ScopeParts {
  readonly own: ReadonlyMap<string, string>;
  readonly parent: NamespaceScope | undefined;
}

function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  const left = [...a];
  const right = [...b];
  return left.every(([key, value], i) => right[i][0] === key && right[i][1] === value);
}

/** Undefined when the trees are the same, else the path of the first difference and what differs. */
export function treeDifference(actual: XmlElement, expected: XmlElement): string | undefined {
  const scopes = new Map<NamespaceScope, NamespaceScope>();
  const sameScope = (a: NamespaceScope | undefined, b: NamespaceScope | undefined): boolean => {
    for (; a && b; a = (a as unknown as ScopeParts).parent, b = (b as unknown as ScopeParts).parent) {
      if (scopes.get(a) === b) return true;
      if (a.size !== b.size || !sameMap((a as unknown as ScopeParts).own, (b as unknown as ScopeParts).own)) return false;
      scopes.set(a, b);
    }
    return a === undefined && b === undefined;
  };
  const walk = (a: XmlNode, b: XmlNode, path: string): string | undefined => {
    if (a.kind !== b.kind) return `${path}: ${a.kind} vs ${b.kind}`;
    if (a.kind === 'text' || b.kind === 'text') {
      return (a as { text: string }).text === (b as { text: string }).text ? undefined : `${path}: text ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
    }
    const here = `${path}/${b.prefix}:${b.localName}`;
    if (a.prefix !== b.prefix || a.localName !== b.localName || a.namespace !== b.namespace) {
      return `${here}: name ${a.prefix}:${a.localName} {${a.namespace}} vs {${b.namespace}}`;
    }
    if (a.attributes.length !== b.attributes.length) return `${here}: ${a.attributes.length} vs ${b.attributes.length} attributes`;
    for (let i = 0; i < a.attributes.length; i++) {
      const x = a.attributes[i];
      const y = b.attributes[i];
      if (x.prefix !== y.prefix || x.localName !== y.localName || x.namespace !== y.namespace || x.value !== y.value) {
        return `${here}: attribute ${JSON.stringify(x)} vs ${JSON.stringify(y)}`;
      }
    }
    if (!sameMap(a.declarations, b.declarations)) return `${here}: declarations ${JSON.stringify([...a.declarations])} vs ${JSON.stringify([...b.declarations])}`;
    if (!sameScope(a.scope, b.scope)) return `${here}: scope bindings differ`;
    if (a.children.length !== b.children.length) return `${here}: ${a.children.length} vs ${b.children.length} children`;
    for (let i = 0; i < a.children.length; i++) {
      const difference = walk(a.children[i], b.children[i], `${here}[${i}]`);
      if (difference) return difference;
    }
    return undefined;
  };
  return walk(actual, expected, '');
}

/**
 * The endpoint's `winrm/config` tree in the Windows schema (cfg: namespace), with the values of
 * a Windows Server 2012 R2+ host (wire.md §3.9). Get renders a subtree; a Put is validated whole
 * into a new config, which the caller makes durable and only then adopts: a refused or unsaved
 * Put changes nothing.
 */
import { wsmanError } from '../../core/errors/wsman-error';
import { escapeXmlText } from '../../core/errors/fault-xml';
import { NS } from '../../core/protocol/namespaces';
import { childElements, isNil, textContent, type XmlElement } from '../../core/protocol/xml';

type LeafType = 'boolean' | 'uint32' | 'string';

interface Leaf {
  readonly kind: 'leaf';
  readonly name: string;
  readonly type: LeafType;
  readonly initial: string;
  readonly min?: number;
  /** WinRM 3.0 still shows it but refuses changes (ERROR_WSMAN_DEPRECATED_CONFIG_SETTING). */
  readonly deprecated?: boolean;
}

interface Group {
  readonly kind: 'group';
  readonly name: string;
  readonly children: readonly ConfigNode[];
}

type ConfigNode = Leaf | Group;

const flag = (name: string, initial: boolean): Leaf => ({ kind: 'leaf', name, type: 'boolean', initial: String(initial) });
const number = (name: string, initial: number, min = 0): Leaf => ({ kind: 'leaf', name, type: 'uint32', initial: String(initial), min });
const text = (name: string, initial: string): Leaf => ({ kind: 'leaf', name, type: 'string', initial });
const group = (name: string, ...children: ConfigNode[]): Group => ({ kind: 'group', name, children });

const DEFAULT_PORTS = group('DefaultPorts', number('HTTP', 5985, 1), number('HTTPS', 5986, 1));

const CONFIG_SCHEMA: Group = group(
  'Config',
  number('MaxEnvelopeSizekb', 500, 32),
  number('MaxTimeoutms', 60000, 500),
  number('MaxBatchItems', 32000, 1),
  { ...number('MaxProviderRequests', 4294967295, 1), deprecated: true },
  group(
    'Client',
    number('NetworkDelayms', 5000),
    text('URLPrefix', 'wsman'),
    flag('AllowUnencrypted', false),
    group('Auth', flag('Basic', true), flag('Digest', true), flag('Kerberos', true), flag('Negotiate', true), flag('Certificate', true), flag('CredSSP', false)),
    DEFAULT_PORTS,
    text('TrustedHosts', ''),
  ),
  group(
    'Service',
    text('RootSDDL', 'O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;IU)S:P(AU;FA;GA;;;WD)(AU;SA;GXGW;;;WD)'),
    number('MaxConcurrentOperations', 4294967295, 1),
    number('MaxConcurrentOperationsPerUser', 1500, 1),
    number('EnumerationTimeoutms', 240000, 1),
    number('MaxConnections', 300, 1),
    number('MaxPacketRetrievalTimeSeconds', 120, 1),
    flag('AllowUnencrypted', false),
    group(
      'Auth',
      flag('Basic', true),
      flag('Kerberos', true),
      flag('Negotiate', true),
      flag('Certificate', true),
      flag('CredSSP', false),
      text('CbtHardeningLevel', 'Relaxed'),
    ),
    DEFAULT_PORTS,
    text('IPv4Filter', '*'),
    text('IPv6Filter', '*'),
    flag('EnableCompatibilityHttpListener', false),
    flag('EnableCompatibilityHttpsListener', false),
    text('CertificateThumbprint', ''),
    flag('AllowRemoteAccess', true),
  ),
  group(
    'Winrs',
    flag('AllowRemoteShellAccess', true),
    number('IdleTimeout', 7200000, 1),
    number('MaxConcurrentUsers', 2147483647, 1),
    number('MaxShellRunTime', 2147483647, 1),
    number('MaxProcessesPerShell', 2147483647, 1),
    number('MaxMemoryPerShellMB', 2147483647, 1),
    number('MaxShellsPerUser', 2147483647, 1),
  ),
);

/** Resource URI (after `…/config`) → path of the group it addresses. */
const CONFIG_RESOURCES: Readonly<Record<string, readonly string[]>> = {
  '': [],
  '/client': ['Client'],
  '/client/auth': ['Client', 'Auth'],
  '/client/defaultports': ['Client', 'DefaultPorts'],
  '/service': ['Service'],
  '/service/auth': ['Service', 'Auth'],
  '/service/defaultports': ['Service', 'DefaultPorts'],
  '/winrs': ['Winrs'],
};

/** A config value by path, e.g. `Service/Auth/Basic`. */
export type ConfigPath = string;

function findChild(node: Group, name: string): ConfigNode | undefined {
  return node.children.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

function groupAt(path: readonly string[]): Group {
  let node: Group = CONFIG_SCHEMA;
  for (const name of path) {
    const next = findChild(node, name);
    if (next?.kind !== 'group') throw new RangeError(`no config group ${path.join('/')}`);
    node = next;
  }
  return node;
}

function validValue(leaf: Leaf, value: string): string | undefined {
  switch (leaf.type) {
    case 'boolean': {
      const lower = value.trim().toLowerCase();
      return lower === 'true' || lower === 'false' ? lower : undefined;
    }
    case 'uint32': {
      if (!/^\s*\d+\s*$/.test(value)) return undefined;
      const n = Number(value);
      return n >= (leaf.min ?? 0) && n <= 0xffffffff ? String(n) : undefined;
    }
    case 'string':
      return value;
  }
}

export class WinRMConfig {
  private readonly values = new Map<ConfigPath, string>();

  constructor(overrides: Readonly<Record<ConfigPath, string>> = {}) {
    this.fill(CONFIG_SCHEMA, []);
    for (const [path, value] of Object.entries(overrides)) {
      const leaf = this.leafAt(path);
      const valid = leaf ? validValue(leaf, value) : undefined;
      if (valid !== undefined) this.values.set(this.canonical(path), valid);
    }
  }

  private fill(node: Group, path: readonly string[]): void {
    for (const childNode of node.children) {
      const childPath = [...path, childNode.name];
      if (childNode.kind === 'leaf') this.values.set(childPath.join('/'), childNode.initial);
      else this.fill(childNode, childPath);
    }
  }

  private leafAt(path: ConfigPath): Leaf | undefined {
    const parts = path.split('/');
    let node: ConfigNode | undefined = CONFIG_SCHEMA;
    for (const part of parts) node = node?.kind === 'group' ? findChild(node, part) : undefined;
    return node?.kind === 'leaf' ? node : undefined;
  }

  private canonical(path: ConfigPath): ConfigPath {
    // The service reads its limits on every request, nearly always spelled as the tree spells them.
    if (this.values.has(path)) return path;
    return [...this.values.keys()].find((key) => key.toLowerCase() === path.toLowerCase()) ?? path;
  }

  /** Resource URI suffixes this tree serves, e.g. '' and '/service/auth'. */
  static resourceSuffix(resourceUri: string): string | undefined {
    if (!resourceUri.toLowerCase().startsWith(NS.config.toLowerCase())) return undefined;
    const suffix = resourceUri.slice(NS.config.length).toLowerCase().replace(/\/$/, '');
    return Object.hasOwn(CONFIG_RESOURCES, suffix) ? suffix : undefined;
  }

  get(path: ConfigPath): string {
    const value = this.values.get(this.canonical(path));
    if (value === undefined) throw new RangeError(`no config value ${path}`);
    return value;
  }

  number(path: ConfigPath): number {
    return Number(this.get(path));
  }

  flag(path: ConfigPath): boolean {
    return this.get(path) === 'true';
  }

  /** Values that differ from the Windows defaults (what a data directory keeps). */
  changedValues(): Record<ConfigPath, string> {
    const fresh = new WinRMConfig();
    const changed: Record<ConfigPath, string> = {};
    for (const [path, value] of this.values) if (fresh.values.get(path) !== value) changed[path] = value;
    return changed;
  }

  /** `<cfg:Config xmlns:cfg="…">…</cfg:Config>` (or the addressed subtree). */
  render(suffix: string): string {
    const path = CONFIG_RESOURCES[suffix];
    const node = groupAt(path);
    return this.renderGroup(node, path, true);
  }

  private renderGroup(node: Group, path: readonly string[], root: boolean): string {
    const inner = node.children
      .map((childNode) => {
        const childPath = [...path, childNode.name];
        if (childNode.kind === 'group') return this.renderGroup(childNode, childPath, false);
        return `<cfg:${childNode.name}>${escapeXmlText(this.values.get(childPath.join('/')) ?? '')}</cfg:${childNode.name}>`;
      })
      .join('');
    return `<cfg:${node.name}${root ? ` xmlns:cfg="${NS.config}"` : ''}>${inner}</cfg:${node.name}>`;
  }

  /**
   * The config a Put body would make of this one (only the elements present change); this one
   * stays as it is. Everything is checked first.
   */
  withPut(suffix: string, body: XmlElement | undefined): WinRMConfig {
    const path = CONFIG_RESOURCES[suffix];
    const node = groupAt(path);
    if (!body || body.namespace !== NS.config || body.localName.toLowerCase() !== node.name.toLowerCase()) {
      throw wsmanError('ERROR_WSMAN_INVALID_REPRESENTATION');
    }
    const changes = new Map<ConfigPath, string>();
    this.collect(node, path, body, changes);
    const next = new WinRMConfig();
    for (const [key, value] of this.values) next.values.set(key, value);
    for (const [key, value] of changes) next.values.set(key, value);
    return next;
  }

  /** Takes over every value of `other` (a config made by withPut, once it is durable). */
  adopt(other: WinRMConfig): void {
    for (const [key, value] of other.values) this.values.set(key, value);
  }

  private collect(node: Group, path: readonly string[], element: XmlElement, changes: Map<ConfigPath, string>): void {
    for (const childElement of childElements(element)) {
      const childNode = childElement.namespace === NS.config ? findChild(node, childElement.localName) : undefined;
      if (!childNode) throw wsmanError('ERROR_WSMAN_INVALID_REPRESENTATION');
      const childPath = [...path, childNode.name];
      if (childNode.kind === 'group') {
        this.collect(childNode, childPath, childElement, changes);
        continue;
      }
      // A deprecated setting may come back unchanged (winrm set sends the whole resource it read).
      if (childNode.deprecated && textContent(childElement) === this.values.get(childPath.join('/'))) continue;
      if (childNode.deprecated) throw wsmanError('ERROR_WSMAN_DEPRECATED_CONFIG_SETTING');
      const value = isNil(childElement) ? '' : validValue(childNode, textContent(childElement));
      if (value === undefined || (value === '' && childNode.type !== 'string')) throw wsmanError('ERROR_WSMAN_INVALID_REPRESENTATION');
      changes.set(childPath.join('/'), value);
    }
  }
}

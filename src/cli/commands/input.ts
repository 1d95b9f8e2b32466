/**
 * The input XML of set, create and invoke (winrm.vbs's ProcessInput): `@{KEY="VALUE"}` pairs
 * or the text of -file:FILE. For create and invoke the pairs become
 * `<p:ROOT xmlns:p="URI"><p:KEY>VALUE</p:KEY>…</p:ROOT>` (ROOT: the last segment of the
 * resource URI, or ACTION_INPUT); for set the resource is read with Get and each pair replaces
 * the text of the one top-level property of that name.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ResourceLocator } from '../../automation/resource-locator';
import type { Session } from '../../automation/session';
import { escapeXmlText } from '../../core/errors/fault-xml';
import { NS } from '../../core/protocol/namespaces';
import { childElements, parseXml, serializeXml, type XmlAttribute, type XmlElement, type XmlNode } from '../../core/protocol/xml';
import { CliError } from './cli-error';
import { check } from './com-call';
import { parseParameterHash, type ParameterHash } from './hash';

/** winrm's PTRN_URI_LAST. */
const URI_LAST = /([a-z_][-a-z0-9._]*)$/i;
const CIM_BASE = 'http://schemas.dmtf.org/wbem/wsman/1/base';

function stripParams(uri: string): string {
  if (uri.length === 0) throw new CliError('URI is 0 length');
  const question = uri.indexOf('?');
  return question === -1 ? uri : uri.slice(0, question);
}

/** The root element name of create/invoke input (GetRootNodeName). */
export function rootNodeName(operation: string, resourceUri: string, action: string): string {
  const source = operation === 'invoke' ? action : resourceUri;
  const match = URI_LAST.exec(stripParams(source));
  if (!match) throw new CliError('Invalid URI - cannot locate last token for root node name');
  return operation === 'invoke' ? `${match[1]}_INPUT` : match[1];
}

function readInputFile(file: string, cwd: string): string {
  const path = resolve(cwd, file);
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
  } catch {
    throw new CliError(`File does not exist: '${file}'`);
  }
  // winrm reads the file in the system default encoding; UTF-8 here, a BOM dropped.
  return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
}

function buildInstance(root: string, namespace: string, pairs: ParameterHash): string {
  let nil = '';
  let body = '';
  for (const [key, value] of pairs) {
    if (value === null) {
      nil = ` xmlns:xsi="${NS.xsi}"`;
      body += `<p:${key} xsi:nil="true"></p:${key}>`;
    } else {
      body += `<p:${key}>${escapeXmlText(value)}</p:${key}>`;
    }
  }
  return `<p:${root} xmlns:p="${namespace}"${nil}>${body}</p:${root}>`;
}

/** The resource with each pair's property replaced (set with @{…}). */
function mergeIntoResource(resourceXml: string, pairs: ParameterHash): string {
  let root: XmlElement;
  try {
    root = parseXml(resourceXml);
  } catch (error) {
    throw new CliError(`Unable to parse XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  let children: XmlNode[] = [...root.children];
  let needsXsi = false;
  for (const [key, value] of pairs) {
    const matches = children.filter(
      (node): node is XmlElement => node.kind === 'element' && node.localName === key && !(key.toLowerCase() === 'location' && node.namespace === CIM_BASE),
    );
    if (matches.length === 0) throw new CliError(`Parameter name does not match any properties on resource: ${key}`);
    if (matches.length > 1) throw new CliError(`Parameter matches more than one property on resource: ${key}`);
    const [element] = matches;
    if (childElements(element).length > 0 || element.children.length > 1) throw new CliError(`Parameter matches a non-text property on resource: ${key}`);
    const others = element.attributes.filter((a) => !(a.localName === 'nil' && a.namespace === NS.xsi));
    let attributes: XmlAttribute[] = others;
    let content: XmlNode[] = value === null || value === '' ? [] : [{ kind: 'text', text: value }];
    if (value === null) {
      const prefix = element.scope.prefixFor(NS.xsi);
      if (prefix === undefined) needsXsi = true;
      attributes = [...others, { prefix: prefix ?? 'xsi', localName: 'nil', namespace: NS.xsi, value: 'true' }];
      content = [];
    }
    const replaced: XmlElement = { ...element, attributes, children: content };
    children = children.map((node) => (node === element ? replaced : node));
  }
  const declarations = needsXsi && root.scope.get('xsi') === undefined ? new Map([...root.declarations, ['xsi', NS.xsi]]) : root.declarations;
  return serializeXml({ ...root, declarations, children });
}

export interface InputRequest {
  readonly operation: string;
  readonly resourceUri: string;
  readonly action: string;
  readonly hash: string | undefined;
  readonly file: string | undefined;
  readonly cwd: string;
}

/** The input string for the operation, '' for those that take none. */
export async function processInput(request: InputRequest, locator: ResourceLocator, session: Session): Promise<string> {
  const { operation } = request;
  if (operation !== 'set' && operation !== 'create' && operation !== 'invoke') return '';
  const root = operation === 'set' ? '' : rootNodeName(operation, request.resourceUri, request.action);
  const namespace = stripParams(locator.get_ResourceURI().value ?? request.resourceUri);
  const pairs = request.hash !== undefined && request.hash !== '' ? parseParameterHash(request.hash) : new Map<string, string | null>();
  if (pairs.size === 0 && request.file !== undefined) return readInputFile(request.file, request.cwd);
  if (operation !== 'set') return buildInstance(root, namespace, pairs);
  if (pairs.size === 0) throw new CliError('No input provided through "@{...}" or "-file:" commandline parameters.');
  const current = check(await session.Get(locator), session);
  return mergeIntoResource(current, pairs);
}

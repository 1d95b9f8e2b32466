/**
 * Resource URIs as scripts write them: the short aliases of `winrm help uris`, and the
 * `uri?Key=Value+Key2=Value2` selector syntax.
 */
import { wsmanError } from '../errors/wsman-error';

/** The aliases Windows expands on the client (uri-prefixes). */
export const URI_ALIASES: Readonly<Record<string, string>> = {
  wmi: 'http://schemas.microsoft.com/wbem/wsman/1/wmi',
  wmicimv2: 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2',
  cimv2: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2',
  winrm: 'http://schemas.microsoft.com/wbem/wsman/1',
  wsman: 'http://schemas.microsoft.com/wbem/wsman/1',
  shell: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell',
};

/** XPath 1.0, the default fragment dialect. */
export const XPATH_DIALECT = 'http://www.w3.org/TR/1999/REC-xpath-19991116';

export interface Selector {
  readonly name: string;
  readonly value: string;
}

/** `winrm/config` → `http://schemas.microsoft.com/wbem/wsman/1/config`; absolute URIs stay as written. */
export function expandResourceUri(uri: string): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) return uri;
  const slash = uri.indexOf('/');
  const head = (slash === -1 ? uri : uri.slice(0, slash)).toLowerCase();
  const alias = Object.hasOwn(URI_ALIASES, head) ? URI_ALIASES[head] : undefined;
  return alias === undefined ? uri : alias + (slash === -1 ? '' : uri.slice(slash));
}

/** Splits `uri?k=v+k2=v2` into the expanded URI and its selectors. */
export function parseResourceUri(text: string): { readonly resourceUri: string; readonly selectors: Selector[] } {
  const question = text.indexOf('?');
  const path = question === -1 ? text : text.slice(0, question);
  const selectors: Selector[] = [];
  if (question !== -1) {
    for (const pair of text.slice(question + 1).split('+')) {
      const equals = pair.indexOf('=');
      if (equals <= 0) throw wsmanError('ERROR_WSMAN_URI_QUERY_STRING_SYNTAX_ERROR');
      selectors.push({ name: pair.slice(0, equals), value: pair.slice(equals + 1) });
    }
  }
  return { resourceUri: expandResourceUri(path), selectors };
}

/**
 * `[transport://]host[:port][/prefix]` — the connection string of WSManCreateSession and
 * WSMan.CreateSession. An empty string means the local computer.
 */
import { wsmanError } from '../errors/wsman-error';

export type Transport = 'http' | 'https';

export const DEFAULT_PORTS: Readonly<Record<Transport, number>> = { http: 5985, https: 5986 };
export const DEFAULT_URL_PREFIX = 'wsman';
export const LOCAL_HOST = 'localhost';

export interface ConnectionString {
  /** The transport named by an explicit `http://` or `https://`, else undefined. */
  readonly transport: Transport | undefined;
  /** Host as written, IPv6 without its brackets. */
  readonly host: string;
  readonly isIPv6: boolean;
  /** Port as written, else undefined (the transport's default applies). */
  readonly port: number | undefined;
  readonly prefix: string;
  /** True for the empty connection string: the local computer, reached without a network name. */
  readonly isLocal: boolean;
}

const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const IPV6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?$/;
const PREFIX = /^[A-Za-z0-9_.~!$&'()*+,;=:@%/-]*$/;

function invalid(): Error {
  return wsmanError('ERROR_WSMAN_CONNECTIONSTR_INVALID');
}

export function parseConnectionString(connection: string | null | undefined): ConnectionString {
  const text = connection ?? '';
  if (text === '') {
    return { transport: undefined, host: LOCAL_HOST, isIPv6: false, port: undefined, prefix: DEFAULT_URL_PREFIX, isLocal: true };
  }
  if (/[\s?#\\]/.test(text)) throw invalid();

  let rest = text;
  let transport: Transport | undefined;
  const scheme = /^([^:/]*):\/\//.exec(rest);
  if (scheme) {
    const name = scheme[1].toLowerCase();
    if (name !== 'http' && name !== 'https') throw wsmanError('ERROR_WSMAN_TRANSPORT_NOT_SUPPORTED');
    transport = name;
    rest = rest.slice(scheme[0].length);
  }

  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const suffix = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  if (!PREFIX.test(suffix)) throw invalid();

  let host: string;
  let portText: string | undefined;
  let isIPv6 = false;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) throw invalid();
    host = authority.slice(1, close);
    if (!IPV6.test(host) || !host.includes(':')) throw invalid();
    isIPv6 = true;
    const after = authority.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) throw invalid();
      portText = after.slice(1);
    }
  } else {
    const colon = authority.indexOf(':');
    if (colon !== authority.lastIndexOf(':')) throw invalid(); // an IPv6 address needs brackets
    host = colon === -1 ? authority : authority.slice(0, colon);
    portText = colon === -1 ? undefined : authority.slice(colon + 1);
    if (!HOST_NAME.test(host)) throw invalid();
  }

  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText)) throw wsmanError('ERROR_WSMAN_PORT_INVALID');
    port = Number(portText);
    if (port < 1 || port > 65535) throw wsmanError('ERROR_WSMAN_PORT_INVALID');
  }

  return { transport, host, isIPv6, port, prefix: suffix === '' ? DEFAULT_URL_PREFIX : suffix, isLocal: false };
}

/** The endpoint URL a session with this connection string talks to over `transport`. */
export function endpointUrl(connection: ConnectionString, transport: Transport): string {
  const host = connection.isIPv6 ? `[${connection.host}]` : connection.host;
  return `${transport}://${host}:${connection.port ?? DEFAULT_PORTS[transport]}/${connection.prefix}`;
}

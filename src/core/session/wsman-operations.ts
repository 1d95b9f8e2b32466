/**
 * The WS-Management operations of a client session: build the request Windows would send
 * (wire.md §2–3), exchange it over the session's own connection, check the reply (RelatesTo,
 * envelope, fault) and hand back the resource XML. Faults become WSManErrors carrying the
 * WSManFault XML; everything else that goes wrong has its Windows error code.
 */
import { inject, injectable } from 'inversify';
import { WSManAuthenticationFlags as Auth, WSManSessionOption as Option } from '../capi/constants';
import { WSManClientApi, type WSMAN_SESSION_HANDLE } from '../capi/client-api';
import { wsmanError, wsmanErrorFromHResult } from '../errors/wsman-error';
import { buildIdentifyEnvelope, buildRequestEnvelope, newMessageId, type FragmentTransfer, type OptionEntry } from '../protocol/envelope';
import { hresultOfFault, readFault } from '../protocol/faults';
import { readResponseHeader, readSoapMessage } from '../protocol/message';
import { ACTION, NS } from '../protocol/namespaces';
import { readWireXml } from '../protocol/wire-reader';
import { child, childElements, firstChildElement, parseXml, standaloneXml, textContent, XmlSyntaxError, type XmlElement } from '../protocol/xml';
import { basicAuth, certificateAuth, noAuth, type ClientAuthProvider } from '../transport/client-auth';
import { KerberosAuth, negotiateAuth } from '../transport/kerberos-client-auth';
import { findClientCertificate, trustedRootCertificates } from '../transport/certificate-store';
import { WSManTransport, type SoapReplyText } from '../transport/wsman-transport';
import type { ClientSession } from './client-session';
import { DEFAULT_PORTS } from './connection-string';
import type { Selector } from './resource-uri';

/** The client's NetworkDelayms: the HTTP timeout is OperationTimeout plus this (wire.md §6.28). */
export const NETWORK_DELAY_MS = 5000;

export interface OperationTarget {
  readonly resourceUri: string;
  readonly selectors: readonly Selector[];
  readonly options: readonly OptionEntry[];
  readonly mustUnderstandOptions?: boolean;
  readonly fragment?: FragmentTransfer;
}

export type EnumerationMode = 'objects' | 'references' | 'objectsAndReferences';

export interface EnumerationRequest {
  readonly target: OperationTarget;
  /** `<w:Filter>` content already written (text escaped or XML), with its dialect. */
  readonly filter?: { readonly dialect: string; readonly xml: string };
  readonly mode: EnumerationMode;
  readonly polymorphismMode?: 'None' | 'ExcludeSubClassProperties';
  readonly maxElements: number;
}

export interface EnumerationPage {
  /** Items as standalone XML text. */
  readonly items: readonly string[];
  /** Context for the next Pull; undefined once the sequence ended. */
  readonly context: string | undefined;
}

/** A Pull's reply as received, read on demand: the next Pull may go out before it is read. */
export interface ReceivedPage {
  /**
   * The next context as the reply's text plainly shows it (first child of the PullResponse, no
   * markup or references in it), found without reading the reply; undefined when the text shows
   * none or shows EndOfSequence. A guess until read() confirms it.
   */
  readonly contextHint: string | undefined;
  /** Reads and checks the reply (well-formedness, fault, RelatesTo) into its page. */
  read(): EnumerationPage;
}

const ENUMERATION_MODE_XML: Readonly<Record<EnumerationMode, string>> = {
  objects: '',
  references: '<w:EnumerationMode>EnumerateEPR</w:EnumerationMode>',
  objectsAndReferences: '<w:EnumerationMode>EnumerateObjectAndEPR</w:EnumerationMode>',
};

interface Connection {
  readonly key: string;
  readonly transport: WSManTransport;
  /** The session's options version the key was last found current at (for requests as anonymous or not): with no option set since, it still is. */
  optionsVersion: number;
  anonymous: boolean;
}

/** A session's connections by channel, all under the session's one SessionId. */
interface SessionConnections {
  readonly sessionId: string;
  readonly channels: Map<string, Connection>;
}

/** How one request goes out, beyond its target. */
export interface RequestOptions {
  /** OperationTimeout of this request (a shell timeout option); the session default otherwise. */
  readonly operationTimeoutMs?: number;
  /**
   * The connection to use: requests on one channel wait for each other. A shell's long-poll Receive
   * gets its own so that Send and Signal are not held behind it.
   */
  readonly channel?: string;
}

const MAIN_CHANNEL = 'main';

@injectable()
export class WSManOperations {
  private readonly connections = new WeakMap<ClientSession, SessionConnections>();

  constructor(@inject(WSManClientApi) private readonly api: WSManClientApi) {}

  async identify(handle: WSMAN_SESSION_HANDLE, unauthenticated: boolean): Promise<string> {
    const session = this.api.sessionOf(handle);
    const anonymous = unauthenticated || session.authenticationMechanism === Auth.WSMAN_FLAG_NO_AUTHENTICATION;
    const connection = this.connection(session, anonymous);
    const reply = await connection.transport.exchange(buildIdentifyEnvelope(), {
      ...this.limits(session),
      ...(anonymous ? { headers: { WSMANIDENTIFY: 'unauthenticated' } } : {}),
    });
    const body = firstChildElement(this.readReply(reply.status, reply.text, undefined));
    if (!body || !isIdentifyResponse(body)) throw wsmanError('ERROR_WSMAN_RESPONSE_NO_RESULTS');
    return standaloneXml(body);
  }

  async get(handle: WSMAN_SESSION_HANDLE, target: OperationTarget): Promise<string> {
    const body = await this.send(handle, ACTION.get, target, '');
    if (!body) throw wsmanError('ERROR_WSMAN_RESPONSE_NO_RESULTS');
    return this.resourceText(body, target);
  }

  async put(handle: WSMAN_SESSION_HANDLE, target: OperationTarget, resource: string): Promise<string> {
    const body = await this.send(handle, ACTION.put, target, checkedXml(resource));
    return body ? this.resourceText(body, target) : '';
  }

  async create(handle: WSMAN_SESSION_HANDLE, target: OperationTarget, resource: string): Promise<string> {
    const body = await this.send(handle, ACTION.create, target, checkedXml(resource));
    if (!body || body.namespace !== NS.transfer || body.localName !== 'ResourceCreated') throw wsmanError('ERROR_WSMAN_CREATE_RESPONSE_NO_EPR');
    return standaloneXml(body);
  }

  async delete(handle: WSMAN_SESSION_HANDLE, target: OperationTarget): Promise<void> {
    await this.send(handle, ACTION.delete, target, '');
  }

  async invoke(handle: WSMAN_SESSION_HANDLE, action: string, target: OperationTarget, parameters: string): Promise<string> {
    const body = await this.send(handle, action, target, checkedXml(parameters));
    return body ? standaloneXml(body) : '';
  }

  async enumerate(handle: WSMAN_SESSION_HANDLE, request: EnumerationRequest): Promise<EnumerationPage> {
    const polymorphism = request.polymorphismMode ? `<b:PolymorphismMode xmlns:b="${NS.cimBinding}">${request.polymorphismMode}</b:PolymorphismMode>` : '';
    const filter = request.filter ? `<w:Filter Dialect="${request.filter.dialect}">${request.filter.xml}</w:Filter>` : '';
    const body =
      `<n:Enumerate xmlns:n="${NS.enumeration}"><w:OptimizeEnumeration/><w:MaxElements>${request.maxElements}</w:MaxElements>` +
      `${ENUMERATION_MODE_XML[request.mode]}${polymorphism}${filter}</n:Enumerate>`;
    const reply = await this.send(handle, ACTION.enumerate, request.target, body);
    return readPage(reply, 'EnumerateResponse', NS.wsman);
  }

  async pull(handle: WSMAN_SESSION_HANDLE, target: OperationTarget, context: string, maxElements: number): Promise<ReceivedPage> {
    const body =
      `<n:Pull xmlns:n="${NS.enumeration}"><n:EnumerationContext>${context}</n:EnumerationContext>` +
      `<n:MaxElements>${maxElements}</n:MaxElements></n:Pull>`;
    const reply = await this.exchange(handle, ACTION.pull, target, body, {});
    return {
      contextHint: contextShownIn(reply.text),
      read: () => readPage(firstChildElement(this.readReply(reply.status, reply.text, reply.messageId)), 'PullResponse', NS.enumeration),
    };
  }

  async release(handle: WSMAN_SESSION_HANDLE, target: OperationTarget, context: string): Promise<void> {
    await this.send(handle, ACTION.release, target, `<n:Release xmlns:n="${NS.enumeration}"><n:EnumerationContext>${context}</n:EnumerationContext></n:Release>`);
  }

  /** One request/reply on the session's connection; returns the first element of s:Body. */
  private async send(handle: WSMAN_SESSION_HANDLE, action: string, target: OperationTarget, bodyXml: string): Promise<XmlElement | undefined> {
    return firstChildElement(await this.request(handle, action, target, bodyXml, {}));
  }

  /**
   * Any action with a body already written (the shell operations): the checked reply's s:Body
   * (a Create answers with two elements); faults and transport failures throw.
   */
  async request(handle: WSMAN_SESSION_HANDLE, action: string, target: OperationTarget, bodyXml: string, options: RequestOptions): Promise<XmlElement> {
    const reply = await this.exchange(handle, action, target, bodyXml, options);
    return this.readReply(reply.status, reply.text, reply.messageId);
  }

  /** The request sent and its reply received, not yet read. */
  private async exchange(
    handle: WSMAN_SESSION_HANDLE,
    action: string,
    target: OperationTarget,
    bodyXml: string,
    options: RequestOptions,
  ): Promise<SoapReplyText & { readonly messageId: string }> {
    const session = this.api.sessionOf(handle);
    const connection = this.connection(session, false, options.channel);
    const operationTimeoutMs = options.operationTimeoutMs ?? session.getDword(Option.WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS);
    const messageId = newMessageId();
    const envelope = buildRequestEnvelope(
      {
        to: session.url,
        resourceUri: target.resourceUri,
        action,
        maxEnvelopeSize: session.getDword(Option.WSMAN_OPTION_MAX_ENVELOPE_SIZE_KB) * 1024,
        messageId,
        locale: session.getString(Option.WSMAN_OPTION_UI_LANGUAGE),
        dataLocale: session.getString(Option.WSMAN_OPTION_LOCALE),
        sessionId: this.sessionIdOf(session),
        selectors: target.selectors,
        options: target.options,
        ...(target.mustUnderstandOptions ? { optionSetMustUnderstand: true } : {}),
        operationTimeoutMs,
        ...(target.fragment ? { fragment: target.fragment } : {}),
      },
      bodyXml,
    );
    const reply = await connection.transport.exchange(envelope, this.limits(session, operationTimeoutMs));
    return { ...reply, messageId };
  }

  private limits(session: ClientSession, operationTimeoutMs?: number): { timeoutMs: number; responseLimit: number } {
    const envelopeBytes = session.getDword(Option.WSMAN_OPTION_MAX_ENVELOPE_SIZE_KB) * 1024;
    const utf16 = session.getDword(Option.WSMAN_OPTION_UTF16) !== 0;
    return {
      timeoutMs: (operationTimeoutMs ?? session.getDword(Option.WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS)) + NETWORK_DELAY_MS,
      // A reply may not exceed our MaxEnvelopeSize (twice the bytes in UTF-16, plus its BOM).
      responseLimit: envelopeBytes * (utf16 ? 2 : 1) + 2,
    };
  }

  /** Parses a reply: malformed XML, a foreign RelatesTo and faults are errors; else the s:Body. */
  private readReply(status: 200 | 500, text: string, messageId: string | undefined): XmlElement {
    // An HTTP 500 that does not carry a SOAP fault is a plain server error (wire.md §6.2).
    let root: XmlElement;
    try {
      root = readWireXml(text);
    } catch (error) {
      if (!(error instanceof XmlSyntaxError)) throw error;
      throw wsmanError(status === 500 ? 'ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR' : 'ERROR_WSMAN_INVALID_CHARACTERS_IN_RESPONSE', { cause: error });
    }
    if (root.localName !== 'Envelope' || root.namespace !== NS.soap) {
      throw wsmanError(status === 500 ? 'ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR' : 'ERROR_WSMAN_RESPONSE_NO_SOAP_HEADER_BODY');
    }
    const message = readSoapMessage(root);
    if (!message.body) throw wsmanError('ERROR_WSMAN_RESPONSE_NO_SOAP_HEADER_BODY');
    const first = firstChildElement(message.body);
    if (first && first.namespace === NS.soap && first.localName === 'Fault') {
      const fault = readFault(first);
      // A fault is a failure whatever its detail says; without a text of its own it takes the code's message.
      throw wsmanErrorFromHResult(fault.hresult ?? hresultOfFault(fault), { ...(fault.message !== '' ? { message: fault.message } : {}), faultXml: fault.faultXml });
    }
    if (status === 500) throw wsmanError('ERROR_WSMAN_RESPONSE_INVALID_SOAP_FAULT');
    // Windows echoes MessageID byte for byte; anything else answers another request.
    const relatesTo = readResponseHeader(message.header).relatesTo;
    if (messageId !== undefined && relatesTo !== messageId) throw wsmanError('ERROR_WSMAN_RESPONSE_INVALID_MESSAGE_INFORMATION_HEADER');
    return message.body;
  }

  /** A Get/Put reply: the resource, or the text or element inside w:XmlFragment for fragment transfer. */
  private resourceText(body: XmlElement, target: OperationTarget): string {
    if (!target.fragment) return standaloneXml(body);
    if (body.namespace !== NS.wsman || body.localName !== 'XmlFragment') throw wsmanError('ERROR_WSMAN_RESPONSE_NO_XML_FRAGMENT_WRAPPER');
    return standaloneXml(body);
  }

  /** The session's SessionId header value, one for all its connections. */
  private sessionIdOf(session: ClientSession): string {
    let connections = this.connections.get(session);
    if (!connections) {
      connections = { sessionId: newMessageId(), channels: new Map() };
      this.connections.set(session, connections);
    }
    return connections.sessionId;
  }

  /** The session's connection on a channel, made on first use and again when its transport settings change. */
  private connection(session: ClientSession, anonymous: boolean, channel = MAIN_CHANNEL): Connection {
    this.sessionIdOf(session);
    const channels = this.connections.get(session)!.channels;
    const existing = channels.get(channel);
    if (existing && existing.optionsVersion === session.optionsVersion && existing.anonymous === anonymous) return existing;
    const mechanism = anonymous ? 'none' : authenticationKind(session);
    const secure = session.transport === 'https';
    const skipCa = session.getDword(Option.WSMAN_OPTION_SKIP_CA_CHECK) !== 0;
    const skipCn = session.getDword(Option.WSMAN_OPTION_SKIP_CN_CHECK) !== 0;
    const utf16 = session.getDword(Option.WSMAN_OPTION_UTF16) !== 0;
    const unencrypted = session.getDword(Option.WSMAN_OPTION_UNENCRYPTED_MESSAGES) !== 0;
    const spnPort = session.getDword(Option.WSMAN_OPTION_ENABLE_SPN_SERVER_PORT) !== 0;
    const delegate = session.getDword(Option.WSMAN_OPTION_ALLOW_NEGOTIATE_IMPLICIT_CREDENTIALS) !== 0;
    const key = [session.url, mechanism, skipCa, skipCn, utf16, unencrypted, spnPort, delegate].join('|');
    if (existing?.key === key) {
      existing.optionsVersion = session.optionsVersion;
      existing.anonymous = anonymous;
      return existing;
    }
    existing?.transport.close();
    const certificate = mechanism === 'certificate' ? findClientCertificate(session.certificateThumbprint ?? '') : undefined;
    const transport = new WSManTransport({
      url: session.url,
      auth: authProvider(session, mechanism),
      utf16,
      // MS-WSMV message encryption: Negotiate and Kerberos over plain HTTP, unless the caller asked for unencrypted traffic.
      encrypt: (mechanism === 'negotiate' || mechanism === 'kerberos') && !secure && !unencrypted,
      ...(secure
        ? { tls: { verifyChain: !skipCa, verifyHostName: !skipCn, ca: trustedRootCertificates(), ...(certificate ? { clientCertificate: certificate } : {}) } }
        : {}),
    });
    const connection = { key, transport, optionsVersion: session.optionsVersion, anonymous };
    channels.set(channel, connection);
    session.onClose(() => transport.close());
    return connection;
  }
}

type AuthenticationKind = 'none' | 'basic' | 'certificate' | 'negotiate' | 'kerberos';

/** The mechanism the session's flags chose; the default with explicit credentials is Negotiate, like Windows. */
function authenticationKind(session: ClientSession): AuthenticationKind {
  switch (session.authenticationMechanism) {
    case Auth.WSMAN_FLAG_AUTH_BASIC:
      // Basic sends the password in clear text: over HTTP only when the caller allowed unencrypted traffic.
      if (session.transport === 'http' && session.getDword(Option.WSMAN_OPTION_UNENCRYPTED_MESSAGES) === 0) {
        throw wsmanError('ERROR_WSMAN_CLIENT_UNENCRYPTED_DISABLED');
      }
      return 'basic';
    case Auth.WSMAN_FLAG_AUTH_CLIENT_CERTIFICATE:
      return 'certificate';
    case Auth.WSMAN_FLAG_DEFAULT_AUTHENTICATION:
    case Auth.WSMAN_FLAG_AUTH_NEGOTIATE:
      // Without a user name: implicit credentials, which here are Kerberos tickets (kinit's cache) or a client keytab.
      return 'negotiate';
    case Auth.WSMAN_FLAG_AUTH_KERBEROS:
      return 'kerberos';
    default:
      throw wsmanError('E_NOTIMPL', {
        message: 'This build authenticates with Negotiate (Kerberos or NTLM), Kerberos, Basic or a client certificate; CredSSP and Digest are not available yet.',
      });
  }
}

function authProvider(session: ClientSession, kind: AuthenticationKind): ClientAuthProvider {
  switch (kind) {
    case 'none':
      return noAuth();
    case 'basic':
      return basicAuth(session.userName ?? '', session.password() ?? '');
    case 'certificate':
      return certificateAuth();
    case 'negotiate':
      return negotiateAuth({ ...explicitCredentials(session), target: servicePrincipalOptions(session), delegate: delegates(session) });
    case 'kerberos':
      return new KerberosAuth({ ...explicitCredentials(session), target: servicePrincipalOptions(session), delegate: delegates(session) });
  }
}

/**
 * wsmid:IdentifyResponse; OMI writes it in the SOAP envelope namespace, accepted when it carries
 * the wsmid elements (ProtocolVersion at least).
 */
function isIdentifyResponse(body: XmlElement): boolean {
  if (body.localName !== 'IdentifyResponse') return false;
  if (body.namespace === NS.identity) return true;
  return body.namespace === NS.soap && child(body, NS.identity, 'ProtocolVersion') !== undefined;
}

function explicitCredentials(session: ClientSession): { userName?: string; password?: string } {
  const password = session.password();
  return session.userName !== undefined ? { userName: session.userName, ...(password !== undefined ? { password } : {}) } : {};
}

/** `HOST/<host>`, with the port when WSMAN_OPTION_ENABLE_SPN_SERVER_PORT is set (wire.md §6 trap 25). */
function servicePrincipalOptions(session: ClientSession): { host: string; port?: number } {
  const { host } = session.connection;
  if (session.getDword(Option.WSMAN_OPTION_ENABLE_SPN_SERVER_PORT) === 0) return { host };
  return { host, port: session.connection.port ?? DEFAULT_PORTS[session.transport] };
}

/** Credential delegation (a forwarded TGT) when the session allows implicit credentials to be passed on. */
function delegates(session: ClientSession): boolean {
  return session.getDword(Option.WSMAN_OPTION_ALLOW_NEGOTIATE_IMPLICIT_CREDENTIALS) !== 0;
}

/** Input XML for the body: well-formed, and without its own XML declaration (it goes inside s:Body). */
function checkedXml(xml: string): string {
  const body = xml.replace(/^\uFEFF?\s*<\?xml[^>]*\?>/, '').trim();
  try {
    parseXml(body);
  } catch {
    throw wsmanError('ERROR_WSMAN_INVALID_XML');
  }
  return body;
}

/**
 * The context a PullResponse's text shows as its first child, when plain (no markup or character
 * references, so it goes back into a Pull as is), unless the text mentions EndOfSequence.
 */
const SHOWN_CONTEXT =
  /<(?:[\w.-]+:)?Body(?:\s[^>]*)?>\s*<(?:[\w.-]+:)?PullResponse(?:\s[^>]*)?>\s*<(?:[\w.-]+:)?EnumerationContext(?:\s[^>]*)?>\s*([^<&\s]+)\s*<\//;

function contextShownIn(text: string): string | undefined {
  if (text.includes('EndOfSequence')) return undefined;
  return SHOWN_CONTEXT.exec(text)?.[1];
}

/** Items and the next context of an EnumerateResponse (optimized) or PullResponse. */
function readPage(body: XmlElement | undefined, responseName: string, itemsNamespace: string): EnumerationPage {
  if (!body || body.namespace !== NS.enumeration || body.localName !== responseName) throw wsmanError('ERROR_WSMAN_RESPONSE_NO_RESULTS');
  const itemsElement = child(body, itemsNamespace, 'Items') ?? child(body, NS.enumeration, 'Items') ?? child(body, NS.wsman, 'Items');
  const items = itemsElement ? childElements(itemsElement).map(standaloneXml) : [];
  const ended = child(body, NS.wsman, 'EndOfSequence') !== undefined || child(body, NS.enumeration, 'EndOfSequence') !== undefined;
  const contextElement = child(body, NS.enumeration, 'EnumerationContext');
  const context = contextElement ? textContent(contextElement).trim() : '';
  if (!ended && context === '') throw wsmanError('ERROR_WSMAN_RESPONSE_INVALID_ENUMERATION_CONTEXT');
  return { items, context: ended ? undefined : context };
}

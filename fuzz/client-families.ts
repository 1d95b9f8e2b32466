/**
 * Hostile replies against the client: a raw TCP server answers each request of a case as the
 * case's seed says (mutated recordings, odd SOAP, XML bombs, broken HTTP, silence, endless
 * bodies, 401 loops, bad Negotiate challenges, sealed replies changed byte by byte). Each case
 * has its own URL path, so cases can run side by side.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { buildResponseEnvelope } from '../src/core/protocol/envelope';
import { NS } from '../src/core/protocol/namespaces';
import { NegotiateServer } from '../src/core/transport/auth/negotiate';
import { decryptMessage, encryptMessage, isEncryptedContentType } from '../src/core/transport/message-encryption';
import type { Corpus } from './corpus';
import { bombDocument } from './endpoint-families';
import { INTERESTING, mutateBytesMany, mutateText } from './mutators';
import { FUZZ_USER, type ClientOperation } from './protocol';
import { Rng } from './rng';

export interface HostileRequest {
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

export type Action =
  | { readonly kind: 'write'; readonly bytes: Buffer; readonly close: boolean }
  /** Never answer (the client's own timeout must end the wait). */
  | { readonly kind: 'silent' }
  /** Headers, then body bytes without end until the client goes away. */
  | { readonly kind: 'endless'; readonly head: Buffer };

/** Per connection: what a Negotiate case keeps between legs. */
export interface ConnectionState {
  negotiate?: NegotiateServer;
  requests: number;
}

export interface ClientCase {
  readonly op: Omit<ClientOperation, 'url'>;
  respond(request: HostileRequest, connection: ConnectionState): Action;
}

export interface ClientFamily {
  readonly name: string;
  readonly weight: number;
  build(seed: number, corpus: Corpus): ClientCase;
}

const METHODS: ClientOperation['method'][] = ['Get', 'Get', 'Identify', 'Enumerate', 'Put', 'Invoke', 'Delete'];
const SOAP_TYPE = 'application/soap+xml;charset=UTF-8';

export function httpResponse(status: number, headers: Record<string, string>, body: Buffer | string, close = false): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lines = [`HTTP/1.1 ${status} X`, ...Object.entries({ 'Content-Length': String(payload.length), ...headers }).map(([k, v]) => `${k}: ${v}`)];
  if (close) lines.push('Connection: close');
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

function messageIdOf(body: Buffer): string | undefined {
  return /<(?:[\w.-]+:)?MessageID[^>]*>\s*([^<\s]+)\s*</.exec(body.toString('utf8'))?.[1];
}

/** The recorded reply answering this request: its RelatesTo says the request's MessageID. */
function answering(reply: string, request: Buffer): string {
  const id = messageIdOf(request);
  return id ? reply.replace(/(<([\w.-]+:)?RelatesTo[^>]*>)[^<]*(<\/)/, `$1${id}$3`) : reply;
}

function operation(rng: Rng, auth: ClientOperation['auth'] = 'basic'): ClientCase['op'] {
  return { method: rng.pick(METHODS), auth, timeoutMs: 1000 };
}

/** A reply to every request: `make` gets the request (for RelatesTo). */
function always(op: ClientCase['op'], make: (request: HostileRequest) => Action): ClientCase {
  return { op, respond: (request) => make(request) };
}

const replyMutation: ClientFamily = {
  name: 'reply-mutation',
  weight: 0.35,
  build(seed, corpus) {
    const rng = new Rng(seed);
    const base = rng.pick(corpus.replies);
    return always(operation(rng), (request) => {
      const text = answering(base.body, request.body);
      const body = rng.chance(0.5) ? mutateBytesMany(rng, Buffer.from(text)) : Buffer.from(mutateText(rng, text));
      return { kind: 'write', bytes: httpResponse(base.status, { 'Content-Type': SOAP_TYPE }, body), close: rng.chance(0.2) };
    });
  },
};

function fault(rng: Rng): string {
  const code = rng.pick([...INTERESTING.slice(0, 10), '2150858752', '5', '70000', '2147942402', '0x80338012', '-2144108526']);
  const detail = rng.pick([
    `<f:WSManFault xmlns:f="${NS.wsmanFault}" Code="${code}" Machine="m"><f:Message>${rng.pick(['', 'm', '<f:ProviderFault><f:WSManFault Code="1"><f:Message>inner</f:Message></f:WSManFault></f:ProviderFault>'])}</f:Message></f:WSManFault>`,
    `<p:MSFT_WmiError xmlns:p="${NS.wmiError}"><p:error_Code>${code}</p:error_Code><p:Message>w</p:Message></p:MSFT_WmiError>`,
    `<p:CIM_Error xmlns:p="urn:omi" xmlns:b="${NS.cimBinding}" b:IsCIM_Error="true"><p:CIMStatusCode>${code}</p:CIMStatusCode><p:Message>c</p:Message></p:CIM_Error>`,
    '',
  ]);
  const subcode = rng.chance(0.7) ? `<s:Subcode><s:Value>${rng.pick(['w:InvalidSelectors', 'zz:Unbound', 'n:TimedOut', '', 'w:'])}</s:Value></s:Subcode>` : '';
  const reason = rng.chance(0.7) ? `<s:Reason><s:Text xml:lang="en-US">${rng.pick(['', 'r', 'x'.repeat(10000)])}</s:Text></s:Reason>` : '';
  return `<s:Fault><s:Code><s:Value>${rng.pick(['s:Sender', 's:Receiver', '', 'x:y'])}</s:Value>${subcode}</s:Code>${reason}${rng.chance(0.8) ? `<s:Detail>${detail}</s:Detail>` : ''}</s:Fault>`;
}

const structuralReply: ClientFamily = {
  name: 'structural-reply',
  weight: 0.25,
  build(seed) {
    const rng = new Rng(seed);
    const kind = rng.int(6);
    return always(operation(rng), (request) => {
      const relatesTo = rng.chance(0.8) ? (messageIdOf(request.body) ?? 'uuid:x') : rng.pick(['uuid:other', '', 'x'.repeat(1000)]);
      let bodyXml: string;
      switch (kind) {
        case 0:
          bodyXml = fault(rng);
          break;
        case 1:
          bodyXml = `<n:EnumerateResponse><n:EnumerationContext>${rng.pick(['', 'uuid:c', 'x'.repeat(100000), '<a/>'])}</n:EnumerationContext>${rng.pick(['<w:Items>' + '<p:I xmlns:p="urn:x"/>'.repeat(rng.int(5000)) + '</w:Items>', '<w:Items/>', '<w:EndOfSequence/>', ''])}</n:EnumerateResponse>`;
          break;
        case 2:
          bodyXml = rng.pick([
            `<wsmid:IdentifyResponse xmlns:wsmid="${NS.identity}"/>`,
            `<s:IdentifyResponse><wsmid:ProtocolVersion xmlns:wsmid="${NS.identity}">x</wsmid:ProtocolVersion></s:IdentifyResponse>`,
            `<n:PullResponse><n:Items>${'<x/>'.repeat(rng.int(10))}</n:Items></n:PullResponse>`,
            '<x:ResourceCreated/>',
            '',
          ]);
          break;
        case 3:
          bodyXml = `<w:XmlFragment>${rng.pick(INTERESTING.slice(0, 28)).replace(/</g, '&lt;')}</w:XmlFragment>`;
          break;
        default:
          bodyXml = `<p:Win32_Service xmlns:p="urn:x"><p:Name>${rng.pick(INTERESTING.slice(0, 20)).replace(/[<&]/g, '')}</p:Name></p:Win32_Service>`;
      }
      let text = buildResponseEnvelope({ action: 'urn:fuzz', relatesTo, bodyXml, extraNamespaces: ['enumeration'] });
      if (kind === 5) text = rng.pick([text.replace(/<s:Body>.*<\/s:Body>/s, ''), text.replace('<s:Header>', '<s:Body/><s:Header>'), `<s:Envelope xmlns:s="urn:wrong"/>`, text.replace(NS.soap, 'http://schemas.xmlsoap.org/soap/envelope/')]);
      const status = rng.pick([200, 200, 500, 500, 204, 301, 400, 401, 404, 413, 415, 503, 999]);
      const type = rng.pick([SOAP_TYPE, SOAP_TYPE, 'application/soap+xml;charset=UTF-16', 'text/html', 'multipart/encrypted;boundary="Encrypted Boundary"', 'application/soap+xml;charset=ebcdic']);
      return { kind: 'write', bytes: httpResponse(status, { 'Content-Type': type }, text), close: rng.chance(0.3) };
    });
  },
};

const xmlBombReplies: ClientFamily = {
  name: 'xml-bombs',
  weight: 0.1,
  build(seed) {
    const rng = new Rng(seed);
    const text = bombDocument(rng);
    return always(operation(rng), () => ({ kind: 'write', bytes: httpResponse(rng.chance(0.7) ? 200 : 500, { 'Content-Type': SOAP_TYPE }, text), close: false }));
  },
};

const httpAbuse: ClientFamily = {
  name: 'http-abuse',
  weight: 0.15,
  build(seed, corpus) {
    const rng = new Rng(seed);
    const base = rng.pick(corpus.replies);
    const kind = rng.int(100);
    return always(operation(rng), (request) => {
      const body = Buffer.from(answering(base.body, request.body));
      const head = (extra: string): Buffer => Buffer.from(`HTTP/1.1 ${base.status} X\r\nContent-Type: ${SOAP_TYPE}\r\n${extra}\r\n`, 'latin1');
      if (kind < 2) return { kind: 'silent' };
      if (kind < 4) return { kind: 'write', bytes: Buffer.concat([head(`Content-Length: ${body.length + 1 + rng.int(1000)}\r\n`), body]), close: false };
      if (kind < 12) return { kind: 'endless', head: head(rng.chance(0.5) ? 'Transfer-Encoding: chunked\r\n' : '') };
      if (kind < 25) {
        const size = rng.pick(['ffffffffffffffff', '-1', 'zz', '0', '1', body.length.toString(16)]);
        return { kind: 'write', bytes: Buffer.concat([head('Transfer-Encoding: chunked\r\n'), Buffer.from(`${size}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]), close: true };
      }
      if (kind < 35) return { kind: 'write', bytes: Buffer.concat([head(`Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n`), body]), close: true };
      if (kind < 45) return { kind: 'write', bytes: Buffer.concat([head(`Content-Length: ${rng.int(body.length)}\r\n`), body]), close: true };
      if (kind < 60) {
        // 401 loops: a challenge on every request, of any scheme.
        const challenge = rng.pick(['Basic realm="x"', 'Negotiate', 'Negotiate !!!', `Negotiate ${rng.bytes(rng.int(300)).toString('base64')}`, 'Kerberos', 'Negotiate, Basic realm="WSMAN"', '']);
        return { kind: 'write', bytes: httpResponse(401, challenge ? { 'WWW-Authenticate': challenge } : {}, ''), close: rng.chance(0.5) };
      }
      if (kind < 70) return { kind: 'write', bytes: Buffer.from(rng.pick(['HTTP/1.1 200\r\n\r\n', 'HTTP/1.1 abc OK\r\n\r\n', 'garbage\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n', 'HTTP/1.1 200 OK\r\n' + 'X: y\r\n'.repeat(20000) + '\r\n', '']), 'latin1'), close: true };
      if (kind < 80) return { kind: 'write', bytes: httpResponse(base.status, { 'Content-Type': SOAP_TYPE, 'Content-Encoding': rng.pick(['gzip', 'br', 'SLDC']) }, body), close: false };
      if (kind < 90) return { kind: 'write', bytes: httpResponse(rng.pick([100, 101, 102, 199, 302, 307, 600, 0]), { Location: 'http://127.0.0.1:1/' }, body), close: true };
      return { kind: 'write', bytes: Buffer.concat([httpResponse(base.status, { 'Content-Type': SOAP_TYPE }, body), httpResponse(200, {}, 'extra')]), close: false };
    });
  },
};

/** Negotiate with message encryption: challenges, final tokens and sealed replies changed byte by byte. */
const negotiate: ClientFamily = {
  name: 'negotiate',
  weight: 0.15,
  build(seed, corpus) {
    const rng = new Rng(seed);
    const stage = rng.pick(['challenge', 'final', 'sealed', 'sealed', 'plain', 'loop', 'mutated-reply'] as const);
    const offset = rng.int(4096);
    const xor = 1 + rng.int(255);
    const flip = (buffer: Buffer): Buffer => {
      const out = Buffer.from(buffer);
      if (out.length > 0) out[offset % out.length]! ^= xor;
      return out;
    };
    const base = rng.pick(corpus.replies);
    const op = operation(rng, 'negotiate');
    return {
      op,
      respond(request, connection) {
        connection.requests += 1;
        const authorization = request.headers.get('authorization');
        if (authorization?.toLowerCase().startsWith('negotiate ')) {
          if (stage === 'loop' && connection.requests > 2) connection.negotiate = undefined;
          connection.negotiate ??= new NegotiateServer({ lookupPassword: (user) => (user.toLowerCase() === FUZZ_USER.name ? FUZZ_USER.password : undefined), computerName: 'WIN-FUZZ' });
          const step = connection.negotiate.step(Buffer.from(authorization.slice(10).trim(), 'base64'));
          if (step.kind === 'rejected') return { kind: 'write', bytes: httpResponse(401, { 'WWW-Authenticate': 'Negotiate' }, '', true), close: true };
          if (step.kind === 'continue') {
            const token = stage === 'challenge' ? flip(step.token) : step.token;
            return { kind: 'write', bytes: httpResponse(401, { 'WWW-Authenticate': `Negotiate ${token.toString('base64')}` }, ''), close: false };
          }
          const final: Record<string, string> = step.token ? { 'WWW-Authenticate': `Negotiate ${(stage === 'final' ? flip(step.token) : step.token).toString('base64')}` } : {};
          return sealedReply(connection, request, final);
        }
        if (!connection.negotiate) return { kind: 'write', bytes: httpResponse(401, { 'WWW-Authenticate': 'Negotiate' }, '', true), close: true };
        return sealedReply(connection, request, {});
      },
    };

    function sealedReply(connection: ConnectionState, request: HostileRequest, extra: Record<string, string>): Action {
      const security = connection.negotiate!.security;
      let plain: Buffer = request.body;
      const type = request.headers.get('content-type');
      if (request.body.length > 0 && isEncryptedContentType(type)) {
        try {
          plain = decryptMessage(security, type!, request.body).payload;
        } catch {
          return { kind: 'write', bytes: httpResponse(400, {}, '', true), close: true };
        }
      }
      let text = answering(base.body, plain);
      if (stage === 'mutated-reply') text = mutateBytesMany(rng, Buffer.from(text)).toString('utf8');
      if (stage === 'plain') return { kind: 'write', bytes: httpResponse(base.status, { ...extra, 'Content-Type': SOAP_TYPE }, text), close: false };
      const sealed = encryptMessage(security, Buffer.from(text, 'utf8'), 'UTF-8');
      const bytes = stage === 'sealed' ? flip(sealed.body) : sealed.body;
      return { kind: 'write', bytes: httpResponse(base.status, { ...extra, 'Content-Type': sealed.contentType }, bytes), close: false };
    }
  },
};

export const CLIENT_FAMILIES: readonly ClientFamily[] = [replyMutation, structuralReply, xmlBombReplies, httpAbuse, negotiate];

// ---- the hostile server ------------------------------------------------------------------------

/** Routes each connection to its case by the request path `/wsman/c<id>`. */
export class HostileServer {
  private readonly cases = new Map<number, ClientCase>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<HostileServer> {
    let instance: HostileServer | undefined;
    const server = createServer((socket) => instance!.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    instance = new HostileServer(server, (server.address() as AddressInfo).port);
    return instance;
  }

  urlFor(id: number, testCase: ClientCase): string {
    this.cases.set(id, testCase);
    return `http://127.0.0.1:${this.port}/wsman/c${id}`;
  }

  forget(id: number): void {
    this.cases.delete(id);
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const state: ConnectionState = { requests: 0 };
    let buffer = Buffer.alloc(0);
    let busy = false;
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (!busy) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const [requestLine, ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
        const headers = new Map<string, string>();
        for (const line of lines) {
          const colon = line.indexOf(':');
          if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
        const length = Number(headers.get('content-length') ?? 0);
        if (buffer.length < end + 4 + length) return;
        const body = buffer.subarray(end + 4, end + 4 + length);
        buffer = buffer.subarray(end + 4 + length);
        const id = Number(/\/wsman\/c(\d+)/.exec(requestLine ?? '')?.[1]);
        const testCase = this.cases.get(id);
        if (!testCase) {
          socket.destroy();
          return;
        }
        const action = testCase.respond({ headers, body }, state);
        if (action.kind === 'silent') {
          busy = true;
          return;
        }
        if (action.kind === 'endless') {
          busy = true;
          socket.write(action.head);
          const block = Buffer.alloc(64 * 1024, 0x3c);
          const pump = (): void => {
            while (!socket.destroyed && socket.write(block));
            if (!socket.destroyed) socket.once('drain', pump);
          };
          pump();
          return;
        }
        socket.write(action.bytes);
        if (action.close) {
          socket.end();
          return;
        }
      }
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

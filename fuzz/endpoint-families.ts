/**
 * Hostile requests against the endpoint, one family per kind of abuse. Each case is built from its
 * seed alone (`build(seed)`), so a failure is replayed with FUZZ_REPLAY=<family>:<seed>; a case is
 * data (what goes on the wire), `sendEndpointCase` puts it there and observes the answer.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { escapeXmlText } from '../src/core/errors/fault-xml';
import { buildRequestEnvelope, newMessageId } from '../src/core/protocol/envelope';
import { ACTION, DIALECT, NS } from '../src/core/protocol/namespaces';
import { NegotiateClient } from '../src/core/transport/auth/negotiate';
import { decryptMessage, encryptMessage } from '../src/core/transport/message-encryption';
import type { Corpus } from './corpus';
import { INTERESTING, mutateBytesMany, mutateText } from './mutators';
import { FUZZ_USER } from './protocol';
import { Rng } from './rng';
import { randomWql } from './wql';

/** No answer within this long is a hang. */
export const HANG_MS = 10_000;

const BASIC = `Basic ${Buffer.from(`${FUZZ_USER.name}:${FUZZ_USER.password}`).toString('base64')}`;
const SOAP_TYPE = 'application/soap+xml;charset=UTF-8';
const CIMV2 = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2';

export type EndpointCase =
  /** One POST over the family's keep-alive connection. */
  | { readonly kind: 'http'; readonly headers: Readonly<Record<string, string>>; readonly body: Buffer }
  /** Raw bytes on a new TCP connection, written in chunks `delayMs` apart. */
  | { readonly kind: 'raw'; readonly chunks: readonly Buffer[]; readonly delayMs: number }
  /** A Negotiate exchange with one byte of a token or of a sealed body changed. */
  | { readonly kind: 'ntlm'; readonly stage: 'negotiate' | 'authenticate' | 'sealed' | 'payload'; readonly offset: number; readonly xor: number; readonly payload: string };

export interface Outcome {
  /** HTTP status, when one arrived. */
  readonly status: number | undefined;
  /** The reply body in the clear (decrypted when it was sealed). */
  readonly body: Buffer;
  readonly hung: boolean;
  /** Connection-level end without an answer (reset, closed). */
  readonly error?: string;
}

export interface EndpointFamily {
  readonly name: string;
  /** Share of the run's endpoint cases. */
  readonly weight: number;
  build(seed: number, corpus: Corpus): EndpointCase;
}

function basicPost(body: string | Buffer, extra: Record<string, string> = {}): EndpointCase {
  return { kind: 'http', headers: { Authorization: BASIC, 'Content-Type': SOAP_TYPE, ...extra }, body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8') };
}

function soapRequest(rng: Rng, resourceUri: string, action: string, body: string, header: Partial<Parameters<typeof buildRequestEnvelope>[0]> = {}): string {
  return buildRequestEnvelope(
    {
      to: 'http://127.0.0.1/wsman',
      resourceUri,
      action,
      maxEnvelopeSize: 512000,
      messageId: newMessageId(),
      locale: 'en-US',
      dataLocale: 'en-US',
      operationTimeoutMs: 1000 + rng.int(5000),
      ...header,
    },
    body,
  );
}

/** Seeded mutation of real envelopes: the client's request shapes and the recorded requests. */
const envelopeMutation: EndpointFamily = {
  name: 'envelope-mutation',
  weight: 0.45,
  build(seed, corpus) {
    const rng = new Rng(seed);
    const body = mutateBytesMany(rng, Buffer.from(rng.pick(corpus.requests), 'utf8'));
    if (rng.chance(0.1)) return { kind: 'http', headers: { WSMANIDENTIFY: 'unauthenticated', 'Content-Type': SOAP_TYPE }, body };
    return basicPost(body, rng.chance(0.05) ? { 'Content-Type': rng.pick(['application/soap+xml;charset=UTF-16', 'application/soap+xml;charset=koi8-r', 'text/xml']) } : {});
  },
};

/** Header, selector, MaxEnvelopeSize, OperationTimeout and WQL mutations that keep the document well-formed more often. */
const structural: EndpointFamily = {
  name: 'structural',
  weight: 0.25,
  build(seed, corpus) {
    const rng = new Rng(seed);
    switch (rng.int(5)) {
      case 0: {
        let xml = rng.pick(corpus.requests);
        for (let i = 1 + rng.int(3); i > 0; i--) xml = mutateText(rng, xml);
        return basicPost(xml);
      }
      case 1: {
        const query = randomWql(rng);
        const uri = rng.chance(0.8) ? `${CIMV2}/*` : `${CIMV2}/Win32_Service`;
        const dialect = rng.chance(0.9) ? DIALECT.wql : rng.pick([DIALECT.xpath, 'urn:nothing', '']);
        const body = `<n:Enumerate xmlns:n="${NS.enumeration}">${rng.chance(0.7) ? '<w:OptimizeEnumeration/>' : ''}<w:MaxElements>${rng.pick(['1', '20', '0', '-5', '99999999', 'x'])}</w:MaxElements><w:Filter Dialect="${dialect}">${escapeXmlText(query)}</w:Filter></n:Enumerate>`;
        return basicPost(soapRequest(rng, uri, ACTION.enumerate, body));
      }
      case 2: {
        const selectors = Array.from({ length: rng.int(rng.chance(0.1) ? 500 : 4) }, () => ({
          name: rng.pick(['Name', 'name', 'UserName', '__cimnamespace', 'ProcessId', '', 'X'.repeat(300), 'Name']),
          value: rng.pick([...INTERESTING.slice(0, 28), 'WinRM', '<SYSTEM>', 'root/cimv2']),
        }));
        const uri = rng.pick([`${CIMV2}/Win32_Service`, `${CIMV2}/Win32_Environment`, `${CIMV2}/Win32_Process`, NS.config, `${NS.config}/listener`, `${CIMV2}/*`, 'urn:nothing']);
        const action = rng.pick([ACTION.get, ACTION.delete, ACTION.put, `${CIMV2}/Win32_Service/StopService`, ACTION.enumerate]);
        return basicPost(soapRequest(rng, uri, action, '', { selectors }));
      }
      case 3: {
        // MaxEnvelopeSize and OperationTimeout as text the header reader must refuse or cap.
        const xml = soapRequest(rng, NS.config, ACTION.get, '')
          .replace(/(<w:MaxEnvelopeSize[^>]*>)[^<]*/, `$1${rng.pick(['0', '-1', '8191', '4294967296', '1e9', ' 512000 ', 'abc', '99999999999999999999'])}`)
          .replace(/(<w:OperationTimeout>)[^<]*/, `$1${rng.pick(['PT-1S', 'PT0S', 'P1Y', 'PT99999999999S', 'PTS', 'garbage', 'PT0.0001S', 'P0DT0H0M1.5S'])}`);
        return basicPost(rng.chance(0.3) ? xml.replace('mustUnderstand="true"', `mustUnderstand="${rng.pick(['1', 'yes', 'TRUE', ''])}"`) : xml);
      }
      default: {
        // Put/Create bodies that are wrong in shape or value.
        const uri = rng.pick([`${NS.config}/client`, `${NS.config}/service`, NS.config, `${CIMV2}/Win32_Environment`]);
        const value = escapeXmlText(rng.pick(INTERESTING));
        const body = uri.startsWith(NS.config)
          ? `<cfg:${rng.pick(['Client', 'Service', 'Config', 'Winrs'])} xmlns:cfg="${NS.config}"><cfg:${rng.pick(['TrustedHosts', 'MaxEnvelopeSizekb', 'MaxTimeoutms', 'MaxBatchItems', 'AllowUnencrypted', 'NoSuch', 'Auth'])}>${value}</cfg:${'X'}></cfg:Config>`
          : `<p:Win32_Environment xmlns:p="${CIMV2}/Win32_Environment"><p:Name>${value}</p:Name><p:VariableValue>${value}</p:VariableValue></p:Win32_Environment>`;
        return basicPost(soapRequest(rng, uri, rng.pick([ACTION.put, ACTION.create]), body, rng.chance(0.5) ? { selectors: [{ name: 'Name', value: 'TEMP' }, { name: 'UserName', value: '<SYSTEM>' }] } : {}));
      }
    }
  },
};

/** An XML bomb as a SOAP document: entities, namespace blow-up, depth, huge and many attributes, long names, many children. */
export function bombDocument(rng: Rng): string {
  const soap = (inner: string, rootExtra = ''): string =>
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:w="${NS.wsman}"${rootExtra}><s:Header/><s:Body>${inner}</s:Body></s:Envelope>`;
  const size = (max: number): number => 1 + rng.int(max);
  switch (rng.int(8)) {
    case 0:
      return `<!DOCTYPE s [<!ENTITY a "${'x'.repeat(size(100))}">${Array.from({ length: size(10) }, (_, i) => `<!ENTITY a${i + 1} "${'&a;'.repeat(10)}">`).join('')}]>${soap('&a9;')}`;
    case 1:
      return soap(
        Array.from({ length: size(20000) }, (_, i) => `<x xmlns:b${i.toString(36)}="u"/>`).join(''),
        Array.from({ length: size(9000) }, (_, i) => ` xmlns:a${i.toString(36)}="u"`).join(''),
      );
    case 2: {
      const depth = size(rng.chance(0.5) ? 300 : 60000);
      return soap(`${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}`);
    }
    case 3:
      return soap(`<x a="${'v'.repeat(size(600000))}"/>`);
    case 4:
      return soap(`<x ${Array.from({ length: size(40000) }, (_, i) => `a${i}="1"`).join(' ')}/>`);
    case 5:
      return soap(`<${'n'.repeat(size(400000))}/>`);
    case 6:
      return soap('<x/>'.repeat(size(120000)));
    default: {
      // Nested prefixes, each element declaring more.
      const depth = size(250);
      return soap(
        `${Array.from({ length: depth }, (_, i) => `<p${i}:x xmlns:p${i}="u${i}" ${Array.from({ length: size(40) }, (_, j) => `xmlns:q${j}="v"`).join(' ')}>`).join('')}` +
          `${Array.from({ length: depth }, (_, i) => `</p${depth - 1 - i}:x>`).join('')}`,
      );
    }
  }
}

const xmlBombs: EndpointFamily = {
  name: 'xml-bombs',
  weight: 0.06,
  build(seed) {
    const rng = new Rng(seed);
    const text = bombDocument(rng);
    return rng.chance(0.5) ? { kind: 'http', headers: { WSMANIDENTIFY: 'unauthenticated', 'Content-Type': SOAP_TYPE }, body: Buffer.from(text) } : basicPost(text);
  },
};

/** Chunked, CL+TE, wrong lengths, slow bodies, header floods, odd request lines: raw bytes on a new connection. */
const httpAbuse: EndpointFamily = {
  name: 'http-abuse',
  weight: 0.06,
  build(seed, corpus) {
    const rng = new Rng(seed);
    const body = Buffer.from(rng.chance(0.7) ? rng.pick(corpus.requests.slice(0, 25)) : rng.pick(corpus.requests), 'utf8');
    const auth = rng.chance(0.7) ? `Authorization: ${BASIC}\r\n` : rng.chance(0.5) ? 'WSMANIDENTIFY: unauthenticated\r\n' : '';
    const head = (extra: string, method = 'POST', target = '/wsman', version = 'HTTP/1.1'): string =>
      `${method} ${target} ${version}\r\nHost: 127.0.0.1\r\n${auth}Content-Type: ${SOAP_TYPE}\r\n${extra}\r\n`;
    const chunked = (parts: readonly Buffer[]): Buffer =>
      Buffer.concat([...parts.flatMap((p) => [Buffer.from(`${p.length.toString(16)}\r\n`), p, Buffer.from('\r\n')]), Buffer.from('0\r\n\r\n')]);
    switch (rng.int(10)) {
      case 0:
        return { kind: 'raw', chunks: [Buffer.from(head('Transfer-Encoding: chunked\r\n')), chunked([body.subarray(0, 100), body.subarray(100)])], delayMs: 0 };
      case 1: {
        const size = rng.pick(['ffffffffffffffff', '-1', 'zz', '1;ext=1', ' 10', '100000000']);
        return { kind: 'raw', chunks: [Buffer.from(head('Transfer-Encoding: chunked\r\n')), Buffer.from(`${size}\r\n`), body.subarray(0, 64), Buffer.from('\r\n0\r\n\r\n')], delayMs: 0 };
      }
      case 2:
        return { kind: 'raw', chunks: [Buffer.from(head(`Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n`)), chunked([body])], delayMs: 0 };
      case 3: {
        const declared = rng.pick([0, 1, body.length - 1, body.length + 1, body.length * 2]);
        return { kind: 'raw', chunks: [Buffer.from(head(`Content-Length: ${declared}\r\n`)), body], delayMs: 0 };
      }
      case 4: {
        // A slow but complete body: trickled, then finished.
        const pieces = 2 + rng.int(4);
        const step = Math.ceil(body.length / pieces);
        const chunks = [Buffer.from(head(`Content-Length: ${body.length}\r\n`))];
        for (let i = 0; i < body.length; i += step) chunks.push(body.subarray(i, i + step));
        return { kind: 'raw', chunks, delayMs: 10 + rng.int(60) };
      }
      case 5: {
        const many = Array.from({ length: rng.pick([100, 1000, 5000]) }, (_, i) => `X-H${i}: ${'v'.repeat(rng.int(100))}\r\n`).join('');
        return { kind: 'raw', chunks: [Buffer.from(head(`${many}Content-Length: ${body.length}\r\n`)), body], delayMs: 0 };
      }
      case 6: {
        const [method, target, version] = [rng.pick(['POST', 'GET', 'PUT', 'post', 'CONNECT', 'P\u0000ST']), rng.pick(['/wsman', 'http://x/wsman', '/wsman?x', '/WSMAN', '*', '/wsman-anon/identify', '/../wsman']), rng.pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x'])];
        return { kind: 'raw', chunks: [Buffer.from(head(`Content-Length: ${body.length}\r\n`, method, target, version)), body], delayMs: 0 };
      }
      case 7: {
        // Pipelined requests on one connection.
        const one = Buffer.concat([Buffer.from(head(`Content-Length: ${body.length}\r\n`)), body]);
        return { kind: 'raw', chunks: [Buffer.concat(Array.from({ length: 2 + rng.int(6) }, () => one))], delayMs: 0 };
      }
      case 8:
        return { kind: 'raw', chunks: [Buffer.from(head(`Content-Length: ${body.length}\r\nExpect: 100-continue\r\n${rng.pick(['Content-Type: a\r\n', 'Authorization: Basic\r\n', 'Authorization: Negotiate !!!\r\n', 'Content-Length: 5\r\n'])}`)), body], delayMs: 0 };
      default: {
        // Bytes with a broken header block: NULs, bare LF, no colon.
        const broken = head(`Content-Length: ${body.length}\r\n${rng.pick(['Bad\u0000Header: 1\r\n', 'NoColon\r\n', ' folded: x\r\n', 'X: \u00ff\r\n'])}`);
        return { kind: 'raw', chunks: [Buffer.from(rng.chance(0.3) ? broken.replace(/\r\n/g, '\n') : broken, 'latin1'), body], delayMs: 0 };
      }
    }
  },
};

/** NTLM tokens and sealed bodies with one byte changed, offset by offset. */
const ntlm: EndpointFamily = {
  name: 'ntlm',
  weight: 0.18,
  build(seed, corpus) {
    const rng = new Rng(seed);
    const stage = rng.pick(['negotiate', 'authenticate', 'authenticate', 'sealed', 'sealed', 'payload'] as const);
    const payload = stage === 'payload' ? mutateBytesMany(rng, Buffer.from(rng.pick(corpus.requests))).toString('latin1') : rng.pick(corpus.requests.slice(0, 25));
    return { kind: 'ntlm', stage, offset: rng.int(4096), xor: 1 + rng.int(255), payload };
  },
};

export const ENDPOINT_FAMILIES: readonly EndpointFamily[] = [envelopeMutation, structural, xmlBombs, httpAbuse, ntlm];

// ---- sending -----------------------------------------------------------------------------------

function withHangTimer<T>(work: (done: (value: T) => void) => void, onHang: () => T): Promise<T> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => finish(onHang()), HANG_MS);
    work(finish);
  });
}

interface Posted {
  readonly status: number | undefined;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  readonly hung: boolean;
  readonly error?: string;
}

function post(url: string, agent: Agent, headers: Readonly<Record<string, string>>, body: Buffer): Promise<Posted> {
  return withHangTimer<Posted>(
    (done) => {
      const req = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), hung: false }));
        res.on('error', (error) => done({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), hung: false, error: error.message }));
      });
      req.on('error', (error) => done({ status: undefined, headers: {}, body: Buffer.alloc(0), hung: false, error: error.message }));
      req.end(body);
    },
    () => ({ status: undefined, headers: {}, body: Buffer.alloc(0), hung: true }),
  );
}

/** The final (non-1xx) answer at the start of `data`, once complete (Content-Length framed: the endpoint never chunks). */
function finalAnswer(data: Buffer): { status: number; body: Buffer } | undefined {
  let rest = data;
  while (/^HTTP\/1\.[01] 1\d\d/.test(rest.toString('latin1', 0, 16)) && rest.indexOf('\r\n\r\n') !== -1) rest = rest.subarray(rest.indexOf('\r\n\r\n') + 4);
  const headerEnd = rest.indexOf('\r\n\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(rest.toString('latin1', 0, 20))?.[1];
  if (headerEnd === -1 || !status) return undefined;
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(rest.toString('latin1', 0, headerEnd))?.[1] ?? 0);
  if (rest.length < headerEnd + 4 + length) return undefined;
  return { status: Number(status), body: rest.subarray(headerEnd + 4, headerEnd + 4 + length) };
}

function sendRaw(port: number, chunks: readonly Buffer[], delayMs: number): Promise<Outcome> {
  return withHangTimer<Outcome>(
    (done) => {
      const socket = connect(port, '127.0.0.1');
      const received: Buffer[] = [];
      const end = (error?: string): void => {
        socket.destroy();
        const answer = finalAnswer(Buffer.concat(received));
        done({ status: answer?.status, body: answer?.body ?? Buffer.alloc(0), hung: false, ...(error ? { error } : {}) });
      };
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        // The first complete answer decides; pipelined requests behind it are not waited for.
        if (finalAnswer(Buffer.concat(received))) end();
      });
      socket.on('error', (error) => end(error.message));
      socket.on('close', () => end());
      socket.once('connect', async () => {
        for (const chunk of chunks) {
          if (socket.destroyed) return;
          socket.write(chunk);
          if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        }
      });
    },
    () => ({ status: undefined, body: Buffer.alloc(0), hung: true }),
  );
}

function tokenOf(headers: Record<string, string | string[] | undefined>): Buffer | undefined {
  const match = /^Negotiate (\S+)/.exec(String(headers['www-authenticate'] ?? ''));
  return match ? Buffer.from(match[1]!, 'base64') : undefined;
}

function flip(buffer: Buffer, offset: number, xor: number): Buffer {
  const out = Buffer.from(buffer);
  if (out.length > 0) out[offset % out.length] = out[offset % out.length]! ^ xor;
  return out;
}

async function sendNtlm(url: string, testCase: Extract<EndpointCase, { kind: 'ntlm' }>): Promise<Outcome> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const client = new NegotiateClient({ userName: FUZZ_USER.name, password: FUZZ_USER.password });
    const sealedType = 'multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"';
    let first = client.initialToken();
    if (testCase.stage === 'negotiate') first = flip(first, testCase.offset, testCase.xor);
    const leg1 = await post(url, agent, { Authorization: `Negotiate ${first.toString('base64')}`, 'Content-Type': sealedType }, Buffer.alloc(0));
    const challenge = tokenOf(leg1.headers);
    if (leg1.hung || !challenge || testCase.stage === 'negotiate') return leg1;
    let authenticate: Buffer;
    try {
      authenticate = client.handleChallenge(challenge)!;
    } catch (error) {
      return { status: leg1.status, body: leg1.body, hung: false, error: `client refused the challenge: ${String(error)}` };
    }
    if (testCase.stage === 'authenticate') authenticate = flip(authenticate, testCase.offset, testCase.xor);
    const plain = Buffer.from(testCase.payload, testCase.stage === 'payload' ? 'latin1' : 'utf8');
    const sealed = encryptMessage(client.security, plain, 'UTF-8');
    const body = testCase.stage === 'sealed' ? flip(sealed.body, testCase.offset, testCase.xor) : sealed.body;
    const leg3 = await post(url, agent, { Authorization: `Negotiate ${authenticate.toString('base64')}`, 'Content-Type': sealed.contentType }, body);
    if (leg3.hung || leg3.status === undefined || leg3.body.length === 0 || testCase.stage === 'authenticate') return leg3;
    const final = tokenOf(leg3.headers);
    try {
      if (final) client.handleChallenge(final);
      const opened = decryptMessage(client.security, String(leg3.headers['content-type']), leg3.body);
      return { status: leg3.status, body: opened.payload, hung: false };
    } catch (error) {
      return { status: leg3.status, body: leg3.body, hung: false, error: `sealed reply does not open: ${String(error)}` };
    }
  } finally {
    agent.destroy();
  }
}

export async function sendEndpointCase(testCase: EndpointCase, url: string, agent: Agent): Promise<Outcome> {
  switch (testCase.kind) {
    case 'http':
      return post(url, agent, testCase.headers, testCase.body);
    case 'raw':
      return sendRaw(Number(new URL(url).port), testCase.chunks, testCase.delayMs);
    case 'ntlm':
      return sendNtlm(url, testCase);
  }
}

/** The case as text to paste into a bug report. */
export function describeEndpointCase(testCase: EndpointCase): string {
  switch (testCase.kind) {
    case 'http':
      return `POST /wsman ${JSON.stringify(testCase.headers)}\n${printable(testCase.body)}`;
    case 'raw':
      return `raw TCP, ${testCase.chunks.length} chunk(s) ${testCase.delayMs} ms apart:\n${printable(Buffer.concat([...testCase.chunks]))}`;
    case 'ntlm':
      return `Negotiate: ${testCase.stage} byte ${testCase.offset} ^ 0x${testCase.xor.toString(16)}; payload:\n${printable(Buffer.from(testCase.payload, 'latin1'))}`;
  }
}

function printable(bytes: Buffer): string {
  const text = bytes.toString('latin1').replace(/[^\x20-\x7e\r\n\t]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return text.length > 4000 ? `${text.slice(0, 2000)}\n… (${bytes.length} bytes) …\n${text.slice(-1000)}` : text;
}

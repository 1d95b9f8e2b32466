/**
 * The client transport against small fake servers this file controls: how each HTTP outcome
 * becomes the Windows error code, what the request looks like on the wire, the one keep-alive
 * connection per session, the response cap, the timeout, and the password staying out of sight.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { createObject } from '../../src/index';
import { WSManSessionFlags as F } from '../../src/automation/flags';
import type { Session } from '../../src/automation/session';
import type { ConnectionOptions } from '../../src/automation/connection-options';
import { NS } from '../../src/core/protocol/namespaces';
import { AuthenticationRefused } from '../../src/core/errors/authentication-refused';
import { wsmanError } from '../../src/core/errors/wsman-error';
import { offeredSchemes } from '../../src/core/transport/www-authenticate';

const BASIC_HTTP = F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword | F.WSManFlagNoEncryption;
const USER = 'alice';
const PASSWORD = 'Pa55-w0rd!zq';
const BASIC_TOKEN = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const SOAP_UTF8 = 'application/soap+xml;charset=UTF-8';

interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  /** The request's MessageID (UTF-8 or UTF-16 body). */
  readonly messageId: string;
}

type Handler = (request: ReceivedRequest, response: ServerResponse) => void;

interface FakeServer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  readonly sockets: Socket[];
  handler: Handler;
}

/** Closes every server a test started. */
const closers: (() => Promise<void>)[] = [];

function closeLater(server: Server | NetServer): void {
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  );
}

/** A node:http server on a free port; `handler` answers each request once its body is in. */
async function fakeServer(handler: Handler): Promise<FakeServer> {
  const requests: ReceivedRequest[] = [];
  const sockets: Socket[] = [];
  const fake: FakeServer = { url: '', requests, sockets, handler };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body[0] === 0xff && body[1] === 0xfe ? body.subarray(2).toString('utf16le') : body.toString('utf8');
      const received = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        rawHeaders: request.rawHeaders,
        body,
        messageId: /<a:MessageID>([^<]*)<\/a:MessageID>/.exec(text)?.[1] ?? '',
      };
      requests.push(received);
      fake.handler(received, response);
    });
  });
  server.on('connection', (socket: Socket) => sockets.push(socket));
  closeLater(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(fake, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wsman` });
}

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

function openSession(url: string, flags = BASIC_HTTP): { session: Session; options: ConnectionOptions } {
  const wsman = createObject('WSMan.Automation');
  const options = wsman.CreateConnectionOptions().value! as ConnectionOptions;
  options.put_UserName(USER);
  options.put_Password(PASSWORD);
  const session = wsman.CreateSession(url, flags, options);
  if (session.error) throw new Error(session.error.description);
  return { session: session.value! as Session, options };
}

/** A reply envelope the client accepts as the answer to `relatesTo` (or none when undefined). */
function replyEnvelope(relatesTo: string | undefined, body = `<cfg:Config xmlns:cfg="${NS.config}"><cfg:MaxEnvelopeSizekb>500</cfg:MaxEnvelopeSizekb></cfg:Config>`): string {
  return (
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}"><s:Header>` +
    '<a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse</a:Action>' +
    '<a:MessageID>uuid:00000000-0000-0000-0000-000000000001</a:MessageID>' +
    '<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>' +
    (relatesTo === undefined ? '' : `<a:RelatesTo>${relatesTo}</a:RelatesTo>`) +
    `</s:Header><s:Body>${body}</s:Body></s:Envelope>`
  );
}

/** Answers with this status, content type and body (a Content-Length is always sent). */
function respond(response: ServerResponse, status: number, contentType: string | undefined, body: string | Buffer): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  response.writeHead(status, { ...(contentType ? { 'Content-Type': contentType } : {}), 'Content-Length': String(bytes.length) });
  response.end(bytes);
}

/** A correct Get reply: the client's MessageID echoed in RelatesTo. */
const answerGet: Handler = (request, response) => respond(response, 200, SOAP_UTF8, replyEnvelope(request.messageId));

describe('replies the session must refuse', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await fakeServer(answerGet);
  });
  afterEach(() => {
    server.handler = answerGet;
  });

  async function getWith(handler: Handler): Promise<Awaited<ReturnType<Session['Get']>>> {
    server.handler = handler;
    return openSession(server.url).session.Get('winrm/config');
  }

  it('the well-formed reply is accepted (the fake is a valid peer)', async () => {
    const result = await getWith(answerGet);
    expect(result.hr).toBe(0);
    expect(result.value).toContain('<cfg:MaxEnvelopeSizekb>500</cfg:MaxEnvelopeSizekb>');
  });

  it('a RelatesTo that is not our MessageID, or none → 0x803380F3', async () => {
    const other = await getWith((_request, response) => respond(response, 200, SOAP_UTF8, replyEnvelope('uuid:6C1F1C1D-0000-4000-8000-000000000000')));
    expect(other.hr).toBe(0x803380f3);
    expect(other.error?.name).toBe('ERROR_WSMAN_RESPONSE_INVALID_MESSAGE_INFORMATION_HEADER');
    // RelatesTo is compared byte for byte: the same GUID in lower case answers another request.
    const lowerCase = await getWith((request, response) => respond(response, 200, SOAP_UTF8, replyEnvelope(request.messageId.toLowerCase())));
    expect(lowerCase.hr).toBe(0x803380f3);
    const missing = await getWith((_request, response) => respond(response, 200, SOAP_UTF8, replyEnvelope(undefined)));
    expect(missing.hr).toBe(0x803380f3);
  });

  it('malformed XML → ERROR_WSMAN_INVALID_CHARACTERS_IN_RESPONSE 0x8033810A', async () => {
    const truncated = await getWith((request, response) => respond(response, 200, SOAP_UTF8, replyEnvelope(request.messageId).slice(0, -20)));
    expect(truncated.hr).toBe(0x8033810a);
    const unbound = await getWith((request, response) => respond(response, 200, SOAP_UTF8, replyEnvelope(request.messageId, '<x:Thing/>')));
    expect(unbound.hr).toBe(0x8033810a);
    // Bytes that are not UTF-8 in a body declared UTF-8.
    const badBytes = await getWith((request, response) =>
      respond(response, 200, SOAP_UTF8, Buffer.concat([Buffer.from(replyEnvelope(request.messageId, '<cfg:Config xmlns:cfg="x">')), Buffer.from([0xc3, 0x28]), Buffer.from('</cfg:Config></s:Body></s:Envelope>')])),
    );
    expect(badBytes.hr).toBe(0x8033810a);
  });

  it('a DOCTYPE with nested entities (billion laughs) → 0x8033810A, fast and without expanding it', async () => {
    const entities = ['<!ENTITY l0 "lollollollollollollollollollol">'];
    for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
    const bomb = (messageId: string): string =>
      `<?xml version="1.0"?><!DOCTYPE s:Envelope [${entities.join('')}]>` + replyEnvelope(messageId, `<cfg:Config xmlns:cfg="${NS.config}">&l9;</cfg:Config>`);
    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    const result = await getWith((request, response) => respond(response, 200, SOAP_UTF8, bomb(request.messageId)));
    expect(result.hr).toBe(0x8033810a);
    expect(Date.now() - started).toBeLessThan(1000);
    // Expanded, &l9; is 3 GB of text; refused, it costs nothing measurable.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('a 200 that is not SOAP (text/html, or no Content-Type) → 0x803380F7', async () => {
    const html = await getWith((request, response) => respond(response, 200, 'text/html; charset=utf-8', replyEnvelope(request.messageId)));
    expect(html.hr).toBe(0x803380f7);
    expect(html.error?.name).toBe('ERROR_WSMAN_HTTP_INVALID_CONTENT_TYPE_IN_RESPONSE_DATA');
    const none = await getWith((request, response) => respond(response, 200, undefined, replyEnvelope(request.messageId)));
    expect(none.hr).toBe(0x803380f7);
  });

  it('an empty 200 → ERROR_WSMAN_HTTP_NO_RESPONSE_DATA 0x803380F5', async () => {
    const result = await getWith((_request, response) => respond(response, 200, SOAP_UTF8, ''));
    expect(result.hr).toBe(0x803380f5);
  });

  it('a 500 without a SOAP fault in it (empty, or an HTML page) → ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR 0x80338170', async () => {
    const empty = await getWith((_request, response) => respond(response, 500, SOAP_UTF8, ''));
    expect(empty.hr).toBe(0x80338170);
    const html = await getWith((_request, response) => respond(response, 500, 'text/html', '<html><body>Internal Server Error</body></html>'));
    expect(html.hr).toBe(0x80338170);
    const bare = await getWith((_request, response) => respond(response, 500, undefined, 'oops'));
    expect(bare.hr).toBe(0x80338170);
    const notXml = await getWith((_request, response) => respond(response, 500, SOAP_UTF8, 'not xml'));
    expect(notXml.hr).toBe(0x80338170);
    const notSoap = await getWith((_request, response) => respond(response, 500, SOAP_UTF8, '<html/>'));
    expect(notSoap.hr).toBe(0x80338170);
  });

  it.each([
    [400, 'ERROR_WSMAN_HTTP_STATUS_BAD_REQUEST', 0x80338171],
    [404, 'ERROR_WSMAN_HTTP_NOT_FOUND_STATUS', 0x80338113],
    [413, 'ERROR_WSMAN_HTTP_REQUEST_TOO_LARGE_STATUS', 0x80338111],
    [503, 'ERROR_WSMAN_HTTP_SERVICE_UNAVAILABLE_STATUS', 0x80338112],
    [302, 'ERROR_WSMAN_UNSUPPORTED_HTTP_STATUS_REDIRECT', 0x80338110],
    [307, 'ERROR_WSMAN_UNSUPPORTED_HTTP_STATUS_REDIRECT', 0x80338110],
    [418, 'ERROR_WSMAN_UNKNOWN_HTTP_STATUS_RETURNED', 0x8033810f],
    [401, 'E_ACCESSDENIED', 0x80070005],
  ])('HTTP %i → %s', async (status, name, hresult) => {
    let requests = 0;
    const result = await getWith((request, response) => {
      requests++;
      if (status === 401) response.setHeader('WWW-Authenticate', 'Basic realm="WSMAN"');
      if (status === 302 || status === 307) response.setHeader('Location', 'http://127.0.0.1:1/wsman');
      // A SOAP body must not make the status any less of an error.
      respond(response, status, SOAP_UTF8, replyEnvelope(request.messageId));
    });
    expect(result.hr).toBe(hresult);
    expect(result.error?.name).toBe(name);
    // No redirect is followed and Basic has nothing more to offer after a 401.
    expect(requests).toBe(1);
  });
});

describe('a 401 keeps what the server offered as the cause of E_ACCESSDENIED', () => {
  async function refusedWith(offers: string[]): Promise<Awaited<ReturnType<Session['Get']>>> {
    const server = await fakeServer((_request, response) => {
      response.setHeader('WWW-Authenticate', offers);
      respond(response, 401, undefined, '');
    });
    return openSession(server.url).session.Get('winrm/config');
  }

  it('Basic not offered: the mechanism is refused; HRESULT, name and message stay those of Windows', async () => {
    const result = await refusedWith(['Negotiate', 'Kerberos']);
    expect(result.hr).toBe(0x80070005);
    expect(result.error).toMatchObject({ name: 'E_ACCESSDENIED', description: wsmanError('E_ACCESSDENIED').message });
    expect(result.error?.description).not.toMatch(/Negotiate|Kerberos/);
    const cause = result.error?.cause;
    expect(cause).toBeInstanceOf(AuthenticationRefused);
    expect(cause).toMatchObject({ scheme: 'Basic', offered: ['Negotiate', 'Kerberos'], secure: false, mechanismRefused: true });
  });

  it('Basic offered and still a 401: the credentials are refused', async () => {
    const result = await refusedWith(['Negotiate', 'Basic realm="WSMAN"']);
    expect(result.error?.name).toBe('E_ACCESSDENIED');
    expect(result.error?.cause).toMatchObject({ scheme: 'Basic', offered: ['Negotiate', 'Basic'], mechanismRefused: false });
  });

  it('reads the schemes of comma-joined values, token68 and quoted commas included', () => {
    expect(offeredSchemes(['Negotiate TlRMTVNTUAACAAAA==, Basic realm="a, b", charset = "UTF-8"', 'Kerberos'])).toEqual(['Negotiate', 'Basic', 'Kerberos']);
    expect(offeredSchemes([])).toEqual([]);
  });
});

describe('the response size cap (the session MaxEnvelopeSize, default 500 KB)', () => {
  it('a 2 MB reply → ERROR_WSMAN_ENVELOPE_TOO_LARGE 0x80338026', async () => {
    const server = await fakeServer((request, response) =>
      respond(response, 200, SOAP_UTF8, replyEnvelope(request.messageId, `<cfg:Config xmlns:cfg="${NS.config}">${'x'.repeat(2 * 1024 * 1024)}</cfg:Config>`)),
    );
    const result = await openSession(server.url).session.Get('winrm/config');
    expect(result.hr).toBe(0x80338026);
  });

  it('a reply just under the cap is read; the cap counts bytes, not characters', async () => {
    const limit = 500 * 1024;
    let size = 0;
    const server = await fakeServer((request, response) => {
      const frame = replyEnvelope(request.messageId, `<cfg:Config xmlns:cfg="${NS.config}"></cfg:Config>`);
      respond(response, 200, SOAP_UTF8, replyEnvelope(request.messageId, `<cfg:Config xmlns:cfg="${NS.config}">${'é'.repeat(Math.floor((size - Buffer.byteLength(frame)) / 2))}</cfg:Config>`));
    });
    const { session } = openSession(server.url);
    size = limit - 1000;
    expect((await session.Get('winrm/config')).hr).toBe(0);
    size = limit + 1000;
    expect((await session.Get('winrm/config')).hr).toBe(0x80338026);
  });

  it('stops reading a 50 MB streamed reply: the server sees the connection closed long before it has written it all', async () => {
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let written = 0;
    let closedEarly: Promise<boolean> = Promise.resolve(false);
    const server = await fakeServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': SOAP_UTF8, 'Content-Length': String(total) });
      closedEarly = new Promise((resolve) => {
        response.on('close', () => resolve(written < total));
        const pump = (): void => {
          while (written < total && !response.destroyed) {
            written += chunk.length;
            if (!response.write(chunk)) {
              response.once('drain', pump);
              return;
            }
          }
          if (written >= total) response.end();
        };
        pump();
      });
    });
    const heapBefore = process.memoryUsage().heapUsed;
    const result = await openSession(server.url).session.Get('winrm/config');
    expect(result.hr).toBe(0x80338026);
    expect(await closedEarly).toBe(true);
    expect(written).toBeLessThan(total / 2);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
  });
});

describe('network failures', () => {
  it('no answer: the HTTP timeout is Session.Timeout + 5000 ms → ERROR_WINHTTP_TIMEOUT 0x80072EE2', async () => {
    let connected!: () => void;
    const connection = new Promise<void>((resolve) => (connected = resolve));
    // Accepts the request and never answers.
    const server = await fakeServer(() => connected());
    const { session } = openSession(server.url);
    expect(session.put_Timeout(1500).hr).toBe(0);
    // Only the global timers are faked: sockets and the fake server run in real time.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'setInterval', 'clearInterval', 'Date', 'hrtime', 'performance'] });
    try {
      let settled = false;
      const pending = session.Get('winrm/config').then((result) => {
        settled = true;
        return result;
      });
      await connection;
      await jest.advanceTimersByTimeAsync(1500 + 5000 - 1);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      const result = await pending;
      expect(result.hr).toBe(0x80072ee2);
      expect(result.error?.name).toBe('ERROR_WINHTTP_TIMEOUT');
    } finally {
      jest.useRealTimers();
    }
    // The abandoned socket was closed: the server sees its one connection end.
    await new Promise<void>((resolve) => (server.sockets[0].destroyed ? resolve() : server.sockets[0].once('close', () => resolve())));
    // The session goes on over a new connection.
    server.handler = answerGet;
    expect((await session.Get('winrm/config')).hr).toBe(0);
    expect(server.sockets).toHaveLength(2);
  });

  it('the connection reset in the middle of the reply → ERROR_WINHTTP_CONNECTION_ERROR 0x80072EFE', async () => {
    const server = await fakeServer((request, response) => {
      const text = replyEnvelope(request.messageId);
      response.writeHead(200, { 'Content-Type': SOAP_UTF8, 'Content-Length': String(text.length) });
      response.write(text.slice(0, 100), () => (response.socket as Socket).resetAndDestroy());
    });
    const result = await openSession(server.url).session.Get('winrm/config');
    expect(result.hr).toBe(0x80072efe);
  });

  it('an answer that is not HTTP → ERROR_WINHTTP_INVALID_SERVER_RESPONSE 0x80072F78', async () => {
    const garbage = createNetServer((socket) => socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n')));
    closeLater(garbage);
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    const result = await openSession(`http://127.0.0.1:${(garbage.address() as AddressInfo).port}/wsman`).session.Get('winrm/config');
    expect(result.hr).toBe(0x80072f78);
    expect(result.error?.name).toBe('ERROR_WINHTTP_INVALID_SERVER_RESPONSE');
  });

  it('after a timeout, a reset or an oversized reply the session goes on over a new connection', async () => {
    const failures: Handler[] = [
      (_request, response) => (response.socket as Socket).resetAndDestroy(),
      (request, response) => respond(response, 200, SOAP_UTF8, replyEnvelope(request.messageId, `<cfg:Config xmlns:cfg="${NS.config}">${'x'.repeat(600 * 1024)}</cfg:Config>`)),
    ];
    const server = await fakeServer(answerGet);
    const { session } = openSession(server.url);
    expect((await session.Get('winrm/config')).hr).toBe(0);
    for (const failure of failures) {
      server.handler = failure;
      expect((await session.Get('winrm/config')).hr).not.toBe(0);
      server.handler = answerGet;
      expect((await session.Get('winrm/config')).hr).toBe(0);
    }
    expect(server.sockets).toHaveLength(3);
  });

  it('the connection closed before any reply → 0x80072EFE', async () => {
    const server = await fakeServer((_request, response) => (response.socket as Socket).destroy());
    const result = await openSession(server.url).session.Get('winrm/config');
    expect(result.hr).toBe(0x80072efe);
  });
});

describe('the request on the wire', () => {
  it('one keep-alive connection for all operations of a session; POST /wsman with the Windows headers', async () => {
    const server = await fakeServer(answerGet);
    const { session } = openSession(server.url);
    for (let i = 0; i < 4; i++) expect((await session.Get('winrm/config')).hr).toBe(0);
    expect(server.requests).toHaveLength(4);
    expect(server.sockets).toHaveLength(1);
    // A second session has its own connection.
    expect((await openSession(server.url).session.Get('winrm/config')).hr).toBe(0);
    expect(server.sockets).toHaveLength(2);

    for (const request of server.requests) {
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/wsman');
      expect(request.headers['content-type']).toBe('application/soap+xml;charset=UTF-8');
      expect(request.headers['user-agent']).toBe('Microsoft WinRM Client');
      expect(request.headers['connection']).toBe('Keep-Alive');
      expect(request.headers['content-length']).toBe(String(request.body.length));
      expect(request.headers['authorization']).toBe(`Basic ${BASIC_TOKEN}`);
      expect(request.headers['transfer-encoding']).toBeUndefined();
      expect(request.headers['expect']).toBeUndefined();
      expect(request.body.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
      expect(request.body.toString('utf8')).toMatch(/^<s:Envelope /);
    }
    // The header names are spelled as Windows spells them.
    const names = server.requests[0].rawHeaders.filter((_value, index) => index % 2 === 0);
    expect(names).toEqual(expect.arrayContaining(['Content-Type', 'User-Agent', 'Connection', 'Content-Length', 'Authorization']));
    // Each request has its own MessageID.
    expect(new Set(server.requests.map((r) => r.messageId)).size).toBe(5);
  });

  it('WSManFlagUTF16: a UTF-16LE body with a BOM, charset UTF-16', async () => {
    const server = await fakeServer((request, response) => {
      const text = replyEnvelope(request.messageId);
      respond(response, 200, 'application/soap+xml;charset=UTF-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    });
    const result = await openSession(server.url, BASIC_HTTP | F.WSManFlagUTF16).session.Get('winrm/config');
    expect(result.hr).toBe(0);
    const [request] = server.requests;
    expect(request.headers['content-type']).toBe('application/soap+xml;charset=UTF-16');
    expect([...request.body.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(request.body.subarray(2).toString('utf16le')).toMatch(/^<s:Envelope /);
    expect(request.headers['content-length']).toBe(String(request.body.length));
  });
});

describe('the password', () => {
  const leaks = (text: string | undefined): boolean => (text ?? '').includes(PASSWORD) || (text ?? '').includes(BASIC_TOKEN);

  it('is in no error description, no Session.Error and no util.inspect of the objects', async () => {
    const server = await fakeServer(answerGet);
    const { session, options } = openSession(server.url);
    const outcomes: Handler[] = [
      (_request, response) => respond(response, 401, undefined, ''),
      (_request, response) => respond(response, 500, SOAP_UTF8, 'not xml'),
      (_request, response) => respond(response, 200, 'text/plain', 'hello'),
      (_request, response) => (response.socket as Socket).destroy(),
      answerGet,
    ];
    for (const handler of outcomes) {
      server.handler = handler;
      const result = await session.Get('winrm/config');
      expect(leaks(result.error?.description)).toBe(false);
      expect(leaks(result.error ? JSON.stringify(result.error) : '')).toBe(false);
      expect(leaks(result.error ? inspect(result.error, { depth: Infinity }) : '')).toBe(false);
      expect(leaks(session.get_Error().value)).toBe(false);
    }
    // The server did get the credentials: the token is on the wire, just nowhere else.
    expect(server.requests[0].headers['authorization']).toBe(`Basic ${BASIC_TOKEN}`);
    for (const object of [session, options]) {
      expect(leaks(inspect(object))).toBe(false);
      expect(leaks(inspect(object, { depth: Infinity }))).toBe(false);
      expect(leaks(JSON.stringify(object) ?? '')).toBe(false);
    }
  });
});

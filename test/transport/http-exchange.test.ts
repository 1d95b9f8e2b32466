/**
 * The HTTP exchange against a raw TCP server that answers in every shape a server may use:
 * Content-Length and chunked bodies (also split across segments), interim 1xx answers,
 * `Connection: close`, HTTP/1.0 bodies read to the close, several WWW-Authenticate headers, and
 * the refusals (oversized headers or body, garbage, silence, a connection closed under a request).
 */
import type { WSManError } from '../../src/core/errors/wsman-error';
import { HttpExchange, type HttpResponse, type PostOptions } from '../../src/core/transport/http-exchange';
import { rawServer, reply, writeInPieces, type RawServer } from './raw-server';

const SOAP = 'application/soap+xml;charset=UTF-8';
const BODY = Buffer.from('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>', 'utf8');
const OPTIONS: PostOptions = { timeoutMs: 5000, responseLimit: 64 * 1024, replayable: true };

const servers: RawServer[] = [];
const exchanges: HttpExchange[] = [];

afterAll(async () => {
  for (const exchange of exchanges) exchange.close();
  await Promise.all(servers.map((server) => server.close()));
});

async function setUp(handler: Parameters<typeof rawServer>[0]): Promise<{ server: RawServer; exchange: HttpExchange }> {
  const server = await rawServer(handler);
  servers.push(server);
  const exchange = new HttpExchange(new URL(server.url), undefined, 'Microsoft WinRM Client');
  exchanges.push(exchange);
  return { server, exchange };
}

function post(exchange: HttpExchange, options: PostOptions = OPTIONS, authorization?: string): Promise<HttpResponse> {
  return exchange.post(BODY, { contentType: SOAP, ...(authorization ? { authorization } : {}) }, options);
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as WSManError).code;
  }
  throw new Error('the exchange succeeded');
}

describe('the request', () => {
  it('goes out as one segment, with the Windows headers in the Windows order', async () => {
    const { server, exchange } = await setUp((_request, socket) => socket.write(reply(200, { 'Content-Type': SOAP }, 'ok')));
    await post(exchange, OPTIONS, 'Basic YTpi');
    await exchange.post(BODY, { contentType: SOAP, headers: { WSMANIDENTIFY: 'unauthenticated' } }, OPTIONS);
    const [first, second] = server.requests;
    expect(first.head).toBe(
      'POST /wsman HTTP/1.1\r\nConnection: Keep-Alive\r\nContent-Type: application/soap+xml;charset=UTF-8\r\nAuthorization: Basic YTpi\r\n' +
        `User-Agent: Microsoft WinRM Client\r\nContent-Length: ${BODY.length}\r\nHost: 127.0.0.1:${server.port}`,
    );
    expect(second.head).toContain('\r\nContent-Type: application/soap+xml;charset=UTF-8\r\nWSMANIDENTIFY: unauthenticated\r\nUser-Agent: ');
    expect(second.head).not.toContain('Authorization');
    for (const request of server.requests) {
      expect(request.body.equals(BODY)).toBe(true);
      expect(request.firstChunkBytes).toBe(request.head.length + 4 + BODY.length);
    }
    expect(server.sockets).toHaveLength(1);
  });

  it('a header value with a line break is refused before anything is sent', async () => {
    const { server, exchange } = await setUp(() => undefined);
    expect(() => exchange.post(BODY, { contentType: SOAP, headers: { X: 'a\r\nInjected: 1' } }, OPTIONS)).toThrow(expect.objectContaining({ code: 'ERROR_INTERNAL_ERROR' }));
    expect(server.sockets).toHaveLength(0);
  });
});

describe('reply shapes', () => {
  it('Content-Length: the body, and the connection kept for the next request', async () => {
    const { server, exchange } = await setUp((_request, socket) => socket.write(reply(200, { 'Content-Type': SOAP }, 'hello')));
    for (let i = 0; i < 3; i++) {
      const response = await post(exchange);
      expect(response.status).toBe(200);
      expect(response.contentType).toBe(SOAP);
      expect(response.body.toString()).toBe('hello');
      expect(response.challenges).toEqual([]);
    }
    expect(server.sockets).toHaveLength(1);
  });

  it('chunked, with chunk extensions and trailers, split across segments at every awkward place', async () => {
    const pieces = ['HTTP/1.1 200 OK\r\nContent-Type: ', `${SOAP}\r\nTransfer-Encoding: chunked\r`, '\n\r\n5;ext=1\r', '\nhel', 'lo\r\n', '1', '0\r\n', ' world, chunked!', '\r\n0\r\nX-Trailer: y\r\n', '\r\n'];
    const { server, exchange } = await setUp((_request, socket) => void writeInPieces(socket, pieces));
    const first = await post(exchange);
    expect(first.body.toString()).toBe('hello world, chunked!');
    const second = await post(exchange);
    expect(second.body.toString()).toBe('hello world, chunked!');
    expect(server.sockets).toHaveLength(1);
  });

  it('interim 1xx answers are skipped (100 Continue, 102 Processing, 103 Early Hints)', async () => {
    const { exchange } = await setUp((_request, socket) =>
      void writeInPieces(socket, ['HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n', reply(200, { 'Content-Type': SOAP }, 'final')]),
    );
    const response = await post(exchange);
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('final');
  });

  it('Connection: close is honoured: the next request opens a new connection', async () => {
    const { server, exchange } = await setUp((_request, socket) => socket.write(reply(200, { 'Content-Type': SOAP, Connection: 'close' }, 'bye')));
    expect((await post(exchange)).body.toString()).toBe('bye');
    expect((await post(exchange)).body.toString()).toBe('bye');
    expect(server.sockets).toHaveLength(2);
  });

  it('HTTP/1.0 without a length: the body runs to the close; with keep-alive and a length the connection is kept', async () => {
    const { server, exchange } = await setUp((request, socket) => {
      if (request.connection === 0) socket.end(`HTTP/1.0 200 OK\r\nContent-Type: ${SOAP}\r\n\r\nuntil the end`);
      else socket.write(`HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 4\r\n\r\nkept`);
    });
    expect((await post(exchange)).body.toString()).toBe('until the end');
    expect((await post(exchange)).body.toString()).toBe('kept');
    expect((await post(exchange)).body.toString()).toBe('kept');
    expect(server.sockets).toHaveLength(2);
  });

  it('several WWW-Authenticate headers are kept apart, in order', async () => {
    const { exchange } = await setUp((_request, socket) =>
      socket.write('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate\r\nWWW-Authenticate: Basic realm="WSMAN, a"\r\nwww-authenticate: Kerberos\r\nContent-Length: 0\r\n\r\n'),
    );
    const response = await post(exchange);
    expect(response.status).toBe(401);
    expect(response.challenges).toEqual(['Negotiate', 'Basic realm="WSMAN, a"', 'Kerberos']);
  });

  it('204 has no body even without a length', async () => {
    const { server, exchange } = await setUp((_request, socket) => socket.write('HTTP/1.1 204 No Content\r\n\r\n'));
    expect((await post(exchange)).body.length).toBe(0);
    expect((await post(exchange)).status).toBe(204);
    expect(server.sockets).toHaveLength(1);
  });

  it('bytes after the reply (a peer that does not wait for requests): the reply is read, the connection is not reused', async () => {
    const { server, exchange } = await setUp((_request, socket) => socket.write(Buffer.concat([reply(200, {}, 'one'), reply(200, {}, 'two')])));
    expect((await post(exchange)).body.toString()).toBe('one');
    expect((await post(exchange)).body.toString()).toBe('one');
    expect(server.sockets).toHaveLength(2);
  });
});

describe('refusals', () => {
  it('headers over 16 KB → ERROR_WINHTTP_INVALID_SERVER_RESPONSE', async () => {
    const { exchange } = await setUp((_request, socket) => socket.write(`HTTP/1.1 200 OK\r\n${'X-Filler: yyyyyyyyyyyyyyyy\r\n'.repeat(700)}Content-Length: 0\r\n\r\n`));
    expect(await failure(post(exchange))).toBe('ERROR_WINHTTP_INVALID_SERVER_RESPONSE');
  });

  it('headers just under 16 KB are read', async () => {
    const { exchange } = await setUp((_request, socket) => socket.write(`HTTP/1.1 200 OK\r\n${'X-Filler: yyyyyyyyyyyyyyyy\r\n'.repeat(550)}Content-Length: 2\r\n\r\nok`));
    expect((await post(exchange)).body.toString()).toBe('ok');
  });

  it('a body over the limit → ERROR_WSMAN_ENVELOPE_TOO_LARGE: by Content-Length, by chunks, and read to the close', async () => {
    const big = Buffer.alloc(2000, 'x');
    const shapes = [
      reply(200, {}, big),
      Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${(600).toString(16)}\r\n`), big.subarray(0, 600), Buffer.from(`\r\n${(1400).toString(16)}\r\n`), big.subarray(0, 1400), Buffer.from('\r\n0\r\n\r\n')]),
      Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\n\r\n'), big]),
    ];
    const { server, exchange } = await setUp((request, socket) => socket.end(shapes[request.connection]));
    for (let i = 0; i < shapes.length; i++) expect(await failure(post(exchange, { ...OPTIONS, responseLimit: 1000 }))).toBe('ERROR_WSMAN_ENVELOPE_TOO_LARGE');
    expect(server.sockets).toHaveLength(3);
  });

  it.each([
    ['not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n'],
    ['a status that is not a number', 'HTTP/1.1 abc OK\r\n\r\n'],
    ['HTTP/2 in text', 'HTTP/2.0 200 OK\r\n\r\n'],
    ['a Content-Length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n'],
    ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'],
    ['Content-Length beside chunked', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'],
    ['a chunk longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n0\r\n\r\n'],
    ['a header without a colon', 'HTTP/1.1 200 OK\r\nnonsense\r\n\r\n'],
    ['a folded header line', 'HTTP/1.1 200 OK\r\nX-A: b\r\n c\r\nContent-Length: 0\r\n\r\n'],
    ['101 nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n'],
  ])('%s → ERROR_WINHTTP_INVALID_SERVER_RESPONSE', async (_name, answer) => {
    const { exchange } = await setUp((_request, socket) => socket.end(answer));
    expect(await failure(post(exchange))).toBe('ERROR_WINHTTP_INVALID_SERVER_RESPONSE');
  });

  it('a silent server → ERROR_WINHTTP_TIMEOUT at the timeout, and the connection is closed', async () => {
    const { server, exchange } = await setUp(() => undefined);
    const started = Date.now();
    expect(await failure(post(exchange, { ...OPTIONS, timeoutMs: 150 }))).toBe('ERROR_WINHTTP_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await new Promise<void>((resolve) => (server.sockets[0].destroyed ? resolve() : server.sockets[0].once('close', () => resolve())));
  });

  it('the timer of one connection is re-armed per request: a late reply to a later request still times out on its own clock', async () => {
    let answer = true;
    const { exchange } = await setUp((_request, socket) => {
      if (answer) socket.write(reply(200, {}, 'ok'));
    });
    for (let i = 0; i < 3; i++) {
      expect((await post(exchange, { ...OPTIONS, timeoutMs: 120 })).body.toString()).toBe('ok');
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    answer = false;
    const started = Date.now();
    expect(await failure(post(exchange, { ...OPTIONS, timeoutMs: 120 }))).toBe('ERROR_WINHTTP_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('the connection cut in the middle of a reply → ERROR_WINHTTP_CONNECTION_ERROR (never replayed: the server answered)', async () => {
    const { server, exchange } = await setUp((request, socket) => {
      if (request.indexOnConnection === 0) socket.write(reply(200, {}, 'ok'));
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort');
    });
    await post(exchange);
    expect(await failure(post(exchange))).toBe('ERROR_WINHTTP_CONNECTION_ERROR');
    expect(server.requests).toHaveLength(2);
  });

  it('a refused connection → ERROR_WINHTTP_CANNOT_CONNECT', async () => {
    const { server, exchange } = await setUp(() => undefined);
    await server.close();
    expect(await failure(post(exchange))).toBe('ERROR_WINHTTP_CANNOT_CONNECT');
  });
});

describe('a kept connection the server closed', () => {
  it('closed while idle: the next request goes on a new connection', async () => {
    const { server, exchange } = await setUp((_request, socket) => socket.write(reply(200, {}, 'ok')));
    await post(exchange);
    server.sockets[0].end();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await post(exchange)).body.toString()).toBe('ok');
    expect(server.sockets).toHaveLength(2);
    expect(server.requests.map((request) => request.connection)).toEqual([0, 1]);
  });

  /** Past the idle time after which a server's close counts as an idle close (1 s). */
  const idle = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 1050));

  it('closed as the request crossed it (idle for a while, FIN at once, no answer byte): replayed once on a new connection when replayable', async () => {
    const { server, exchange } = await setUp((request, socket) => {
      if (request.indexOnConnection === 1) socket.end();
      else socket.write(reply(200, {}, 'ok'));
    });
    await post(exchange);
    await idle();
    expect((await post(exchange)).body.toString()).toBe('ok');
    expect(server.requests.map((request) => request.connection)).toEqual([0, 0, 1]);
    // Not when replaying is not allowed (a leg of a connection-bound handshake).
    await idle();
    expect(await failure(post(exchange, { ...OPTIONS, replayable: false }))).toBe('ERROR_WINHTTP_CONNECTION_ERROR');
    expect(server.requests).toHaveLength(4);
  });

  it('not replayed when the connection was busy just before (a FIN during a request right after the last answer closes one the server is working on)', async () => {
    const { server, exchange } = await setUp((request, socket) => {
      if (request.indexOnConnection === 1) setTimeout(() => socket.end(), 20);
      else socket.write(reply(200, {}, 'ok'));
    });
    await post(exchange);
    expect(await failure(post(exchange))).toBe('ERROR_WINHTTP_CONNECTION_ERROR');
    expect(server.requests).toHaveLength(2);
  });

  it('not replayed on a reset (the server may have read the request), nor on a first request', async () => {
    const { server, exchange } = await setUp((request, socket) => {
      if (request.connection === 0 && request.indexOnConnection === 0) socket.write(reply(200, {}, 'ok'));
      else if (request.connection === 0) socket.resetAndDestroy();
      else socket.end();
    });
    await post(exchange);
    await idle();
    expect(await failure(post(exchange))).toBe('ERROR_WINHTTP_CONNECTION_ERROR');
    expect(await failure(post(exchange))).toBe('ERROR_WINHTTP_CONNECTION_ERROR');
    expect(server.requests.map((request) => request.connection)).toEqual([0, 0, 1]);
  });

  it('replayed at most once', async () => {
    const { server, exchange } = await setUp((request, socket) => {
      if (request.indexOnConnection === 0 && request.connection === 0) socket.write(reply(200, {}, 'ok'));
      else socket.end();
    });
    await post(exchange);
    await idle();
    expect(await failure(post(exchange))).toBe('ERROR_WINHTTP_CONNECTION_ERROR');
    expect(server.requests.map((request) => request.connection)).toEqual([0, 0, 1]);
  });
});

describe('one request at a time', () => {
  it('requests made while one is out wait for it and go on the same connection, in order', async () => {
    const { server, exchange } = await setUp((request, socket) => setTimeout(() => socket.write(reply(200, {}, String(request.indexOnConnection))), 10));
    const answers = await Promise.all([post(exchange), post(exchange), post(exchange)]);
    expect(answers.map((answer) => answer.body.toString())).toEqual(['0', '1', '2']);
    expect(server.sockets).toHaveLength(1);
  });

  it('a failed request lets the next one go, on a new connection', async () => {
    const { server, exchange } = await setUp((request, socket) => {
      if (request.connection === 0) socket.end('garbage\r\n\r\n');
      else socket.write(reply(200, {}, 'ok'));
    });
    const [first, second] = await Promise.allSettled([post(exchange), post(exchange)]);
    expect(first.status).toBe('rejected');
    expect(second.status === 'fulfilled' && second.value.body.toString()).toBe('ok');
    expect(server.sockets).toHaveLength(2);
  });
});

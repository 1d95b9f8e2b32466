/**
 * What the client lets go of: a session the script no longer holds closes its kept-alive
 * connection (as COM's final Release of IWSManSession does on Windows), a closed session is not
 * kept by its API handle, and a closed connection is not kept in memory by its request timer.
 */
import 'reflect-metadata';
import { createObject } from '../../src/index';
import { WSManSessionFlags as F } from '../../src/automation/flags';
import { DefaultWSManClientApi, type WSMAN_API_HANDLE } from '../../src/core/capi/client-api';
import { WSMAN_FLAG_REQUESTED_API_VERSION_1_1 } from '../../src/core/capi/constants';
import type { ClientSession } from '../../src/core/session/client-session';
import { HttpExchange } from '../../src/core/transport/http-exchange';
import { collectGarbage } from '../helpers/collect-garbage';
import { rawServer, reply, type RawServer } from '../transport/raw-server';

const SOAP = 'application/soap+xml;charset=UTF-8';
const servers: RawServer[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function server(connection: 'keep-alive' | 'close'): Promise<RawServer> {
  const started = await rawServer((_request, socket) => {
    socket.write(reply(500, { 'Content-Type': SOAP, ...(connection === 'close' ? { Connection: 'close' } : {}) }, 'not a fault'));
    if (connection === 'close') socket.end();
  });
  servers.push(started);
  return started;
}

function closedByClient(socket: RawServer['sockets'][number]): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readableEnded || socket.destroyed) resolve();
    socket.once('end', () => resolve());
    socket.once('close', () => resolve());
  });
}

/** One Get on a session that nobody holds afterwards. */
async function getAndDrop(url: string): Promise<number> {
  const wsman = createObject('WSMan.Automation');
  const options = wsman.CreateConnectionOptions().value!;
  options.put_UserName('user');
  options.put_Password('secret');
  const session = wsman.CreateSession(url, F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword | F.WSManFlagNoEncryption, options).value!;
  return (await session.Get('http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service?Name=WinRM')).hr;
}

describe('released connections', () => {
  it('a session nobody holds any more closes its kept-alive connection', async () => {
    const target = await server('keep-alive');
    expect(await getAndDrop(target.url)).not.toBe(0);
    expect(target.sockets).toHaveLength(1);
    const closed = closedByClient(target.sockets[0]);
    let done = false;
    void closed.then(() => (done = true));
    for (let attempt = 0; attempt < 20 && !done; attempt++) await collectGarbage(1);
    expect(done).toBe(true);
  });

  it('a session still held keeps its connection', async () => {
    const target = await server('keep-alive');
    const wsman = createObject('WSMan.Automation');
    const options = wsman.CreateConnectionOptions().value!;
    options.put_UserName('user');
    options.put_Password('secret');
    const session = wsman.CreateSession(target.url, F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword | F.WSManFlagNoEncryption, options).value!;
    await session.Get('http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service?Name=WinRM');
    await collectGarbage();
    await session.Get('http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service?Name=WinRM');
    expect(target.sockets).toHaveLength(1);
    expect(target.requests.map((request) => request.connection)).toEqual([0, 0]);
  });

  it('a session closed with WSManCloseSession is not kept by its still open API handle', async () => {
    const api = new DefaultWSManClientApi();
    const apiHandle: WSMAN_API_HANDLE = api.WSManInitialize(WSMAN_FLAG_REQUESTED_API_VERSION_1_1).value!;
    const state = ((): WeakRef<ClientSession> => {
      const handle = api.WSManCreateSession(apiHandle, 'server', 0).value!;
      const session = new WeakRef(api.sessionOf(handle));
      expect(api.WSManCloseSession(handle, 0).hr).toBe(0);
      return session;
    })();
    await collectGarbage();
    expect(state.deref()).toBeUndefined();
    expect(api.WSManDeinitialize(apiHandle, 0).hr).toBe(0);
  });

  it('a closed connection is not kept in memory until its request timer would have fired', async () => {
    const target = await server('close');
    const exchange = new HttpExchange(new URL(target.url), undefined, 'Microsoft WinRM Client');
    const connection = await (async () => {
      const response = await exchange.post(Buffer.from('<x/>'), { contentType: SOAP }, { timeoutMs: 60_000, responseLimit: 64 * 1024, replayable: false });
      return new WeakRef(response.connection);
    })();
    exchange.close();
    await collectGarbage();
    expect(connection.deref()).toBeUndefined();
  });
});

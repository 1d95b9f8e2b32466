/** Basic verification is remembered per connection: the same header is not hashed again, a different one is, a refused one never counts. */
import type { Socket } from 'node:net';
import { BasicAuthScheme } from '../../src/server/auth/basic-auth';
import type { ConnectionInfo } from '../../src/server/auth/server-auth';
import { WinRMConfig } from '../../src/server/config/winrm-config';
import type { EndpointState } from '../../src/server/service/endpoint-state';

/** The accounts, counting each verification (each pass over them to compare password hashes). */
let verifications = 0;
const USERS = new Proxy(
  [
    { name: 'alice', password: 'Secret#1' },
    { name: 'bob', password: 'Other#2' },
  ],
  {
    get(target, key, receiver) {
      if (key === Symbol.iterator) verifications++;
      return Reflect.get(target, key, receiver);
    },
  },
);
const header = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function scheme(config: WinRMConfig): { basic: BasicAuthScheme; state: { config: WinRMConfig } } {
  const state = { machineName: 'HOST', osVersion: '10.0.20348', config, listeners: [], saveConfig: () => undefined };
  return { basic: new BasicAuthScheme(state as EndpointState, USERS), state };
}

const connection = (): ConnectionInfo => ({ secure: true, socket: {} as Socket, state: new Map() });

describe('Basic verification per connection', () => {
  beforeEach(() => {
    verifications = 0;
  });

  it('hashes the password once for the same header on the same connection', () => {
    const { basic } = scheme(new WinRMConfig());
    const one = connection();
    const first = basic.authenticate(header('alice', 'Secret#1'), one);
    expect(first).toMatchObject({ kind: 'authenticated', principal: { userName: 'alice', scheme: 'Basic' } });
    expect(verifications).toBe(1);
    expect(basic.authenticate(header('alice', 'Secret#1'), one)).toEqual(first);
    expect(verifications).toBe(1);
    // Another connection verifies for itself.
    expect(basic.authenticate(header('alice', 'Secret#1'), connection())).toEqual(first);
    expect(verifications).toBe(2);
  });

  it('verifies a different header afresh, and never remembers a refused one', () => {
    const { basic } = scheme(new WinRMConfig());
    const one = connection();
    basic.authenticate(header('alice', 'Secret#1'), one);
    expect(basic.authenticate(header('alice', 'wrong'), one)).toEqual({ kind: 'rejected' });
    expect(basic.authenticate(header('alice', 'wrong'), one)).toEqual({ kind: 'rejected' });
    expect(verifications).toBe(3);
    expect(basic.authenticate(header('bob', 'Other#2'), one)).toMatchObject({ kind: 'authenticated', principal: { userName: 'bob' } });
    expect(basic.authenticate(header('bob', 'Other#2'), one)).toMatchObject({ kind: 'authenticated', principal: { userName: 'bob' } });
    expect(verifications).toBe(4);
    // Only the last verified header is remembered.
    expect(basic.authenticate(header('alice', 'Secret#1'), one)).toMatchObject({ kind: 'authenticated', principal: { userName: 'alice' } });
    expect(verifications).toBe(5);
  });

  it('still applies the config to a remembered header', () => {
    const { basic, state } = scheme(new WinRMConfig());
    const one = connection();
    expect(basic.authenticate(header('alice', 'Secret#1'), one).kind).toBe('authenticated');
    state.config = new WinRMConfig({ 'Service/Auth/Basic': 'false' });
    expect(basic.authenticate(header('alice', 'Secret#1'), one)).toEqual({ kind: 'rejected' });
    const plain = { ...connection(), secure: false };
    state.config = new WinRMConfig();
    expect(basic.authenticate(header('alice', 'Secret#1'), plain)).toEqual({ kind: 'rejected' });
  });
});

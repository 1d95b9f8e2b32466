/** The Negotiate contexts: SPNEGO and raw NTLM exchanges, the mechListMIC, and failures. */
import { NegotiateClient, NegotiateServer, splitUserName, type NegotiateServerOptions } from '../../src/core/transport/auth/negotiate';
import { NtlmClient } from '../../src/core/transport/auth/ntlm-client';
import { decodeAuthenticate, decodeAvPairs, findAvPair, AvId } from '../../src/core/transport/auth/ntlm-messages';
import { NtlmServer } from '../../src/core/transport/auth/ntlm-server';
import { decodeSpnego, encodeMechTypes, encodeNegTokenInit, encodeNegTokenResp, NegState, NTLMSSP_OID, type SpnegoToken } from '../../src/core/transport/auth/spnego';
import type { SessionSecurity } from '../../src/core/transport/auth/session-security';
import { sealKey } from '../../src/core/transport/auth/ntlm-crypto';
import { rc4k } from '../../src/core/transport/auth/rc4';

const KERBEROS_OID = '1.2.840.113554.1.2.2';
const PASSWORD = 'Secret#1';

const serverOptions = (extra: Partial<NegotiateServerOptions> = {}): NegotiateServerOptions => ({
  lookupPassword: (user) => (user.toLowerCase() === 'alice' ? PASSWORD : undefined),
  computerName: 'WIN-TEST',
  ...extra,
});

function resp(token: Buffer): Extract<SpnegoToken, { kind: 'resp' }> {
  const decoded = decodeSpnego(token);
  if (decoded.kind !== 'resp') throw new Error('expected a NegTokenResp');
  return decoded;
}

function roundTrip(from: SessionSecurity, to: SessionSecurity, text: string): Buffer {
  const { header, sealed } = from.wrap(Buffer.from(text));
  return to.unwrap(header, sealed);
}

describe('NegotiateClient and NegotiateServer over SPNEGO', () => {
  it('complete the Windows exchange: NegTokenInit, challenge, AUTHENTICATE with mechListMIC, accept-completed with mechListMIC', () => {
    const client = new NegotiateClient({ userName: 'WIN-TEST\\alice', password: PASSWORD, workstation: 'CLIENT1' });
    const server = new NegotiateServer(serverOptions());

    const init = decodeSpnego(client.initialToken());
    expect(init).toMatchObject({ kind: 'init', mechTypes: [NTLMSSP_OID] });
    expect(client.complete).toBe(false);

    const leg2 = server.step(encodeNegTokenInit({ mechTypes: [NTLMSSP_OID], mechToken: (init as { mechToken: Buffer }).mechToken }));
    expect(leg2.kind).toBe('continue');
    const challenge = resp((leg2 as { token: Buffer }).token);
    expect(challenge).toMatchObject({ negState: NegState.ACCEPT_INCOMPLETE, supportedMech: NTLMSSP_OID });
    expect(challenge.responseToken?.subarray(0, 8).toString('latin1')).toBe('NTLMSSP\0');

    const leg3 = client.handleChallenge((leg2 as { token: Buffer }).token)!;
    const authenticate = resp(leg3);
    expect(authenticate.negState).toBeUndefined();
    expect(authenticate.supportedMech).toBeUndefined();
    expect(authenticate.mechListMic).toHaveLength(16);
    expect(decodeAuthenticate(authenticate.responseToken!)).toMatchObject({ user: 'alice', domain: 'WIN-TEST', workstation: 'CLIENT1' });
    expect(client.complete).toBe(true);

    const done = server.step(leg3);
    expect(done).toMatchObject({ kind: 'authenticated', user: 'alice', domain: 'WIN-TEST' });
    const final = resp((done as { token: Buffer }).token);
    expect(final.negState).toBe(NegState.ACCEPT_COMPLETED);
    expect(final.mechListMic).toHaveLength(16);
    expect(client.handleChallenge((done as { token: Buffer }).token)).toBeUndefined();

    // After the mechListMICs (sequence 0 each way, RC4 handles reset), sealing starts at sequence 1.
    const sealed = client.security.wrap(Buffer.from('<s:Envelope/>'));
    expect(sealed.header.readUInt32LE(12)).toBe(1);
    expect(server.security.unwrap(sealed.header, sealed.sealed).toString()).toBe('<s:Envelope/>');
    expect(roundTrip(server.security, client.security, 'reply').toString()).toBe('reply');
    expect(roundTrip(client.security, server.security, 'second').toString()).toBe('second');
  });

  it('resets the outgoing RC4 handle after signing the mechListMIC, as SSPI does; the sequence number runs on', () => {
    const sessionKey = Buffer.alloc(16, 0x55);
    const random = (size: number): Buffer => (size === 16 ? sessionKey : Buffer.alloc(size, 0xaa));
    const client = new NegotiateClient({ userName: 'alice', password: PASSWORD }, random);
    const server = new NegotiateServer(serverOptions());
    const leg3 = client.handleChallenge((server.step(client.initialToken()) as { token: Buffer }).token)!;
    const flags = decodeAuthenticate(resp(leg3).responseToken!).flags;
    const message = Buffer.from('<s:Envelope>first sealed message</s:Envelope>');
    const { header, sealed } = client.security.wrap(message);
    // A fresh handle: the ciphertext is RC4 from the start of the client sealing key's stream.
    expect(sealed.equals(rc4k(sealKey(flags, sessionKey, 'client'), message))).toBe(true);
    expect(header.readUInt32LE(12)).toBe(1);
  });

  it('refuses a wrong password, and stays refused', () => {
    const client = new NegotiateClient({ userName: 'alice', password: 'wrong' });
    const server = new NegotiateServer(serverOptions());
    const leg2 = server.step(client.initialToken());
    expect(server.step(client.handleChallenge((leg2 as { token: Buffer }).token)!)).toEqual({ kind: 'rejected' });
    expect(server.step(Buffer.from('anything'))).toEqual({ kind: 'rejected' });
    expect(() => server.security).toThrow(expect.objectContaining({ code: 'SEC_E_INVALID_TOKEN' }));
  });

  it('refuses an unknown user the same way', () => {
    const client = new NegotiateClient({ userName: 'mallory', password: PASSWORD });
    const server = new NegotiateServer(serverOptions());
    const leg2 = server.step(client.initialToken());
    expect(server.step(client.handleChallenge((leg2 as { token: Buffer }).token)!)).toEqual({ kind: 'rejected' });
  });

  it('the server refuses a changed mechListMIC; the client refuses a changed final one', () => {
    const client = new NegotiateClient({ userName: 'alice', password: PASSWORD });
    const server = new NegotiateServer(serverOptions());
    const leg2 = server.step(client.initialToken()) as { token: Buffer };
    const leg3 = resp(client.handleChallenge(leg2.token)!);
    const forged = Buffer.from(leg3.mechListMic!);
    forged[6]! ^= 0x40;
    expect(server.step(encodeNegTokenResp({ responseToken: leg3.responseToken!, mechListMic: forged }))).toEqual({ kind: 'rejected' });

    const client2 = new NegotiateClient({ userName: 'alice', password: PASSWORD });
    const server2 = new NegotiateServer(serverOptions());
    const done = server2.step(client2.handleChallenge((server2.step(client2.initialToken()) as { token: Buffer }).token)!) as { token: Buffer };
    const final = resp(done.token);
    const badMic = Buffer.from(final.mechListMic!);
    badMic[10]! ^= 1;
    expect(() => client2.handleChallenge(encodeNegTokenResp({ negState: NegState.ACCEPT_COMPLETED, mechListMic: badMic }))).toThrow(
      expect.objectContaining({ code: 'SEC_E_MESSAGE_ALTERED' }),
    );
  });

  it('the client reports a SPNEGO reject as a failed logon', () => {
    const client = new NegotiateClient({ userName: 'alice', password: PASSWORD });
    client.initialToken();
    expect(() => client.handleChallenge(encodeNegTokenResp({ negState: NegState.REJECT }))).toThrow(expect.objectContaining({ code: 'SEC_E_LOGON_DENIED', hresult: 0x8009030c }));
  });

  it('chooses NTLM when the client prefers another mechanism, with request-mic', () => {
    const server = new NegotiateServer(serverOptions());
    const mechTypes = [KERBEROS_OID, NTLMSSP_OID];
    const first = server.step(encodeNegTokenInit({ mechTypes, mechToken: Buffer.from('kerberos AP-REQ') }));
    expect(first.kind).toBe('continue');
    expect(resp((first as { token: Buffer }).token)).toEqual({ kind: 'resp', negState: NegState.REQUEST_MIC, supportedMech: NTLMSSP_OID });

    const ntlm = new NtlmClient({ user: 'alice', domain: '', password: PASSWORD });
    const second = server.step(encodeNegTokenResp({ responseToken: ntlm.negotiate() })) as { token: Buffer };
    const challenge = resp(second.token);
    expect(challenge.supportedMech).toBeUndefined();
    const authenticate = ntlm.authenticate(challenge.responseToken!);
    // The mechListMIC signs the client's own MechTypeList, Kerberos first.
    const mechListMic = ntlm.result.security.sign(encodeMechTypes(mechTypes));
    expect(server.step(encodeNegTokenResp({ responseToken: authenticate, mechListMic }))).toMatchObject({ kind: 'authenticated', user: 'alice' });
  });

  it('after request-mic, an AUTHENTICATE without mechListMIC is refused', () => {
    const server = new NegotiateServer(serverOptions());
    server.step(encodeNegTokenInit({ mechTypes: [KERBEROS_OID, NTLMSSP_OID] }));
    const ntlm = new NtlmClient({ user: 'alice', domain: '', password: PASSWORD });
    const second = server.step(encodeNegTokenResp({ responseToken: ntlm.negotiate() })) as { token: Buffer };
    const authenticate = ntlm.authenticate(resp(second.token).responseToken!);
    expect(server.step(encodeNegTokenResp({ responseToken: authenticate }))).toEqual({ kind: 'rejected' });
  });

  it('refuses a client that does not offer NTLM, and garbage', () => {
    expect(new NegotiateServer(serverOptions()).step(encodeNegTokenInit({ mechTypes: [KERBEROS_OID], mechToken: Buffer.from('x') }))).toEqual({ kind: 'rejected' });
    expect(new NegotiateServer(serverOptions()).step(Buffer.from('not a token'))).toEqual({ kind: 'rejected' });
  });

  it('carries channel bindings and the SPN into the NTLM AV pairs', () => {
    const bindings = Buffer.concat([Buffer.from('tls-server-end-point:'), Buffer.alloc(32, 9)]);
    const client = new NegotiateClient({ userName: 'alice', password: PASSWORD, channelBindings: bindings, targetName: 'HOST/win-test' });
    const server = new NegotiateServer(serverOptions({ channelBindings: bindings, requireChannelBindings: true }));
    const leg3 = client.handleChallenge((server.step(client.initialToken()) as { token: Buffer }).token)!;
    const pairs = decodeAvPairs(decodeAuthenticate(resp(leg3).responseToken!).ntResponse.subarray(16 + 28));
    expect(findAvPair(pairs, AvId.TARGET_NAME)?.toString('utf16le')).toBe('HOST/win-test');
    expect(server.step(leg3).kind).toBe('authenticated');

    const otherServer = new NegotiateServer(serverOptions({ channelBindings: Buffer.from('tls-server-end-point:other') }));
    const otherClient = new NegotiateClient({ userName: 'alice', password: PASSWORD, channelBindings: bindings });
    expect(otherServer.step(otherClient.handleChallenge((otherServer.step(otherClient.initialToken()) as { token: Buffer }).token)!)).toEqual({ kind: 'rejected' });
  });
});

describe('raw NTLM under Negotiate', () => {
  it('a raw client gets raw answers and no final token', () => {
    const client = new NegotiateClient({ userName: 'alice', password: PASSWORD, spnego: false });
    const server = new NegotiateServer(serverOptions());
    const negotiate = client.initialToken();
    expect(negotiate.subarray(0, 8).toString('latin1')).toBe('NTLMSSP\0');
    const leg2 = server.step(negotiate) as { token: Buffer };
    expect(leg2.token.readUInt32LE(8)).toBe(2);
    const done = server.step(client.handleChallenge(leg2.token)!);
    expect(done).toEqual({ kind: 'authenticated', user: 'alice', domain: '' });
    // Raw NTLM has no mechListMIC: sealing starts at sequence 0.
    const sealed = client.security.wrap(Buffer.from('x'));
    expect(sealed.header.readUInt32LE(12)).toBe(0);
    expect(server.security.unwrap(sealed.header, sealed.sealed).toString()).toBe('x');
    expect(() => client.handleChallenge(Buffer.from('late'))).toThrow(expect.objectContaining({ code: 'SEC_E_INVALID_TOKEN' }));
  });

  it('a SPNEGO client follows a server that answers in raw NTLM', () => {
    const client = new NegotiateClient({ userName: 'alice', password: PASSWORD });
    const init = decodeSpnego(client.initialToken()) as { mechToken: Buffer };
    const server = new NtlmServer(serverOptions());
    const authenticate = client.handleChallenge(server.challenge(init.mechToken))!;
    expect(authenticate.subarray(0, 8).toString('latin1')).toBe('NTLMSSP\0');
    expect(server.authenticate(authenticate).micPresent).toBe(true);
  });
});

describe('user names', () => {
  it.each([
    ['DOMAIN\\alice', undefined, { user: 'alice', domain: 'DOMAIN' }],
    ['alice@contoso.com', undefined, { user: 'alice@contoso.com', domain: '' }],
    ['alice', undefined, { user: 'alice', domain: '' }],
    ['alice', 'WIN-TEST', { user: 'alice', domain: 'WIN-TEST' }],
  ])('%s (domain %s)', (userName, domain, expected) => {
    expect(splitUserName(userName, domain)).toEqual(expected);
  });

  it('the context is unusable before the exchange completes', () => {
    const client = new NegotiateClient({ userName: 'alice', password: PASSWORD });
    expect(() => client.security).toThrow(expect.objectContaining({ code: 'SEC_E_INVALID_TOKEN' }));
    expect(() => client.handleChallenge(Buffer.alloc(4))).toThrow(expect.objectContaining({ code: 'SEC_E_INVALID_TOKEN' }));
  });
});

/**
 * NTLMv2 against the MS-NLMP §4.2.4 test vectors (user "User", domain "Domain", password
 * "Password", server challenge 0123456789abcdef, client challenge aa…, random session key 55…,
 * time 0), then the client and server contexts against each other.
 */
import { hmacMd5, computeResponseV2, ntowfv2, ntlmv2ClientChallenge, sealKey, signKey } from '../../src/core/transport/auth/ntlm-crypto';
import {
  AvId,
  decodeAuthenticate,
  decodeAvPairs,
  decodeChallenge,
  encodeAuthenticate,
  encodeAvPairs,
  encodeChallenge,
  encodeNegotiate,
  findAvPair,
  MIC_OFFSET,
  NegotiateFlag,
  unicode,
} from '../../src/core/transport/auth/ntlm-messages';
import { NtlmClient, type NtlmClientOptions } from '../../src/core/transport/auth/ntlm-client';
import { NtlmServer, type NtlmServerOptions } from '../../src/core/transport/auth/ntlm-server';
import { NtlmSessionSecurity } from '../../src/core/transport/auth/ntlm-session';
import { channelBindingsHash } from '../../src/core/transport/auth/channel-bindings';
import { rc4k } from '../../src/core/transport/auth/rc4';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// §4.2.4 common values.
const USER = 'User';
const DOMAIN = 'Domain';
const PASSWORD = 'Password';
const SERVER_CHALLENGE = hex('0123456789abcdef');
const CLIENT_CHALLENGE = Buffer.alloc(8, 0xaa);
const RANDOM_SESSION_KEY = Buffer.alloc(16, 0x55);
const TIME = Buffer.alloc(8);
const CHALLENGE_FLAGS = 0xe28a8233;
const PLAINTEXT = Buffer.from('Plaintext', 'utf16le');

// §4.2.4.1.3 "temp": the AV pairs are the server's NetBIOS domain "Domain" and computer "Server".
const TEMP = hex(`
  01 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 aa aa aa aa aa aa aa aa 00 00 00 00
  02 00 0c 00 44 00 6f 00 6d 00 61 00 69 00 6e 00 01 00 0c 00 53 00 65 00 72 00 76 00 65 00 72 00
  00 00 00 00 00 00 00 00`);

// §4.2.4.3 CHALLENGE_MESSAGE and AUTHENTICATE_MESSAGE.
const SPEC_CHALLENGE = hex(`
  4e 54 4c 4d 53 53 50 00 02 00 00 00 0c 00 0c 00 38 00 00 00 33 82 8a e2 01 23 45 67 89 ab cd ef
  00 00 00 00 00 00 00 00 24 00 24 00 44 00 00 00 06 00 70 17 00 00 00 0f 53 00 65 00 72 00 76 00
  65 00 72 00 02 00 0c 00 44 00 6f 00 6d 00 61 00 69 00 6e 00 01 00 0c 00 53 00 65 00 72 00 76 00
  65 00 72 00 00 00 00 00`);
const SPEC_AUTHENTICATE = hex(`
  4e 54 4c 4d 53 53 50 00 03 00 00 00 18 00 18 00 6c 00 00 00 54 00 54 00 84 00 00 00 0c 00 0c 00
  48 00 00 00 08 00 08 00 54 00 00 00 10 00 10 00 5c 00 00 00 10 00 10 00 d8 00 00 00 35 82 88 e2
  05 01 28 0a 00 00 00 0f 44 00 6f 00 6d 00 61 00 69 00 6e 00 55 00 73 00 65 00 72 00 43 00 4f 00
  4d 00 50 00 55 00 54 00 45 00 52 00 86 c3 50 97 ac 9c ec 10 25 54 76 4a 57 cc cc 19 aa aa aa aa
  aa aa aa aa 68 cd 0a b8 51 e5 1c 96 aa bc 92 7b eb ef 6a 1c 01 01 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 aa aa aa aa aa aa aa aa 00 00 00 00 02 00 0c 00 44 00 6f 00 6d 00 61 00 69 00 6e 00
  01 00 0c 00 53 00 65 00 72 00 76 00 65 00 72 00 00 00 00 00 00 00 00 00 c5 da d2 54 4f c9 79 90
  94 ce 1c e9 0b c9 d0 3e`);

// §4.2.4.4 GSS_WrapEx of "Plaintext" (UTF-16LE) with sequence number 0.
const SEALED_PLAINTEXT = hex('54 e5 01 65 bf 19 36 dc 99 60 20 c1 81 1b 0f 06 fb 5f');
const PLAINTEXT_SIGNATURE = hex('01 00 00 00 7f b3 8e c5 c5 5d 49 76 00 00 00 00');

/** A random source that hands out the given buffers in order (client challenge, then session key). */
function fixedRandom(...values: Buffer[]): (size: number) => Buffer {
  return (size) => {
    const next = values.shift();
    if (!next || next.length !== size) throw new Error(`unexpected random request of ${size} bytes`);
    return next;
  };
}

const serverOptions = (extra: Partial<NtlmServerOptions> = {}): NtlmServerOptions => ({
  lookupPassword: (user, domain) => (user.toLowerCase() === 'user' && ['domain', ''].includes(domain.toLowerCase()) ? PASSWORD : undefined),
  computerName: 'Server',
  ...extra,
});

describe('MS-NLMP §4.2.4 NTLMv2 vectors', () => {
  it('NTOWFv2 (= LMOWFv2)', () => {
    expect(ntowfv2(PASSWORD, USER, DOMAIN).toString('hex')).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
  });

  it('temp from the time stamp, client challenge and AV pairs', () => {
    const pairs = encodeAvPairs([
      { id: AvId.NB_DOMAIN_NAME, value: unicode('Domain') },
      { id: AvId.NB_COMPUTER_NAME, value: unicode('Server') },
    ]);
    expect(ntlmv2ClientChallenge(TIME, CLIENT_CHALLENGE, pairs).toString('hex')).toBe(TEMP.toString('hex'));
  });

  it('LMv2 response, NTLMv2 response (NTProofStr ‖ temp) and session base key', () => {
    const responses = computeResponseV2(ntowfv2(PASSWORD, USER, DOMAIN), SERVER_CHALLENGE, CLIENT_CHALLENGE, TEMP);
    expect(responses.lmResponse.toString('hex')).toBe('86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
    expect(responses.ntResponse.subarray(0, 16).toString('hex')).toBe('68cd0ab851e51c96aabc927bebef6a1c');
    expect(responses.ntResponse.subarray(16).equals(TEMP)).toBe(true);
    expect(responses.sessionBaseKey.toString('hex')).toBe('8de40ccadbc14a82f15cb0ad0de95ca3');
  });

  it('encrypted session key: RC4K(KXKEY = session base key, random session key)', () => {
    expect(rc4k(hex('8de40ccadbc14a82f15cb0ad0de95ca3'), RANDOM_SESSION_KEY).toString('hex')).toBe('c5dad2544fc9799094ce1ce90bc9d03e');
  });

  it('client-to-server SEALKEY and SIGNKEY', () => {
    expect(sealKey(CHALLENGE_FLAGS, RANDOM_SESSION_KEY, 'client').toString('hex')).toBe('59f600973cc4960a25480a7c196e4c58');
    expect(signKey(RANDOM_SESSION_KEY, 'client').toString('hex')).toBe('4788dc861b4782f35d43fd98fe1a2d39');
  });

  it('SEAL of "Plaintext": RC4 output and the signature with its RC4-encrypted checksum', () => {
    const { header, sealed } = new NtlmSessionSecurity(CHALLENGE_FLAGS, RANDOM_SESSION_KEY, 'client').wrap(PLAINTEXT);
    expect(sealed.toString('hex')).toBe(SEALED_PLAINTEXT.toString('hex'));
    expect(header.toString('hex')).toBe(PLAINTEXT_SIGNATURE.toString('hex'));
    // The checksum before RC4 (§4.2.4.4): HMAC_MD5(SignKey, SeqNum ‖ Message)[0..7].
    expect(hmacMd5(signKey(RANDOM_SESSION_KEY, 'client'), Buffer.alloc(4), PLAINTEXT).subarray(0, 8).toString('hex')).toBe('70352851f2564309');
  });

  it('the server side unseals the vector and rejects a changed signature or ciphertext', () => {
    const open = () => new NtlmSessionSecurity(CHALLENGE_FLAGS, RANDOM_SESSION_KEY, 'server');
    expect(open().unwrap(PLAINTEXT_SIGNATURE, SEALED_PLAINTEXT).equals(PLAINTEXT)).toBe(true);
    const badSignature = Buffer.from(PLAINTEXT_SIGNATURE);
    badSignature[5]! ^= 1;
    expect(() => open().unwrap(badSignature, SEALED_PLAINTEXT)).toThrow(expect.objectContaining({ code: 'SEC_E_MESSAGE_ALTERED', hresult: 0x8009030f }));
    const badCiphertext = Buffer.from(SEALED_PLAINTEXT);
    badCiphertext[0]! ^= 1;
    expect(() => open().unwrap(PLAINTEXT_SIGNATURE, badCiphertext)).toThrow(expect.objectContaining({ code: 'SEC_E_MESSAGE_ALTERED' }));
  });
});

describe('NTLM messages', () => {
  it('decodes the §4.2.4.3 CHALLENGE and encodes the same bytes (apart from our Version)', () => {
    const challenge = decodeChallenge(SPEC_CHALLENGE);
    expect(challenge.flags >>> 0).toBe(CHALLENGE_FLAGS);
    expect(challenge.serverChallenge.equals(SERVER_CHALLENGE)).toBe(true);
    expect(challenge.targetName).toBe('Server');
    expect(challenge.targetInfo.map((p) => [p.id, p.value.toString('utf16le')])).toEqual([
      [AvId.NB_DOMAIN_NAME, 'Domain'],
      [AvId.NB_COMPUTER_NAME, 'Server'],
    ]);
    const encoded = encodeChallenge(challenge);
    SPEC_CHALLENGE.copy(encoded, 48, 48, 56); // the spec's Version is Windows 6.0.6000; ours is 10.0.20348
    expect(encoded.toString('hex')).toBe(SPEC_CHALLENGE.toString('hex'));
  });

  it('decodes the §4.2.4.3 AUTHENTICATE, which has no MIC field', () => {
    const message = decodeAuthenticate(SPEC_AUTHENTICATE);
    expect(message).toMatchObject({ flags: 0xe2888235, user: USER, domain: DOMAIN, workstation: 'COMPUTER', mic: undefined });
    expect(message.lmResponse.toString('hex')).toBe('86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
    expect(message.ntResponse.subarray(16).equals(TEMP)).toBe(true);
    expect(message.encryptedSessionKey.toString('hex')).toBe('c5dad2544fc9799094ce1ce90bc9d03e');
  });

  it('writes a NEGOTIATE like Windows: the requested flags, empty domain and workstation, Version', () => {
    const expected = hex('4e544c4d53535000 01000000 378208e2 0000 0000 28000000 0000 0000 28000000 0a007c4f0000000f');
    expect(encodeNegotiate(0xe2088237).toString('hex')).toBe(expected.toString('hex'));
  });

  it('writes the AUTHENTICATE payload in Windows order, after Version and a MIC field', () => {
    const message = encodeAuthenticate({
      flags: 1,
      lmResponse: hex('11'),
      ntResponse: hex('2222'),
      domain: 'D',
      user: 'U',
      workstation: 'W',
      encryptedSessionKey: hex('33'),
    });
    expect(message.length).toBe(88 + 2 + 2 + 2 + 1 + 2 + 1);
    expect(message.subarray(88).toString('hex')).toBe('4400' + '5500' + '5700' + '11' + '2222' + '33');
    expect(message.readUInt32LE(28 + 4)).toBe(88); // DomainName offset
    expect(message.subarray(MIC_OFFSET, MIC_OFFSET + 16).equals(Buffer.alloc(16))).toBe(true);
    expect(decodeAuthenticate(message)).toMatchObject({ user: 'U', domain: 'D', workstation: 'W', mic: Buffer.alloc(16) });
  });

  it.each([
    ['a token without the NTLMSSP signature', Buffer.from('NOTNTLM\0\x02\0\0\0', 'latin1')],
    ['a truncated CHALLENGE', SPEC_CHALLENGE.subarray(0, 40)],
    ['a field running past the end', SPEC_CHALLENGE.subarray(0, 80)],
    ['an AUTHENTICATE instead', SPEC_AUTHENTICATE],
  ])('refuses %s as a CHALLENGE with SEC_E_INVALID_TOKEN', (_name, token) => {
    expect(() => decodeChallenge(token)).toThrow(expect.objectContaining({ code: 'SEC_E_INVALID_TOKEN', hresult: 0x80090308 }));
  });
});

describe('NtlmServer', () => {
  const negotiate = encodeNegotiate(0xe2088237);

  it('verifies the §4.2.4.3 AUTHENTICATE and opens the §4.2.4.4 sealed message with the exchanged key', () => {
    const server = new NtlmServer(serverOptions(), fixedRandom(SERVER_CHALLENGE));
    server.challenge(negotiate);
    const result = server.authenticate(SPEC_AUTHENTICATE);
    expect(result).toMatchObject({ user: USER, domain: DOMAIN, micPresent: false });
    expect(result.security.unwrap(PLAINTEXT_SIGNATURE, SEALED_PLAINTEXT).equals(PLAINTEXT)).toBe(true);
  });

  it('refuses the same AUTHENTICATE for another password or another server challenge', () => {
    const wrongPassword = new NtlmServer({ ...serverOptions(), lookupPassword: () => 'Passw0rd' }, fixedRandom(SERVER_CHALLENGE));
    wrongPassword.challenge(negotiate);
    expect(() => wrongPassword.authenticate(SPEC_AUTHENTICATE)).toThrow(expect.objectContaining({ code: 'SEC_E_LOGON_DENIED', hresult: 0x8009030c }));
    const replayed = new NtlmServer(serverOptions(), fixedRandom(hex('fedcba9876543210')));
    replayed.challenge(negotiate);
    expect(() => replayed.authenticate(SPEC_AUTHENTICATE)).toThrow(expect.objectContaining({ code: 'SEC_E_LOGON_DENIED' }));
  });

  it('issues a CHALLENGE with the negotiated flags and the TargetInfo of a workgroup host', () => {
    const server = new NtlmServer(serverOptions({ computerName: 'win-test' }), fixedRandom(SERVER_CHALLENGE));
    const challenge = decodeChallenge(server.challenge(negotiate));
    expect(challenge.serverChallenge.equals(SERVER_CHALLENGE)).toBe(true);
    expect(challenge.targetName).toBe('WIN-TEST');
    const F = NegotiateFlag;
    expect(challenge.flags >>> 0).toBe(
      (F.UNICODE | F.REQUEST_TARGET | F.SIGN | F.SEAL | F.NTLM | F.ALWAYS_SIGN | F.TARGET_TYPE_SERVER | F.EXTENDED_SESSIONSECURITY | F.TARGET_INFO | F.VERSION | F.KEY_128 | F.KEY_EXCH | F.KEY_56) >>> 0,
    );
    const info = Object.fromEntries(challenge.targetInfo.filter((p) => p.id !== AvId.TIMESTAMP).map((p) => [p.id, p.value.toString('utf16le')]));
    expect(info).toEqual({ [AvId.NB_DOMAIN_NAME]: 'WIN-TEST', [AvId.NB_COMPUTER_NAME]: 'WIN-TEST', [AvId.DNS_DOMAIN_NAME]: 'win-test', [AvId.DNS_COMPUTER_NAME]: 'win-test' });
    const timestamp = findAvPair(challenge.targetInfo, AvId.TIMESTAMP)!;
    const millis = Number(timestamp.readBigUInt64LE(0) / 10_000n - 11_644_473_600_000n);
    expect(Math.abs(millis - Date.now())).toBeLessThan(60_000);
  });

  it('names the domain of a domain-joined host', () => {
    const server = new NtlmServer(serverOptions({ computerName: 'web01', domainName: 'contoso.com' }));
    const challenge = decodeChallenge(server.challenge(negotiate));
    expect(challenge.targetName).toBe('CONTOSO');
    expect(challenge.flags & NegotiateFlag.TARGET_TYPE_DOMAIN).toBeTruthy();
    expect(findAvPair(challenge.targetInfo, AvId.DNS_COMPUTER_NAME)?.toString('utf16le')).toBe('web01.contoso.com');
    expect(findAvPair(challenge.targetInfo, AvId.DNS_TREE_NAME)?.toString('utf16le')).toBe('contoso.com');
  });

  it('answers an OEM-only NEGOTIATE (as ntlm-auth sends) in OEM text', () => {
    const server = new NtlmServer(serverOptions({ computerName: 'win-test' }));
    const challenge = server.challenge(encodeNegotiate(0xe2889032));
    const decoded = decodeChallenge(challenge);
    expect(decoded.flags & (NegotiateFlag.UNICODE | NegotiateFlag.OEM)).toBe(NegotiateFlag.OEM);
    expect(decoded.targetName).toBe('WIN-TEST');
    expect(challenge.readUInt16LE(12)).toBe(8); // one byte per character
  });

  it('refuses a NEGOTIATE without any text encoding or without extended session security', () => {
    expect(() => new NtlmServer(serverOptions()).challenge(encodeNegotiate(0xe2088234))).toThrow(expect.objectContaining({ code: 'SEC_E_UNSUPPORTED_FUNCTION' }));
    expect(() => new NtlmServer(serverOptions()).challenge(encodeNegotiate(0xe2008237))).toThrow(expect.objectContaining({ code: 'SEC_E_UNSUPPORTED_FUNCTION' }));
  });

  it('refuses NTLMv1 and anonymous AUTHENTICATE messages', () => {
    const ntlmV1 = encodeAuthenticate({ flags: 0xe2888235, lmResponse: Buffer.alloc(24, 1), ntResponse: Buffer.alloc(24, 2), domain: DOMAIN, user: USER, workstation: '', encryptedSessionKey: Buffer.alloc(16) });
    const anonymous = encodeAuthenticate({ flags: 0xe2888a35, lmResponse: Buffer.alloc(1), ntResponse: Buffer.alloc(0), domain: '', user: '', workstation: '', encryptedSessionKey: Buffer.alloc(0) });
    for (const token of [ntlmV1, anonymous]) {
      const server = new NtlmServer(serverOptions());
      server.challenge(negotiate);
      expect(() => server.authenticate(token)).toThrow(expect.objectContaining({ code: 'SEC_E_LOGON_DENIED' }));
    }
  });

  it('refuses an AUTHENTICATE before any CHALLENGE', () => {
    expect(() => new NtlmServer(serverOptions()).authenticate(SPEC_AUTHENTICATE)).toThrow(expect.objectContaining({ code: 'SEC_E_INVALID_TOKEN' }));
  });
});

describe('NtlmClient with NtlmServer', () => {
  const clientOptions = (extra: Partial<NtlmClientOptions> = {}): NtlmClientOptions => ({ user: USER, domain: DOMAIN, password: PASSWORD, workstation: 'COMPUTER', ...extra });

  function handshake(client: NtlmClient, server: NtlmServer): { authenticate: Buffer } {
    const challenge = server.challenge(client.negotiate());
    return { authenticate: client.authenticate(challenge) };
  }

  it('authenticates with a MIC, LM response Z(24), and the AV pairs Windows adds', () => {
    const client = new NtlmClient(clientOptions({ targetName: 'HOST/server.contoso.com' }), fixedRandom(CLIENT_CHALLENGE, RANDOM_SESSION_KEY));
    const server = new NtlmServer(serverOptions(), fixedRandom(SERVER_CHALLENGE));
    const { authenticate } = handshake(client, server);
    const message = decodeAuthenticate(authenticate);
    expect(message.lmResponse.equals(Buffer.alloc(24))).toBe(true);
    expect(message.mic?.equals(Buffer.alloc(16))).toBe(false);
    const blob = message.ntResponse.subarray(16);
    expect(blob.subarray(16, 24).equals(CLIENT_CHALLENGE)).toBe(true);
    const pairs = decodeAvPairs(blob.subarray(28));
    expect(findAvPair(pairs, AvId.FLAGS)?.readUInt32LE(0)).toBe(2);
    expect(findAvPair(pairs, AvId.CHANNEL_BINDINGS)?.equals(Buffer.alloc(16))).toBe(true);
    expect(findAvPair(pairs, AvId.TARGET_NAME)?.toString('utf16le')).toBe('HOST/server.contoso.com');
    // The server's time stamp is echoed as the blob's time.
    expect(blob.subarray(8, 16).equals(findAvPair(pairs, AvId.TIMESTAMP)!)).toBe(true);

    const result = server.authenticate(authenticate);
    expect(result).toMatchObject({ user: USER, domain: DOMAIN, micPresent: true });
    expect(client.result.micPresent).toBe(true);
    // The session key went over encrypted: both sides seal with keys derived from 55…55.
    const { header, sealed } = client.result.security.wrap(PLAINTEXT);
    expect(header.toString('hex')).toBe(PLAINTEXT_SIGNATURE.toString('hex'));
    expect(sealed.toString('hex')).toBe(SEALED_PLAINTEXT.toString('hex'));
    expect(result.security.unwrap(header, sealed).equals(PLAINTEXT)).toBe(true);
  });

  it('keeps sequence numbers and cipher state per direction over many messages', () => {
    const client = new NtlmClient(clientOptions());
    const server = new NtlmServer(serverOptions());
    const serverSecurity = server.authenticate(handshake(client, server).authenticate).security;
    const clientSecurity = client.result.security;
    for (let sequence = 0; sequence < 4; sequence++) {
      const request = Buffer.from(`request ${sequence}`);
      const up = clientSecurity.wrap(request);
      expect(up.header.readUInt32LE(12)).toBe(sequence);
      expect(serverSecurity.unwrap(up.header, up.sealed).equals(request)).toBe(true);
      const reply = Buffer.from(`reply ${sequence}`.repeat(sequence + 1));
      const down = serverSecurity.wrap(reply);
      expect(down.header.readUInt32LE(12)).toBe(sequence);
      expect(clientSecurity.unwrap(down.header, down.sealed).equals(reply)).toBe(true);
    }
    // A message sealed for the other direction, or replayed, does not open.
    const own = clientSecurity.wrap(Buffer.from('mine'));
    expect(() => clientSecurity.unwrap(own.header, own.sealed)).toThrow(expect.objectContaining({ code: 'SEC_E_MESSAGE_ALTERED' }));
    const once = clientSecurity.wrap(Buffer.from('once'));
    expect(() => serverSecurity.unwrap(once.header, once.sealed)).toThrow(expect.objectContaining({ code: 'SEC_E_MESSAGE_ALTERED' }));
  });

  it('seals the same bytes whether or not the key stream was made ahead in the event loop turns between messages', async () => {
    const flags = NegotiateFlag.SIGN | NegotiateFlag.SEAL | NegotiateFlag.EXTENDED_SESSIONSECURITY | NegotiateFlag.KEY_128 | NegotiateFlag.KEY_EXCH | NegotiateFlag.UNICODE;
    const exportedSessionKey = Buffer.alloc(16, 0x55);
    const sessions = (): [NtlmSessionSecurity, NtlmSessionSecurity] => [new NtlmSessionSecurity(flags, exportedSessionKey, 'client'), new NtlmSessionSecurity(flags, exportedSessionKey, 'server')];
    const [waitingClient, waitingServer] = sessions();
    const [inlineClient, inlineServer] = sessions();
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    for (let n = 0; n < 6; n++) {
      // Messages of changing size: some shorter than what was made ahead, some longer.
      const request = Buffer.alloc(500 + ((n * 977) % 3000), `request ${n} `);
      const reply = Buffer.alloc(3000 - ((n * 613) % 2500), `reply ${n} `);
      const up = waitingClient.wrap(request);
      await turn();
      expect(Buffer.concat([up.header, up.sealed]).equals(Buffer.concat(Object.values(inlineClient.wrap(request))))).toBe(true);
      expect(waitingServer.unwrap(up.header, up.sealed).equals(request)).toBe(true);
      expect(inlineServer.unwrap(up.header, up.sealed).equals(request)).toBe(true);
      const down = waitingServer.wrap(reply);
      await turn();
      expect(Buffer.concat([down.header, down.sealed]).equals(Buffer.concat(Object.values(inlineServer.wrap(reply))))).toBe(true);
      expect(waitingClient.unwrap(down.header, down.sealed).equals(reply)).toBe(true);
      expect(inlineClient.unwrap(down.header, down.sealed).equals(reply)).toBe(true);
    }
  });

  it('refuses a wrong password, and a tampered AUTHENTICATE through its MIC', () => {
    const wrong = new NtlmClient(clientOptions({ password: 'nope' }));
    const server = new NtlmServer(serverOptions());
    expect(() => server.authenticate(handshake(wrong, server).authenticate)).toThrow(expect.objectContaining({ code: 'SEC_E_LOGON_DENIED' }));

    const client = new NtlmClient(clientOptions());
    const server2 = new NtlmServer(serverOptions());
    const { authenticate } = handshake(client, server2);
    const tampered = Buffer.from(authenticate);
    tampered.writeUInt32LE((tampered.readUInt32LE(60) & ~NegotiateFlag.SEAL) >>> 0, 60); // a downgrade the MIC must catch
    expect(() => server2.authenticate(tampered)).toThrow(expect.objectContaining({ code: 'SEC_E_LOGON_DENIED' }));
  });

  it('accepts a user whose name differs in case (names are case-insensitive)', () => {
    const client = new NtlmClient(clientOptions({ user: 'USER' }));
    const server = new NtlmServer(serverOptions());
    expect(server.authenticate(handshake(client, server).authenticate).user).toBe('USER');
  });

  describe('channel bindings', () => {
    const bindings = Buffer.concat([Buffer.from('tls-server-end-point:'), Buffer.alloc(32, 7)]);
    const other = Buffer.concat([Buffer.from('tls-server-end-point:'), Buffer.alloc(32, 8)]);

    it('sends MD5 of the bindings structure, and the server accepts matching ones', () => {
      const client = new NtlmClient(clientOptions({ channelBindings: bindings }));
      const server = new NtlmServer(serverOptions({ channelBindings: bindings }));
      const { authenticate } = handshake(client, server);
      const pairs = decodeAvPairs(decodeAuthenticate(authenticate).ntResponse.subarray(16 + 28));
      expect(findAvPair(pairs, AvId.CHANNEL_BINDINGS)?.equals(channelBindingsHash(bindings))).toBe(true);
      expect(server.authenticate(authenticate).user).toBe(USER);
    });

    it('refuses bindings of another certificate with SEC_E_BAD_BINDINGS', () => {
      const client = new NtlmClient(clientOptions({ channelBindings: other }));
      const server = new NtlmServer(serverOptions({ channelBindings: bindings }));
      expect(() => server.authenticate(handshake(client, server).authenticate)).toThrow(expect.objectContaining({ code: 'SEC_E_BAD_BINDINGS', hresult: 0x80090346 }));
    });

    it('Relaxed: accepts a client that sends none; Strict: refuses it', () => {
      const relaxed = new NtlmServer(serverOptions({ channelBindings: bindings }));
      expect(relaxed.authenticate(handshake(new NtlmClient(clientOptions()), relaxed).authenticate).user).toBe(USER);
      const strict = new NtlmServer(serverOptions({ channelBindings: bindings, requireChannelBindings: true }));
      expect(() => strict.authenticate(handshake(new NtlmClient(clientOptions()), strict).authenticate)).toThrow(expect.objectContaining({ code: 'SEC_E_BAD_BINDINGS' }));
    });
  });

  it('refuses a CHALLENGE without the NetBIOS names (§3.1.5.1.2)', () => {
    const client = new NtlmClient(clientOptions());
    client.negotiate();
    const bare = encodeChallenge({ flags: CHALLENGE_FLAGS, serverChallenge: SERVER_CHALLENGE, targetName: 'Server', targetInfo: [] });
    expect(() => client.authenticate(bare)).toThrow(expect.objectContaining({ code: 'SEC_E_LOGON_DENIED' }));
  });

  it('answers a CHALLENGE without a time stamp with an LMv2 response and no MIC', () => {
    const client = new NtlmClient(clientOptions(), fixedRandom(CLIENT_CHALLENGE, RANDOM_SESSION_KEY));
    client.negotiate();
    const message = decodeAuthenticate(client.authenticate(SPEC_CHALLENGE));
    expect(message.lmResponse.subarray(16).equals(CLIENT_CHALLENGE)).toBe(true);
    expect(message.lmResponse.length).toBe(24);
    expect(message.mic?.equals(Buffer.alloc(16))).toBe(true);
    expect(client.result.micPresent).toBe(false);
    expect(findAvPair(decodeAvPairs(message.ntResponse.subarray(16 + 28)), AvId.FLAGS)).toBeUndefined();
  });
});

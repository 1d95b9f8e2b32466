/** SPNEGO DER tokens (RFC 4178), checked byte by byte. */
import { decodeSpnego, encodeMechTypes, encodeNegTokenInit, encodeNegTokenResp, NegState, NTLMSSP_OID } from '../../src/core/transport/auth/spnego';
import { encodeNegotiate } from '../../src/core/transport/auth/ntlm-messages';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const NTLM_NEGOTIATE = encodeNegotiate(0xe2088237); // 40 bytes

describe('SPNEGO encoding', () => {
  it('MechTypeList [NTLMSSP]: the bytes a mechListMIC signs', () => {
    // 30 0c: SEQUENCE of 12 bytes; 06 0a: OID of 10 bytes = 1.3 (0x2b) 6 1 4 1 311 (0x82 0x37: 2*128+55) 2 2 10.
    expect(encodeMechTypes([NTLMSSP_OID]).toString('hex')).toBe('300c060a2b06010401823702020a');
  });

  it('NegTokenInit in the GSS-API framing, carrying the NTLM NEGOTIATE', () => {
    // Built from the inside out (lengths in hex):
    //   a2 2a { 04 28 <40-byte NEGOTIATE> }             mechToken [2], OCTET STRING of 0x28 = 40 bytes → 0x2a in all
    //   a0 0e { 30 0c 06 0a 2b…0a }                     mechTypes [0], 14 bytes
    //   30 3c { the two above: 0x10 + 0x2c = 0x3c }     NegTokenInit SEQUENCE
    //   a0 3e { 30 3c … }                               negTokenInit [0] of NegotiationToken
    //   60 48 { 06 06 2b 06 01 05 05 02, a0 3e … }      [APPLICATION 0]: SPNEGO OID (8) + 0x40 = 0x48
    // The same prefix appears in SMB clients' captured tokens (60 48 06 06 2b 06 01 05 05 02 a0 3e 30 3c a0 0e …).
    const expected = hex(`60 48 06 06 2b 06 01 05 05 02 a0 3e 30 3c a0 0e 30 0c 06 0a 2b 06 01 04 01 82 37 02 02 0a a2 2a 04 28`);
    const token = encodeNegTokenInit({ mechTypes: [NTLMSSP_OID], mechToken: NTLM_NEGOTIATE });
    expect(token.subarray(0, expected.length).toString('hex')).toBe(expected.toString('hex'));
    expect(token.subarray(expected.length).equals(NTLM_NEGOTIATE)).toBe(true);
    expect(token.length).toBe(2 + 0x48);
  });

  it('NegTokenResp of a server challenge: negState, supportedMech, responseToken', () => {
    // a1 1c { 30 1a { a0 03 {0a 01 01}  a1 0c {06 0a <NTLMSSP>}  a2 05 {04 03 "abc"} } }: 5 + 14 + 7 = 26 = 0x1a.
    const token = encodeNegTokenResp({ negState: NegState.ACCEPT_INCOMPLETE, supportedMech: NTLMSSP_OID, responseToken: Buffer.from('abc') });
    expect(token.toString('hex')).toBe('a11c301aa0030a0101a10c060a2b06010401823702020aa2050403616263');
  });

  it('the final accept-completed reply, with and without a mechListMIC', () => {
    // a1 07 { 30 05 { a0 03 { 0a 01 00 } } }
    expect(encodeNegTokenResp({ negState: NegState.ACCEPT_COMPLETED }).toString('hex')).toBe('a1073005a0030a0100');
    // a3 12 { 04 10 <16 bytes> } adds 20: 5 + 20 = 25 = 0x19.
    const mic = Buffer.alloc(16, 0xee);
    expect(encodeNegTokenResp({ negState: NegState.ACCEPT_COMPLETED, mechListMic: mic }).toString('hex')).toBe(`a11b3019a0030a0100a3120410${'ee'.repeat(16)}`);
  });

  it('long-form lengths for a large responseToken', () => {
    // 300 = 0x012c: 04 82 01 2c; wrapped a2 82 01 30; sequence 30 82 01 34; outer a1 82 01 38.
    const token = encodeNegTokenResp({ responseToken: Buffer.alloc(300, 1) });
    expect(token.subarray(0, 16).toString('hex')).toBe('a182013830820134a28201300482012c');
    expect(token.length).toBe(4 + 0x138);
  });
});

describe('SPNEGO decoding', () => {
  it('reads back a NegTokenInit with the MechTypeList bytes as sent', () => {
    const decoded = decodeSpnego(encodeNegTokenInit({ mechTypes: [NTLMSSP_OID, '1.2.840.113554.1.2.2'], mechToken: NTLM_NEGOTIATE }));
    expect(decoded).toMatchObject({ kind: 'init', mechTypes: [NTLMSSP_OID, '1.2.840.113554.1.2.2'] });
    if (decoded.kind !== 'init') throw new Error('not an init token');
    expect(decoded.mechToken?.equals(NTLM_NEGOTIATE)).toBe(true);
    expect(decoded.mechTypesDer.equals(encodeMechTypes([NTLMSSP_OID, '1.2.840.113554.1.2.2']))).toBe(true);
  });

  it('reads back every NegTokenResp field, and omits absent ones', () => {
    const mic = Buffer.alloc(16, 3);
    expect(decodeSpnego(encodeNegTokenResp({ negState: NegState.REQUEST_MIC, supportedMech: NTLMSSP_OID, responseToken: Buffer.from('x'), mechListMic: mic }))).toEqual({
      kind: 'resp',
      negState: NegState.REQUEST_MIC,
      supportedMech: NTLMSSP_OID,
      responseToken: Buffer.from('x'),
      mechListMic: mic,
    });
    expect(decodeSpnego(hex('a1073005a0030a0100'))).toEqual({ kind: 'resp', negState: NegState.ACCEPT_COMPLETED });
  });

  it.each([
    ['a raw NTLM message', NTLM_NEGOTIATE],
    ['an empty token', Buffer.alloc(0)],
    ['a truncated token', hex('a1073005a0030a01')],
    ['trailing bytes', hex('a1073005a0030a010000')],
    ['an unknown negState', hex('a1073005a0030a0109')],
    ['negState of the wrong type', hex('a1073005a0030201 00')],
    ['another GSS-API mechanism', hex('600d 06092a864886f712010202 0500')],
    ['a NegTokenInit without mechTypes', hex('600e06062b0601050502a0043002a200')],
  ])('refuses %s with SEC_E_INVALID_TOKEN', (_name, token) => {
    expect(() => decodeSpnego(token)).toThrow(expect.objectContaining({ code: 'SEC_E_INVALID_TOKEN', hresult: 0x80090308 }));
  });
});

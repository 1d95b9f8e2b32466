import {
  applicationTagOf,
  Asn1FormatError,
  decodeDer,
  decodeEncKdcRepPart,
  decodeMessage,
  EncKdcRepPart,
  encodeDer,
  encodeMessage,
  EtypeInfo2,
  EtypeInfo2Entry,
  flagBit,
  KdcReq,
  KdcReqBody,
  KrbCred,
  KrbError,
  MethodData,
  NameType,
  PaData,
  PaEncTsEnc,
  PrincipalName,
  Ticket,
} from '../../../src/core/transport/auth/kerberos/asn1';

const hex = (value: string): Buffer => Buffer.from(value.replace(/\s+/g, ''), 'hex');
const ascii = (value: string): string => Buffer.from(value, 'latin1').toString('hex');

describe('Kerberos ASN.1 (RFC 4120 §5) on hand-checked DER', () => {
  test('PrincipalName: explicit context tags around INTEGER and SEQUENCE OF GeneralString', () => {
    const der = hex(`3010 a003 020101 a109 3007 1b05 ${ascii('alice')}`);
    expect(encodeDer(PrincipalName.of(NameType.PRINCIPAL, 'alice'))).toEqual(der);
    expect(decodeDer(der, PrincipalName)).toEqual(PrincipalName.of(NameType.PRINCIPAL, 'alice'));
  });

  test('KRB-ERROR [APPLICATION 30] with KerberosTime as YYYYMMDDHHMMSSZ', () => {
    const der = hex(
      `7e46 3044 a003020105 a10302011e a411180f${ascii('20261203103005Z')} a503020100 a603020119 a9031b0152` +
        `aa16 3014 a003020102 a10d 300b 1b06${ascii('krbtgt')} 1b0152`,
    );
    const error = new KrbError();
    error.stime = new Date(Date.UTC(2026, 11, 3, 10, 30, 5, 999));
    error.errorCode = 25;
    error.realm = 'R';
    error.sname = PrincipalName.of(NameType.SRV_INST, 'krbtgt', 'R');
    expect(encodeMessage('KrbError', error)).toEqual(der);
    const decoded = decodeMessage('KrbError', der);
    expect(decoded.errorCode).toBe(25);
    expect(decoded.stime.toISOString()).toBe('2026-12-03T10:30:05.000Z');
    expect(decoded.sname.nameString).toEqual(['krbtgt', 'R']);
    expect(decoded.eText).toBeUndefined();
    expect(applicationTagOf(der)).toBe(30);
  });

  test('KerberosFlags: a 32-bit BIT STRING, flag 0 the most significant bit; UInt32 nonces above 2^31', () => {
    const body = new KdcReqBody();
    body.kdcOptions = flagBit(1) | flagBit(8) | flagBit(27); // forwardable, renewable, renewable-ok
    body.realm = 'R';
    body.till = new Date(Date.UTC(2037, 8, 13, 2, 48, 5));
    body.nonce = 0xfedcba98;
    body.etype = [18, 17];
    const der = encodeDer(body);
    expect(der.subarray(0, 11)).toEqual(hex('3034 a007 0305 0040800010'));
    expect(der.includes(hex('a707 0205 00fedcba98'))).toBe(true);
    expect(der.includes(hex('a808 3006 020112 020111'))).toBe(true);
    const decoded = decodeDer(der, KdcReqBody);
    expect(decoded.kdcOptions >>> 0).toBe(0x40800010);
    expect(decoded.nonce).toBe(0xfedcba98);
    expect(decoded.etype).toEqual([18, 17]);
    expect(decoded.cname).toBeUndefined();
  });

  test('a UInt32 some implementations send as a negative INTEGER reads modulo 2^32', () => {
    const der = hex(`7b22 3020 a011180f${ascii('20261203103005Z')} a103020100 a306 0204 fedcba98`);
    const part = decodeMessage('EncApRepPart', der);
    expect(part.seqNumber).toBe(0xfedcba98);
    expect(part.subkey).toBeUndefined();
    expect(encodeMessage('EncApRepPart', part)).toEqual(hex(`7b23 3021 a011180f${ascii('20261203103005Z')} a103020100 a307 0205 00fedcba98`));
  });

  test('AS-REQ [APPLICATION 10] with PA-DATA (tags from 1) and PA-ENC-TS-ENC', () => {
    const timestamp = new PaEncTsEnc();
    timestamp.patimestamp = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    timestamp.pausec = 123456;
    const tsDer = encodeDer(timestamp);
    expect(tsDer).toEqual(hex(`301a a011180f${ascii('20260102030405Z')} a105020301e240`));
    const request = new KdcReq();
    request.msgType = 10;
    request.padata = [Object.assign(new PaData(), { padataType: 2, padataValue: tsDer })];
    request.reqBody = Object.assign(new KdcReqBody(), {
      cname: PrincipalName.of(NameType.PRINCIPAL, 'alice'),
      realm: 'EXAMPLE.TEST',
      sname: PrincipalName.of(NameType.SRV_INST, 'krbtgt', 'EXAMPLE.TEST'),
      till: new Date(Date.UTC(2026, 0, 3)),
      nonce: 42,
      etype: [18],
    });
    const der = encodeMessage('AsReq', request);
    expect(der[0]).toBe(0x6a);
    expect(der.includes(hex('a103020102 a21e 041c'))).toBe(true);
    const decoded = decodeMessage('AsReq', der);
    expect(decoded.padata?.[0]?.padataType).toBe(2);
    expect(decodeDer(decoded.padata![0]!.padataValue, PaEncTsEnc)).toEqual(timestamp);
    expect(decoded.reqBody.sname?.nameString).toEqual(['krbtgt', 'EXAMPLE.TEST']);
    expect(() => decodeMessage('TgsReq', der)).toThrow(Asn1FormatError);
  });

  test('ETYPE-INFO2 inside METHOD-DATA', () => {
    const info = new EtypeInfo2([Object.assign(new EtypeInfo2Entry(), { etype: 18, salt: 'EXAMPLE.TESTalice' })]);
    const infoDer = encodeDer(info);
    expect(infoDer).toEqual(hex(`301c 301a a003020112 a113 1b11${ascii('EXAMPLE.TESTalice')}`));
    const methods = new MethodData([Object.assign(new PaData(), { padataType: 19, padataValue: infoDer })]);
    const back = decodeDer(encodeDer(methods), MethodData);
    expect(back).toHaveLength(1);
    const entries = decodeDer(back[0]!.padataValue, EtypeInfo2);
    expect(entries[0]!.salt).toBe('EXAMPLE.TESTalice');
    expect(entries[0]!.s2kparams).toBeUndefined();
  });

  test('Ticket nested as [APPLICATION 1] inside KRB-CRED (SEQUENCE OF Ticket) and KDC-REP', () => {
    const ticket = new Ticket();
    ticket.realm = 'R';
    ticket.sname = PrincipalName.of(NameType.SRV_HST, 'HTTP', 'host.r');
    ticket.encPart.etype = 18;
    ticket.encPart.kvno = 2;
    ticket.encPart.cipher = Buffer.from([1, 2, 3]);
    const ticketDer = encodeMessage('Ticket', ticket);
    expect(ticketDer[0]).toBe(0x61);
    const cred = new KrbCred();
    cred.tickets = [ticket, ticket];
    cred.encPart.cipher = Buffer.from([9]);
    const credDer = encodeMessage('KrbCred', cred);
    expect(credDer[0]).toBe(0x76);
    expect(credDer.includes(ticketDer)).toBe(true);
    const decoded = decodeMessage('KrbCred', credDer);
    expect(decoded.tickets).toHaveLength(2);
    expect(decoded.tickets[1]).toEqual(ticket);
  });

  test('EncASRepPart [25] and EncTGSRepPart [26] both decode as the enc-part of a KDC reply', () => {
    const part = new EncKdcRepPart();
    part.key.keytype = 18;
    part.key.keyvalue = Buffer.alloc(32, 7);
    part.nonce = 5;
    part.srealm = 'R';
    part.sname = PrincipalName.of(NameType.SRV_INST, 'krbtgt', 'R');
    for (const name of ['EncAsRepPart', 'EncTgsRepPart'] as const) {
      const decoded = decodeEncKdcRepPart(encodeMessage(name, part));
      expect(decoded.key.keyvalue).toEqual(part.key.keyvalue);
      expect(decoded.lastReq).toEqual([]);
    }
  });

  test('malformed input is an Asn1FormatError, never a crash', () => {
    expect(() => decodeMessage('KrbError', hex('7e03300100'))).toThrow(Asn1FormatError);
    expect(() => decodeMessage('KrbError', hex('7e'))).toThrow(Asn1FormatError);
    expect(() => decodeMessage('KrbError', Buffer.concat([encodeMessage('Ticket', new Ticket()), hex('00')]))).toThrow(Asn1FormatError);
    expect(() => decodeDer(hex('3003020101'), PrincipalName)).toThrow(Asn1FormatError);
    expect(applicationTagOf(hex('3000'))).toBeUndefined();
  });
});

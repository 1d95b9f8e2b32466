import {
  bitString,
  boolean,
  decodeOid,
  encodeLength,
  explicit,
  generalizedTime,
  ia5String,
  implicit,
  integer,
  namedBits,
  nullValue,
  octetString,
  oid,
  printableString,
  readChildren,
  readElement,
  sequence,
  set,
  time,
  utcTime,
  utf8String,
} from '../../../src/core/asn1/der';

const hex = (bytes: Buffer): string => bytes.toString('hex');

describe('DER writer', () => {
  it.each([
    [0n, '020100'],
    [127n, '02017f'],
    [128n, '02020080'],
    [255n, '020200ff'],
    [256n, '02020100'],
    [32767n, '02027fff'],
    [32768n, '0203008000'],
    [-1n, '0201ff'],
    [-128n, '020180'],
    [-129n, '0202ff7f'],
    [-256n, '0202ff00'],
    [-32769n, '0203ff7fff'],
  ])('INTEGER %s', (value, expected) => {
    expect(hex(integer(value))).toBe(expected);
  });

  it('INTEGER from a number', () => {
    expect(hex(integer(2))).toBe('020102');
    expect(hex(integer(-129))).toBe('0202ff7f');
    expect(() => integer(1.5)).toThrow(RangeError);
  });

  it('INTEGER from a Buffer is an unsigned magnitude', () => {
    expect(hex(integer(Buffer.from([0x00, 0x00, 0x80])))).toBe('02020080');
    expect(hex(integer(Buffer.from([0xff, 0x01])))).toBe('020300ff01');
    expect(hex(integer(Buffer.from([0x7f, 0x01])))).toBe('02027f01');
    expect(hex(integer(Buffer.from([0, 0])))).toBe('020100');
    expect(hex(integer(Buffer.alloc(0)))).toBe('020100');
  });

  it.each([
    ['1.2.840.113549.1.1.11', '06092a864886f70d01010b'],
    ['2.5.4.3', '0603550403'],
    ['1.3.6.1.4.1.311.20.2.3', '060a2b060104018237140203'],
    ['2.999.3', '0603883703'],
    ['0.0', '060100'],
  ])('OID %s', (dotted, expected) => {
    expect(hex(oid(dotted))).toBe(expected);
    expect(decodeOid(readElement(oid(dotted)).content)).toBe(dotted);
  });

  it('rejects malformed OIDs', () => {
    for (const bad of ['1', '3.1', '1.40', '1.2.', '1..2', '1.02', 'a.b']) expect(() => oid(bad)).toThrow(RangeError);
  });

  it.each([
    [0, '00'],
    [127, '7f'],
    [128, '8180'],
    [255, '81ff'],
    [256, '820100'],
    [65535, '82ffff'],
    [65536, '83010000'],
  ])('length %d', (length, expected) => {
    expect(hex(encodeLength(length))).toBe(expected);
  });

  it('uses the long length form in real elements', () => {
    expect(hex(octetString(Buffer.alloc(127))).slice(0, 4)).toBe('047f');
    expect(hex(octetString(Buffer.alloc(200))).slice(0, 6)).toBe('0481c8');
    const big = sequence(octetString(Buffer.alloc(300)));
    expect(hex(big).slice(0, 8)).toBe('30820130'); // 4 + 300 bytes of content
    expect(hex(big).slice(8, 16)).toBe('0482012c');
    expect(readElement(big).content.length).toBe(304);
  });

  it('strings, BOOLEAN, NULL', () => {
    expect(hex(utf8String('é'))).toBe('0c02c3a9');
    expect(hex(printableString('Ab 1'))).toBe('130441622031');
    expect(() => printableString('a@b')).toThrow(RangeError);
    expect(hex(ia5String('a@b'))).toBe('1603614062');
    expect(() => ia5String('é')).toThrow(RangeError);
    expect(hex(boolean(true))).toBe('0101ff');
    expect(hex(boolean(false))).toBe('010100');
    expect(hex(nullValue())).toBe('0500');
  });

  it('UTCTime before 2050, GeneralizedTime from 2050 and before 1950', () => {
    const utc = utcTime(new Date('2049-12-31T23:59:59.999Z'));
    expect(hex(utc).slice(0, 4)).toBe('170d');
    expect(utc.subarray(2).toString()).toBe('491231235959Z');
    expect(time(new Date('2049-12-31T23:59:59Z')).equals(utc)).toBe(true);
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
    expect(time(new Date('1949-06-01T12:00:00Z')).toString('latin1')).toBe('\x18\x0f19490601120000Z');
    expect(time(new Date('1950-01-01T00:00:00Z')).toString('latin1')).toBe('\x17\x0d500101000000Z');
    expect(generalizedTime(new Date('2024-02-29T01:02:03Z')).toString('latin1')).toBe('\x18\x0f20240229010203Z');
    expect(() => utcTime(new Date('2050-01-01T00:00:00Z'))).toThrow(RangeError);
    expect(() => time(new Date(NaN))).toThrow(RangeError);
  });

  it('BIT STRING and named bits drop trailing zero bits', () => {
    expect(hex(bitString(Buffer.from([0xab, 0xcd])))).toBe('030300abcd');
    expect(hex(bitString(Buffer.from([0xff]), 3))).toBe('030203f8');
    expect(hex(namedBits([0, 2]))).toBe('030205a0'); // digitalSignature, keyEncipherment
    expect(hex(namedBits([0, 5, 6]))).toBe('03020186'); // digitalSignature, keyCertSign, cRLSign
    expect(hex(namedBits([7]))).toBe('03020001');
    expect(hex(namedBits([8]))).toBe('0303070080');
    expect(hex(namedBits([]))).toBe('030100');
    expect(() => bitString(Buffer.from([1]), 8)).toThrow(RangeError);
  });

  it('SET OF sorts its elements; SEQUENCE keeps order', () => {
    expect(hex(set(integer(2), integer(1)))).toBe('3106020101020102');
    expect(hex(sequence(integer(2), integer(1)))).toBe('3006020102020101');
    expect(hex(sequence())).toBe('3000');
  });

  it('context-specific tags', () => {
    expect(hex(explicit(0, integer(2)))).toBe('a003020102');
    expect(hex(explicit(3, sequence()))).toBe('a3023000');
    expect(hex(implicit(2, Buffer.from('ab')))).toBe('82026162');
    expect(hex(implicit(0, Buffer.from([5, 0]), true))).toBe('a0020500');
    expect(() => explicit(31, nullValue())).toThrow(RangeError);
  });
});

describe('DER reader', () => {
  it('walks nested elements', () => {
    const encoded = sequence(integer(300n), oid('2.5.4.3'), explicit(0, utf8String('x')));
    const outer = readElement(encoded);
    expect(outer.tag).toBe(0x30);
    const [first, second, third] = readChildren(outer.content);
    expect(first!.content.readUInt16BE(0)).toBe(300);
    expect(decodeOid(second!.content)).toBe('2.5.4.3');
    expect(third!.tag).toBe(0xa0);
    expect(readElement(third!.content).content.toString()).toBe('x');
  });

  it('rejects truncated or indefinite encodings', () => {
    expect(() => readElement(Buffer.from('3005020101', 'hex'))).toThrow(/past the end/);
    expect(() => readElement(Buffer.from('3080', 'hex'))).toThrow(/indefinite/);
    expect(() => readElement(Buffer.from('30', 'hex'))).toThrow(/truncated/);
  });
});

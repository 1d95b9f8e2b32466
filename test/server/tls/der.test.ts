import { application, applicationTag, decodeOid, encodeLength, enumerated, explicit, octetString, oid, readChildren, readElement, sequence } from '../../../src/core/asn1/der';

const hex = (bytes: Buffer): string => bytes.toString('hex');

describe('DER writer', () => {
  it.each([
    [0, '0a0100'],
    [127, '0a017f'],
    [128, '0a020080'],
    [255, '0a0200ff'],
    [256, '0a020100'],
    [32767, '0a027fff'],
    [32768, '0a03008000'],
    [-1, '0a01ff'],
    [-128, '0a0180'],
    [-129, '0a02ff7f'],
  ])('ENUMERATED %s in minimal two’s complement', (value, expected) => {
    expect(hex(enumerated(value))).toBe(expected);
  });

  it('ENUMERATED needs an integer', () => {
    expect(() => enumerated(1.5)).toThrow(RangeError);
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

  it('SEQUENCE keeps order', () => {
    expect(hex(sequence(enumerated(2), enumerated(1)))).toBe('30060a01020a0101');
    expect(hex(sequence())).toBe('3000');
  });

  it('context-specific and application tags', () => {
    expect(hex(explicit(0, enumerated(2)))).toBe('a0030a0102');
    expect(hex(explicit(3, sequence()))).toBe('a3023000');
    expect(hex(application(0, oid('1.3.6.1.5.5.2')))).toBe('600806062b0601050502');
    expect(applicationTag(0)).toBe(0x60);
    expect(() => explicit(31, sequence())).toThrow(RangeError);
  });
});

describe('DER reader', () => {
  it('walks nested elements', () => {
    const encoded = sequence(octetString(Buffer.from([1, 44])), oid('2.5.4.3'), explicit(0, octetString(Buffer.from('x'))));
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

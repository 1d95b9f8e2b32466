/** HMAC-MD5 with MD5's compression in WebAssembly: RFC 2202's vectors and node:crypto on every padding case. */
import { createHmac, randomBytes } from 'node:crypto';
import { HmacMd5, SMALL } from '../../src/core/transport/auth/hmac-md5';
import { md5WasmModule } from '../../src/core/transport/auth/md5-wasm';

const mac = (key: Buffer, prefix: Buffer, message: Buffer): string => {
  const out = Buffer.alloc(16);
  new HmacMd5(key).digestInto(prefix, message, out);
  return out.toString('hex');
};

describe('HmacMd5', () => {
  it('gives the RFC 2202 §2 HMAC-MD5 test vectors', () => {
    expect(mac(Buffer.alloc(16, 0x0b), Buffer.alloc(0), Buffer.from('Hi There'))).toBe('9294727a3638bb1c13f48ef8158bfc9d');
    expect(mac(Buffer.from('Jefe'), Buffer.from('what do ya '), Buffer.from('want for nothing?'))).toBe('750c783e6ab0b503eaa86e310a5db738');
    expect(mac(Buffer.alloc(16, 0xaa), Buffer.alloc(0), Buffer.alloc(50, 0xdd))).toBe('56be34521d144c88dbb8c733f0e8b3f6');
  });

  it('matches node:crypto for every length around the padding boundaries, both sides of SMALL, and a 64-byte key', () => {
    const data = randomBytes(SMALL + 200);
    for (const key of [randomBytes(16), randomBytes(64)]) {
      const hmac = new HmacMd5(key);
      const out = Buffer.alloc(16);
      const lengths = [...Array.from({ length: 200 }, (_, n) => n), 1196, 2930, SMALL - 5, SMALL - 4, SMALL - 3, SMALL + 100];
      for (const length of lengths) {
        const prefix = data.subarray(0, 4);
        const message = data.subarray(4, 4 + length);
        hmac.digestInto(prefix, message, out);
        expect([length, out.toString('hex')]).toEqual([length, createHmac('md5', key).update(prefix).update(message).digest('hex')]);
      }
    }
  });

  it('refuses a key longer than a block (NTLM keys have 16 bytes)', () => {
    expect(() => new HmacMd5(Buffer.alloc(65))).toThrow(RangeError);
  });

  it('is a valid WebAssembly module', () => {
    expect(WebAssembly.validate(md5WasmModule())).toBe(true);
  });
});

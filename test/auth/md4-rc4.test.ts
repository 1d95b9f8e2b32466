/** The two primitives OpenSSL 3 no longer gives Node: MD4 (RFC 1320) and RC4. */
import { md4 } from '../../src/core/transport/auth/md4';
import { Rc4, rc4k } from '../../src/core/transport/auth/rc4';

describe('md4', () => {
  // RFC 1320 appendix A.5, all seven vectors.
  it.each([
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
    ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b'],
    ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', 'e33b4ddc9c38f2199c3e7b164fcc0536'],
  ])('MD4(%j)', (text, digest) => {
    expect(md4(Buffer.from(text, 'latin1')).toString('hex')).toBe(digest);
  });

  it('gives the well-known NT hash of "password" (MD4 of its UTF-16LE form)', () => {
    expect(md4(Buffer.from('password', 'utf16le')).toString('hex')).toBe('8846f7eaee8fb117ad06bdd830b7586c');
  });

  // Lengths around the padding boundaries (55 bytes fit one block with the length, 56 need two);
  // expected digests from OpenSSL's legacy-provider MD4 (`node --openssl-legacy-provider`).
  it.each([
    [55, 'c889c81dd86c4d2e025778944ea02881'],
    [56, 'd5f9a9e9257077a5f08b0b92f348b0ad'],
    [64, '52f5076fabd22680234a3fa9f9dc5732'],
    [119, 'e65dd227ccef97fa1d34d70189120f76'],
    [120, 'b03ddbd470b47c013e0c7ab2ddd763db'],
  ])('pads %i bytes correctly', (length, digest) => {
    expect(md4(Buffer.alloc(length, 0x61)).toString('hex')).toBe(digest);
  });
});

describe('rc4', () => {
  // RFC 6229 §2, 40-bit key 0x0102030405: key stream at offsets 0 and 16 (encrypting zeros yields the stream).
  it('matches RFC 6229 for key 0x0102030405 at offsets 0 and 16', () => {
    const stream = new Rc4(Buffer.from('0102030405', 'hex')).update(Buffer.alloc(32));
    expect(stream.subarray(0, 16).toString('hex')).toBe('b2396305f03dc027ccc3524a0a1118a8');
    expect(stream.subarray(16, 32).toString('hex')).toBe('6982944f18fc82d589c403a47a0d0919');
  });

  it.each([
    ['Key', 'Plaintext', 'bbf316e8d940af0ad3'],
    ['Wiki', 'pedia', '1021bf0420'],
    ['Secret', 'Attack at dawn', '45a01f645fc35b383552544b9bf5'],
  ])('key %j encrypts %j', (key, plaintext, ciphertext) => {
    expect(rc4k(Buffer.from(key), Buffer.from(plaintext)).toString('hex')).toBe(ciphertext);
  });

  it('keeps its key stream across calls, like an NTLM sealing handle', () => {
    const cipher = new Rc4(Buffer.from('Key'));
    const parts = [cipher.update(Buffer.from('Plain')), cipher.update(Buffer.from('text'))];
    expect(Buffer.concat(parts).toString('hex')).toBe('bbf316e8d940af0ad3');
  });

  /** The textbook byte-at-a-time RC4, to check the WebAssembly key stream against at any length. */
  function referenceRc4(key: Buffer, data: Buffer): Buffer {
    const state = Array.from({ length: 256 }, (_, n) => n);
    for (let n = 0, k = 0; n < 256; n++) {
      k = (k + state[n]! + key[n % key.length]!) & 0xff;
      [state[n], state[k]] = [state[k]!, state[n]!];
    }
    const out = Buffer.alloc(data.length);
    for (let n = 0, i = 0, j = 0; n < data.length; n++) {
      i = (i + 1) & 0xff;
      j = (j + state[i]!) & 0xff;
      [state[i], state[j]] = [state[j]!, state[i]!];
      out[n] = data[n]! ^ state[(state[i]! + state[j]!) & 0xff]!;
    }
    return out;
  }

  it('agrees with the textbook loop across chunk boundaries and odd lengths, in place too', () => {
    const key = Buffer.from('0123456789abcdef');
    const data = Buffer.from(Array.from({ length: 150_007 }, (_, n) => (n * 31 + 7) & 0xff));
    const expected = referenceRc4(key, data);
    const cipher = new Rc4(key);
    const parts = [1, 2, 3, 65_536, 65_539, 5].reduce<Buffer[]>((done, length) => {
      const at = done.reduce((sum, part) => sum + part.length, 0);
      return [...done, cipher.update(data.subarray(at, at + length))];
    }, []);
    parts.push(cipher.update(data.subarray(parts.reduce((sum, part) => sum + part.length, 0))));
    expect(Buffer.concat(parts).equals(expected)).toBe(true);
    const inPlace = Buffer.from(data);
    new Rc4(key).updateInto(inPlace, inPlace);
    expect(inPlace.equals(expected)).toBe(true);
  });

  it('keeps each cipher its own key stream when several take turns (the state held in the module follows the cipher in use)', () => {
    const keys = [Buffer.from('first key'), Buffer.from('second key'), Buffer.from('third')];
    const data = Buffer.from(Array.from({ length: 4000 }, (_, n) => (n * 13 + 1) & 0xff));
    const ciphers = keys.map((key) => new Rc4(key));
    const outputs = keys.map(() => [] as Buffer[]);
    // Uneven turns, a cipher often running twice in a row (as a signature follows its ciphertext).
    const turns = [0, 0, 1, 2, 1, 1, 0, 2, 2, 0, 1, 2];
    const taken = keys.map(() => 0);
    for (const [turn, n] of turns.entries()) {
      const length = 1 + ((turn * 97) % 700);
      outputs[n]!.push(ciphers[n]!.update(data.subarray(taken[n]!, taken[n]! + length)));
      taken[n]! += length;
    }
    keys.forEach((key, n) => expect(Buffer.concat(outputs[n]!).equals(referenceRc4(key, data.subarray(0, taken[n]!)))).toBe(true));
  });

  it('gives the same key stream when some of it was made ahead (prepare), whatever the split between made-ahead and made-now', () => {
    const key = Buffer.from('ahead of time');
    const data = Buffer.from(Array.from({ length: 200_000 }, (_, n) => (n * 29 + 3) & 0xff));
    const expected = referenceRc4(key, data);
    const cipher = new Rc4(key);
    const other = new Rc4(Buffer.from('another cipher taking the module between calls'));
    const parts: Buffer[] = [];
    let at = 0;
    // Messages shorter, equal and longer than what was made ahead; a prepare that is already covered; one past the chunk size; the 8-byte checksum path.
    const steps: readonly [prepared: number, length: number][] = [[100, 40], [0, 60], [50, 8], [3000, 2930], [10, 10], [8, 9], [70_000, 70_003], [2000, 1], [1, 5000], [0, 33], [40, 32]];
    for (const [prepared, length] of steps) {
      if (prepared > 0) cipher.prepare(prepared);
      other.update(Buffer.alloc(17));
      parts.push(cipher.update(data.subarray(at, at + length)));
      at += length;
    }
    expect(Buffer.concat(parts).equals(expected.subarray(0, at))).toBe(true);
    const inPlace = Buffer.from(data.subarray(at, at + 4000));
    cipher.prepare(1000);
    cipher.updateInto(inPlace, inPlace);
    expect(inPlace.equals(expected.subarray(at, at + 4000))).toBe(true);
  });

  it('refuses an empty key', () => {
    expect(() => new Rc4(Buffer.alloc(0))).toThrow(RangeError);
  });
});

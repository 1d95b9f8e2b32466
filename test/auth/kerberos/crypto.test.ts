/**
 * Kerberos crypto on the published vectors: RFC 3961 A.1 (n-fold), RFC 3962 appendix B (AES-CTS
 * and PBKDF2 string-to-key), RFC 8009 appendix A (KDF, checksums, encryptions, string-to-key), and
 * keys MIT krb5's ktutil derives for the same password and salt (the RFCs give rc4-hmac and the
 * default iteration counts no vectors).
 */
import { decryptCts, encryptCts } from '../../../src/core/transport/auth/kerberos/crypto/aes-cts';
import { aes128CtsHmacSha196, aes256CtsHmacSha196 } from '../../../src/core/transport/auth/kerberos/crypto/aes-sha1';
import { aes128CtsHmacSha256128, aes256CtsHmacSha384192, kdfHmacSha2 } from '../../../src/core/transport/auth/kerberos/crypto/aes-sha2';
import { usageConstant, type EncryptionType } from '../../../src/core/transport/auth/kerberos/crypto/encryption-type';
import { ENCRYPTION_TYPES, encryptionType, encryptionTypeNamed } from '../../../src/core/transport/auth/kerberos/crypto/encryption-types';
import { nfold } from '../../../src/core/transport/auth/kerberos/crypto/nfold';
import { rc4Hmac } from '../../../src/core/transport/auth/kerberos/crypto/rc4-hmac';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const iterations = (count: number): Buffer => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(count);
  return bytes;
};

describe('RFC 3961 A.1 n-fold', () => {
  it.each([
    ['012345', 64, 'be072631276b1955'],
    ['password', 56, '78a07b6caf85fa'],
    ['Rough Consensus, and Running Code', 64, 'bb6ed30870b7f0e0'],
    ['password', 168, '59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e'],
    ['MASSACHVSETTS INSTITVTE OF TECHNOLOGY', 192, 'db3b0d8f0b061e603282b308a50841229ad798fab9540c1b'],
    ['Q', 168, '518a54a215a8452a518a54a215a8452a518a54a215'],
    ['ba', 168, 'fb25d531ae8974499f52fd92ea9857c4ba24cf297e'],
    ['kerberos', 64, '6b65726265726f73'],
    ['kerberos', 128, '6b65726265726f737b9b5b2b93132b93'],
    ['kerberos', 168, '8372c236344e5f1550cd0747e15d62ca7a5a3bcea4'],
    ['kerberos', 256, '6b65726265726f737b9b5b2b93132b935c9bdcdad95c9899c4cae4dee6d6cae4'],
  ])('%s folded to %i bits', (input, bits, expected) => {
    expect(nfold(Buffer.from(input, 'latin1'), bits / 8).toString('hex')).toBe(expected);
  });
});

describe('RFC 3962 B AES-CTS (key "chicken teriyaki", zero IV)', () => {
  const key = Buffer.from('chicken teriyaki', 'latin1');
  const text = Buffer.from("I would like the General Gau's Chicken, please, and wonton soup.", 'latin1');
  it.each([
    [17, 'c6353568f2bf8cb4d8a580362da7ff7f97'],
    [31, 'fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5'],
    [32, '39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584'],
    [47, '97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e39312523a78662d5be7fcbcc98ebf5'],
    [48, '97687268d6ecccc0c07b25e25ecfe5849dad8bbb96c4cdc03bc103e1a194bbd839312523a78662d5be7fcbcc98ebf5a8'],
    [64, '97687268d6ecccc0c07b25e25ecfe58439312523a78662d5be7fcbcc98ebf5a84807efe836ee89a526730dbc2f7bc8409dad8bbb96c4cdc03bc103e1a194bbd8'],
  ])('%i bytes encrypt and decrypt', (length, expected) => {
    const plaintext = text.subarray(0, length);
    expect(encryptCts(key, plaintext).toString('hex')).toBe(expected);
    expect(decryptCts(key, hex(expected))).toEqual(plaintext);
  });

  it('refuses less than one block', () => {
    expect(() => encryptCts(key, Buffer.alloc(15))).toThrow(RangeError);
    expect(() => decryptCts(key, Buffer.alloc(15))).toThrow(RangeError);
  });
});

describe('RFC 3962 B string-to-key (PBKDF2-HMAC-SHA1, DK "kerberos")', () => {
  it.each([
    [1, 'password', 'ATHENA.MIT.EDUraeburn', '42263c6e89f4fc28b8df68ee09799f15', 'fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161'],
    [2, 'password', 'ATHENA.MIT.EDUraeburn', 'c651bf29e2300ac27fa469d693bdda13', 'a2e16d16b36069c135d5e9d2e25f896102685618b95914b467c67622225824ff'],
    [1200, 'password', 'ATHENA.MIT.EDUraeburn', '4c01cd46d632d01e6dbe230a01ed642a', '55a6ac740ad17b4846941051e1e8b0a7548d93b0ab30a8bc3ff16280382b8c2a'],
    [1200, 'X'.repeat(64), 'pass phrase equals block size', '59d1bb789a828b1aa54ef9c2883f69ed', '89adee3608db8bc71f1bfbfe459486b05618b70cbae22092534e56c553ba4b34'],
    [1200, 'X'.repeat(65), 'pass phrase exceeds block size', 'cb8005dc5f90179a7f02104c0018751d', 'd78c5c9cb872a8c9dad4697f0bb5b2d21496c82beb2caeda2112fceea057401b'],
    [50, '\u{1d11e}', 'EXAMPLE.COMpianist', 'f149c1f2e154a73452d43e7fe62a56e5', '4b6d9839f84406df1f09cc166db4b83c571848b784a3d6bdc346589a3e393f9e'],
  ])('%i iterations of %j', (count, password, salt, key128, key256) => {
    expect(aes128CtsHmacSha196.stringToKey(password, salt, iterations(count)).toString('hex')).toBe(key128);
    expect(aes256CtsHmacSha196.stringToKey(password, salt, iterations(count)).toString('hex')).toBe(key256);
  });

  it('binary salt', () => {
    const salt = hex('1234567878563412');
    expect(aes128CtsHmacSha196.stringToKey('password', salt, iterations(5)).toString('hex')).toBe('e9b23d52273747dd5c35cb55be619d8e');
    expect(aes256CtsHmacSha196.stringToKey('password', salt, iterations(5)).toString('hex')).toBe('97a4e786be20d81a382d5ebc96d5909cabcdadc87ca48f574504159f16c36e31');
  });
});

describe('RFC 8009 A', () => {
  const base128 = hex('3705d96080c17728a0e800eab6e0d23c');
  const base256 = hex('6d404d37faf79f9df0d33568d320669800eb4836472ea8a026d16b7182460c52');

  it('string-to-key (32768 iterations, salt prefixed with the type name)', () => {
    const salt = Buffer.concat([hex('10df9dd783e5bc8acea1730e74355f61'), Buffer.from('ATHENA.MIT.EDUraeburn', 'latin1')]);
    expect(aes128CtsHmacSha256128.stringToKey('password', salt, iterations(32768)).toString('hex')).toBe('089bca48b105ea6ea77ca5d2f39dc5e7');
    expect(aes256CtsHmacSha384192.stringToKey('password', salt).toString('hex')).toBe('45bd806dbf6a833a9cffc1c94589a222367a79bc21c413718906e9f578a78467');
  });

  it('key derivation (usage 2)', () => {
    expect(kdfHmacSha2('sha256', base128, usageConstant(2, 0x99), 16).toString('hex')).toBe('b31a018a48f54776f403e9a396325dc3');
    expect(kdfHmacSha2('sha256', base128, usageConstant(2, 0xaa), 16).toString('hex')).toBe('9b197dd1e8c5609d6e67c3e37c62c72e');
    expect(kdfHmacSha2('sha256', base128, usageConstant(2, 0x55), 16).toString('hex')).toBe('9fda0e56ab2d85e1569a688696c26a6c');
    expect(kdfHmacSha2('sha384', base256, usageConstant(2, 0x99), 24).toString('hex')).toBe('ef5718be86cc84963d8bbb5031e9f5c4ba41f28faf69e73d');
    expect(kdfHmacSha2('sha384', base256, usageConstant(2, 0xaa), 32).toString('hex')).toBe('56ab22bee63d82d7bc5227f6773f8ea7a5eb1c825160c38312980c442e5c7e49');
    expect(kdfHmacSha2('sha384', base256, usageConstant(2, 0x55), 24).toString('hex')).toBe('69b16514e3cd8e56b82010d5c73012b622c4d00ffc23ed1f');
  });

  it('checksums (usage 2)', () => {
    const data = hex('000102030405060708090a0b0c0d0e0f1011121314');
    expect(aes128CtsHmacSha256128.checksum(base128, 2, data).toString('hex')).toBe('d78367186643d67b411cba9139fc1dee');
    expect(aes256CtsHmacSha384192.checksum(base256, 2, data).toString('hex')).toBe('45ee791567eefca37f4ac1e0222de80d43c3bfa06699672a');
  });

  const plaintexts = ['', '000102030405', '000102030405060708090a0b0c0d0e0f', '000102030405060708090a0b0c0d0e0f1011121314'];
  it.each([
    [aes128CtsHmacSha256128, base128, 0, '7e5895eaf2672435bad817f545a37148', 'ef85fb890bb8472f4dab20394dca781dad877eda39d50c870c0d5a0a8e48c718'],
    [aes128CtsHmacSha256128, base128, 1, '7bca285e2fd4130fb55b1a5c83bc5b24', '84d7f30754ed987bab0bf3506beb09cfb55402cef7e6877ce99e247e52d16ed4421dfdf8976c'],
    [aes128CtsHmacSha256128, base128, 2, '56ab21713ff62c0a1457200f6fa9948f', '3517d640f50ddc8ad3628722b3569d2ae07493fa8263254080ea65c1008e8fc295fb4852e7d83e1e7c48c37eebe6b0d3'],
    [aes128CtsHmacSha256128, base128, 3, 'a7a4e29a4728ce10664fb64e49ad3fac', '720f73b18d9859cd6ccb4346115cd336c70f58edc0c4437c5573544c31c813bce1e6d072c186b39a413c2f92ca9b8334a287ffcbfc'],
    [aes256CtsHmacSha384192, base256, 0, 'f764e9fa15c276478b2c7d0c4e5f58e4', '41f53fa5bfe7026d91faf9be959195a058707273a96a40f0a01960621ac612748b9bbfbe7eb4ce3c'],
    [aes256CtsHmacSha384192, base256, 1, 'b80d3251c1f6471494256ffe712d0b9a', '4ed7b37c2bcac8f74f23c1cf07e62bc7b75fb3f637b9f559c7f664f69eab7b6092237526ea0d1f61cb20d69d10f2'],
    [aes256CtsHmacSha384192, base256, 2, '53bf8a0d105265d4e276428624ce5e63', 'bc47ffec7998eb91e8115cf8d19dac4bbbe2e163e87dd37f49beca92027764f68cf51f14d798c2273f35df574d1f932e40c4ff255b36a266'],
    [aes256CtsHmacSha384192, base256, 3, '763e65367e864f02f55153c7e3b58af1', '40013e2df58e8751957d2878bcd2d6fe101ccfd556cb1eae79db3c3ee86429f2b2a602ac86fef6ecb647d6295fae077a1feb517508d2c16b4192e01f62'],
  ])('encryption %#', (type, key, which, confounder, expected) => {
    const plaintext = hex(plaintexts[which]!);
    expect(type.encrypt(key, 2, plaintext, hex(confounder)).toString('hex')).toBe(expected);
    expect(type.decrypt(key, 2, hex(expected))).toEqual(plaintext);
  });
});

describe('keys MIT ktutil derives (password "password", salt ATHENA.MIT.EDUraeburn, default iterations)', () => {
  it.each([
    ['aes128-cts-hmac-sha1-96', 'fca822951813fb252154c883f5ee1cf4'],
    ['aes256-cts-hmac-sha1-96', '01b897121d933ab44b47eb5494db15e50eb74530dbdae9b634d65020ff5d88c1'],
    ['aes128-cts-hmac-sha256-128', '07167b48b9efb5b5ef6184275e0234bb'],
    ['aes256-cts-hmac-sha384-192', 'af5c070697df902d6fe24582e5c47a91286cfc6b7bd29f52abfc412aafa37361'],
    ['arcfour-hmac', '8846f7eaee8fb117ad06bdd830b7586c'],
  ])('%s', (name, key) => {
    expect(encryptionTypeNamed(name)!.stringToKey('password', 'ATHENA.MIT.EDUraeburn').toString('hex')).toBe(key);
  });
});

describe('every encryption type', () => {
  const plaintext = Buffer.from('<s:Envelope>sealed</s:Envelope>');
  const keyOf = (type: EncryptionType): Buffer => type.stringToKey('pass', 'REALM.TESTuser', type.name.startsWith('aes') ? iterations(3) : undefined);

  it.each(ENCRYPTION_TYPES.map((type) => [type.name, type] as const))('%s round-trips, detects tampering and a wrong usage', (_name, type) => {
    const key = keyOf(type);
    for (const length of [0, 1, 15, 16, 17, 100]) {
      const data = plaintext.subarray(0, Math.min(length, plaintext.length));
      const sealed = type.encrypt(key, 24, data);
      expect(sealed).toHaveLength(data.length + type.confounderLength + type.trailerLength + (type.trailerLength === 0 ? type.checksumLength : 0));
      expect(type.decrypt(key, 24, sealed)).toEqual(data);
    }
    const sealed = type.encrypt(key, 24, plaintext);
    for (const index of [0, 20, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[index]! ^= 1;
      expect(() => type.decrypt(key, 24, tampered)).toThrow(expect.objectContaining({ hresult: 0x8009030f }));
    }
    expect(() => type.decrypt(key, 22, sealed)).toThrow(expect.objectContaining({ hresult: 0x8009030f }));
    expect(() => type.decrypt(key, 24, sealed.subarray(0, 10))).toThrow(expect.objectContaining({ hresult: 0x8009030f }));
  });

  it.each(ENCRYPTION_TYPES.map((type) => [type.name, type] as const))('%s checksums are keyed and verified', (_name, type) => {
    const key = keyOf(type);
    const checksum = type.checksum(key, 25, plaintext);
    expect(checksum).toHaveLength(type.checksumLength);
    expect(() => type.verifyChecksum(key, 25, plaintext, checksum)).not.toThrow();
    expect(() => type.verifyChecksum(key, 23, plaintext, checksum)).toThrow(expect.objectContaining({ hresult: 0x8009030f }));
    expect(() => type.verifyChecksum(key, 25, Buffer.from('other'), checksum)).toThrow(expect.objectContaining({ hresult: 0x8009030f }));
  });

  it('refuses keys of the wrong length, and the error names no key', () => {
    for (const type of ENCRYPTION_TYPES) {
      expect(() => type.encrypt(Buffer.alloc(type.keyLength + 1), 1, plaintext)).toThrow(/needs a \d+-byte key/);
    }
  });

  it('looks types up by number and by krb5.conf name', () => {
    expect(encryptionType(18)).toBe(aes256CtsHmacSha196);
    expect(encryptionType(23)).toBe(rc4Hmac);
    expect(encryptionType(3)).toBeUndefined();
    expect(encryptionTypeNamed('AES256-CTS')).toBe(aes256CtsHmacSha196);
    expect(encryptionTypeNamed('arcfour-hmac-md5')).toBe(rc4Hmac);
  });
});

describe('rc4-hmac (RFC 4757)', () => {
  const key = hex('8846f7eaee8fb117ad06bdd830b7586c');

  it('puts the HMAC-MD5 checksum first and RC4-encrypts confounder and data', () => {
    const sealed = rc4Hmac.encrypt(key, 7, Buffer.from('data'), Buffer.alloc(8, 1));
    expect(sealed).toHaveLength(16 + 8 + 4);
    expect(rc4Hmac.decrypt(key, 7, sealed)).toEqual(Buffer.from('data'));
  });

  it('uses message type 8 for usage 3 (AS-REP), as Windows does', () => {
    const confounder = Buffer.alloc(8, 2);
    expect(rc4Hmac.encrypt(key, 3, Buffer.from('x'), confounder)).toEqual(rc4Hmac.encrypt(key, 8, Buffer.from('x'), confounder));
    expect(rc4Hmac.encrypt(key, 3, Buffer.from('x'), confounder)).not.toEqual(rc4Hmac.encrypt(key, 9, Buffer.from('x'), confounder));
  });
});

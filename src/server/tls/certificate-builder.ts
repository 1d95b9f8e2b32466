/**
 * X.509 v3 certificates (RFC 5280) built with our own DER writer: self-signed or issued by a given CA, with
 * RSA keys from node:crypto and a SHA-256 signature. Enough for the endpoint's HTTPS listener and for
 * client-certificate authentication tests; not a general-purpose CA.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import {
  bitString,
  boolean,
  decodeOid,
  explicit,
  ia5String,
  implicit,
  integer,
  namedBits,
  nullValue,
  octetString,
  oid,
  readChildren,
  readElement,
  sequence,
  set,
  Tag,
  time,
  utf8String,
} from '../../core/asn1/der';

export interface CertificateRequest {
  subject: { commonName: string; organization?: string };
  /** The issuing CA; absent = self-signed. */
  issuer?: { certificatePem: string; privateKeyPem: string };
  /** IPv4 and IPv6 addresses go in `ip`. */
  subjectAltNames?: { dns?: string[]; ip?: string[] };
  extendedKeyUsage?: ('serverAuth' | 'clientAuth')[];
  isCertificateAuthority?: boolean;
  /** Default: one hour ago (tolerates clock skew). */
  validFrom?: Date;
  /** Default 825 (the longest lifetime browsers accept for TLS server certificates). */
  validDays?: number;
  /** An otherName UPN SAN (1.3.6.1.4.1.311.20.2.3, UTF8String): Windows maps client certificates to users by UPN. */
  upnName?: string;
  /** RSA modulus size; default 2048. */
  keyBits?: number;
}

export interface IssuedCertificate {
  certificatePem: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SHA-1 of the DER certificate, upper-case hex without separators, like Windows shows it. */
  thumbprint: string;
}

const OID = {
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extendedKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  userPrincipalName: '1.3.6.1.4.1.311.20.2.3',
} as const;

/** KeyUsage bit numbers (RFC 5280 4.2.1.3). */
const KeyUsageBit = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export function issueCertificate(request: CertificateRequest): IssuedCertificate {
  const commonName = request.subject.commonName;
  if (typeof commonName !== 'string' || commonName.length === 0) throw new Error('A certificate needs a subject common name.');
  const validFrom = new Date(Math.floor((request.validFrom ?? new Date(Date.now() - 60 * 60 * 1000)).getTime() / 1000) * 1000);
  const validDays = request.validDays ?? 825;
  if (Number.isNaN(validFrom.getTime())) throw new Error('validFrom is not a valid date.');
  if (!(validDays > 0) || !Number.isFinite(validDays)) throw new Error(`validDays must be a positive number: ${validDays}`);
  const validTo = new Date(validFrom.getTime() + Math.round(validDays * DAY_MS));

  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: request.keyBits ?? 2048 });
  const subjectPublicKeyInfo = publicKey.export({ type: 'spki', format: 'der' });
  const subjectKeyId = keyIdentifier(subjectPublicKeyInfo);
  const subjectName = distinguishedName(request.subject);

  const issuer = request.issuer ? loadIssuer(request.issuer) : undefined;
  const signingKey = issuer?.privateKey ?? privateKey;
  const signatureAlgorithm = signatureAlgorithmFor(signingKey);

  const isCA = request.isCertificateAuthority === true;
  const extensions: Buffer[] = [
    extension(OID.basicConstraints, isCA, isCA ? sequence(boolean(true)) : sequence()),
    extension(
      OID.keyUsage,
      true,
      namedBits(
        isCA
          ? [KeyUsageBit.digitalSignature, KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign]
          : [KeyUsageBit.digitalSignature, KeyUsageBit.keyEncipherment],
      ),
    ),
  ];
  if (request.extendedKeyUsage?.length) {
    const purposes = [...new Set(request.extendedKeyUsage)].map((purpose) => {
      if (purpose !== 'serverAuth' && purpose !== 'clientAuth') throw new Error(`unknown extended key usage: ${String(purpose)}`);
      return oid(OID[purpose]);
    });
    extensions.push(extension(OID.extendedKeyUsage, false, sequence(...purposes)));
  }
  const generalNames = subjectAltNames(request);
  // With an empty subject a SAN would have to be critical; ours always has a CN, so it is not.
  if (generalNames.length > 0) extensions.push(extension(OID.subjectAltName, false, sequence(...generalNames)));
  extensions.push(extension(OID.subjectKeyIdentifier, false, octetString(subjectKeyId)));
  if (issuer) extensions.push(extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, issuer.keyId))));

  const tbsCertificate = sequence(
    explicit(0, integer(2)), // v3
    integer(serialNumber()),
    signatureAlgorithm,
    issuer?.subjectName ?? subjectName,
    sequence(time(validFrom), time(validTo)),
    subjectName,
    subjectPublicKeyInfo,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbsCertificate, signingKey);
  const certificate = sequence(tbsCertificate, signatureAlgorithm, bitString(signature));

  return {
    certificatePem: toPem('CERTIFICATE', certificate),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    thumbprint: thumbprintOf(certificate),
  };
}

/** SHA-1 of a DER certificate as upper-case hex, the form Windows shows (and `Cert:\` paths use). */
export function thumbprintOf(certificateDer: Buffer): string {
  return createHash('sha1').update(certificateDer).digest('hex').toUpperCase();
}

export function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * The 16 to 4 bytes of an IPv6 or IPv4 address as a SAN iPAddress carries them. Accepts '[::1]' brackets,
 * '::' compression and an embedded dotted quad ('::ffff:10.0.0.1'); rejects zone ids.
 */
export function ipAddressBytes(address: string): Buffer {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(text)) return Buffer.from(text.split('.').map(Number));
  if (!isIPv6(text) || text.includes('%')) throw new Error(`not an IP address: '${address}'`);
  // An embedded dotted quad ('::ffff:10.0.0.1') becomes its two hex groups.
  const groups = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_match, a: string, b: string, c: string, d: string) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
  );
  const parse = (part: string): number[] => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const halves = groups.split('::');
  const left = parse(halves[0]!);
  const right = halves.length > 1 ? parse(halves[1]!) : [];
  const words = halves.length > 1 ? [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right] : left;
  if (words.length !== 8 || words.some((word) => !(word >= 0 && word <= 0xffff))) throw new Error(`not an IP address: '${address}'`);
  const bytes = Buffer.alloc(16);
  words.forEach((word, index) => bytes.writeUInt16BE(word, index * 2));
  return bytes;
}

// ---- pieces ----

function distinguishedName(subject: CertificateRequest['subject']): Buffer {
  const rdns: Buffer[] = [];
  if (subject.organization) rdns.push(set(sequence(oid(OID.organizationName), utf8String(subject.organization))));
  rdns.push(set(sequence(oid(OID.commonName), utf8String(subject.commonName))));
  return sequence(...rdns);
}

function extension(extnId: string, critical: boolean, value: Buffer): Buffer {
  // critical BOOLEAN DEFAULT FALSE: DER leaves out a default value.
  return critical ? sequence(oid(extnId), boolean(true), octetString(value)) : sequence(oid(extnId), octetString(value));
}

function subjectAltNames(request: CertificateRequest): Buffer[] {
  const names: Buffer[] = [];
  if (request.upnName !== undefined) {
    if (request.upnName.length === 0) throw new Error('upnName must not be empty.');
    // otherName [0] IMPLICIT SEQUENCE { type-id OID, value [0] EXPLICIT ANY }
    names.push(implicit(0, Buffer.concat([oid(OID.userPrincipalName), explicit(0, utf8String(request.upnName))]), true));
  }
  for (const dns of request.subjectAltNames?.dns ?? []) {
    if (!/^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/.test(dns)) {
      throw new Error(`not a DNS name for a certificate: '${dns}'`);
    }
    names.push(implicit(2, ia5String(dns).subarray(2))); // dNSName [2] IMPLICIT IA5String
  }
  for (const ip of request.subjectAltNames?.ip ?? []) {
    names.push(implicit(7, ipAddressBytes(ip))); // iPAddress [7] IMPLICIT OCTET STRING
  }
  return names;
}

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's value. */
function keyIdentifier(subjectPublicKeyInfo: Buffer): Buffer {
  const [, subjectPublicKey] = readChildren(readElement(subjectPublicKeyInfo).content);
  if (!subjectPublicKey || subjectPublicKey.tag !== Tag.BIT_STRING) throw new Error('malformed SubjectPublicKeyInfo');
  return createHash('sha1').update(subjectPublicKey.content.subarray(1)).digest();
}

function signatureAlgorithmFor(key: KeyObject): Buffer {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`The issuer's ${key.asymmetricKeyType ?? 'unknown'} key is not supported: sha256WithRSAEncryption needs an RSA key.`);
  }
  return sequence(oid(OID.sha256WithRSAEncryption), nullValue());
}

interface Issuer {
  readonly privateKey: KeyObject;
  /** The issuer certificate's subject Name, byte for byte: chain building compares names. */
  readonly subjectName: Buffer;
  readonly keyId: Buffer;
}

function loadIssuer(issuer: NonNullable<CertificateRequest['issuer']>): Issuer {
  let certificate: X509Certificate;
  let privateKey: KeyObject;
  try {
    certificate = new X509Certificate(issuer.certificatePem);
  } catch (error) {
    throw new Error(`The issuer certificate does not parse: ${(error as Error).message}`);
  }
  try {
    privateKey = createPrivateKey(issuer.privateKeyPem);
  } catch (error) {
    throw new Error(`The issuer private key does not parse: ${(error as Error).message}`);
  }
  if (!certificate.checkPrivateKey(privateKey)) throw new Error('The issuer private key does not belong to the issuer certificate.');
  if (!certificate.ca) throw new Error(`The issuer certificate (${certificate.subject.replace(/\n/g, ', ')}) is not a certificate authority.`);

  const tbs = readChildren(readElement(certificate.raw).content)[0];
  if (!tbs) throw new Error('malformed issuer certificate');
  const fields = readChildren(tbs.content);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version is absent in v1 certificates
  const subjectName = fields[offset + 4];
  const spki = fields[offset + 5];
  if (!subjectName || subjectName.tag !== Tag.SEQUENCE || !spki) throw new Error('malformed issuer certificate');
  // The authority key identifier must repeat the issuer's own subject key identifier when it has one.
  const keyId = existingSubjectKeyId(fields.slice(offset + 6)) ?? keyIdentifier(createPublicKey(certificate.publicKey).export({ type: 'spki', format: 'der' }));
  return { privateKey, subjectName: Buffer.from(subjectName.encoded), keyId };
}

function existingSubjectKeyId(optionalFields: { tag: number; content: Buffer }[]): Buffer | undefined {
  const wrapper = optionalFields.find((field) => field.tag === 0xa3); // [3] extensions
  if (!wrapper) return undefined;
  for (const ext of readChildren(readElement(wrapper.content).content)) {
    const [extnId, ...rest] = readChildren(ext.content);
    if (extnId?.tag !== Tag.OID || decodeOid(extnId.content) !== OID.subjectKeyIdentifier) continue;
    const value = rest[rest.length - 1];
    if (value?.tag !== Tag.OCTET_STRING) return undefined;
    const keyId = readElement(value.content);
    return keyId.tag === Tag.OCTET_STRING ? Buffer.from(keyId.content) : undefined;
  }
  return undefined;
}

/** Positive, exactly 16 bytes (top bit clear, next bit set), 126 random bits. */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes;
}

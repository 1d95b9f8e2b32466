/**
 * X.509 v3 certificates (RFC 5280) declared with @peculiar/asn1-x509 (the project's ASN.1 schema
 * layer, as for Kerberos): self-signed or issued by a given CA, with RSA keys from node:crypto and a
 * SHA-256 signature. Enough for the endpoint's HTTPS listener and for client-certificate
 * authentication tests; not a general-purpose CA.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { AsnParser, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  OtherName,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';

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
  const subjectPublicKeyInfo = AsnParser.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  const subjectKeyId = keyIdentifier(subjectPublicKeyInfo);
  const subjectName = distinguishedName(request.subject);

  const issuer = request.issuer ? loadIssuer(request.issuer) : undefined;
  const signingKey = issuer?.privateKey ?? privateKey;
  const signatureAlgorithm = signatureAlgorithmFor(signingKey);

  const isCA = request.isCertificateAuthority === true;
  const keyUsage = isCA
    ? KeyUsageFlags.digitalSignature | KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign
    : KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment;
  const extensions: Extension[] = [
    extension(OID.basicConstraints, isCA, new BasicConstraints({ cA: isCA })),
    extension(OID.keyUsage, true, new KeyUsage(keyUsage)),
  ];
  if (request.extendedKeyUsage?.length) {
    const purposes = [...new Set(request.extendedKeyUsage)].map((purpose) => {
      if (purpose !== 'serverAuth' && purpose !== 'clientAuth') throw new Error(`unknown extended key usage: ${String(purpose)}`);
      return OID[purpose];
    });
    extensions.push(extension(OID.extendedKeyUsage, false, new ExtendedKeyUsage(purposes)));
  }
  const generalNames = subjectAltNames(request);
  // With an empty subject a SAN would have to be critical; ours always has a CN, so it is not.
  if (generalNames.length > 0) extensions.push(extension(OID.subjectAltName, false, new SubjectAlternativeName(generalNames)));
  extensions.push(extension(OID.subjectKeyIdentifier, false, new SubjectKeyIdentifier(subjectKeyId)));
  if (issuer) extensions.push(extension(OID.authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(issuer.keyId) })));

  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialNumber(),
    signature: signatureAlgorithm,
    issuer: issuer?.subjectName ?? subjectName,
    validity: new Validity({ notBefore: validFrom, notAfter: validTo }),
    subject: subjectName,
    subjectPublicKeyInfo,
    extensions: new Extensions(extensions),
  });
  const signature = sign('sha256', Buffer.from(AsnSerializer.serialize(tbsCertificate)), signingKey);
  const certificate = Buffer.from(AsnSerializer.serialize(new Certificate({ tbsCertificate, signatureAlgorithm, signatureValue: toArrayBuffer(signature) })));

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

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}

function distinguishedName(subject: CertificateRequest['subject']): Name {
  const rdn = (type: string, value: string): RelativeDistinguishedName =>
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  const rdns: RelativeDistinguishedName[] = [];
  if (subject.organization) rdns.push(rdn(OID.organizationName, subject.organization));
  rdns.push(rdn(OID.commonName, subject.commonName));
  return new Name(rdns);
}

function extension(extnID: string, critical: boolean, value: object): Extension {
  // critical BOOLEAN DEFAULT FALSE: the schema leaves out a default value.
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnSerializer.serialize(value)) });
}

/** The text form asn1-x509 encodes iPAddress from: dotted quad, or eight uncompressed hex groups. */
function ipText(address: string): string {
  const bytes = ipAddressBytes(address);
  if (bytes.length === 4) return [...bytes].join('.');
  return Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16)).join(':');
}

function subjectAltNames(request: CertificateRequest): GeneralName[] {
  const names: GeneralName[] = [];
  if (request.upnName !== undefined) {
    if (request.upnName.length === 0) throw new Error('upnName must not be empty.');
    // otherName { type-id, value [0] EXPLICIT UTF8String }
    const value = new asn1js.Utf8String({ value: request.upnName }).toBER(false);
    names.push(new GeneralName({ otherName: new OtherName({ typeId: OID.userPrincipalName, value }) }));
  }
  for (const dns of request.subjectAltNames?.dns ?? []) {
    if (!/^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/.test(dns)) {
      throw new Error(`not a DNS name for a certificate: '${dns}'`);
    }
    names.push(new GeneralName({ dNSName: dns }));
  }
  for (const ip of request.subjectAltNames?.ip ?? []) names.push(new GeneralName({ iPAddress: ipText(ip) }));
  return names;
}

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's value. */
function keyIdentifier(subjectPublicKeyInfo: SubjectPublicKeyInfo): Buffer {
  return createHash('sha1').update(Buffer.from(subjectPublicKeyInfo.subjectPublicKey)).digest();
}

function signatureAlgorithmFor(key: KeyObject): AlgorithmIdentifier {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`The issuer's ${key.asymmetricKeyType ?? 'unknown'} key is not supported: sha256WithRSAEncryption needs an RSA key.`);
  }
  return new AlgorithmIdentifier({ algorithm: OID.sha256WithRSAEncryption, parameters: null });
}

interface Issuer {
  readonly privateKey: KeyObject;
  /** The issuer certificate's subject Name: chain building compares names. */
  readonly subjectName: Name;
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

  let tbs: TBSCertificate;
  try {
    tbs = AsnParser.parse(certificate.raw, Certificate).tbsCertificate;
  } catch {
    throw new Error('malformed issuer certificate');
  }
  // The authority key identifier must repeat the issuer's own subject key identifier when it has one.
  const keyId = existingSubjectKeyId(tbs.extensions) ?? keyIdentifier(AsnParser.parse(createPublicKey(certificate.publicKey).export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo));
  return { privateKey, subjectName: tbs.subject, keyId };
}

function existingSubjectKeyId(extensions: Extensions | undefined): Buffer | undefined {
  const found = extensions?.find((ext) => ext.extnID === OID.subjectKeyIdentifier);
  if (!found) return undefined;
  try {
    return Buffer.from(AsnParser.parse(found.extnValue, SubjectKeyIdentifier).buffer);
  } catch {
    return undefined;
  }
}

/** Positive, exactly 16 bytes (top bit clear, next bit set), 126 random bits. */
function serialNumber(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return toArrayBuffer(bytes);
}

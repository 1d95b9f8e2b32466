/**
 * Client-certificate authentication: which local user a TLS client certificate stands for, like the
 * `winrm/config/service/certmapping` table (`New-Item WSMan:\localhost\ClientCertificate`) on Windows.
 *
 * A certificate is identified by the UPN in its subjectAltName otherName (1.3.6.1.4.1.311.20.2.3) when it
 * has one, else by its subject common name. A mapping names that subject (case-insensitive) or '*', and
 * optionally the thumbprint of a CA in the certificate's issuing chain. An exact subject wins over '*'; among
 * equals the first mapping wins. '*' requires an issuer thumbprint: without one it would map every
 * certificate the listener accepts.
 *
 * This decides identity only. The caller must still require a verified handshake (`socket.authorized`);
 * the issuer chain is re-checked here (names and signatures) so a client cannot claim a CA by merely
 * sending that CA's public certificate along.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import { decodeOid, readChildren, readElement, Tag } from '../../core/asn1/der';

export interface CertificateMapping {
  /** UPN (user@domain) or subject CN of the client certificate, or '*' for any certificate from the issuer. */
  readonly subject: string;
  /** SHA-1 thumbprint of the issuing CA certificate, hex in any case, spaces allowed. */
  readonly issuerThumbprint?: string;
  readonly userName: string;
}

const UPN_OID = '1.3.6.1.4.1.311.20.2.3';
const SUBJECT_ALT_NAME_OID = '2.5.29.17';
/** Far deeper than any real chain; stops a cycle in hand-made peer objects. */
const MAX_CHAIN_DEPTH = 16;

/**
 * The user name the certificate maps to, or undefined. `peer` should come from `getPeerCertificate(true)` so
 * that it carries `issuerCertificate`; without it only mappings with no issuer thumbprint can match.
 */
export function mapClientCertificate(peer: PeerCertificate, mappings: readonly CertificateMapping[]): string | undefined {
  if (!peer || !Buffer.isBuffer(peer.raw) || peer.raw.length === 0) return undefined;
  const names = certificateNames(peer).map((name) => name.toLowerCase());
  if (names.length === 0) return undefined;
  const issuers = verifiedIssuerThumbprints(peer);
  const issuerMatches = (mapping: CertificateMapping): boolean =>
    mapping.issuerThumbprint === undefined || issuers.includes(normalizeThumbprint(mapping.issuerThumbprint));

  const exact = mappings.find((mapping) => mapping.subject !== '*' && names.includes(mapping.subject.trim().toLowerCase()) && issuerMatches(mapping));
  if (exact) return exact.userName;
  const wildcard = mappings.find((mapping) => mapping.subject === '*' && mapping.issuerThumbprint !== undefined && issuerMatches(mapping));
  return wildcard?.userName;
}

/** The UPN from the subjectAltName when there is one, else the subject CN(s). */
export function certificateNames(peer: PeerCertificate): string[] {
  const upn = userPrincipalName(peer);
  if (upn !== undefined) return [upn];
  // Node gives an array when the subject has several CN attributes.
  const cn = peer.subject?.CN as string | string[] | undefined;
  return (Array.isArray(cn) ? cn : cn === undefined ? [] : [cn]).filter((name) => name.length > 0);
}

function userPrincipalName(peer: PeerCertificate): string | undefined {
  try {
    return upnFromDer(peer.raw);
  } catch {
    // Not DER we can walk: fall back to Node's text form, `othername:UPN:user@domain`; Node JSON-quotes a
    // value that holds a comma, quote or control character.
    const match = /(?:^|, )othername:UPN:("(?:[^"\\]|\\.)*"|[^,]*)/.exec(peer.subjectaltname ?? '');
    if (!match) return undefined;
    const value = match[1]!;
    return value.startsWith('"') ? (JSON.parse(value) as string) : value;
  }
}

/** Reads Certificate.tbsCertificate.extensions.subjectAltName.otherName(UPN) straight from the DER. */
function upnFromDer(der: Buffer): string | undefined {
  const tbs = readChildren(readElement(der).content)[0];
  if (tbs?.tag !== Tag.SEQUENCE) throw new Error('not a certificate');
  const extensions = readChildren(tbs.content).find((field) => field.tag === 0xa3); // [3] EXPLICIT Extensions
  if (!extensions) return undefined;
  for (const ext of readChildren(readElement(extensions.content).content)) {
    const [extnId, ...rest] = readChildren(ext.content);
    if (extnId?.tag !== Tag.OID || decodeOid(extnId.content) !== SUBJECT_ALT_NAME_OID) continue;
    const value = rest[rest.length - 1];
    if (value?.tag !== Tag.OCTET_STRING) throw new Error('malformed subjectAltName');
    for (const generalName of readChildren(readElement(value.content).content)) {
      if (generalName.tag !== 0xa0) continue; // otherName [0] IMPLICIT SEQUENCE
      const [typeId, wrapped] = readChildren(generalName.content);
      if (typeId?.tag !== Tag.OID || decodeOid(typeId.content) !== UPN_OID || wrapped?.tag !== 0xa0) continue;
      const upn = readElement(wrapped.content); // value [0] EXPLICIT UTF8String
      if (upn.tag === Tag.UTF8_STRING) return upn.content.toString('utf8');
    }
    return undefined;
  }
  return undefined;
}

/**
 * Thumbprints of the issuing chain, nearest first, as far as each link really issued the one below it. A
 * self-signed certificate is its own issuer, so its own thumbprint is in the list.
 */
function verifiedIssuerThumbprints(peer: PeerCertificate): string[] {
  const thumbprints: string[] = [];
  let current = peer as DetailedPeerCertificate;
  let currentCertificate = parse(current.raw);
  for (let depth = 0; currentCertificate && depth < MAX_CHAIN_DEPTH; depth++) {
    const next = current.issuerCertificate;
    const nextCertificate = next && Buffer.isBuffer(next.raw) && next.raw.length > 0 ? parse(next.raw) : undefined;
    if (!nextCertificate) break;
    const selfSigned = next.raw.equals(current.raw);
    // checkIssued also wants keyCertSign in the issuer's key usage, which a self-signed end-entity
    // certificate (the usual trusted-as-is client certificate) does not have: there names and signature do.
    const issued = selfSigned ? currentCertificate.issuer === currentCertificate.subject : currentCertificate.checkIssued(nextCertificate);
    if (!issued || !currentCertificate.verify(nextCertificate.publicKey)) break;
    thumbprints.push(thumbprintOf(next.raw));
    if (selfSigned) break;
    current = next;
    currentCertificate = nextCertificate;
  }
  return thumbprints;
}

function parse(der: Buffer): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

function thumbprintOf(der: Buffer): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

/**
 * 'ab cd:EF' → 'ABCDEF': Windows shows thumbprints with spaces, Node with colons, and a thumbprint copied out
 * of the Windows certificate dialog starts with an invisible left-to-right mark.
 */
function normalizeThumbprint(thumbprint: string): string {
  return thumbprint.replace(/[\s:\u200e\u200f\ufeff]/g, '').toUpperCase();
}

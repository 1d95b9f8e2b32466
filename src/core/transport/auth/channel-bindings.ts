/**
 * Channel binding for Negotiate over TLS (RFC 5929 `tls-server-end-point`, RFC 2744
 * gss_channel_bindings_struct): the client and the server each hash the server's certificate, and
 * NTLM carries an MD5 of the bindings structure in MsvAvChannelBindings (MS-NLMP §3.1.5.1.2).
 */
import { createHash } from 'node:crypto';
import { contextTag, decodeOid, readChildren, readElement, Tag } from '../../asn1/der';
import { md5 } from './ntlm-crypto';

const PREFIX = Buffer.from('tls-server-end-point:', 'latin1');

/** Signature algorithm OIDs whose hash RFC 5929 reuses; MD5 and SHA-1 signatures are hashed with SHA-256 instead. */
const SIGNATURE_HASHES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '2.16.840.1.101.3.4.3.1': 'sha224',
  '2.16.840.1.101.3.4.3.2': 'sha256',
};

/** Hash algorithm OIDs as RSASSA-PSS parameters name them. */
const HASH_OIDS: Readonly<Record<string, string>> = {
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const RSASSA_PSS = '1.2.840.113549.1.1.10';

/**
 * The hash RFC 5929 §4.1 picks for a certificate: its signature's hash, except MD5 and SHA-1 (and
 * anything without a single hash, e.g. Ed25519, where RFC 5929 is silent) which use SHA-256.
 */
function endPointHash(certificateDer: Buffer): string {
  const [, algorithm] = readChildren(readElement(certificateDer).content);
  if (algorithm?.tag !== Tag.SEQUENCE) throw new Error('not an X.509 certificate');
  const [identifier, parameters] = readChildren(algorithm.content);
  const oid = identifier?.tag === Tag.OID ? decodeOid(identifier.content) : '';
  if (oid === RSASSA_PSS && parameters?.tag === Tag.SEQUENCE) {
    // RSASSA-PSS-params: [0] hashAlgorithm (default SHA-1, hence SHA-256 here).
    const hashAlgorithm = readChildren(parameters.content).find((p) => p.tag === contextTag(0));
    const hashOid = hashAlgorithm ? readChildren(readElement(hashAlgorithm.content).content)[0] : undefined;
    return (hashOid && HASH_OIDS[decodeOid(hashOid.content)]) ?? 'sha256';
  }
  return SIGNATURE_HASHES[oid] ?? 'sha256';
}

/** The `tls-server-end-point` channel binding application data of a DER certificate. */
export function tlsServerEndPoint(certificateDer: Buffer): Buffer {
  return Buffer.concat([PREFIX, createHash(endPointHash(certificateDer)).update(certificateDer).digest()]);
}

/**
 * MsvAvChannelBindings: MD5 of the gss_channel_bindings_struct with no addresses (type and length
 * 0 for initiator and acceptor) and the application data; 16 zero bytes without bindings.
 */
export function channelBindingsHash(applicationData: Buffer | undefined): Buffer {
  if (applicationData === undefined) return Buffer.alloc(16);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(applicationData.length);
  return md5(Buffer.alloc(16), length, applicationData);
}

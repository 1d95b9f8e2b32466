/**
 * The certificate the endpoint's HTTPS listener presents: the user's own files (--cert/--key), or a
 * self-signed one made on first start and kept in a state directory, so that a restart serves the same
 * certificate and a client that pinned or trusted it keeps working.
 */
import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { issueCertificate, thumbprintOf, toPem } from './certificate-builder';

export const ENDPOINT_CERTIFICATE_FILE = 'endpoint-cert.pem';
export const ENDPOINT_KEY_FILE = 'endpoint-key.pem';

export interface EndpointCertificateOptions {
  /** The user's certificate (PEM, may hold a chain after the leaf; or DER). Give both files or neither. */
  certFile?: string;
  /** The user's unencrypted private key (PEM; or DER PKCS#8). */
  keyFile?: string;
  /** Where the self-signed certificate is kept. Created when missing. */
  directory: string;
  /** DNS names and IP addresses (IPv6 with or without brackets) the certificate must cover. */
  hostNames: string[];
}

export interface EndpointCertificate {
  certificatePem: string;
  privateKeyPem: string;
  /** SHA-1 of the (leaf) certificate, upper-case hex. */
  thumbprint: string;
  /** True when this call generated a new self-signed certificate. */
  created: boolean;
}

/**
 * The HTTPS listener's certificate: the user's --cert/--key files, or a self-signed one created on first
 * start and kept in `directory` (so a restart serves the same certificate). The stored one is replaced when
 * it has expired (or is not valid yet), when its key no longer matches it, or when its subjectAltNames do
 * not cover every one of `hostNames`.
 */
export function loadOrCreateEndpointCertificate(options: EndpointCertificateOptions): EndpointCertificate {
  const { certFile, keyFile } = options;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new Error(
      certFile === undefined
        ? `A private key file (${keyFile}) was given without its certificate file: give both --cert and --key, or neither for a self-signed certificate.`
        : `A certificate file (${certFile}) was given without its private key file: give both --cert and --key, or neither for a self-signed certificate.`,
    );
  }
  if (certFile !== undefined && keyFile !== undefined) {
    const provided = loadPair(certFile, keyFile, true);
    return { certificatePem: provided.certificatePem, privateKeyPem: provided.privateKeyPem, thumbprint: provided.thumbprint, created: false };
  }

  const hostNames = normalizeHostNames(options.hostNames);
  const certPath = join(options.directory, ENDPOINT_CERTIFICATE_FILE);
  const keyPath = join(options.directory, ENDPOINT_KEY_FILE);
  if (existsSync(certPath) && existsSync(keyPath)) {
    const stored = loadPair(certPath, keyPath, false);
    if (stored.matches && isCurrent(stored.certificate) && covers(stored.certificate, hostNames)) {
      return { certificatePem: stored.certificatePem, privateKeyPem: stored.privateKeyPem, thumbprint: stored.thumbprint, created: false };
    }
  }

  const dns = hostNames.filter((name) => isIP(name) === 0);
  const ip = hostNames.filter((name) => isIP(name) !== 0);
  const issued = issueCertificate({
    subject: { commonName: dns[0] ?? ip[0] ?? 'localhost', organization: 'wsman-automation' },
    subjectAltNames: hostNames.length > 0 ? { dns, ip } : { dns: ['localhost'] },
    extendedKeyUsage: ['serverAuth'],
  });
  mkdirSync(options.directory, { recursive: true });
  writeAtomically(keyPath, issued.privateKeyPem, 0o600);
  writeAtomically(certPath, issued.certificatePem, 0o644);
  return { certificatePem: issued.certificatePem, privateKeyPem: issued.privateKeyPem, thumbprint: issued.thumbprint, created: true };
}

interface LoadedPair {
  certificatePem: string;
  privateKeyPem: string;
  thumbprint: string;
  certificate: X509Certificate;
  matches: boolean;
}

/** Reads and parses a certificate and key; any unreadable or unparsable file is an Error naming it. */
function loadPair(certPath: string, keyPath: string, requireMatch: boolean): LoadedPair {
  const certBytes = readOrThrow(certPath, 'certificate');
  const keyBytes = readOrThrow(keyPath, 'private key');

  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certBytes);
  } catch (error) {
    throw new Error(`The certificate file '${certPath}' does not hold a PEM or DER X.509 certificate: ${(error as Error).message}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = isPem(keyBytes) ? createPrivateKey(keyBytes) : createPrivateKey({ key: keyBytes, format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new Error(
      `The private key file '${keyPath}' does not hold an unencrypted PEM (or DER PKCS#8) private key: ${(error as Error).message}`,
    );
  }
  const matches = certificate.checkPrivateKey(privateKey);
  if (requireMatch && !matches) throw new Error(`The private key in '${keyPath}' does not belong to the certificate in '${certPath}'.`);
  return {
    // PEM is kept as written (a chain after the leaf stays); DER is converted, since node:tls wants PEM text.
    certificatePem: isPem(certBytes) ? certBytes.toString('utf8') : toPem('CERTIFICATE', certificate.raw),
    privateKeyPem: isPem(keyBytes) ? keyBytes.toString('utf8') : privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    thumbprint: thumbprintOf(certificate.raw),
    certificate,
    matches,
  };
}

function readOrThrow(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`Cannot read the ${what} file '${path}': ${(error as Error).message}`);
  }
}

function isPem(bytes: Buffer): boolean {
  return bytes.includes('-----BEGIN ');
}

function normalizeHostNames(hostNames: readonly string[]): string[] {
  const names = hostNames
    .map((name) => name.trim())
    .map((name) => (name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name))
    .filter((name) => name.length > 0)
    .map((name) => (isIP(name) === 0 ? name.toLowerCase() : name));
  return [...new Set(names)];
}

function isCurrent(certificate: X509Certificate): boolean {
  const now = Date.now();
  const notBefore = Date.parse(certificate.validFrom);
  const notAfter = Date.parse(certificate.validTo);
  return notBefore <= now && now < notAfter; // NaN compares false: an unreadable date means regenerate
}

function covers(certificate: X509Certificate, hostNames: readonly string[]): boolean {
  const sans = (certificate.subjectAltName ?? '').split(', ').map((entry) => entry.toLowerCase());
  return hostNames.every((name) => {
    if (isIP(name) !== 0) return certificate.checkIP(name) !== undefined;
    // checkHost matches a host against the certificate, not a wildcard pattern: look for that very entry.
    if (name.startsWith('*.')) return sans.includes(`dns:${name}`);
    return certificate.checkHost(name, { subject: 'never' }) !== undefined;
  });
}

/** Write to a temporary file and rename, so a crash never leaves half a key; the mode is forced past umask. */
function writeAtomically(path: string, text: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  rmSync(temporary, { force: true }); // left by a crash: start fresh, so the mode applies from the first byte
  try {
    writeFileSync(temporary, text, { mode, flag: 'wx' });
    chmodSync(temporary, mode);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

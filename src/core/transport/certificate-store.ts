/**
 * Client certificates by thumbprint, the way `CertificateThumbprint` finds them in the Windows
 * certificate store: here a directory of PEM files (certificate and private key, in one file or
 * as `name.pem` + `name.key`) and PFX/P12 files, indexed by the SHA-1 thumbprint of each
 * certificate. The directory is `$WSMAN_CERT_STORE`, or `~/.wsman-automation/certs`. Its `root/`
 * folder plays the Trusted Root store: CA certificates there are trusted besides Node's own.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { extname, join } from 'node:path';
import { createSecureContext, rootCertificates, TLSSocket } from 'node:tls';
import { wsmanError } from '../errors/wsman-error';

export type ClientCertificate =
  | { readonly kind: 'pem'; readonly cert: string; readonly key: string }
  | { readonly kind: 'pfx'; readonly pfx: Buffer; readonly passphrase: string };

export function certificateStoreDirectory(): string {
  return process.env.WSMAN_CERT_STORE ?? join(homedir(), '.wsman-automation', 'certs');
}

/** Upper-case hex without separators, like the Windows certificate dialog (minus its spaces). */
export function normalizeThumbprint(thumbprint: string): string {
  return thumbprint.replace(/[\s:\u200e]/g, '').toUpperCase();
}

function thumbprintOfPem(pem: string): string | undefined {
  try {
    return normalizeThumbprint(new X509Certificate(pem).fingerprint);
  } catch {
    return undefined;
  }
}

function thumbprintOfPfx(pfx: Buffer, passphrase: string): string | undefined {
  try {
    // Node has no PKCS#12 reader; a TLS context built from the file exposes its certificate.
    const socket = new TLSSocket(null as never, { secureContext: createSecureContext({ pfx, passphrase }), isServer: true });
    const fingerprint = socket.getCertificate() && (socket.getCertificate() as { fingerprint?: string }).fingerprint;
    socket.destroy();
    return fingerprint ? normalizeThumbprint(fingerprint) : undefined;
  } catch {
    return undefined;
  }
}

function pemEntry(directory: string, file: string): { thumbprint: string; certificate: ClientCertificate } | undefined {
  const text = readFileSync(join(directory, file), 'utf8');
  const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0];
  if (!certificate) return undefined;
  const keyPattern = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;
  const sideKey = join(directory, `${file.slice(0, -extname(file).length)}.key`);
  const key = keyPattern.exec(text)?.[0] ?? (existsSync(sideKey) ? keyPattern.exec(readFileSync(sideKey, 'utf8'))?.[0] : undefined);
  const thumbprint = thumbprintOfPem(certificate);
  return key && thumbprint ? { thumbprint, certificate: { kind: 'pem', cert: text, key } } : undefined;
}

/** The certificate with this thumbprint and its key; ERROR_WSMAN_CERT_NOT_FOUND when the store has none. */
export function findClientCertificate(thumbprint: string, directory = certificateStoreDirectory()): ClientCertificate {
  const wanted = normalizeThumbprint(thumbprint);
  const files = existsSync(directory) ? readdirSync(directory) : [];
  const passphrase = process.env.WSMAN_CERT_STORE_PASSWORD ?? '';
  for (const file of files) {
    const extension = extname(file).toLowerCase();
    if (extension === '.pem' || extension === '.crt' || extension === '.cer') {
      const entry = pemEntry(directory, file);
      if (entry?.thumbprint === wanted) return entry.certificate;
    } else if (extension === '.pfx' || extension === '.p12') {
      const pfx = readFileSync(join(directory, file));
      if (thumbprintOfPfx(pfx, passphrase) === wanted) return { kind: 'pfx', pfx, passphrase };
    }
  }
  throw wsmanError('ERROR_WSMAN_CERT_NOT_FOUND');
}

/** Node's CA list plus every certificate in `<store>/root/` (PEM, CRT or CER in PEM form). */
export function trustedRootCertificates(directory = certificateStoreDirectory()): string[] {
  const roots = join(directory, 'root');
  const extra: string[] = [];
  if (existsSync(roots)) {
    for (const file of readdirSync(roots)) {
      if (!/\.(pem|crt|cer)$/i.test(file)) continue;
      const text = readFileSync(join(roots, file), 'utf8');
      extra.push(...(text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []));
    }
  }
  return [...rootCertificates, ...extra];
}

/**
 * `startEndpoint`: the embedded WinRM service on node:http and node:https, the peer of the
 * README's main job and of the client tests.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { WinRMConfig } from './config/winrm-config';
import { CimStore } from './cim/cim-store';
import { OS_VERSION } from './cim/machine-instances';
import { writeFileDurably } from './durable-file';
import { ConnectionBudget } from './http/connection-budget';
import { HttpFront } from './http/http-front';
import type { EndpointUser } from './auth/server-auth';
import type { KerberosServiceKeys } from './auth/kerberos-auth';
import { readKeytab, type KeytabEntry } from '../core/transport/auth/kerberos/keytab';
import { createEndpointContainer } from './server-module';
import { ShellRegistry } from './shell/shell-registry';
import type { EndpointState, ListenerInfo } from './service/endpoint-state';
import type { CertificateMapping } from './tls/certificate-mapping';
import { loadOrCreateEndpointCertificate } from './tls/endpoint-certificate';

export interface EndpointOptions {
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** HTTP port (default 5985; 0 = any free port); `false` = no HTTP listener. */
  readonly port?: number | false;
  /** Start the HTTPS listener too (implied by httpsPort). */
  readonly https?: boolean;
  /** HTTPS port (default 5986; 0 = any free port). */
  readonly httpsPort?: number;
  /** PEM files for the HTTPS listener; without them a self-signed certificate is created once and kept. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Accounts of the emulated host, as `{ name, password }` or `NAME:PASSWORD`. */
  readonly users?: readonly (EndpointUser | string)[];
  /** Windows' Service/AllowUnencrypted: Basic over plain HTTP. Off by default. */
  readonly allowUnencrypted?: boolean;
  /** State that survives a restart: config set by Put, CIM instances changed, the self-signed certificate. */
  readonly dataDir?: string;
  /** CA certificates (PEM text) that client certificates must chain to. */
  readonly clientCertificateAuthorities?: readonly string[];
  /** Client certificate → user (winrm/config/service/certmapping). */
  readonly certificateMappings?: readonly CertificateMapping[];
  /** Computer name the endpoint reports (default: this machine's host name). */
  readonly machineName?: string;
  /** Replace the CIM schema and default instances with your own files. */
  readonly cimSchemaFile?: string;
  readonly cimInstancesDir?: string;
  /**
   * A connection that has not authenticated must finish each request (headers and body) this soon
   * after it opened or was last answered (default 10 s); see ConnectionBudget.
   */
  readonly unauthenticatedDeadlineMs?: number;
  /** Any request body must be complete this soon after its headers, else 408 (default 10 s). */
  readonly requestBodyDeadlineMs?: number;
  /** MIT keytab with the service's Kerberos keys (e.g. HTTP/host@REALM): enables Kerberos, direct and under Negotiate. */
  readonly keytab?: string;
  /** Realm whose principals map to the local accounts of the same name (default: the keytab's realms). */
  readonly realm?: string;
  /** Idle keep-alive connections are closed after this long (default 120 s, HTTP.sys's IdleConnectionTimeout). */
  readonly idleTimeoutMs?: number;
}

export interface RunningEndpoint {
  /** `http://host:port/wsman`, when the HTTP listener runs. */
  readonly url?: string;
  readonly httpsUrl?: string;
  /** The HTTPS listener's certificate (PEM), for clients that must trust it. */
  readonly certificatePem?: string;
  readonly certificateThumbprint?: string;
  /**
   * A digest of the state requests can change (configuration and CIM instances): what a failed
   * request must leave as it was (the fuzz suite compares it around every case).
   */
  stateFingerprint(): string;
  close(): Promise<void>;
}

const CONFIG_FILE = 'config.json';

/** `NAME:PASSWORD` → account; the password may contain colons. */
export function parseUser(text: string): EndpointUser {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new Error('a user is given as NAME:PASSWORD');
  return { name: text.slice(0, colon), password: text.slice(colon + 1) };
}

function readSavedConfig(dataDir: string | undefined): Record<string, string> {
  if (!dataDir) return {};
  try {
    const saved: unknown = JSON.parse(readFileSync(join(dataDir, CONFIG_FILE), 'utf8'));
    return saved !== null && typeof saved === 'object' ? (saved as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function saveConfig(dataDir: string | undefined, config: WinRMConfig): void {
  if (!dataDir) return;
  writeFileDurably(join(dataDir, CONFIG_FILE), JSON.stringify(config.changedValues(), null, 2));
}

/** The keytab's keys (read once at start); an unreadable or empty keytab stops the start, naming the file only. */
function loadServiceKeys(options: EndpointOptions): KerberosServiceKeys {
  if (options.keytab === undefined) return { keytab: [] };
  let keytab: KeytabEntry[];
  try {
    keytab = readKeytab(options.keytab);
  } catch (error) {
    throw new Error(`cannot read the keytab ${options.keytab}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (keytab.length === 0) throw new Error(`the keytab ${options.keytab} holds no keys`);
  return { keytab, ...(options.realm !== undefined ? { realm: options.realm } : {}) };
}

function urlOf(transport: 'http' | 'https', host: string, port: number): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return `${transport}://${shown}:${port}/wsman`;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startEndpoint(options: EndpointOptions = {}): Promise<RunningEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const machineName = options.machineName ?? hostname();
  const overrides = readSavedConfig(options.dataDir);
  if (options.allowUnencrypted) overrides['Service/AllowUnencrypted'] = 'true';
  const config = new WinRMConfig(overrides);
  const listeners: ListenerInfo[] = [];
  const kerberos = loadServiceKeys(options);
  const state: EndpointState = {
    machineName,
    osVersion: OS_VERSION,
    config,
    kerberos: kerberos.keytab.length > 0,
    listeners,
    saveConfig: (next) => saveConfig(options.dataDir, next),
  };
  const cimStore = CimStore.load({
    machineName,
    ...(options.cimSchemaFile ? { schemaFile: options.cimSchemaFile } : {}),
    ...(options.cimInstancesDir ? { instancesDir: options.cimInstancesDir } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const unauthenticatedDeadlineMs = options.unauthenticatedDeadlineMs ?? 10_000;
  const connectionBudget = new ConnectionBudget({
    maxConnections: () => config.number('Service/MaxConnections'),
    unauthenticatedDeadlineMs,
    bodyDeadlineMs: options.requestBodyDeadlineMs ?? 10_000,
  });
  const container = createEndpointContainer({
    state,
    connectionBudget,
    users: (options.users ?? []).map((u) => (typeof u === 'string' ? parseUser(u) : u)),
    certificateMappings: options.certificateMappings ?? [],
    cimStore,
    kerberos,
  });
  const front = container.get(HttpFront);
  const shells = container.get(ShellRegistry);
  const timeouts = {
    keepAliveTimeout: options.idleTimeoutMs ?? 120_000,
    requestTimeout: config.number('Service/MaxPacketRetrievalTimeSeconds') * 1000,
    headersTimeout: 60_000,
  };
  const servers: Server[] = [];
  const running: { url?: string; httpsUrl?: string; certificatePem?: string; certificateThumbprint?: string } = {};

  try {
    if (options.port !== false) {
      const server = createHttpServer({ ...timeouts, noDelay: true }, (request, response) => front.handle(request, response, false));
      server.on('connection', (socket: Socket) => connectionBudget.admit(socket));
      servers.push(server);
      const port = await listen(server, host, options.port ?? 5985);
      listeners.push({ transport: 'HTTP', address: host, port });
      running.url = urlOf('http', host, port);
    }
    if (options.https || options.httpsPort !== undefined) {
      const certificate = loadOrCreateEndpointCertificate({
        ...(options.certFile ? { certFile: options.certFile } : {}),
        ...(options.keyFile ? { keyFile: options.keyFile } : {}),
        directory: options.dataDir ?? join(homedir(), '.wsman-automation'),
        hostNames: [...new Set([host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, 'localhost', machineName, '127.0.0.1', '::1'])],
      });
      const server = createHttpsServer(
        {
          ...timeouts,
          noDelay: true,
          // A TLS handshake is not authenticated yet either.
          handshakeTimeout: unauthenticatedDeadlineMs,
          key: certificate.privateKeyPem,
          cert: certificate.certificatePem,
          // Ask for a client certificate but let Basic clients without one in; certificate auth checks `authorized`.
          requestCert: true,
          rejectUnauthorized: false,
          ...(options.clientCertificateAuthorities?.length ? { ca: [...options.clientCertificateAuthorities] } : {}),
        },
        (request, response) => front.handle(request, response, true),
      );
      server.on('secureConnection', (socket: Socket) => connectionBudget.admit(socket));
      servers.push(server);
      const port = await listen(server, host, options.httpsPort ?? 5986);
      listeners.push({ transport: 'HTTPS', address: host, port, certificateThumbprint: certificate.thumbprint });
      running.httpsUrl = urlOf('https', host, port);
      running.certificatePem = certificate.certificatePem;
      running.certificateThumbprint = certificate.thumbprint;
    }
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    throw error;
  }

  return {
    ...running,
    stateFingerprint: () => `${JSON.stringify(config.changedValues())}|${cimStore.fingerprint()}`,
    close: async () => {
      // Shells first: their processes end and their pending Receives answer before the sockets go.
      await shells.closeAll();
      await Promise.all(servers.map(closeServer));
    },
  };
}

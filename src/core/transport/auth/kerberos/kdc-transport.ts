/**
 * Finding a realm's KDCs (krb5.conf `kdc` relations, then DNS SRV `_kerberos._udp` and
 * `_kerberos._tcp`) and talking to them: UDP first for small requests, TCP (4-byte big-endian
 * length prefix, RFC 4120 §7.2.2) for large ones and when the KDC answers
 * KRB_ERR_RESPONSE_TOO_BIG; each KDC in turn until one answers.
 */
import { createSocket } from 'node:dgram';
import { promises as dns } from 'node:dns';
import { isIPv6 } from 'node:net';
import { connect } from 'node:net';
import { securityError } from '../security-errors';
import { ApplicationTag, applicationTagOf, decodeMessage } from './asn1';
import { KrbErrorCode } from './kdc-errors';
import type { Krb5Config } from './krb5-config';

export interface KdcAddress {
  readonly host: string;
  readonly port: number;
  /** `tcp` when the configuration or SRV record says TCP only. */
  readonly transport: 'udp' | 'tcp' | 'any';
}

export interface KdcTransportOptions {
  /** Per attempt; MIT's default is 1 s for UDP before the next KDC. */
  readonly udpTimeoutMs?: number;
  readonly tcpTimeoutMs?: number;
  /** Requests larger than this go by TCP first (MIT's udp_preference_limit, 1465). */
  readonly udpPreferenceLimit?: number;
  /** SRV lookups (tests pass their own). */
  readonly resolveSrv?: (name: string) => Promise<Array<{ name: string; port: number; priority: number; weight: number }>>;
}

const KERBEROS_PORT = 88;

/** `host`, `host:port`, `[v6]:port`, optionally prefixed `tcp/` or `udp/` (MIT's syntax). */
export function parseKdcAddress(entry: string): KdcAddress {
  let transport: KdcAddress['transport'] = 'any';
  let rest = entry.trim();
  const prefix = /^(tcp|udp)\//i.exec(rest);
  if (prefix) {
    transport = prefix[1]!.toLowerCase() as 'tcp' | 'udp';
    rest = rest.slice(prefix[0].length);
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : KERBEROS_PORT, transport };
  if (isIPv6(rest)) return { host: rest, port: KERBEROS_PORT, transport };
  const colon = rest.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(rest.slice(colon + 1))) return { host: rest.slice(0, colon), port: Number(rest.slice(colon + 1)), transport };
  return { host: rest, port: KERBEROS_PORT, transport };
}

/** The realm's KDCs from krb5.conf, or from DNS SRV records when the file lists none. */
export async function locateKdcs(realm: string, config: Krb5Config, options: KdcTransportOptions = {}): Promise<KdcAddress[]> {
  const listed = config.kdcs(realm).map(parseKdcAddress);
  if (listed.length > 0) return listed;
  if (/^(false|no|0)$/i.test(config.libdefault('dns_lookup_kdc') ?? 'true')) return [];
  const resolveSrv = options.resolveSrv ?? ((name: string) => dns.resolveSrv(name));
  const found: KdcAddress[] = [];
  for (const transport of ['udp', 'tcp'] as const) {
    try {
      const records = await resolveSrv(`_kerberos._${transport}.${realm}`);
      records
        .sort((a, b) => a.priority - b.priority || b.weight - a.weight)
        .forEach((record) => found.push({ host: record.name, port: record.port, transport }));
    } catch {
      // No such record: try the other transport.
    }
  }
  return found;
}

function sendUdp(kdc: KdcAddress, message: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(kdc.host) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => finish(new Error('timed out')), timeoutMs);
    const finish = (error: Error | undefined, reply?: Buffer): void => {
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(reply!);
    };
    socket.once('error', (error) => finish(error));
    socket.once('message', (reply) => finish(undefined, reply));
    socket.send(message, kdc.port, kdc.host, (error) => {
      if (error) finish(error);
    });
  });
}

function sendTcp(kdc: KdcAddress, message: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: kdc.host, port: kdc.port });
    const chunks: Buffer[] = [];
    let received = 0;
    const timer = setTimeout(() => finish(new Error('timed out')), timeoutMs);
    const finish = (error: Error | undefined, reply?: Buffer): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply!);
    };
    socket.once('error', (error) => finish(error));
    socket.once('connect', () => {
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32BE(message.length);
      socket.write(Buffer.concat([prefix, message]));
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < 4) return;
      const all = Buffer.concat(chunks);
      const length = all.readUInt32BE(0);
      // The high bit is reserved (RFC 4120 §7.2.2); no KDC reply comes near 2^31 bytes.
      if (length >= 0x80000000 || length > 16 * 1024 * 1024) return finish(new Error('bad TCP length prefix'));
      if (all.length >= 4 + length) finish(undefined, all.subarray(4, 4 + length));
    });
    socket.once('end', () => finish(new Error('connection closed before the whole reply')));
  });
}

function isResponseTooBig(reply: Buffer): boolean {
  if (applicationTagOf(reply) !== ApplicationTag.KrbError) return false;
  try {
    return decodeMessage('KrbError', reply).errorCode === KrbErrorCode.KRB_ERR_RESPONSE_TOO_BIG;
  } catch {
    return false;
  }
}

/**
 * Sends one request to the realm's KDCs and returns the first reply (which may be a KRB-ERROR).
 * No KDC answering → SEC_E_NO_AUTHENTICATING_AUTHORITY.
 */
export async function sendToKdc(realm: string, kdcs: readonly KdcAddress[], message: Buffer, options: KdcTransportOptions = {}): Promise<Buffer> {
  const udpTimeout = options.udpTimeoutMs ?? 1000;
  const tcpTimeout = options.tcpTimeoutMs ?? 10_000;
  const udpLimit = options.udpPreferenceLimit ?? 1465;
  const failures: string[] = [];
  for (const kdc of kdcs) {
    const where = `${kdc.host}:${kdc.port}`;
    try {
      if (kdc.transport !== 'tcp' && message.length <= udpLimit) {
        try {
          const reply = await sendUdp(kdc, message, udpTimeout);
          if (!isResponseTooBig(reply)) return reply;
        } catch (error) {
          if (kdc.transport === 'udp') throw error;
        }
      }
      if (kdc.transport === 'udp') throw new Error('reply too big for UDP and TCP not allowed');
      return await sendTcp(kdc, message, tcpTimeout);
    } catch (error) {
      failures.push(`${where} ${(error as Error).message}`);
    }
  }
  throw securityError(
    'SEC_E_NO_AUTHENTICATING_AUTHORITY',
    kdcs.length === 0 ? `no KDC is known for realm ${realm}` : `no KDC of realm ${realm} answered (${failures.join('; ')})`,
  );
}

/**
 * Kerberos: Get round trips of this project's client against the endpoint with tickets from a
 * real MIT KDC started for the run (test/helpers/mit-kdc.ts), sealed over HTTP under
 * `Authorization: Kerberos` and under Negotiate, next to Negotiate with NTLM (sealed) and Basic
 * over HTTPS, each interleaved with Basic over unencrypted HTTP (the baseline) in the same run.
 * Then the handshake, client and acceptor in one process (password: AS + TGS + AP exchange; kinit
 * cache: TGS + AP; NTLM: three legs) against one Basic Get round trip. Then sealing
 * throughput of the Kerberos wrap tokens in the MS-WSMV framing against AES-128-GCM.
 *
 *   BENCH_SUITE=kerberos npm run bench   (BENCH_SECONDS, BENCH_FILTER as for the other suites;
 *                                         skipped with a reason without MIT Kerberos installed)
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createObject, formatHResult, WSManSessionFlags as F, type Session } from '../src/index';
import { aes256CtsHmacSha196 } from '../src/core/transport/auth/kerberos/crypto/aes-sha1';
import { aes256CtsHmacSha384192 } from '../src/core/transport/auth/kerberos/crypto/aes-sha2';
import type { EncryptionType } from '../src/core/transport/auth/kerberos/crypto/encryption-type';
import { KerberosSessionSecurity } from '../src/core/transport/auth/kerberos/gss/kerberos-session';
import { decryptMessage, encryptMessage, KERBEROS_ENCRYPTED_PROTOCOL } from '../src/core/transport/message-encryption';
import { EncryptionKey, type PrincipalName } from '../src/core/transport/auth/kerberos/asn1';
import { acceptSecurityContext, CLOCK_SKEW_MS } from '../src/core/transport/auth/kerberos/gss/acceptor';
import { ReplayCache } from '../src/core/transport/auth/kerberos/gss/replay-cache';
import { readKeytab } from '../src/core/transport/auth/kerberos/keytab';
import { NegotiateServer } from '../src/core/transport/auth/negotiate';
import { NegotiateAuth } from '../src/core/transport/client-auth';
import { KerberosAuth } from '../src/core/transport/kerberos-client-auth';
import { startEndpoint, type RunningEndpoint } from '../src/server/endpoint';
import { mitKdcMissing, startMitKdc, type MitKdc } from '../test/helpers/mit-kdc';
import { progress, SECONDS, selected, WARMUP_MS } from './config';
import { fmtMs, fmtRate, table } from './format';
import { measurePaired, type PairedOptions } from './stats';

const USER = 'alice';
const PASSWORD = 'Bench-Kdc#1';
const GET = 'wmicimv2/Win32_Service?Name=WinRM';
const MEGABYTE = 1024 * 1024;

const REQUESTS: PairedOptions = { warmupOps: 100, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 200, baselineSliceMs: 200, minOps: 50 };
const HANDSHAKES: PairedOptions = { warmupOps: 5, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 200, baselineSliceMs: 200, minOps: 10 };
const SEALS: PairedOptions = { warmupOps: 5, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 100, baselineSliceMs: 100, minOps: 10 };

function openSession(url: string, flags: number, password: boolean): Session {
  const wsman = createObject('WSMan.Automation');
  let options;
  if (password) {
    options = wsman.CreateConnectionOptions().value!;
    options.put_UserName(USER);
    options.put_Password(PASSWORD);
    flags |= F.WSManFlagCredUsernamePassword;
  }
  const created = wsman.CreateSession(url, flags, options);
  if (created.error) throw new Error(`CreateSession: ${created.error.description}`);
  return created.value!;
}

async function get(session: Session, what: string): Promise<void> {
  const reply = await session.Get(GET);
  if (reply.error) throw new Error(`${what}: ${formatHResult(reply.hr)} ${reply.error.description}`);
}

interface Row {
  readonly name: string;
  readonly perSecond: number;
  readonly meanMs: number;
  readonly baselinePerSecond: number;
  readonly baselineMeanMs: number;
}

interface Realm {
  readonly kdc: MitKdc;
  readonly endpoint: RunningEndpoint;
  /** The endpoint under the host name the realm maps (Kerberos needs a name for its SPN). */
  readonly kerberosUrl: string;
  readonly httpsUrl: string;
  readonly keytab: string;
  /** alice's kinit cache. */
  readonly cache: string;
  close(): Promise<void>;
}

async function startRealm(): Promise<Realm> {
  const kdc = await startMitKdc();
  try {
    kdc.addPrincipal(USER, PASSWORD);
    kdc.addService('HOST/localhost');
    const keytab = join(kdc.dir, 'endpoint.keytab');
    kdc.ktadd('HOST/localhost', keytab);
    const cache = join(kdc.dir, 'alice.cc');
    kdc.kinit(USER, PASSWORD, cache);
    process.env.KRB5_CONFIG = kdc.krb5Conf;
    process.env.KRB5CCNAME = `FILE:${cache}`;
    const endpoint = await startEndpoint({ port: 0, https: true, httpsPort: 0, users: [`${USER}:${PASSWORD}`], allowUnencrypted: true, keytab, machineName: 'BENCH-HOST' });
    return {
      kdc,
      endpoint,
      kerberosUrl: endpoint.url!.replace('127.0.0.1', 'localhost'),
      keytab,
      cache,
      httpsUrl: endpoint.httpsUrl!.replace('localhost', '127.0.0.1'),
      close: async () => {
        await endpoint.close();
        await kdc.stop();
      },
    };
  } catch (error) {
    await kdc.stop();
    throw error;
  }
}

async function measureGets(realm: Realm): Promise<Row[]> {
  const basicHttp = openSession(realm.endpoint.url!, F.WSManFlagUseBasic | F.WSManFlagNoEncryption, true);
  const baseline = (): Promise<void> => get(basicHttp, 'Basic over HTTP');
  const skipChecks = F.WSManFlagSkipCACheck | F.WSManFlagSkipCNCheck;
  const variants: [string, Session][] = [
    ['Kerberos + message encryption, HTTP (Authorization: Kerberos)', openSession(realm.kerberosUrl, F.WSManFlagUseKerberos, true)],
    ['Negotiate (Kerberos) + message encryption, HTTP', openSession(realm.kerberosUrl, F.WSManFlagUseNegotiate, true)],
    // 127.0.0.1 is in no realm: Negotiate uses NTLM there.
    ['Negotiate (NTLM) + message encryption, HTTP', openSession(realm.endpoint.url!, F.WSManFlagUseNegotiate, true)],
    ['Basic, HTTPS', openSession(realm.httpsUrl, F.WSManFlagUseBasic | skipChecks, true)],
  ];
  const rows: Row[] = [];
  for (const [name, session] of variants) {
    if (!selected(name)) continue;
    progress(`Get with ${name} vs Basic over unencrypted HTTP`);
    const { target, baseline: reference } = await measurePaired(() => get(session, name), baseline, REQUESTS);
    rows.push({ name, perSecond: target.opsPerSecond, meanMs: target.meanMs, baselinePerSecond: reference.opsPerSecond, baselineMeanMs: reference.meanMs });
  }
  return rows;
}

/** The endpoint's acceptor with the realm's service keytab, in process (no HTTP): the handshake alone. */
function acceptor(realm: Realm): (token: Buffer) => Buffer {
  const entries = readKeytab(realm.keytab);
  const keys = (service: PrincipalName, name: string, etype: number) => {
    const entry = entries.find((e) => e.principal.realm === name && e.key.etype === etype && e.principal.components.join('/') === service.nameString.join('/'));
    return entry && Object.assign(new EncryptionKey(), { keytype: etype, keyvalue: entry.key.value });
  };
  const replayCache = new ReplayCache(CLOCK_SKEW_MS);
  return (token) => acceptSecurityContext(token, { keys, replayCache }).replyToken!;
}

function kerberosHandshake(realm: Realm, withPassword: boolean): () => Promise<void> {
  const accept = acceptor(realm);
  const env = { KRB5_CONFIG: realm.kdc.krb5Conf, KRB5CCNAME: realm.cache };
  return async () => {
    const client = new KerberosAuth({ ...(withPassword ? { userName: USER, password: PASSWORD } : {}), env, target: { host: 'localhost' } });
    await client.prepare();
    const reply = accept(Buffer.from(client.initialToken().slice('Kerberos '.length), 'base64'));
    client.handleAccepted([`Kerberos ${reply.toString('base64')}`]);
    if (!client.complete) throw new Error('Kerberos handshake incomplete');
  };
}

async function ntlmHandshake(): Promise<void> {
  const server = new NegotiateServer({ lookupPassword: () => PASSWORD, computerName: 'BENCH-HOST' });
  const client = new NegotiateAuth({ userName: USER, password: PASSWORD });
  const tokenOf = (header: string): Buffer => Buffer.from(header.slice('Negotiate '.length), 'base64');
  const challenge = server.step(tokenOf(client.initialToken()));
  if (challenge.kind !== 'continue') throw new Error('NTLM handshake: no challenge');
  const done = server.step(tokenOf(client.handleChallenge([`Negotiate ${challenge.token.toString('base64')}`], {})!));
  if (done.kind !== 'authenticated') throw new Error('NTLM handshake: not authenticated');
}

/**
 * Handshake cost, client and acceptor in one process with tickets from the KDC on loopback,
 * against one Basic Get round trip over HTTP (the unit a handshake costs so many of).
 */
async function measureHandshakes(realm: Realm): Promise<Row[]> {
  const basicHttp = openSession(realm.endpoint.url!, F.WSManFlagUseBasic | F.WSManFlagNoEncryption, true);
  const baseline = (): Promise<void> => get(basicHttp, 'Basic over HTTP');
  const variants: [string, () => Promise<void>][] = [
    ['Kerberos with a password (AS + TGS exchanges, AP-REQ/AP-REP)', kerberosHandshake(realm, true)],
    ['Kerberos from the kinit cache (TGS exchange, AP-REQ/AP-REP)', kerberosHandshake(realm, false)],
    ['Negotiate NTLM (NEGOTIATE, CHALLENGE, AUTHENTICATE)', ntlmHandshake],
  ];
  const rows: Row[] = [];
  for (const [name, operation] of variants) {
    if (!selected(name)) continue;
    progress(`handshake: ${name} vs one Basic Get over HTTP`);
    const { target, baseline: reference } = await measurePaired(operation, baseline, HANDSHAKES);
    rows.push({ name, perSecond: target.opsPerSecond, meanMs: target.meanMs, baselinePerSecond: reference.opsPerSecond, baselineMeanMs: reference.meanMs });
  }
  return rows;
}

interface SealRow {
  readonly name: string;
  readonly megabytesPerSecond: number;
  readonly baselineMegabytesPerSecond: number;
}

/** Initiator and acceptor message protection under one acceptor subkey, as after an AP-REP. */
function pair(type: EncryptionType): { client: KerberosSessionSecurity; server: KerberosSessionSecurity } {
  const key = { type, key: randomBytes(type.keyLength), acceptorSubkey: true };
  return { client: new KerberosSessionSecurity(key, 'initiator', 1, 2), server: new KerberosSessionSecurity(key, 'acceptor', 2, 1) };
}

async function measureSealing(): Promise<SealRow[]> {
  const body = randomBytes(MEGABYTE);
  const gcmKey = randomBytes(16);
  const aesGcm = async (): Promise<void> => {
    const cipher = createCipheriv('aes-128-gcm', gcmKey, randomBytes(12));
    cipher.update(body);
    cipher.final();
  };
  const rows: SealRow[] = [];
  for (const type of [aes256CtsHmacSha196, aes256CtsHmacSha384192]) {
    const sealName = `seal 1 MB (${type.name}, multipart framing)`;
    if (selected(sealName)) {
      progress(sealName);
      const { client } = pair(type);
      const seal = async (): Promise<void> => void encryptMessage(client, body, 'UTF-8', KERBEROS_ENCRYPTED_PROTOCOL);
      const { target, baseline } = await measurePaired(seal, aesGcm, SEALS);
      rows.push({ name: sealName, megabytesPerSecond: target.opsPerSecond, baselineMegabytesPerSecond: baseline.opsPerSecond });
    }
    const roundName = `seal + unseal 1 MB (${type.name}, integrity checked)`;
    if (selected(roundName)) {
      progress(roundName);
      const { client, server } = pair(type);
      const roundTrip = async (): Promise<void> => {
        const sealed = encryptMessage(client, body, 'UTF-8', KERBEROS_ENCRYPTED_PROTOCOL);
        const opened = decryptMessage(server, sealed.contentType, sealed.body, KERBEROS_ENCRYPTED_PROTOCOL);
        if (opened.payload.length !== MEGABYTE) throw new Error('unseal lost bytes');
      };
      const { target, baseline } = await measurePaired(roundTrip, aesGcm, SEALS);
      rows.push({ name: roundName, megabytesPerSecond: target.opsPerSecond, baselineMegabytesPerSecond: baseline.opsPerSecond });
    }
  }
  return rows;
}

export interface KerberosResults {
  readonly skipped?: string;
  readonly gets: readonly Row[];
  readonly handshakes: readonly Row[];
  readonly sealing: readonly SealRow[];
}

const ratio = (value: number, reference: number): string => `${(value / reference).toFixed(2)}×`;

export async function runKerberosBench(): Promise<KerberosResults> {
  console.log(`Kerberos benchmark: ${SECONDS} s per measurement after warm-up, interleaved with its baseline\n`);
  const missing = mitKdcMissing();
  let gets: Row[] = [];
  let handshakes: Row[] = [];
  const saved = { KRB5_CONFIG: process.env.KRB5_CONFIG, KRB5CCNAME: process.env.KRB5CCNAME };
  if (missing) {
    console.log(`Round trips and handshakes skipped: ${missing}`);
  } else {
    const realm = await startRealm();
    try {
      gets = await measureGets(realm);
      handshakes = await measureHandshakes(realm);
    } finally {
      await realm.close();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }
  const sealing = await measureSealing();
  if (gets.length > 0) {
    console.log('\nClient Get round trips (op = one Get of wmicimv2/Win32_Service?Name=WinRM; baseline: Basic over unencrypted HTTP in the same run)');
    console.log(
      table(
        ['client session', 'Get/s', 'mean ms', 'baseline Get/s', 'vs baseline'],
        gets.map((row) => [row.name, fmtRate(row.perSecond), fmtMs(row.meanMs), fmtRate(row.baselinePerSecond), ratio(row.perSecond, row.baselinePerSecond)]),
      ),
    );
  }
  if (handshakes.length > 0) {
    console.log('\nHandshake, client and acceptor in process (tickets from the MIT KDC on loopback; baseline: one Basic Get round trip over HTTP)');
    console.log(
      table(
        ['handshake', 'mean ms', 'Basic Get mean ms', 'in Get round trips'],
        handshakes.map((row) => [row.name, fmtMs(row.meanMs), fmtMs(row.baselineMeanMs), ratio(row.meanMs, row.baselineMeanMs)]),
      ),
    );
  }
  if (sealing.length > 0) {
    console.log('\nKerberos message sealing throughput (1 MB bodies; baseline: AES-128-GCM of the same megabyte in node:crypto)');
    console.log(
      table(
        ['operation', 'MB/s', 'AES-128-GCM MB/s', 'vs baseline'],
        sealing.map((row) => [row.name, row.megabytesPerSecond.toFixed(1), row.baselineMegabytesPerSecond.toFixed(1), ratio(row.megabytesPerSecond, row.baselineMegabytesPerSecond)]),
      ),
    );
  }
  return { ...(missing ? { skipped: missing } : {}), gets, handshakes, sealing };
}

/**
 * Authentication and message security: Get round trips of this project's client with Negotiate
 * (NTLM) and MS-WSMV message encryption over HTTP, with Negotiate over HTTPS (channel bindings),
 * and with Basic over HTTPS, each interleaved with the same Get by Basic over unencrypted HTTP (the
 * baseline: no sealing, no TLS) in the same run. Then sealing throughput: wrapping and unwrapping
 * 1 MB bodies in the MS-WSMV multipart framing, against AES-128-GCM of the same megabyte in
 * node:crypto (what TLS would spend on it).
 *
 *   BENCH_SUITE=auth npm run bench        (BENCH_SECONDS, BENCH_FILTER as for the other suites)
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { createObject, formatHResult, WSManSessionFlags as F, type Session } from '../src/index';
import { NegotiateServer } from '../src/core/transport/auth/negotiate';
import { NegotiateAuth } from '../src/core/transport/client-auth';
import { decryptMessage } from '../src/core/transport/message-encryption';
import { startEndpoint } from '../src/server/endpoint';
import { progress, SECONDS, selected, WARMUP_MS } from './config';
import { fmtMs, fmtRate, table } from './format';
import { measurePaired, type PairedOptions } from './stats';

const USER = 'alice';
const PASSWORD = 'Secret#1';
const GET = 'wmicimv2/Win32_Service?Name=WinRM';
const MEGABYTE = 1024 * 1024;

const REQUESTS: PairedOptions = { warmupOps: 100, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 200, baselineSliceMs: 200, minOps: 50 };
const SEALS: PairedOptions = { warmupOps: 5, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 100, baselineSliceMs: 100, minOps: 10 };

function openSession(url: string, flags: number): Session {
  const wsman = createObject('WSMan.Automation');
  const options = wsman.CreateConnectionOptions().value!;
  options.put_UserName(USER);
  options.put_Password(PASSWORD);
  const created = wsman.CreateSession(url, flags | F.WSManFlagCredUsernamePassword, options);
  if (created.error) throw new Error(`CreateSession: ${created.error.description}`);
  return created.value!;
}

function getter(session: Session, what: string): () => Promise<void> {
  return async () => {
    const reply = await session.Get(GET);
    if (reply.error) throw new Error(`${what}: ${formatHResult(reply.hr)} ${reply.error.description}`);
  };
}

interface GetRow {
  readonly name: string;
  readonly perSecond: number;
  readonly meanMs: number;
  readonly baselinePerSecond: number;
}

async function measureGets(): Promise<GetRow[]> {
  const endpoint = await startEndpoint({ port: 0, https: true, httpsPort: 0, users: [`${USER}:${PASSWORD}`], allowUnencrypted: true, machineName: 'BENCH-HOST' });
  try {
    const httpsUrl = endpoint.httpsUrl!.replace('localhost', '127.0.0.1');
    const skipChecks = F.WSManFlagSkipCACheck | F.WSManFlagSkipCNCheck;
    const baseline = getter(openSession(endpoint.url!, F.WSManFlagUseBasic | F.WSManFlagNoEncryption), 'Basic over HTTP');
    const variants: [string, Session][] = [
      ['Negotiate (NTLM) + message encryption, HTTP', openSession(endpoint.url!, F.WSManFlagUseNegotiate)],
      ['Negotiate (NTLM) + channel binding, HTTPS', openSession(httpsUrl, F.WSManFlagUseNegotiate | skipChecks)],
      ['Basic, HTTPS', openSession(httpsUrl, F.WSManFlagUseBasic | skipChecks)],
    ];
    const rows: GetRow[] = [];
    for (const [name, session] of variants) {
      if (!selected(name)) continue;
      progress(`Get with ${name} vs Basic over unencrypted HTTP`);
      const { target, baseline: reference } = await measurePaired(getter(session, name), baseline, REQUESTS);
      rows.push({ name, perSecond: target.opsPerSecond, meanMs: target.meanMs, baselinePerSecond: reference.opsPerSecond });
    }
    return rows;
  } finally {
    await endpoint.close();
  }
}

/** A client and a server provider after one in-memory handshake: the keys both sides seal with. */
function establishedPair(): { client: NegotiateAuth; server: NegotiateServer } {
  const server = new NegotiateServer({ lookupPassword: () => PASSWORD, computerName: 'BENCH-HOST' });
  const client = new NegotiateAuth({ userName: USER, password: PASSWORD });
  const tokenOf = (header: string): Buffer => Buffer.from(header.slice('Negotiate '.length), 'base64');
  const challenge = server.step(tokenOf(client.initialToken()));
  if (challenge.kind !== 'continue') throw new Error('handshake: no challenge');
  const done = server.step(tokenOf(client.handleChallenge([`Negotiate ${challenge.token.toString('base64')}`], {})!));
  if (done.kind !== 'authenticated') throw new Error('handshake: not authenticated');
  if (done.token) client.handleAccepted([`Negotiate ${done.token.toString('base64')}`]);
  return { client, server };
}

interface SealRow {
  readonly name: string;
  readonly megabytesPerSecond: number;
  readonly baselineMegabytesPerSecond: number;
}

async function measureSealing(): Promise<SealRow[]> {
  const body = randomBytes(MEGABYTE);
  const key = randomBytes(16);
  const aesGcm = async (): Promise<void> => {
    const cipher = createCipheriv('aes-128-gcm', key, randomBytes(12));
    cipher.update(body);
    cipher.final();
  };
  const { client } = establishedPair();
  const rows: SealRow[] = [];
  const seal = async (): Promise<void> => void client.wrap(body, 'UTF-8');
  const sealName = 'seal 1 MB (RC4 + HMAC-MD5, multipart framing)';
  if (selected(sealName)) {
    progress(sealName);
    const { target, baseline } = await measurePaired(seal, aesGcm, SEALS);
    rows.push({ name: sealName, megabytesPerSecond: target.opsPerSecond, baselineMegabytesPerSecond: baseline.opsPerSecond });
  }
  const unsealName = 'seal + unseal 1 MB (both directions, signature verified)';
  if (selected(unsealName)) {
    progress(unsealName);
    const pair = establishedPair();
    const roundTrip = async (): Promise<void> => {
      const sealed = pair.client.wrap(body, 'UTF-8');
      const opened = decryptMessage(pair.server.security, sealed.contentType, sealed.body);
      if (opened.payload.length !== MEGABYTE) throw new Error('unseal lost bytes');
    };
    const { target, baseline } = await measurePaired(roundTrip, aesGcm, SEALS);
    rows.push({ name: unsealName, megabytesPerSecond: target.opsPerSecond, baselineMegabytesPerSecond: baseline.opsPerSecond });
  }
  return rows;
}

export interface AuthResults {
  readonly gets: readonly GetRow[];
  readonly sealing: readonly SealRow[];
}

export async function runAuthBench(): Promise<AuthResults> {
  console.log(`Authentication benchmark: ${SECONDS} s per measurement after warm-up, interleaved with its baseline\n`);
  const gets = await measureGets();
  const sealing = await measureSealing();
  if (gets.length > 0) {
    console.log('\nClient Get round trips (op = one Get of wmicimv2/Win32_Service?Name=WinRM; baseline: Basic over unencrypted HTTP in the same run)');
    console.log(
      table(
        ['client session', 'Get/s', 'mean ms', 'baseline Get/s', 'vs baseline'],
        gets.map((row) => [row.name, fmtRate(row.perSecond), fmtMs(row.meanMs), fmtRate(row.baselinePerSecond), `${(row.perSecond / row.baselinePerSecond).toFixed(2)}×`]),
      ),
    );
  }
  if (sealing.length > 0) {
    console.log('\nMessage sealing throughput (1 MB bodies; baseline: AES-128-GCM of the same megabyte in node:crypto)');
    console.log(
      table(
        ['operation', 'MB/s', 'AES-128-GCM MB/s', 'vs baseline'],
        sealing.map((row) => [row.name, row.megabytesPerSecond.toFixed(1), row.baselineMegabytesPerSecond.toFixed(1), `${(row.megabytesPerSecond / row.baselineMegabytesPerSecond).toFixed(2)}×`]),
      ),
    );
  }
  return { gets, sealing };
}

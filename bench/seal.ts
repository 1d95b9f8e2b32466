/**
 * NTLM sealing of 1 MB messages through MS-WSMV message encryption (src/core/transport/message-encryption.ts
 * over NtlmSessionSecurity): wrap, unwrap, and wrap then unwrap, each interleaved with the previous
 * implementation (kept below, in this file only, as the baseline: RC4 in a byte-at-a-time JS loop
 * on Buffer indexes, Buffer.concat framing, the whole body read as a Latin-1 string). Then the RC4
 * key stream alone, WebAssembly against the best JavaScript loop (the measurement behind the choice
 * in docs/decisions.md). One op = one megabyte, so ops/s = MB/s.
 *
 *   BENCH_SUITE=seal npm run bench
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hmacMd5, sealKey, signKey, type NtlmRole } from '../src/core/transport/auth/ntlm-crypto';
import { NegotiateFlag } from '../src/core/transport/auth/ntlm-messages';
import { NtlmSessionSecurity } from '../src/core/transport/auth/ntlm-session';
import { Rc4 } from '../src/core/transport/auth/rc4';
import { decryptMessage, encryptMessage } from '../src/core/transport/message-encryption';
import { progress, SECONDS, selected, WARMUP_MS } from './config';
import { table } from './format';
import { measurePaired, type PairedOptions } from './stats';

const MEGABYTE = 1024 * 1024;
const FLAGS = NegotiateFlag.SEAL | NegotiateFlag.EXTENDED_SESSIONSECURITY | NegotiateFlag.KEY_128 | NegotiateFlag.KEY_EXCH;
const SEALS: PairedOptions = { warmupOps: 5, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 100, baselineSliceMs: 100, minOps: 10 };

// ---------------------------------------------------------------------------------------------
// The previous implementation, as it was: the baseline.

class PreviousRc4 {
  private readonly state = new Uint8Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Buffer) {
    for (let n = 0; n < 256; n++) this.state[n] = n;
    for (let n = 0, k = 0; n < 256; n++) {
      k = (k + this.state[n]! + key[n % key.length]!) & 0xff;
      this.swap(n, k);
    }
  }

  update(data: Buffer): Buffer {
    const out = Buffer.alloc(data.length);
    for (let n = 0; n < data.length; n++) {
      this.i = (this.i + 1) & 0xff;
      this.j = (this.j + this.state[this.i]!) & 0xff;
      this.swap(this.i, this.j);
      out[n] = data[n]! ^ this.state[(this.state[this.i]! + this.state[this.j]!) & 0xff]!;
    }
    return out;
  }

  private swap(a: number, b: number): void {
    const held = this.state[a]!;
    this.state[a] = this.state[b]!;
    this.state[b] = held;
  }
}

class PreviousDirection {
  readonly signKey: Buffer;
  readonly handle: PreviousRc4;
  sequence = 0;

  constructor(exportedSessionKey: Buffer, sender: NtlmRole) {
    this.signKey = signKey(exportedSessionKey, sender);
    this.handle = new PreviousRc4(sealKey(FLAGS, exportedSessionKey, sender));
  }

  signature(message: Buffer): Buffer {
    const sequence = Buffer.alloc(4);
    sequence.writeUInt32LE(this.sequence++);
    const checksum = this.handle.update(hmacMd5(this.signKey, sequence, message).subarray(0, 8));
    return Buffer.concat([Buffer.from([1, 0, 0, 0]), checksum, sequence]);
  }
}

class PreviousSealing {
  private readonly outgoing: PreviousDirection;
  private readonly incoming: PreviousDirection;

  constructor(exportedSessionKey: Buffer, role: NtlmRole) {
    this.outgoing = new PreviousDirection(exportedSessionKey, role);
    this.incoming = new PreviousDirection(exportedSessionKey, role === 'client' ? 'server' : 'client');
  }

  encrypt(payload: Buffer): Buffer {
    const sealed = this.outgoing.handle.update(payload);
    const header = this.outgoing.signature(payload);
    const headerLength = Buffer.alloc(4);
    headerLength.writeUInt32LE(header.length);
    return Buffer.concat([
      Buffer.from(
        '--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n' +
          `\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=${payload.length}\r\n` +
          '--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n',
        'latin1',
      ),
      headerLength,
      header,
      sealed,
      Buffer.from('--Encrypted Boundary--\r\n', 'latin1'),
    ]);
  }

  decrypt(body: Buffer): Buffer {
    const text = body.toString('latin1');
    const delimiter = '--\\s*Encrypted Boundary';
    const head = new RegExp(`^\\s*${delimiter}\\r\\n([\\s\\S]*?)${delimiter}\\r\\n\\s*Content-Type:\\s*application/octet-stream\\r\\n`, 'i').exec(text);
    const tail = new RegExp(`${delimiter}--\\r\\n(?:\\r\\n)*$`).exec(text);
    if (!head || !tail) throw new Error('previous decrypt: bad framing');
    const data = body.subarray(head[0].length, tail.index);
    const headerLength = data.readUInt32LE(0);
    const message = this.incoming.handle.update(data.subarray(4 + headerLength));
    const expected = this.incoming.signature(message);
    if (!timingSafeEqual(expected, data.subarray(4, 4 + headerLength))) throw new Error('previous decrypt: bad signature');
    return message;
  }
}

/** The best plain JavaScript RC4 loop found: Uint8Array state, everything in locals. */
function javascriptRc4(key: Buffer): (data: Uint8Array, out: Uint8Array) => void {
  const state = new Uint8Array(256);
  for (let n = 0; n < 256; n++) state[n] = n;
  for (let n = 0, k = 0; n < 256; n++) {
    const held = state[n]!;
    k = (k + held + key[n % key.length]!) & 0xff;
    state[n] = state[k]!;
    state[k] = held;
  }
  let i = 0;
  let j = 0;
  return (data, out) => {
    let a = i;
    let b = j;
    for (let n = 0; n < data.length; n++) {
      a = (a + 1) & 0xff;
      const sa = state[a]!;
      b = (b + sa) & 0xff;
      const sb = state[b]!;
      state[a] = sb;
      state[b] = sa;
      out[n] = data[n]! ^ state[(sa + sb) & 0xff]!;
    }
    i = a;
    j = b;
  };
}

// ---------------------------------------------------------------------------------------------

export interface SealRow {
  readonly name: string;
  readonly megabytesPerSecond: number;
  readonly baselineMegabytesPerSecond: number;
  readonly baseline: string;
  /** Megabytes per second of this process's CPU time (user + system), each side: steadier than wall time on a shared host. */
  readonly megabytesPerCpuSecond: number;
  readonly baselineMegabytesPerCpuSecond: number;
}

/** An operation that also counts the process CPU time it takes. */
function cpuCounted(operation: () => void): { readonly run: () => Promise<void>; perCpuSecond(): number } {
  let ops = 0;
  let micros = 0;
  return {
    run: async () => {
      const start = process.cpuUsage();
      operation();
      const spent = process.cpuUsage(start);
      micros += spent.user + spent.system;
      ops++;
    },
    perCpuSecond: () => ops / (micros / 1e6),
  };
}

export async function runSealBench(): Promise<SealRow[]> {
  console.log(`NTLM sealing of 1 MB messages (MS-WSMV framing included), ${SECONDS} s per measurement, interleaved with the previous implementation\n`);
  const sessionKey = randomBytes(16);
  const payload = randomBytes(MEGABYTE);
  const rows: SealRow[] = [];
  const measure = async (name: string, baselineName: string, current: () => void, previous: () => void): Promise<void> => {
    if (!selected(name)) return;
    progress(name);
    const measured = cpuCounted(current);
    const reference = cpuCounted(previous);
    const { target, baseline } = await measurePaired(measured.run, reference.run, SEALS);
    rows.push({
      name,
      megabytesPerSecond: target.opsPerSecond,
      baselineMegabytesPerSecond: baseline.opsPerSecond,
      baseline: baselineName,
      megabytesPerCpuSecond: measured.perCpuSecond(),
      baselineMegabytesPerCpuSecond: reference.perCpuSecond(),
    });
  };
  const expectPayload = (opened: Buffer): void => {
    if (!opened.equals(payload)) throw new Error('unwrap did not give back the payload');
  };
  // In the timed loops only the length is checked: comparing a megabyte would be part of each op; the contents are checked once before.
  const expectLength = (opened: Buffer): void => {
    if (opened.length !== MEGABYTE) throw new Error('unwrap lost bytes');
  };

  // Both implementations must agree on the wire before either is timed.
  const firstBody = encryptMessage(new NtlmSessionSecurity(FLAGS, sessionKey, 'client'), payload, 'UTF-8');
  if (!firstBody.body.equals(new PreviousSealing(sessionKey, 'client').encrypt(payload))) throw new Error('the implementations seal differently');
  expectPayload(new PreviousSealing(sessionKey, 'server').decrypt(firstBody.body));

  const client = new NtlmSessionSecurity(FLAGS, sessionKey, 'client');
  const previousClient = new PreviousSealing(sessionKey, 'client');
  await measure('wrap 1 MB', 'previous', () => void encryptMessage(client, payload, 'UTF-8'), () => void previousClient.encrypt(payload));

  // Unwrap needs the peer's next message: a fresh receiving session each time opens the same first message.
  await measure(
    'unwrap 1 MB',
    'previous',
    () => expectLength(decryptMessage(new NtlmSessionSecurity(FLAGS, sessionKey, 'server'), firstBody.contentType, firstBody.body).payload),
    () => expectLength(new PreviousSealing(sessionKey, 'server').decrypt(firstBody.body)),
  );

  const pair = { client: new NtlmSessionSecurity(FLAGS, sessionKey, 'client'), server: new NtlmSessionSecurity(FLAGS, sessionKey, 'server') };
  const previousPair = { client: new PreviousSealing(sessionKey, 'client'), server: new PreviousSealing(sessionKey, 'server') };
  const checked = encryptMessage(pair.client, payload, 'UTF-8');
  expectPayload(decryptMessage(pair.server, checked.contentType, checked.body).payload);
  expectPayload(previousPair.server.decrypt(previousPair.client.encrypt(payload)));
  await measure(
    'wrap + unwrap 1 MB',
    'previous',
    () => {
      const sealed = encryptMessage(pair.client, payload, 'UTF-8');
      expectLength(decryptMessage(pair.server, sealed.contentType, sealed.body).payload);
    },
    () => expectLength(previousPair.server.decrypt(previousPair.client.encrypt(payload))),
  );

  const out = Buffer.allocUnsafe(MEGABYTE);
  const wasm = new Rc4(sessionKey);
  const loop = javascriptRc4(sessionKey);
  await measure('RC4 key stream 1 MB (WebAssembly)', 'best JS loop', () => wasm.updateInto(payload, out), () => loop(payload, out));

  console.log(
    table(
      ['name', 'MB/s', 'MB/CPU-s', 'baseline', 'baseline MB/s', 'baseline MB/CPU-s', 'ratio'],
      rows.map((row) => [
        row.name,
        row.megabytesPerSecond.toFixed(1),
        row.megabytesPerCpuSecond.toFixed(1),
        row.baseline,
        row.baselineMegabytesPerSecond.toFixed(1),
        row.baselineMegabytesPerCpuSecond.toFixed(1),
        `${(row.megabytesPerSecond / row.baselineMegabytesPerSecond).toFixed(2)}×`,
      ]),
    ),
  );
  console.log(
    'MB = 2^20 bytes of plaintext; MB/s over wall time in the timed slices, MB/CPU-s over the CPU time this process spent in each side ' +
      '(warm-up included; on a loaded host wall time also counts waiting for a core). Goals (issue 16): wrap ≥ 300 MB/s, wrap + unwrap ≥ 170 MB/s.',
  );
  return rows;
}

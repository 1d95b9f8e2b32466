/**
 * The exchanges recorded against Microsoft's OMI server (../shared/fixtures/microsoft_omi, read at
 * test time): each file is the raw bytes of one TCP direction, several HTTP messages in a row.
 * The lab password lets a test derive the NTLM session keys of the recorded handshake, so the
 * sealed bodies of both directions can be opened as the real peers opened them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSpnego } from '../../src/core/transport/auth/spnego';
import { decodeAuthenticate, decodeChallenge, isNtlmMessage } from '../../src/core/transport/auth/ntlm-messages';
import { hmacMd5, ntowfv2 } from '../../src/core/transport/auth/ntlm-crypto';
import { NegotiateFlag } from '../../src/core/transport/auth/ntlm-messages';
import { NtlmSessionSecurity } from '../../src/core/transport/auth/ntlm-session';
import { rc4k } from '../../src/core/transport/auth/rc4';
import { SHARED_FIXTURES } from '../helpers/shared-reference';

/** Lab account of the recordings (INDEX.md). */
export const OMI_LAB = { user: 'omilab', password: 'Lab#Pass1', domain: 'vm' } as const;

export interface RecordedHttpMessage {
  /** `POST /wsman HTTP/1.1` or `HTTP/1.1 200 OK`. */
  readonly startLine: string;
  /** Header names lower-cased. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

export function omiRecording(name: string): Buffer {
  return readFileSync(join(SHARED_FIXTURES, 'microsoft_omi', name));
}

/** The HTTP messages of one recorded direction, framed by Content-Length (every recorded message has one). */
export function readHttpStream(bytes: Buffer): RecordedHttpMessage[] {
  const messages: RecordedHttpMessage[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', offset, 'latin1');
    if (end === -1) throw new Error(`recording: an unterminated header block at byte ${offset}`);
    const [startLine, ...lines] = bytes.subarray(offset, end).toString('latin1').split('\r\n');
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`recording: a header line without a name: ${line}`);
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const length = Number(headers.get('content-length'));
    if (!Number.isInteger(length)) throw new Error(`recording: "${startLine}" has no Content-Length`);
    const bodyStart = end + 4;
    if (bodyStart + length > bytes.length) throw new Error(`recording: "${startLine}" is cut short`);
    messages.push({ startLine: startLine!, headers, body: bytes.subarray(bodyStart, bodyStart + length) });
    offset = bodyStart + length;
  }
  return messages;
}

export function statusOf(message: RecordedHttpMessage): number {
  return Number(message.startLine.split(' ')[1]);
}

/** The NTLM message inside a `Negotiate <base64>` header value (raw or wrapped in SPNEGO). */
export function ntlmTokenOf(headerValue: string): Buffer {
  const token = Buffer.from(headerValue.replace(/^Negotiate\s+/i, ''), 'base64');
  if (isNtlmMessage(token)) return token;
  const spnego = decodeSpnego(token);
  const inner = spnego.kind === 'init' ? spnego.mechToken : spnego.responseToken;
  if (!inner) throw new Error('recording: the SPNEGO token carries no NTLM message');
  return inner;
}

/** The `Negotiate …` header values of a recorded handshake, in order. */
export interface RecordedHandshake {
  /** The client's first leg (SPNEGO NegTokenInit or raw NEGOTIATE). */
  readonly init: string;
  readonly challenge: string;
  readonly authenticate: string;
  /** The server's closing token, when it sent one. */
  readonly final?: string;
}

function spnegoOf(headerValue: string): ReturnType<typeof decodeSpnego> | undefined {
  const token = Buffer.from(headerValue.replace(/^Negotiate\s+/i, ''), 'base64');
  return isNtlmMessage(token) ? undefined : decodeSpnego(token);
}

/**
 * Session security of both peers of a recorded NTLMv2 handshake, from its tokens and the account's
 * password (MS-NLMP §3.3.2, §3.4.5): `server` opens what the client sealed, `client` opens what
 * the server sealed. The SPNEGO mechListMICs are checked first, as the peers did, since each takes
 * a sequence number.
 */
export function recordedSessions(handshake: RecordedHandshake, password: string): { client: NtlmSessionSecurity; server: NtlmSessionSecurity } {
  const { serverChallenge } = decodeChallenge(ntlmTokenOf(handshake.challenge));
  const message = decodeAuthenticate(ntlmTokenOf(handshake.authenticate));
  const ntProofStr = message.ntResponse.subarray(0, 16);
  const temp = message.ntResponse.subarray(16);
  const responseKey = ntowfv2(password, message.user, message.domain);
  if (!hmacMd5(responseKey, serverChallenge, temp).equals(ntProofStr)) throw new Error('recording: the lab password does not produce the recorded NTProofStr');
  const sessionBaseKey = hmacMd5(responseKey, ntProofStr);
  const exportedSessionKey = message.flags & NegotiateFlag.KEY_EXCH ? rc4k(sessionBaseKey, message.encryptedSessionKey) : sessionBaseKey;
  const client = new NtlmSessionSecurity(message.flags, exportedSessionKey, 'client');
  const server = new NtlmSessionSecurity(message.flags, exportedSessionKey, 'server');
  const init = spnegoOf(handshake.init);
  const mechTypes = init?.kind === 'init' ? init.mechTypesDer : undefined;
  const clientMic = spnegoOf(handshake.authenticate)?.mechListMic;
  const serverMic = handshake.final ? spnegoOf(handshake.final)?.mechListMic : undefined;
  // MS-SPNG §3.3.5.1: the key stream starts over after a mechListMIC; the sequence number goes on.
  if (mechTypes && clientMic) {
    server.verify(mechTypes, clientMic);
    server.resetHandle('incoming');
  }
  if (mechTypes && serverMic) {
    client.verify(mechTypes, serverMic);
    client.resetHandle('incoming');
  }
  return { client, server };
}

/**
 * A raw enumeration: optimized Enumerate + Pull until EndOfSequence over one SessionClient,
 * replies read cheaply (item start tags counted, the context found by a byte search), so the
 * client's share of each round trip stays tiny. The endpoint benchmark times it; the client
 * benchmark uses it as the baseline for the client's Enumerator.
 */
import { expectStatus, type Reply, type SessionClient } from './http-client';
import { BIG_CLASS } from './instances';

const ITEM_TAG = Buffer.from(`<p:${BIG_CLASS} `);
const CONTEXT_OPEN = Buffer.from('<n:EnumerationContext>');
const CONTEXT_CLOSE = Buffer.from('</n:EnumerationContext>');
const END_OF_SEQUENCE = Buffer.from('EndOfSequence/>');

/** Item start tags (property elements are `<p:Name>` etc., never `<p:Win32_Service `). */
export function countItems(body: Buffer): number {
  let count = 0;
  for (let at = body.indexOf(ITEM_TAG); at >= 0; at = body.indexOf(ITEM_TAG, at + ITEM_TAG.length)) count++;
  return count;
}

/** EndOfSequence closes the response body, so only the last bytes are searched. */
export function endOfSequence(body: Buffer): boolean {
  return body.indexOf(END_OF_SEQUENCE, Math.max(0, body.length - 256)) >= 0;
}

/** The context precedes the items, so a forward search finds it early. */
export function contextOf(body: Buffer): string {
  const open = body.indexOf(CONTEXT_OPEN);
  const close = open < 0 ? -1 : body.indexOf(CONTEXT_CLOSE, open);
  if (close < 0) throw new Error(`no EnumerationContext in: ${body.toString('utf8', 0, 400)}`);
  return body.toString('latin1', open + CONTEXT_OPEN.length, close);
}

export interface EnumerationRun {
  items: number;
  requests: number;
  largestReply: number;
  firstBatch: number;
}

/** An Enumerate request with a fresh MessageID per render (soap.ts RequestTemplate, or a captured one). */
export interface EnumerateRequest {
  render(): Buffer;
}

/** A Pull request for a context (soap.ts PullTemplate, or a captured one). */
export interface PullRequest {
  render(context: string): Buffer;
}

export type Inspect = (reply: Reply, kind: 'enumerate' | 'pull', items: number, done: boolean) => void;

export async function enumerateAll(
  client: SessionClient,
  enumerate: EnumerateRequest,
  pull: PullRequest,
  headers: Record<string, string>,
  inspect?: Inspect,
): Promise<EnumerationRun> {
  let reply = await client.post(enumerate.render(), headers);
  let kind: 'enumerate' | 'pull' = 'enumerate';
  const run: EnumerationRun = { items: 0, requests: 1, largestReply: 0, firstBatch: 0 };
  for (;;) {
    expectStatus(reply, 200, kind === 'enumerate' ? 'Enumerate' : 'Pull');
    const items = countItems(reply.body);
    const done = endOfSequence(reply.body);
    inspect?.(reply, kind, items, done);
    if (run.requests === 1) run.firstBatch = items;
    run.items += items;
    if (reply.body.length > run.largestReply) run.largestReply = reply.body.length;
    if (done) return run;
    if (items === 0) throw new Error(`${kind} returned neither items nor EndOfSequence`);
    reply = await client.post(pull.render(contextOf(reply.body)), headers);
    kind = 'pull';
    run.requests++;
  }
}

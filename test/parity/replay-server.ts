/**
 * A tiny WS-Management "server" that answers with recorded Windows responses, one per request, in
 * order. Like a real server it echoes the request's MessageID in a:RelatesTo: only the text of that
 * one element is replaced (a recording without RelatesTo is served unchanged); every other byte is
 * the recording's, except winrm4j's `${serviceUrl}` template placeholder, which is filled with this
 * server's URL the way winrm4j's own test harness fills it. It keeps every request it received.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createObject } from '../../src/index';
import { WSManSessionFlags as F } from '../../src/automation/flags';
import type { Session } from '../../src/automation/session';
import type { WSMan } from '../../src/automation/wsman';
import { readRequestHeader, readResponseHeader, readSoapMessage } from '../../src/core/protocol/message';
import { parseXml } from '../../src/core/protocol/xml';

export interface ScriptedReply {
  readonly status: 200 | 500;
  /** The recorded response envelope. */
  readonly body: string;
  /** Where it comes from, for failure messages. */
  readonly label?: string;
  /** Serve the bytes without the RelatesTo echo (to show that the client checks it). */
  readonly verbatim?: boolean;
}

export interface CapturedRequest {
  readonly method: string;
  readonly path: string;
  /** Header names and values exactly as they came over the wire, in order. */
  readonly rawHeaders: ReadonlyArray<readonly [string, string]>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
  readonly messageId: string | undefined;
  /** The response text actually served (after the RelatesTo echo). */
  served?: string;
}

const RELATES_TO = /(<((?:[A-Za-z_][\w.-]*:)?)RelatesTo(?:\s[^>]*)?>)(\s*)([^<]*?)(\s*)(<\/\2RelatesTo\s*>)/g;

/**
 * The recorded response with its a:RelatesTo text replaced by `messageId` (whitespace around the
 * text kept), checked by parsing: the element must be the WS-Addressing RelatesTo header.
 */
export function echoRelatesTo(recorded: string, messageId: string, serviceUrl: string): string {
  const matches = [...recorded.matchAll(RELATES_TO)];
  let text = recorded.split('${serviceUrl}').join(serviceUrl);
  if (matches.length > 1) throw new Error('the recorded response has more than one RelatesTo element');
  if (matches.length === 1) text = text.replace(RELATES_TO, (_all, open: string, _p: string, lead: string, _v: string, trail: string, close: string) => `${open}${lead}${messageId}${trail}${close}`);
  const header = readSoapMessage(parseXml(text)).header;
  const relatesTo = readResponseHeader(header).relatesTo;
  if (matches.length === 1 && relatesTo !== messageId) throw new Error(`RelatesTo rewrite failed: the parsed RelatesTo is ${relatesTo}`);
  if (matches.length === 0 && relatesTo !== undefined) throw new Error('the response has a RelatesTo header that the textual rewrite did not find');
  return text;
}

export class ReplayServer {
  readonly requests: CapturedRequest[] = [];
  /** Requests that arrived when no reply was scripted, or whose reply could not be prepared. */
  readonly problems: string[] = [];
  private readonly queue: ScriptedReply[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ReplayServer> {
    let instance: ReplayServer | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => instance!.answer(request.method ?? '', request.url ?? '', request.rawHeaders, request.headers, Buffer.concat(chunks), response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    instance = new ReplayServer(server, `http://127.0.0.1:${port}/wsman`);
    return instance;
  }

  /** Replies to serve, in order. */
  enqueue(...replies: ScriptedReply[]): void {
    this.queue.push(...replies);
  }

  get pending(): number {
    return this.queue.length;
  }

  private answer(
    method: string,
    path: string,
    raw: string[],
    headers: IncomingHttpHeaders,
    body: Buffer,
    response: ServerResponse,
  ): void {
    const rawHeaders: Array<readonly [string, string]> = [];
    for (let i = 0; i < raw.length; i += 2) rawHeaders.push([raw[i], raw[i + 1]]);
    const text = body.toString('utf8');
    let messageId: string | undefined;
    try {
      messageId = readRequestHeader(readSoapMessage(parseXml(text)).header).messageId;
    } catch {
      messageId = undefined;
    }
    const captured: CapturedRequest = { method, path, rawHeaders, headers, body, text, messageId };
    this.requests.push(captured);
    const reply = this.queue.shift();
    const fail = (problem: string): void => {
      this.problems.push(problem);
      response.writeHead(503, { 'Content-Type': 'text/plain' });
      response.end(problem);
    };
    if (!reply) return fail(`request #${this.requests.length} arrived with no recorded reply left: ${text.slice(0, 300)}`);
    if (messageId === undefined) return fail(`request #${this.requests.length} has no readable MessageID`);
    let served: string;
    try {
      served = reply.verbatim ? reply.body : echoRelatesTo(reply.body, messageId, this.url);
    } catch (error) {
      return fail(`${reply.label ?? 'reply'}: ${(error as Error).message}`);
    }
    captured.served = served;
    const bytes = Buffer.from(served, 'utf8');
    response.writeHead(reply.status, { 'Content-Type': 'application/soap+xml;charset=UTF-8', 'Content-Length': String(bytes.length) });
    response.end(bytes);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export const BASIC_HTTP = F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword | F.WSManFlagNoEncryption;

/** A COM session on the replay server, Basic over HTTP, as a script would open it. */
export function openSession(url: string): { wsman: WSMan; session: Session } {
  const wsman = createObject('WSMan.Automation');
  const options = wsman.CreateConnectionOptions().value!;
  options.put_UserName('vagrant');
  options.put_Password('vagrant');
  const created = wsman.CreateSession(url, BASIC_HTTP, options);
  if (created.error) throw new Error(`CreateSession failed: ${created.error.description}`);
  return { wsman, session: created.value! };
}

/**
 * XSLT 1.0 for transformNode with xslt-processor, whose API is asynchronous: the transform runs
 * in a worker thread of its own (started at the first transform, shared by all documents) and
 * the script thread waits for it on the host's blocking channel, as it waits for the
 * automation engine. The library is plain JavaScript, so the worker needs no TypeScript loader.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { wsmanError } from '../../../core/errors/wsman-error';
import { createSignal, SignalState, SyncChannel } from '../../bridge/sync-channel';

interface TransformRequest {
  readonly xml: string;
  readonly xsl: string;
}

type TransformReply = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string };

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, signal, library } = workerData;
process.on('exit', () => {
  Atomics.store(signal, 0, ${SignalState.CLOSED});
  Atomics.notify(signal, 0);
});
// The library reports template ambiguities on the console; a script's output is no place for them.
console.warn = () => undefined;
const { Xslt, XmlParser } = require(library);
const NAMED = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
const decodeEntities = (text) =>
  text.replace(/&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(lt|gt|quot|apos|amp));/g, (_, hex, dec, name) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : NAMED[name]);
port.on('message', async ({ xml, xsl }) => {
  let reply;
  try {
    const parser = new XmlParser();
    const xslt = new Xslt();
    const output = await xslt.xsltProcess(parser.xmlParse(xml), parser.xmlParse(xsl));
    // The library writes text output still entity-encoded (its nodes keep markup); text means characters.
    reply = { ok: true, text: xslt.outputMethod === 'text' ? decodeEntities(output) : output };
  } catch (error) {
    reply = { ok: false, message: String((error && error.message) || error) };
  }
  port.postMessage(reply);
  Atomics.store(signal, 0, ${SignalState.REPLIED});
  Atomics.notify(signal, 0);
});
`;

let channel: SyncChannel<TransformRequest, TransformReply> | undefined;

function transformChannel(): SyncChannel<TransformRequest, TransformReply> {
  if (!channel) {
    const { port1, port2 } = new MessageChannel();
    const signal = createSignal();
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, signal, library: require.resolve('xslt-processor') }, transferList: [port2] });
    // An idle transformer must not keep the script's process alive.
    worker.unref();
    channel = new SyncChannel(port1, signal);
  }
  return channel;
}

/** The stylesheet's output for a document, both given as markup. */
export function transformXml(xml: string, xsl: string): string {
  const reply = transformChannel().call({ xml, xsl });
  if (!reply.ok) throw wsmanError('E_FAIL', { message: reply.message, source: 'msxml3.dll' });
  return reply.text;
}

/**
 * The wire reader against parseXml: every envelope and XML file of ../shared/fixtures, the
 * envelopes this project builds (requests, responses, faults, shell messages), the fuzz corpus and
 * a few thousand seeded mutants of it, parsed by both, give the same tree (scope bindings
 * included) or are both refused.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildCorpus } from '../../fuzz/corpus';
import { mutateBytesMany, mutateText } from '../../fuzz/mutators';
import { caseSeed, Rng } from '../../fuzz/rng';
import { buildFaultXml } from '../../src/core/errors/fault-xml';
import { buildIdentifyEnvelope, buildIdentifyResponseEnvelope, buildRequestEnvelope, buildResponseEnvelope } from '../../src/core/protocol/envelope';
import { ACTION, NS } from '../../src/core/protocol/namespaces';
import { readWireXml } from '../../src/core/protocol/wire-reader';
import { parseXml, XmlSyntaxError, type XmlElement } from '../../src/core/protocol/xml';
import { commandBody, connectBody, disconnectBody, receiveBody, sendBody, shellCreateBody, signalBody } from '../../src/core/shell/shell-messages';
import { readHttpStream } from '../hardening/omi-recordings';
import { SHARED_FIXTURES, sharedFixturesPresent } from '../helpers/shared-reference';
import { PYPSRP_MESSAGE_COUNTS, readPypsrpRecording } from '../parity/recordings';
import { treeDifference } from './same-tree';

type Outcome = { readonly tree: XmlElement } | { readonly refused: string };

function outcome(read: (text: string) => XmlElement, text: string): Outcome {
  try {
    return { tree: read(text) };
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    return { refused: error.message };
  }
}

/** Undefined when both readers agree on `text`, else what differs. */
function disagreement(text: string): string | undefined {
  const wire = outcome(readWireXml, text);
  const general = outcome(parseXml, text);
  if ('refused' in wire || 'refused' in general) {
    if ('refused' in wire && 'refused' in general) return undefined;
    return 'refused' in wire ? `only the wire reader refuses: ${wire.refused}` : `only parseXml refuses: ${(general as { refused: string }).refused}`;
  }
  return treeDifference(wire.tree, general.tree);
}

/** Checks every text; returns how many were read as trees and how many refused (by both). */
function expectAgreement(texts: Iterable<string>): { read: number; refused: number } {
  const counts = { read: 0, refused: 0 };
  for (const text of texts) {
    const difference = disagreement(text);
    if (difference !== undefined) throw new Error(`${difference}\nin: ${JSON.stringify(text.length > 600 ? `${text.slice(0, 600)}…` : text)}`);
    try {
      parseXml(text);
      counts.read++;
    } catch {
      counts.refused++;
    }
  }
  return counts;
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Each whole file, and every envelope-shaped or `<?xml`-led document inside it (recordings embed them). */
function fixtureDocuments(): Set<string> {
  const documents = new Set<string>();
  for (const path of filesUnder(SHARED_FIXTURES)) {
    const bytes = readFileSync(path);
    const text = bytes.toString('utf8');
    if (!text.includes('<')) continue;
    documents.add(text);
    for (const match of text.matchAll(/<([\w.-]+:)?Envelope[\s>][\s\S]*?<\/\1?Envelope\s*>/g)) documents.add(match[0]);
    if (path.endsWith('.c2s') || path.endsWith('.s2c')) {
      for (const message of readHttpStream(bytes)) if (message.body.length > 0) documents.add(message.body.toString('utf8'));
    }
  }
  for (const name of Object.keys(PYPSRP_MESSAGE_COUNTS)) {
    for (const exchange of readPypsrpRecording(name)) {
      if (exchange.request) documents.add(exchange.request);
      documents.add(exchange.response);
    }
  }
  return documents;
}

const REQUEST_HEADER = {
  to: 'http://host:5985/wsman',
  resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service',
  action: ACTION.get,
  maxEnvelopeSize: 512000,
  messageId: 'uuid:00000000-0000-0000-0000-000000000001',
  locale: 'en-US',
  dataLocale: 'de-DE',
  sessionId: 'uuid:00000000-0000-0000-0000-000000000002',
  operationTimeoutMs: 60000,
};

/** The envelopes this project writes: requests with selectors, options and fragments, shell bodies, responses and faults. */
function builtEnvelopes(): string[] {
  const shellBodies = [
    shellCreateBody({ inputStreams: ['stdin'], outputStreams: ['stdout', 'stderr'], environment: [['A&B', '<x>']], workingDirectory: 'C:\\Temp', idleTimeoutMs: 60000 }),
    commandBody('cmd.exe', ['/c', 'echo "<hi>" & more']),
    receiveBody(['stdout', 'stderr'], 'C0FFEE00-0000-0000-0000-000000000000'),
    sendBody('stdin', Buffer.from('data\r\n'.repeat(400)), true, 'C0FFEE00-0000-0000-0000-000000000000'),
    signalBody(`${NS.shell}/signal/ctrl_c`, 'C0FFEE00-0000-0000-0000-000000000000'),
    disconnectBody(60000, 'Block'),
    connectBody(undefined),
  ];
  const requests = [
    buildIdentifyEnvelope(),
    buildRequestEnvelope(REQUEST_HEADER, ''),
    buildRequestEnvelope(
      {
        ...REQUEST_HEADER,
        selectors: [{ name: 'Name', value: 'Win&RM' }],
        options: [{ name: 'WINRS_CODEPAGE', value: '65001' }],
        optionSetMustUnderstand: true,
        fragment: { path: 'Name', dialect: 'http://www.w3.org/TR/1999/REC-xpath-19991116' },
      },
      `<p:Win32_Service xmlns:p="${REQUEST_HEADER.resourceUri}"><p:Name>x &lt; y</p:Name></p:Win32_Service>`,
    ),
    ...shellBodies.map((body) => buildRequestEnvelope({ ...REQUEST_HEADER, resourceUri: `${NS.shell}/cmd` }, body)),
  ];
  const fault = buildFaultXml({ hresult: 0x8033805b, machine: 'host', message: 'The shell was not found <x> & "y".' });
  const responses = [
    buildIdentifyResponseEnvelope(`<wsmid:IdentifyResponse xmlns:wsmid="${NS.identity}"><wsmid:ProtocolVersion>${NS.wsman}</wsmid:ProtocolVersion></wsmid:IdentifyResponse>`),
    buildResponseEnvelope({ action: `${ACTION.get}Response`, relatesTo: 'uuid:1', bodyXml: `<p:X xmlns:p="urn:x" xmlns:xsi="${NS.xsi}"><p:A xsi:nil="true"/></p:X>` }),
    buildResponseEnvelope({ action: 'fault', relatesTo: 'uuid:1', bodyXml: `<s:Fault><s:Detail>${fault}</s:Detail></s:Fault>`, extraNamespaces: ['enumeration'] }),
  ];
  return [...requests, ...responses];
}

describe('the wire reader and parseXml agree', () => {
  if (sharedFixturesPresent) {
    it('on every XML document in ../shared/fixtures', () => {
      expect(expectAgreement(fixtureDocuments()).read).toBeGreaterThan(100);
    });
  } else {
    it.todo(`needs ${SHARED_FIXTURES}: ../shared/fixtures is absent, so the recorded documents were not compared`);
  }

  it('on the envelopes this project builds', () => {
    expect(expectAgreement(builtEnvelopes())).toEqual({ read: 13, refused: 0 });
  });

  it('on the fuzz corpus and 5,000 seeded mutants of it', async () => {
    const corpus = await buildCorpus();
    const seeds = [...corpus.requests, ...corpus.replies.map((reply) => reply.body), ...builtEnvelopes()];
    expectAgreement(seeds);
    const mutants: string[] = [];
    for (let index = 0; index < 5000; index++) {
      const rng = new Rng(caseSeed(16, 'wire-reader', index));
      const seed = rng.pick(seeds);
      mutants.push(rng.chance(0.5) ? mutateBytesMany(rng, Buffer.from(seed, 'utf8')).toString('utf8') : mutateText(rng, seed));
    }
    const { read, refused } = expectAgreement(mutants);
    // Both outcomes are well represented: the mutants test the checks and the tree alike.
    expect(read).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(1000);
  }, 60000);
});

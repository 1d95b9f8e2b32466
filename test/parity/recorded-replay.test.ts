/**
 * Every recorded pypsrp and winrm4j exchange replayed through the real COM client: the recorded
 * request is re-issued as the same COM call (Get / Create / Delete / Enumerate / Invoke with the
 * recorded resource URI, selectors, options and body), the replay server answers with the recorded
 * Windows response, and
 *  - what the COM caller gets must be what the Windows server said (resource XML, EPR, items,
 *    fault HRESULT + innermost message + Session.Error detail), compared by namespace URI and
 *    local name, character for character in text;
 *  - the request our client put on the wire must carry the same information as the recorded one,
 *    header by header, apart from the peer defaults listed in EXPECTED_PEER_DIFFERENCES
 *    (wsman-compare.ts), and the same body;
 *  - exactly one HTTP request per operation (no Pull/Release after an optimized EndOfSequence).
 */
import type { Session } from '../../src/automation/session';
import { NS } from '../../src/core/protocol/namespaces';
import { childElements, type XmlElement } from '../../src/core/protocol/xml';
import { describeWithSharedFixtures } from '../helpers/shared-reference';
import { PYPSRP_MESSAGE_COUNTS, readPypsrpRecording, readWinrm4jRecording, type RecordedExchange } from './recordings';
import { openSession, ReplayServer } from './replay-server';
import {
  canonical,
  canonicalOf,
  envelopeOf,
  expectedFault,
  notExpressibleThroughCom,
  recordedItems,
  reissue,
  semanticHeaders,
  withoutExpectedDifferences,
  type Outcome,
} from './wsman-compare';

/**
 * Recorded requests a COM script cannot send, and so are not replayed (the list is exact: a new
 * one fails the test). Session.Invoke needs parameters XML ("must be supplied or this method will fail",
 * api-surface.md note 29; empty → ERROR_WSMAN_CLIENT_BLANK_INPUT_XML),
 * and Reconnect has an empty body.
 */
const NOT_REPLAYED: Readonly<Record<string, readonly string[]>> = {
  test_psrp_disconnect_runspaces: ['test_psrp_disconnect_runspaces #6: http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Reconnect has an empty body'],
};

/** ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR: our documented fallback for a fault with no WSManFault/MSFT_WmiError detail. */
const FALLBACK_HRESULT = 0x80338170;

/**
 * `served` is the recorded response as the replay server sent it: the recording's bytes with the
 * RelatesTo echo (and winrm4j's ${serviceUrl} filled in).
 */
function expectOutcomeMatchesRecording(label: string, outcome: Outcome, exchange: RecordedExchange, served: string, session: Session): void {
  const fault = expectedFault(served);
  const { bodyElements } = envelopeOf(served);
  if (fault) {
    expect({ label, status: exchange.status }).toEqual({ label, status: 500 });
    expect({ label, hr: outcome.result.hr, description: outcome.result.error?.description }).toEqual({
      label,
      hr: fault.hresult ?? FALLBACK_HRESULT,
      description: fault.message,
    });
    if (fault.detail) expect({ label, error: canonicalOf(session.get_Error().value!) }).toEqual({ label, error: canonical(fault.detail) });
    return;
  }
  expect({ label, status: exchange.status, hr: outcome.result.hr, error: outcome.result.error?.description }).toEqual({ label, status: 200, hr: 0, error: undefined });
  switch (outcome.operation) {
    case 'get':
    case 'invoke': {
      expect({ label, bodyElements: bodyElements.length <= 1 }).toEqual({ label, bodyElements: true });
      const value = outcome.result.value as string;
      if (bodyElements.length === 0) expect({ label, value }).toEqual({ label, value: '' });
      else expect({ label, value: canonicalOf(value) }).toEqual({ label, value: canonical(bodyElements[0]) });
      break;
    }
    case 'create': {
      // Session.Create hands back the EPR (x:ResourceCreated); a following rsp:Shell is not part of it.
      expect({ label, first: `{${bodyElements[0]?.namespace}}${bodyElements[0]?.localName}` }).toEqual({ label, first: `{${NS.transfer}}ResourceCreated` });
      expect({ label, value: canonicalOf(outcome.result.value as string) }).toEqual({ label, value: canonical(bodyElements[0]) });
      break;
    }
    case 'delete':
      expect({ label, value: outcome.result.value, recordedBody: bodyElements.length }).toEqual({ label, value: undefined, recordedBody: 0 });
      break;
    case 'enumerate':
      expect({ label, items: outcome.items!.map((item) => canonicalOf(item)), atEnd: outcome.atEnd }).toEqual({
        label,
        items: recordedItems(served).map((item) => canonical(item)),
        atEnd: true,
      });
      break;
  }
}

/** `s:Body/rsp:Receive/rsp:DesiredStream` below the envelope, by the prefixes written in the recording. */
function elementAtPrefixedPath(root: XmlElement, path: string): XmlElement | undefined {
  let current: XmlElement | undefined = root;
  for (const step of path.split('/')) current = current && childElements(current).find((e) => `${e.prefix}:${e.localName}` === step);
  return current;
}

/** The served bytes are the recording's: only the RelatesTo text (and winrm4j's ${serviceUrl}) may differ. */
function expectServedAsRecorded(label: string, recorded: string, served: string, url: string): void {
  const blankRelatesTo = (text: string) => text.replace(/(RelatesTo>)[^<]*(<)/g, '$1$2');
  expect({ label, served: blankRelatesTo(served) }).toEqual({ label, served: blankRelatesTo(recorded.split('${serviceUrl}').join(url)) });
}

/** Same operation, same information: semantic headers (minus the peer-default table) and body. */
function expectSameInformation(label: string, ours: string, theirs: string, peer: 'pypsrp' | 'winrm4j'): void {
  const compared = withoutExpectedDifferences(semanticHeaders(ours), semanticHeaders(theirs), peer);
  expect({ label, violations: compared.violations }).toEqual({ label, violations: [] });
  expect({ label, headers: compared.ours }).toEqual({ label, headers: compared.theirs });
  const body = (text: string) => envelopeOf(text).bodyElements.map((e) => canonical(e, { ignoreWhitespaceText: true }));
  expect({ label, body: body(ours) }).toEqual({ label, body: body(theirs) });
}

describeWithSharedFixtures('recorded exchanges replayed through Session (pypsrp)', () => {
  let server: ReplayServer;
  beforeEach(async () => {
    server = await ReplayServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  for (const name of Object.keys(PYPSRP_MESSAGE_COUNTS)) {
    it(`${name}: ${PYPSRP_MESSAGE_COUNTS[name]} exchanges`, async () => {
      const exchanges = readPypsrpRecording(name);
      const { wsman, session } = openSession(server.url);
      const skipped: string[] = [];
      for (const [n, exchange] of exchanges.entries()) {
        const label = `${name} #${n + 1}`;
        const reason = notExpressibleThroughCom(exchange.request!);
        if (reason) {
          skipped.push(`${label}: ${reason}`);
          continue;
        }
        const i = server.requests.length;
        for (const override of exchange.overrides ?? []) {
          // pypsrp forces these request values before comparing; the recorded request must already hold them.
          const element = elementAtPrefixedPath(envelopeOf(exchange.request!).root, override.path);
          for (const [attributeName, value] of Object.entries(override.attributes)) {
            expect({ label, [attributeName]: element?.attributes.find((a) => a.localName === attributeName)?.value }).toEqual({ label, [attributeName]: value });
          }
        }
        server.enqueue({ status: exchange.status, body: exchange.response, label });
        const outcome = await reissue(wsman, session, exchange.request!);
        expect({ label, problems: server.problems, requests: server.requests.length }).toEqual({ label, problems: [], requests: i + 1 });
        expectServedAsRecorded(label, exchange.response, server.requests[i].served!, server.url);
        expectOutcomeMatchesRecording(label, outcome, exchange, server.requests[i].served!, session);
        expectSameInformation(label, server.requests[i].text, exchange.request!, 'pypsrp');
      }
      expect(skipped).toEqual(NOT_REPLAYED[name] ?? []);
      // One p:SessionId for the whole session, as Windows keeps it (wire.md §2.2).
      const sessionIds = new Set(server.requests.map((r) => /<p:SessionId s:mustUnderstand="false">([^<]*)<\/p:SessionId>/.exec(r.text)?.[1]));
      expect(sessionIds.size).toBe(1);
      expect([...sessionIds][0]).toMatch(/^uuid:[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    });
  }
});

describeWithSharedFixtures('recorded exchanges replayed through Session (winrm4j, Windows Server 2012 and Windows 7)', () => {
  let server: ReplayServer;
  beforeEach(async () => {
    server = await ReplayServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  for (const name of ['win12', 'win7'] as const) {
    it(`${name}: Create, Command, Receive, Signal, Delete`, async () => {
      const items = readWinrm4jRecording(name, 5);
      const { wsman, session } = openSession(server.url);
      for (const [i, item] of items.entries()) {
        const label = `${name} #${i + 1} ${item.action.split('/').pop()}`;
        expect({ label, action: semanticHeaders(item.request).Action }).toEqual({ label, action: item.action });
        server.enqueue({ status: item.status, body: item.response, label });
        const outcome = await reissue(wsman, session, item.request);
        expect({ label, problems: server.problems, requests: server.requests.length }).toEqual({ label, problems: [], requests: i + 1 });
        expectServedAsRecorded(label, item.response, server.requests[i].served!, server.url);
        expectOutcomeMatchesRecording(label, outcome, item, server.requests[i].served!, session);
        expectSameInformation(label, server.requests[i].text, item.request, 'winrm4j');
      }
      // The served Create response had ${serviceUrl} filled in; the EPR we returned carries it.
      expect(server.requests[0].served).toContain(`<a:Address>${server.url}</a:Address>`);
    });
  }
});

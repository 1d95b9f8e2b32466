/**
 * Fragment Gets answered without writing and re-reading the instance must give what the general
 * route gives: for every property of every service (both `Prop` and `Prop/text()`), the reply's
 * fragment equals the property element taken from the full instance's reply (serialized
 * standalone), or its escaped text.
 */
import 'reflect-metadata';
import { escapeXmlText } from '../../src/core/errors/fault-xml';
import { buildRequestEnvelope, type RequestHeader } from '../../src/core/protocol/envelope';
import { readSoapMessage } from '../../src/core/protocol/message';
import { ACTION, NS, WMI_URI_PREFIX } from '../../src/core/protocol/namespaces';
import { childElements, parseXml, serializeXml, textContent } from '../../src/core/protocol/xml';
import { CimStore } from '../../src/server/cim/cim-store';
import { WinRMConfig } from '../../src/server/config/winrm-config';
import { ConnectionBudget } from '../../src/server/http/connection-budget';
import { createEndpointContainer } from '../../src/server/server-module';
import type { EndpointState } from '../../src/server/service/endpoint-state';
import { WSManService, type CallerContext } from '../../src/server/service/wsman-service';

const URI = `${WMI_URI_PREFIX}root/cimv2/Win32_Service`;
const CALLER: CallerContext = { principal: { userName: 'alice', scheme: 'Basic' }, secure: false, bytesPerUnit: 1 };

const store = CimStore.load({ machineName: 'WIN-FRAGMENT' });
const state: EndpointState = { machineName: 'WIN-FRAGMENT', osVersion: '10.0.20348', config: new WinRMConfig({}), listeners: [], saveConfig: () => undefined };
const connectionBudget = new ConnectionBudget({ maxConnections: () => 300, unauthenticatedDeadlineMs: 10_000, bodyDeadlineMs: 10_000 });
const service = createEndpointContainer({ state, users: [], certificateMappings: [], cimStore: store, connectionBudget }).get(WSManService);

async function bodyOf(name: string, extra: Partial<RequestHeader> = {}) {
  const xml = buildRequestEnvelope(
    { to: 'http://h/wsman', resourceUri: URI, action: ACTION.get, maxEnvelopeSize: 512000, messageId: 'uuid:1', locale: 'en-US', dataLocale: 'en-US', operationTimeoutMs: 60000, selectors: [{ name: 'Name', value: name }], ...extra },
    '',
  );
  const reply = await service.handle(xml, CALLER);
  if (reply.status !== 200) throw new Error(`${name}: status ${reply.status}`);
  return childElements(readSoapMessage(parseXml([reply.body].flat().join(''))).body!)[0];
}

describe('fragment Gets match the property elements of the whole instance', () => {
  it('every property of every service, as element and as text()', async () => {
    const names = store.enumerate('Win32_Service').map((instance) => String(instance.properties.get('Name')));
    const properties = store.classDef('Win32_Service').properties.map((p) => p.name);
    expect(names.length).toBeGreaterThan(10);
    let compared = 0;
    for (const name of names) {
      const whole = await bodyOf(name);
      for (const property of properties) {
        const element = childElements(whole).find((e) => e.localName === property && e.namespace === URI)!;
        const asElement = await bodyOf(name, { fragment: { path: property } });
        const asText = await bodyOf(name, { fragment: { path: `${property}/text()` } });
        expect(asElement.namespace === NS.wsman && asElement.localName).toBe('XmlFragment');
        expect({ name, property, xml: childElements(asElement).map(serializeXml).join('') }).toEqual({ name, property, xml: serializeXml(element) });
        expect({ name, property, text: textContent(asText) }).toEqual({ name, property, text: textContent(parseXml(`<x>${escapeXmlText(textContent(element))}</x>`)) });
        compared++;
      }
    }
    expect(compared).toBe(names.length * properties.length);
  });
});

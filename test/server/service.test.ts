/** The SOAP service without HTTP: timeouts and expiry, with providers swapped through the container. */
import 'reflect-metadata';
import { buildRequestEnvelope, newMessageId } from '../../src/core/protocol/envelope';
import { readFault } from '../../src/core/protocol/faults';
import { readSoapMessage } from '../../src/core/protocol/message';
import { ACTION, NS } from '../../src/core/protocol/namespaces';
import { child, childElements, parseXml, textContent } from '../../src/core/protocol/xml';
import { CimStore } from '../../src/server/cim/cim-store';
import { WinRMConfig } from '../../src/server/config/winrm-config';
import { ConnectionBudget } from '../../src/server/http/connection-budget';
import { ResourceProvider, type EnumerationItem } from '../../src/server/resources/resource-provider';
import { createEndpointContainer } from '../../src/server/server-module';
import type { EndpointState } from '../../src/server/service/endpoint-state';
import { WSManService, type CallerContext } from '../../src/server/service/wsman-service';

const CALLER: CallerContext = { principal: { userName: 'alice', scheme: 'Basic' }, secure: false, bytesPerUnit: 1 };
const SLOW_URI = 'urn:test:slow';

function serviceWith(configOverrides: Record<string, string>, extra?: Partial<ResourceProvider>): WSManService {
  const state: EndpointState = { machineName: 'WIN-TEST', osVersion: '10.0.20348', config: new WinRMConfig(configOverrides), listeners: [], saveConfig: () => undefined };
  const connectionBudget = new ConnectionBudget({ maxConnections: () => 300, unauthenticatedDeadlineMs: 10_000, bodyDeadlineMs: 10_000 });
  const container = createEndpointContainer({ state, users: [], certificateMappings: [], cimStore: CimStore.load({ machineName: 'WIN-TEST' }), connectionBudget });
  if (extra) container.bind(ResourceProvider).toConstantValue({ serves: (uri: string) => uri === SLOW_URI, ...extra } as ResourceProvider);
  return container.get(WSManService);
}

function request(resourceUri: string, action: string, body = '', operationTimeoutMs = 60000): string {
  return buildRequestEnvelope(
    { to: 'http://h/wsman', resourceUri, action, maxEnvelopeSize: 512000, messageId: newMessageId(), locale: 'en-US', dataLocale: 'en-US', operationTimeoutMs },
    body,
  );
}

async function send(service: WSManService, xml: string) {
  const reply = await service.handle(xml, CALLER);
  if (reply.status !== 200 && reply.status !== 500) throw new Error(`status ${reply.status}`);
  const body = childElements(readSoapMessage(parseXml([reply.body].flat().join(''))).body!)[0];
  return { status: reply.status, body, fault: reply.status === 500 ? readFault(body) : undefined };
}

describe('operation timeouts', () => {
  it('a provider slower than OperationTimeout gives w:TimedOut 0x80338029', async () => {
    const service = serviceWith({}, { get: () => new Promise<string>((resolve) => setTimeout(() => resolve('<late/>'), 500)) });
    const reply = await send(service, request(SLOW_URI, ACTION.get, '', 50));
    expect(reply.fault).toMatchObject({ code: 'Receiver', hresult: 0x80338029, subcode: { namespace: NS.wsman, localName: 'TimedOut' } });
  });

  it('OperationTimeout is capped at MaxTimeoutms', async () => {
    const service = serviceWith({ MaxTimeoutms: '500' }, { get: () => new Promise<string>((resolve) => setTimeout(() => resolve('<late/>'), 1500)) });
    const started = Date.now();
    const reply = await send(service, request(SLOW_URI, ACTION.get, '', 60000));
    expect(reply.fault?.hresult).toBe(0x80338029);
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it('a provider that throws something unexpected is an internal error, not a crash', async () => {
    const service = serviceWith({}, { get: () => { throw new TypeError('boom'); } });
    const reply = await send(service, request(SLOW_URI, ACTION.get));
    expect(reply.fault).toMatchObject({ code: 'Receiver', subcode: { localName: 'InternalError' } });
    expect(reply.fault?.message).not.toContain('boom');
  });
});

describe('enumeration contexts expire after EnumerationTimeoutms', () => {
  it('a Pull after the timeout is InvalidEnumerationContext', async () => {
    const items: EnumerationItem[] = [1, 2, 3].map((n) => ({ xml: () => `<i>${n}</i>`, reference: { resourceUri: SLOW_URI, selectors: [] } }));
    const service = serviceWith({ 'Service/EnumerationTimeoutms': '50' }, { enumerate: () => items });
    const start = await send(service, request(SLOW_URI, ACTION.enumerate, `<n:Enumerate xmlns:n="${NS.enumeration}"/>`));
    const context = textContent(child(start.body, NS.enumeration, 'EnumerationContext')!);
    const pull = `<n:Pull xmlns:n="${NS.enumeration}"><n:EnumerationContext>${context}</n:EnumerationContext></n:Pull>`;
    await new Promise((r) => setTimeout(r, 120));
    const late = await send(service, request(SLOW_URI, ACTION.pull, pull));
    expect(late.fault?.hresult).toBe(0x8033801b);
  });
});

describe('a reply must fit MaxEnvelopeSize, counted in bytes of the reply charset', () => {
  const getWith = (maxEnvelopeSize: number): string =>
    buildRequestEnvelope({ to: 'http://h/wsman', resourceUri: SLOW_URI, action: ACTION.get, maxEnvelopeSize, messageId: newMessageId(), locale: 'en-US', dataLocale: 'en-US', operationTimeoutMs: 60000 }, '');
  const answering = (text: string) => serviceWith({}, { get: () => `<t:R xmlns:t="urn:t">${text}</t:R>` });
  const sizeFault = 0x80338048;

  it('ASCII near the limit fits; past it is the size fault', async () => {
    expect((await send(answering('x'.repeat(7000)), getWith(8192))).status).toBe(200);
    expect((await send(answering('x'.repeat(8000)), getWith(8192))).fault?.hresult).toBe(sizeFault);
  });

  it('multi-byte characters count as their UTF-8 bytes, not as characters', async () => {
    // 2,300 × '€' is 6,900 bytes (fits); 2,700 × '€' is 8,100 bytes plus the envelope (does not), though only 2,700 characters.
    expect((await send(answering('€'.repeat(2300)), getWith(8192))).status).toBe(200);
    expect((await send(answering('€'.repeat(2700)), getWith(8192))).fault?.hresult).toBe(sizeFault);
  });

  it('a UTF-16 reply counts two bytes a character', async () => {
    const service = answering('x'.repeat(3000));
    const utf16 = async (xml: string) => service.handle(xml, { ...CALLER, bytesPerUnit: 2 });
    expect((await utf16(getWith(8192))).status).toBe(200);
    const tooBig = await serviceWith({}, { get: () => `<t:R xmlns:t="urn:t">${'x'.repeat(3800)}</t:R>` }).handle(getWith(8192), { ...CALLER, bytesPerUnit: 2 });
    expect(tooBig.status).toBe(500);
    expect(tooBig.status === 500 && [tooBig.body].flat().join('')).toContain('Code="2150858824"');
  });
});

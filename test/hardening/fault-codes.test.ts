/**
 * Defects 6, 9 (first part) and 12 of issue 11: a SOAP fault is always a failure, whatever its
 * WSManFault Code says; a fault without text gets its code's own message; a CIM_Error detail gives
 * the HRESULT of its CIMStatusCode where that maps.
 */
import { errorNamed, plainMessageText } from '../../src/core/errors/error-table';
import { NS } from '../../src/core/protocol/namespaces';
import { openSession } from '../parity/replay-server';
import { fixedReplyServer } from './hostile-peer';

const SERVER_ERROR = errorNamed('ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR');
const INVALID_SELECTORS = errorNamed('ERROR_WSMAN_INVALID_SELECTORS');

function faultEnvelope(inner: { subcode?: string; reason?: string; detail?: string }): string {
  return (
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:w="${NS.wsman}"><s:Header/><s:Body><s:Fault>` +
    `<s:Code><s:Value>s:Sender</s:Value>${inner.subcode ? `<s:Subcode><s:Value>${inner.subcode}</s:Value></s:Subcode>` : ''}</s:Code>` +
    (inner.reason !== undefined ? `<s:Reason><s:Text xml:lang="en-US">${inner.reason}</s:Text></s:Reason>` : '') +
    (inner.detail !== undefined ? `<s:Detail>${inner.detail}</s:Detail>` : '') +
    '</s:Fault></s:Body></s:Envelope>'
  );
}

const wsmanFault = (code: string | undefined): string =>
  `<f:WSManFault xmlns:f="${NS.wsmanFault}"${code === undefined ? '' : ` Code="${code}"`} Machine="m"><f:Message>Bad thing.</f:Message></f:WSManFault>`;

async function getThrough(body: string): Promise<{ hr: number; name?: string; description?: string; errorXml: string }> {
  const server = await fixedReplyServer(500, body);
  try {
    const { session } = openSession(server.url);
    const result = await session.Get('wmicimv2/Win32_Service?Name=WinRM');
    return { hr: result.hr, name: result.error?.name, description: result.error?.description, errorXml: session.get_Error().value ?? '' };
  } finally {
    await server.close();
  }
}

describe('a fault is always a failure', () => {
  it.each([
    ['Code="0"', '0'],
    ['Code=""', ''],
    ['Code="99999999999999999999"', '99999999999999999999'],
    ['a success HRESULT (Code="70000")', '70000'],
    ['Code="-0"', '-0'],
    ['Code="abc"', 'abc'],
    ['no Code', undefined],
  ])('%s becomes the code of the fault itself', async (_name, code) => {
    const withSubcode = await getThrough(faultEnvelope({ subcode: 'w:InvalidSelectors', reason: 'Bad thing.', detail: wsmanFault(code) }));
    expect(withSubcode.hr).toBe(INVALID_SELECTORS.hresult);
    expect(withSubcode.name).toBe('ERROR_WSMAN_INVALID_SELECTORS');
    expect(withSubcode.description).toBe('Bad thing.');
    const bare = await getThrough(faultEnvelope({ reason: 'Bad thing.', detail: wsmanFault(code) }));
    expect(bare.hr).toBe(SERVER_ERROR.hresult);
  });

  it('a usable Code still wins (a Win32 code as HRESULT_FROM_WIN32, a WinRM code as is)', async () => {
    expect((await getThrough(faultEnvelope({ subcode: 'w:InvalidSelectors', reason: 'x', detail: wsmanFault('5') }))).hr).toBe(0x80070005);
    expect((await getThrough(faultEnvelope({ subcode: 'w:InvalidSelectors', reason: 'x', detail: wsmanFault('2150858752') }))).hr).toBe(0x80338000);
  });
});

describe('a fault without text', () => {
  it.each([
    ['no Reason and no detail', faultEnvelope({})],
    ['an empty Reason', faultEnvelope({ reason: '' })],
    ['a subcode with an unbound prefix', faultEnvelope({ subcode: 'zz:Unknown' })],
  ])('%s: 0x80338170 with its own message', async (_name, body) => {
    const result = await getThrough(body);
    expect(result.hr).toBe(SERVER_ERROR.hresult);
    expect(result.description).toBe(plainMessageText(SERVER_ERROR));
  });
});

describe('a CIM_Error detail', () => {
  const cimError = (status: string, message: string): string =>
    `<p:CIM_Error xmlns:p="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/OMI_Error" xmlns:b="${NS.cimBinding}" b:IsCIM_Error="true">` +
    `<p:Message>${message}</p:Message><p:CIMStatusCode>${status}</p:CIMStatusCode></p:CIM_Error>`;

  it.each([
    ['6 (NOT_FOUND)', '6', 'ERROR_WSMAN_RESOURCE_NOT_FOUND'],
    ['2 (ACCESS_DENIED)', '2', 'E_ACCESSDENIED'],
    ['15 (INVALID_QUERY)', '15', 'ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER'],
  ])('CIMStatusCode %s gives its WinRM code, its message, and Session.Error holds it', async (_name, status, expected) => {
    const result = await getThrough(faultEnvelope({ subcode: 'w:InternalError', reason: 'reason', detail: cimError(status, 'From the provider.') }));
    expect(result.hr).toBe(errorNamed(expected).hresult);
    expect(result.description).toBe('From the provider.');
    expect(result.errorXml).toContain(`<p:CIMStatusCode>${status}</p:CIMStatusCode>`);
  });

  it('an unmapped CIMStatusCode leaves the fault its own code', async () => {
    const result = await getThrough(faultEnvelope({ subcode: 'w:InvalidSelectors', reason: 'reason', detail: cimError('1', 'Failed.') }));
    expect(result.hr).toBe(INVALID_SELECTORS.hresult);
    expect(result.errorXml).toMatch(/^<p:CIM_Error /);
  });
});

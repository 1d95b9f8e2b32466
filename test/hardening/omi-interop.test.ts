/**
 * Defects 10–12 of issue 11, from the exchanges recorded against Microsoft's OMI server: the
 * sealed replies with a MIME epilogue open (decrypted with the lab password), Identify answered in
 * the SOAP namespace is accepted, and a fault whose detail is a CIM_Error keeps it in Session.Error.
 */
import { errorNamed } from '../../src/core/errors/error-table';
import { decryptMessage } from '../../src/core/transport/message-encryption';
import { parseXml } from '../../src/core/protocol/xml';
import { NS } from '../../src/core/protocol/namespaces';
import { describeWithSharedFixtures } from '../helpers/shared-reference';
import { openSession, ReplayServer } from '../parity/replay-server';
import { fixedReplyServer } from './hostile-peer';
import { OMI_LAB, omiRecording, readHttpStream, recordedSessions, statusOf } from './omi-recordings';

const CANNOT_DECRYPT = 0x803380f9;

async function replayed<T>(file: string, call: (session: ReturnType<typeof openSession>['session']) => Promise<T>): Promise<{ result: T; session: ReturnType<typeof openSession>['session'] }> {
  const reply = readHttpStream(omiRecording(`${file}.s2c`))[0]!;
  const server = await ReplayServer.start();
  try {
    server.enqueue({ status: statusOf(reply) as 200 | 500, body: reply.body.toString('utf8'), label: file });
    const { session } = openSession(server.url);
    const result = await call(session);
    expect(server.problems).toEqual([]);
    return { result, session };
  } finally {
    await server.close();
  }
}

describeWithSharedFixtures('OMI 1.9.1 recordings', () => {
  describe('058: Negotiate with message encryption, opened with the lab password', () => {
    const requests = readHttpStream(omiRecording('058-nego-clientfix.c2s'));
    const replies = readHttpStream(omiRecording('058-nego-clientfix.s2c'));
    const sessions = (): ReturnType<typeof recordedSessions> =>
      recordedSessions(
        {
          init: requests[0]!.headers.get('authorization')!,
          challenge: replies[0]!.headers.get('www-authenticate')!,
          authenticate: requests[1]!.headers.get('authorization')!,
          final: replies[1]!.headers.get('www-authenticate')!,
        },
        OMI_LAB.password,
      );

    it("opens every sealed body of both directions, OMI's replies ending in an epilogue (--Encrypted Boundary--\\r\\n\\r\\n)", () => {
      const { client, server } = sessions();
      expect(replies.slice(1).every((reply) => reply.body.toString('latin1').endsWith('--Encrypted Boundary--\r\n\r\n'))).toBe(true);
      const texts: string[] = [];
      for (let i = 1; i < requests.length; i++) {
        const request = requests[i]!;
        const reply = replies[i]!;
        texts.push(decryptMessage(server, request.headers.get('content-type')!, request.body).payload.toString('utf8'));
        texts.push(decryptMessage(client, reply.headers.get('content-type')!, reply.body).payload.toString('utf8'));
      }
      for (const text of texts) expect(parseXml(text).namespace).toBe(NS.soap);
      expect(texts[3]).toContain('Body');
    });

    it('keeps the signature and Length strict, and accepts nothing but line breaks after the close delimiter', () => {
      const reply = replies[1]!;
      const type = reply.headers.get('content-type')!;
      const expectRefused = (body: Buffer): void => {
        const { client } = sessions();
        expect(() => decryptMessage(client, type, body)).toThrow(expect.objectContaining({ hresult: CANNOT_DECRYPT }));
      };
      expectRefused(Buffer.concat([reply.body, Buffer.from('junk')]));
      expectRefused(Buffer.concat([reply.body, Buffer.from('\r\n--Encrypted Boundary--\r\n')]));
      const flipped = Buffer.from(reply.body);
      const signatureAt = flipped.indexOf('application/octet-stream\r\n', 0, 'latin1') + 'application/octet-stream\r\n'.length + 4;
      flipped[signatureAt + 8]! ^= 1;
      expectRefused(flipped);
      const shortened = Buffer.from(reply.body.toString('latin1').replace(/Length=(\d+)/, (_all, n: string) => `Length=${Number(n) - 1}`), 'latin1');
      expectRefused(shortened);
    });
  });

  it('001: Identify answered with soap:IdentifyResponse and wsmid children is accepted', async () => {
    // An Identify has no MessageID to echo: the recorded bytes are served as they are.
    const reply = readHttpStream(omiRecording('001-basic-identify.s2c'))[0]!;
    const server = await fixedReplyServer(statusOf(reply), reply.body);
    let result;
    try {
      result = await openSession(server.url).session.Identify();
    } finally {
      await server.close();
    }
    expect(result.error).toBeUndefined();
    expect(result.value).toContain('Open Management Infrastructure');
    expect(result.value).toContain('ProtocolVersion');
  });

  it('001: a reply in the SOAP namespace without the wsmid elements is still no IdentifyResponse', async () => {
    const body = readHttpStream(omiRecording('001-basic-identify.s2c'))[0]!.body.toString('utf8').replace(/<wsmid:ProtocolVersion>[^<]*<\/wsmid:ProtocolVersion>/, '');
    const server = await fixedReplyServer(200, body);
    try {
      expect((await openSession(server.url).session.Identify()).hr).toBe(errorNamed('ERROR_WSMAN_RESPONSE_NO_RESULTS').hresult);
    } finally {
      await server.close();
    }
  });

  it('020: a fault whose detail is a CIM_Error keeps it in Session.Error, with its message', async () => {
    const { result, session } = await replayed('020-basic-get9999', (s) => s.Get('http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_Person?Key=9999'));
    // CIMStatusCode 28 (SERVER_IS_SHUTTING_DOWN) has no WS-Management counterpart: the fault's own code.
    expect(result.hr).toBe(errorNamed('ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR').hresult);
    expect(result.error?.description).toBe('This is a test CIM Error');
    const error = session.get_Error().value!;
    expect(error).toMatch(/^<p:CIM_Error /);
    expect(error).toContain('<p:CIMStatusCode xsi:type="cim:cimUnsignedInt">28</p:CIMStatusCode>');
    expect(parseXml(error).localName).toBe('CIM_Error');
  });
});

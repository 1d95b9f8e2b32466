/**
 * Kerberos at the embedded endpoint with a keytab, tickets from a real MIT KDC and our initiator
 * on one keep-alive socket per client: `Authorization: Kerberos` (HTTP-Kerberos-session-encrypted),
 * Kerberos in SPNEGO and bare under `Negotiate` (HTTP-SPNEGO-session-encrypted), Identify, Get,
 * Enumerate and a fault sealed; tampered bodies, replayed AP-REQs, clock skew, unknown users,
 * channel bindings over HTTPS, and `wsman serve --keytab`.
 */
import { X509Certificate } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIdentifyEnvelope } from '../../src/core/protocol/envelope';
import { readFault } from '../../src/core/protocol/faults';
import { ACTION, NS } from '../../src/core/protocol/namespaces';
import { child, childElements, parseXml, textContent, type XmlElement } from '../../src/core/protocol/xml';
import { tlsServerEndPoint } from '../../src/core/transport/auth/channel-bindings';
import { decodeMessage, EncryptionKey, NameType } from '../../src/core/transport/auth/kerberos/asn1';
import { principalName } from '../../src/core/transport/auth/kerberos/credential';
import { KRB5_OID, MS_KRB5_OID } from '../../src/core/transport/auth/kerberos/gss/gss-token';
import { KerberosInitiator, type ServiceCredential } from '../../src/core/transport/auth/kerberos/gss/initiator';
import { KerberosCredentials } from '../../src/core/transport/auth/kerberos/kerberos-credentials';
import { decodeSpnego, encodeNegTokenInit, NegState, NTLMSSP_OID } from '../../src/core/transport/auth/spnego';
import { decodeBody } from '../../src/core/transport/body-encoding';
import { decryptMessage, encryptMessage, KERBEROS_ENCRYPTED_PROTOCOL, SPNEGO_ENCRYPTED_PROTOCOL } from '../../src/core/transport/message-encryption';
import { parseServeArguments } from '../../src/cli/serve';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';
import { describeWithMitKdc, startMitKdc, type MitKdc } from '../helpers/mit-kdc';
import { envelope, post, type HttpReply } from './endpoint-harness';

const WIN32_SERVICE = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service';
const PASSWORD = 'Alice#Pass1';
const identify = buildIdentifyEnvelope();

type Form = 'kerberos' | 'spnego' | 'bare';

function bodyOf(text: string): XmlElement {
  const body = child(parseXml(text), NS.soap, 'Body');
  const first = body ? childElements(body)[0] : undefined;
  if (!first) throw new Error(`no body element in ${text.slice(0, 200)}`);
  return first;
}

describeWithMitKdc('Kerberos at the endpoint (real MIT KDC)', () => {
  let kdc: MitKdc;
  let keytab: string;
  let endpoint: RunningEndpoint;
  let credentials: KerberosCredentials;
  const agents: (HttpAgent | HttpsAgent)[] = [];

  beforeAll(async () => {
    kdc = await startMitKdc();
    kdc.addPrincipal('alice', PASSWORD);
    kdc.addPrincipal('mallory', 'Mallory#Pass1');
    kdc.addService('HTTP/localhost');
    keytab = join(kdc.dir, 'http.keytab');
    kdc.ktadd('HTTP/localhost', keytab);
    endpoint = await startEndpoint({ port: 0, httpsPort: 0, users: ['alice:local-password'], machineName: 'WIN-TEST', dataDir: join(kdc.dir, 'data'), keytab });
    credentials = new KerberosCredentials({ userName: 'alice', password: PASSWORD, env: kdc.env });
  }, 30_000);

  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    await endpoint?.close();
    await kdc?.stop();
  });

  async function serviceCredential(user = credentials): Promise<ServiceCredential> {
    const ticket = await user.serviceTicket({ realm: kdc.realm, nameType: NameType.SRV_HST, components: ['HTTP', 'localhost'] });
    return {
      clientRealm: ticket.client.realm,
      clientName: principalName(ticket.client),
      ticket: decodeMessage('Ticket', ticket.ticket),
      sessionKey: Object.assign(new EncryptionKey(), { keytype: ticket.key.etype, keyvalue: ticket.key.value }),
    };
  }

  /** One client connection: the first request carries the AP-REQ (Windows) or an empty POST does (pywinrm). */
  class Connection {
    readonly agent: HttpAgent | HttpsAgent;
    readonly initiator: KerberosInitiator;
    readonly authorization: string;

    constructor(
      credential: ServiceCredential,
      readonly form: Form,
      private readonly url: string = endpoint.url!,
      options: { channelBindings?: Buffer; now?: () => Date } = {},
    ) {
      const secure = url.startsWith('https:');
      this.agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets: 1, ca: endpoint.certificatePem! }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
      agents.push(this.agent);
      this.initiator = new KerberosInitiator({ credential, ...options });
      const token = this.initiator.initialToken();
      this.authorization =
        form === 'kerberos'
          ? `Kerberos ${token.toString('base64')}`
          : `Negotiate ${(form === 'spnego' ? encodeNegTokenInit({ mechTypes: [MS_KRB5_OID, KRB5_OID, NTLMSSP_OID], mechToken: token }) : token).toString('base64')}`;
    }

    get protocol(): string {
      return this.form === 'kerberos' ? KERBEROS_ENCRYPTED_PROTOCOL : SPNEGO_ENCRYPTED_PROTOCOL;
    }

    post(body: Buffer, headers: Record<string, string>): Promise<HttpReply> {
      return post(this.url, body, { agent: this.agent, headers, ...(this.url.startsWith('https:') ? { ca: endpoint.certificatePem! } : {}) });
    }

    /** The final token of the 200 (AP-REP, in SPNEGO for the SPNEGO form) completes the initiator. */
    private finish(reply: HttpReply): void {
      const header = String(reply.headers['www-authenticate'] ?? '');
      const match = /^(Kerberos|Negotiate) (\S+)$/.exec(header);
      expect(match?.[1]).toBe(this.form === 'kerberos' ? 'Kerberos' : 'Negotiate');
      let token: Buffer = Buffer.from(match![2]!, 'base64');
      if (this.form === 'spnego') {
        const resp = decodeSpnego(token);
        expect(resp).toMatchObject({ kind: 'resp', negState: NegState.ACCEPT_COMPLETED, supportedMech: MS_KRB5_OID });
        token = (resp as { responseToken: Buffer }).responseToken;
      }
      this.initiator.handleReply(token);
    }

    /** pywinrm: authenticate with an empty POST, then send sealed requests. */
    async emptyHandshake(): Promise<HttpReply> {
      const reply = await this.post(Buffer.alloc(0), { Authorization: this.authorization });
      if (reply.status === 200) this.finish(reply);
      return reply;
    }

    /** A sealed request (plain over HTTPS); the first one carries the Authorization header. */
    async send(xml: string): Promise<{ status: number; text: string; http: HttpReply }> {
      const first = !this.initiator.complete;
      const secure = this.url.startsWith('https:');
      const plain = Buffer.from(xml, 'utf8');
      const request = secure || first ? undefined : encryptMessage(this.initiator.security, plain, 'UTF-8', this.protocol);
      // Windows seals the first request too; the AP-REP comes with its reply. The initiator seals only once complete, so a first request goes plain over HTTPS and as the empty POST over HTTP.
      const http = await this.post(request?.body ?? plain, {
        ...(first ? { Authorization: this.authorization } : {}),
        'Content-Type': request?.contentType ?? 'application/soap+xml;charset=UTF-8',
      });
      if (http.status !== 200 && http.status !== 500) return { status: http.status, text: '', http };
      if (first) this.finish(http);
      if (secure || first) return { status: http.status, text: http.body.toString('utf8'), http };
      const { payload } = decryptMessage(this.initiator.security, String(http.headers['content-type']), http.body, this.protocol);
      return { status: http.status, text: decodeBody(payload, 'utf-8'), http };
    }
  }

  it.each(['kerberos', 'spnego', 'bare'] as const)('%s: Identify, Get, optimized Enumerate and a fault sealed on one connection', async (form) => {
    const connection = new Connection(await serviceCredential(), form);
    const done = await connection.emptyHandshake();
    expect(done.status).toBe(200);

    const hello = await connection.send(identify);
    expect(hello.status).toBe(200);
    expect(hello.http.headers['content-type']).toBe(`multipart/encrypted;protocol="${connection.protocol}";boundary="Encrypted Boundary"`);
    expect(bodyOf(hello.text)).toMatchObject({ namespace: NS.identity, localName: 'IdentifyResponse' });

    const get = await connection.send(envelope(endpoint.url!, { resourceUri: WIN32_SERVICE, action: ACTION.get, selectors: [{ name: 'Name', value: 'WinRM' }] }).xml);
    expect(get.status).toBe(200);
    expect(textContent(child(bodyOf(get.text), WIN32_SERVICE, 'Name')!)).toBe('WinRM');

    const enumerate = await connection.send(
      envelope(endpoint.url!, {
        resourceUri: WIN32_SERVICE,
        action: ACTION.enumerate,
        body: `<n:Enumerate xmlns:n="${NS.enumeration}"><w:OptimizeEnumeration/><w:MaxElements>3</w:MaxElements></n:Enumerate>`,
      }).xml,
    );
    expect(childElements(child(bodyOf(enumerate.text), NS.wsman, 'Items')!)).toHaveLength(3);

    const fault = await connection.send(envelope(endpoint.url!, { resourceUri: WIN32_SERVICE.replace('Win32_Service', 'Win32_NoSuchClass'), action: ACTION.get }).xml);
    expect(fault.status).toBe(500);
    expect(readFault(bodyOf(fault.text)).hresult).toBe(0x80338000);
  });

  it('a tampered sealed request ends the connection; a tampered sealed reply is ERROR_WSMAN_CANNOT_DECRYPT', async () => {
    const connection = new Connection(await serviceCredential(), 'kerberos');
    await connection.emptyHandshake();
    const sealed = encryptMessage(connection.initiator.security, Buffer.from(identify), 'UTF-8', KERBEROS_ENCRYPTED_PROTOCOL);
    const tampered = Buffer.from(sealed.body);
    tampered[tampered.length - 30]! ^= 1;
    const refused = await connection.post(tampered, { 'Content-Type': sealed.contentType });
    expect(refused.status).toBe(400);

    const other = new Connection(await serviceCredential(), 'kerberos');
    await other.emptyHandshake();
    const request = encryptMessage(other.initiator.security, Buffer.from(identify), 'UTF-8', KERBEROS_ENCRYPTED_PROTOCOL);
    const reply = await other.post(request.body, { 'Content-Type': request.contentType });
    expect(reply.status).toBe(200);
    const altered = Buffer.from(reply.body);
    altered[altered.length - 40]! ^= 1;
    expect(() => decryptMessage(other.initiator.security, String(reply.headers['content-type']), altered, KERBEROS_ENCRYPTED_PROTOCOL)).toThrow(
      expect.objectContaining({ code: 'ERROR_WSMAN_CANNOT_DECRYPT', hresult: 0x803380f9 }),
    );
  });

  it('refuses a replayed AP-REQ, a client clock 10 minutes off, and a principal without a local account', async () => {
    const first = new Connection(await serviceCredential(), 'kerberos');
    const authorization = first.authorization;
    expect((await first.emptyHandshake()).status).toBe(200);
    const replay = await post(endpoint.url!, Buffer.alloc(0), { headers: { Authorization: authorization } });
    expect(replay.status).toBe(401);

    const skewed = new Connection(await serviceCredential(), 'spnego', endpoint.url!, { now: () => new Date(Date.now() + 10 * 60_000) });
    expect((await skewed.emptyHandshake()).status).toBe(401);

    const mallory = new KerberosCredentials({ userName: 'mallory', password: 'Mallory#Pass1', env: kdc.env });
    const stranger = new Connection(await serviceCredential(mallory), 'kerberos');
    const refused = await stranger.emptyHandshake();
    expect(refused.status).toBe(401);
    // Node joins the offers: Negotiate, then Kerberos (a keytab is configured); no Basic over plain HTTP.
    expect(refused.headers['www-authenticate']).toBe('Negotiate, Kerberos');
  });

  it('HTTPS: channel bindings of this certificate pass, of another fail', async () => {
    const bindings = tlsServerEndPoint(new X509Certificate(endpoint.certificatePem!).raw);
    const bound = new Connection(await serviceCredential(), 'kerberos', endpoint.httpsUrl!, { channelBindings: bindings });
    const reply = await bound.send(identify);
    expect(reply.status).toBe(200);
    expect(bodyOf(reply.text)).toMatchObject({ localName: 'IdentifyResponse' });

    const wrong = Buffer.concat([Buffer.from('tls-server-end-point:'), Buffer.alloc(32, 7)]);
    const mismatched = new Connection(await serviceCredential(), 'spnego', endpoint.httpsUrl!, { channelBindings: wrong });
    expect((await mismatched.send(identify)).status).toBe(401);
  });

  it('Identify lists the SPNEGO-Kerberos profile with Negotiate off only because a keytab gives Kerberos keys', async () => {
    const dataDir = join(kdc.dir, 'kerberos-only');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ 'Service/Auth/Negotiate': 'false' }));
    const kerberosOnly = await startEndpoint({ port: 0, users: ['alice:local-password'], dataDir, keytab, realm: kdc.realm });
    try {
      const connection = new Connection(await serviceCredential(), 'kerberos', kerberosOnly.url!);
      expect((await connection.emptyHandshake()).status).toBe(200);
      const reply = await connection.send(identify);
      const profiles = childElements(child(bodyOf(reply.text), NS.identity, 'SecurityProfiles')!).map((profile) => textContent(profile).split('/secprofile/')[1]);
      expect(profiles).toEqual(['http/spnego-kerberos']);
      const refused = await post(kerberosOnly.url!, Buffer.alloc(0));
      expect(refused.headers['www-authenticate']).toBe('Kerberos');
    } finally {
      await kerberosOnly.close();
    }
  });

  it('wsman serve takes --keytab and --realm; --realm alone is refused', () => {
    expect(parseServeArguments(['--keytab', keytab, '--realm', kdc.realm])).toMatchObject({ keytab, realm: kdc.realm });
    expect(() => parseServeArguments(['--realm', kdc.realm])).toThrow('--realm needs --keytab');
  });

  it('an unreadable keytab stops the start and names only the file', async () => {
    await expect(startEndpoint({ port: 0, keytab: join(kdc.dir, 'missing.keytab') })).rejects.toThrow(/cannot read the keytab .*missing\.keytab: ENOENT/);
  });
});

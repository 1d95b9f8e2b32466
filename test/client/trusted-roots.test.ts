/** `<cert store>/root/` plays the Trusted Root store: a CA placed there is trusted by sessions. */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createObject } from '../../src/index';
import { WSManSessionFlags as F } from '../../src/automation/flags';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';

let endpoint: RunningEndpoint;
let dataDir: string;
let store: string;
const previous = process.env.WSMAN_CERT_STORE;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wsman-roots-'));
  store = mkdtempSync(join(tmpdir(), 'wsman-store-'));
  process.env.WSMAN_CERT_STORE = store;
  endpoint = await startEndpoint({ port: false, httpsPort: 0, users: ['alice:Secret#1'], dataDir });
});

afterAll(async () => {
  await endpoint.close();
  if (previous === undefined) delete process.env.WSMAN_CERT_STORE;
  else process.env.WSMAN_CERT_STORE = previous;
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(store, { recursive: true, force: true });
});

async function getConfig(): Promise<number> {
  const wsman = createObject('WSMan.Automation');
  const options = wsman.CreateConnectionOptions().value!;
  options.put_UserName('alice');
  options.put_Password('Secret#1');
  const session = wsman.CreateSession(endpoint.httpsUrl!, F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword, options).value!;
  return (await session.Get('winrm/config')).hr;
}

it('the endpoint certificate is untrusted until it is placed in root/, then verification passes', async () => {
  expect(await getConfig()).toBe(0x80072f0d);
  mkdirSync(join(store, 'root'));
  writeFileSync(join(store, 'root', 'endpoint.pem'), endpoint.certificatePem!);
  expect(await getConfig()).toBe(0);
  copyFileSync(join(store, 'root', 'endpoint.pem'), join(store, 'root', 'copy.crt'));
  expect(await getConfig()).toBe(0);
});

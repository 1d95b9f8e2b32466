/**
 * A session's connection follows its options: an option set between two requests is honoured by
 * the next one (here: Basic over plain HTTP, refused again once unencrypted traffic is no longer
 * allowed, although a connection was made while it was).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultWSManClientApi } from '../../src/core/capi/client-api';
import { dwordData, WSManAuthenticationFlags as Auth, WSManSessionOption as O } from '../../src/core/capi/constants';
import { WSManOperations } from '../../src/core/session/wsman-operations';
import { startEndpoint, type RunningEndpoint } from '../../src/server/endpoint';

const SERVICE = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service';
const target = { resourceUri: SERVICE, selectors: [{ name: 'Name', value: 'WinRM' }], options: [] };

let endpoint: RunningEndpoint;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wsman-options-connection-'));
  endpoint = await startEndpoint({ port: 0, users: ['alice:Alice#Pass1'], allowUnencrypted: true, dataDir, machineName: 'OPTIONS-HOST' });
});

afterAll(async () => {
  await endpoint.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('honours an option set between two requests of the same session', async () => {
  const api = new DefaultWSManClientApi();
  const operations = new WSManOperations(api);
  const application = api.WSManInitialize(0).value!;
  const session = api.WSManCreateSession(application, endpoint.url!, 0, { authenticationMechanism: Auth.WSMAN_FLAG_AUTH_BASIC, userAccount: { username: 'alice', password: 'Alice#Pass1' } }).value!;
  // Basic over plain HTTP is refused until unencrypted traffic is allowed.
  await expect(operations.get(session, target)).rejects.toMatchObject({ code: 'ERROR_WSMAN_CLIENT_UNENCRYPTED_DISABLED' });
  expect(api.WSManSetSessionOption(session, O.WSMAN_OPTION_UNENCRYPTED_MESSAGES, dwordData(1)).hr).toBe(0);
  const first = await operations.get(session, target);
  expect(first).toContain('<p:Name>WinRM</p:Name>');
  expect(await operations.get(session, target)).toBe(first);
  // Setting it back: the next request is refused again, not sent on the connection made before.
  expect(api.WSManSetSessionOption(session, O.WSMAN_OPTION_UNENCRYPTED_MESSAGES, dwordData(0)).hr).toBe(0);
  await expect(operations.get(session, target)).rejects.toMatchObject({ code: 'ERROR_WSMAN_CLIENT_UNENCRYPTED_DISABLED' });
  expect(api.WSManSetSessionOption(session, O.WSMAN_OPTION_UNENCRYPTED_MESSAGES, dwordData(1)).hr).toBe(0);
  expect(await operations.get(session, target)).toBe(first);
  api.WSManCloseSession(session, 0);
  api.WSManDeinitialize(application, 0);
});

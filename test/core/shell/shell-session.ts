/** A C API session (Basic over HTTP) with the shell engine of its own container, for shell tests. */
import 'reflect-metadata';
import { createContainer } from '../../../src/composition-root';
import { WSManClientApi, type WSMAN_SESSION_HANDLE } from '../../../src/core/capi/client-api';
import { dwordData, WSManAuthenticationFlags, WSManSessionOption, WSMAN_FLAG_REQUESTED_API_VERSION_1_1 } from '../../../src/core/capi/constants';
import { WSManShellApi } from '../../../src/core/capi/shell-api';
import { ShellOperations } from '../../../src/core/shell/shell-operations';

export interface ShellSession {
  readonly api: WSManClientApi;
  readonly shells: WSManShellApi;
  readonly wire: ShellOperations;
  readonly session: WSMAN_SESSION_HANDLE;
}

export function openShellSession(url: string, apiVersion = WSMAN_FLAG_REQUESTED_API_VERSION_1_1, user = 'vagrant', password = 'vagrant'): ShellSession {
  const container = createContainer();
  const api = container.get(WSManClientApi);
  const handle = api.WSManInitialize(apiVersion).value!;
  const session = api.WSManCreateSession(handle, url, 0, {
    authenticationMechanism: WSManAuthenticationFlags.WSMAN_FLAG_AUTH_BASIC,
    userAccount: { username: user, password },
  }).value!;
  api.WSManSetSessionOption(session, WSManSessionOption.WSMAN_OPTION_UNENCRYPTED_MESSAGES, dwordData(1));
  return { api, shells: container.get(WSManShellApi), wire: container.get(ShellOperations), session };
}

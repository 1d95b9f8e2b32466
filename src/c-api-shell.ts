/** The WinRM C API shell functions by their wsman.h names, backed by the default container's engine. */
import { apiFunction } from './api-function';
import { defaultContainer } from './composition-root';
import type { WSMAN_SESSION_HANDLE } from './core/capi/client-api';
import { WSManShellApi } from './core/capi/shell-api';
import { RemoteShell, type RemoteShellOptions } from './core/shell/remote-shell';

const engine = (): WSManShellApi => defaultContainer().get(WSManShellApi);

export const WSManCreateShell = apiFunction(engine, 'WSManCreateShell');
export const WSManCreateShellEx = apiFunction(engine, 'WSManCreateShellEx');
export const WSManRunShellCommand = apiFunction(engine, 'WSManRunShellCommand');
export const WSManRunShellCommandEx = apiFunction(engine, 'WSManRunShellCommandEx');
export const WSManReceiveShellOutput = apiFunction(engine, 'WSManReceiveShellOutput');
export const WSManSendShellInput = apiFunction(engine, 'WSManSendShellInput');
export const WSManSignalShell = apiFunction(engine, 'WSManSignalShell');
export const WSManCloseCommand = apiFunction(engine, 'WSManCloseCommand');
export const WSManCloseShell = apiFunction(engine, 'WSManCloseShell');
export const WSManCloseOperation = apiFunction(engine, 'WSManCloseOperation');
export const WSManDisconnectShell = apiFunction(engine, 'WSManDisconnectShell');
export const WSManReconnectShell = apiFunction(engine, 'WSManReconnectShell');
export const WSManReconnectShellCommand = apiFunction(engine, 'WSManReconnectShellCommand');
export const WSManConnectShell = apiFunction(engine, 'WSManConnectShell');
export const WSManConnectShellCommand = apiFunction(engine, 'WSManConnectShellCommand');

/** A remote shell through the default engine, with Promise and stream helpers (see RemoteShell). */
export const createRemoteShell = (session: WSMAN_SESSION_HANDLE, options?: RemoteShellOptions) => RemoteShell.create(engine(), session, options);

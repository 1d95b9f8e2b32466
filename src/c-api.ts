/** The WinRM C API functions by their wsman.h names, backed by the default container's engine. */
import { defaultContainer } from './composition-root';
import { WSManClientApi, type WSMAN_API_HANDLE, type WSMAN_SESSION_HANDLE } from './core/capi/client-api';
import type { WSMAN_AUTHENTICATION_CREDENTIALS, WSMAN_DATA, WSMAN_PROXY_INFO, WSManSessionOption } from './core/capi/constants';

const engine = (): WSManClientApi => defaultContainer().get(WSManClientApi);

export const WSManInitialize = (flags: number) => engine().WSManInitialize(flags);
export const WSManDeinitialize = (apiHandle: WSMAN_API_HANDLE | null, flags: number) => engine().WSManDeinitialize(apiHandle, flags);
export const WSManCreateSession = (
  apiHandle: WSMAN_API_HANDLE | null,
  connection: string | null,
  flags: number,
  serverAuthenticationCredentials?: WSMAN_AUTHENTICATION_CREDENTIALS | null,
  proxyInfo?: WSMAN_PROXY_INFO | null,
) => engine().WSManCreateSession(apiHandle, connection, flags, serverAuthenticationCredentials, proxyInfo);
export const WSManCloseSession = (session: WSMAN_SESSION_HANDLE | null, flags: number) => engine().WSManCloseSession(session, flags);
export const WSManSetSessionOption = (session: WSMAN_SESSION_HANDLE | null, option: WSManSessionOption, data: WSMAN_DATA | null) =>
  engine().WSManSetSessionOption(session, option, data);
export const WSManGetSessionOptionAsDword = (session: WSMAN_SESSION_HANDLE | null, option: WSManSessionOption) =>
  engine().WSManGetSessionOptionAsDword(session, option);
export const WSManGetSessionOptionAsString = (session: WSMAN_SESSION_HANDLE | null, option: WSManSessionOption) =>
  engine().WSManGetSessionOptionAsString(session, option);
export const WSManGetErrorMessage = (apiHandle: WSMAN_API_HANDLE | null, flags: number, languageCode: string | null, errorCode: number) =>
  engine().WSManGetErrorMessage(apiHandle, flags, languageCode, errorCode);

/** The WinRM C API functions by their wsman.h names, backed by the default container's engine. */
import { apiFunction } from './api-function';
import { defaultContainer } from './composition-root';
import { WSManClientApi } from './core/capi/client-api';

const engine = (): WSManClientApi => defaultContainer().get(WSManClientApi);

export const WSManInitialize = apiFunction(engine, 'WSManInitialize');
export const WSManDeinitialize = apiFunction(engine, 'WSManDeinitialize');
export const WSManCreateSession = apiFunction(engine, 'WSManCreateSession');
export const WSManCloseSession = apiFunction(engine, 'WSManCloseSession');
export const WSManSetSessionOption = apiFunction(engine, 'WSManSetSessionOption');
export const WSManGetSessionOptionAsDword = apiFunction(engine, 'WSManGetSessionOptionAsDword');
export const WSManGetSessionOptionAsString = apiFunction(engine, 'WSManGetSessionOptionAsString');
export const WSManGetErrorMessage = apiFunction(engine, 'WSManGetErrorMessage');

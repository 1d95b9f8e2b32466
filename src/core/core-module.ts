/** The core feature: the C API session engine and the WS-Management operations, one per container. */
import { ContainerModule } from 'inversify';
import { DefaultWSManClientApi, WSManClientApi } from './capi/client-api';
import { WSManOperations } from './session/wsman-operations';

export const coreModule = new ContainerModule(({ bind }) => {
  bind(WSManClientApi).to(DefaultWSManClientApi).inSingletonScope();
  bind(WSManOperations).toSelf().inSingletonScope();
});

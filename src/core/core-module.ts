/** The core feature: the C API session engine, one per container. */
import { ContainerModule } from 'inversify';
import { DefaultWSManClientApi, WSManClientApi } from './capi/client-api';

export const coreModule = new ContainerModule(({ bind }) => {
  bind(WSManClientApi).to(DefaultWSManClientApi).inSingletonScope();
});

/** The core feature: the C API session and shell engines and the WS-Management operations, one per container. */
import { ContainerModule } from 'inversify';
import { DefaultWSManClientApi, WSManClientApi } from './capi/client-api';
import { DefaultWSManShellApi, WSManShellApi } from './capi/shell-api';
import { WSManOperations } from './session/wsman-operations';
import { ShellOperations } from './shell/shell-operations';

export const coreModule = new ContainerModule(({ bind }) => {
  bind(WSManClientApi).to(DefaultWSManClientApi).inSingletonScope();
  bind(WSManOperations).toSelf().inSingletonScope();
  bind(ShellOperations).toSelf().inSingletonScope();
  bind(WSManShellApi).to(DefaultWSManShellApi).inSingletonScope();
});

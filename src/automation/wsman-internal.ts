/** WSManInternal (IWSManInternal, ProgID WSMan.InternalAutomation): winrm.vbs's configsddl helper. */
import { injectable } from 'inversify';
import type { ComResult } from '../core/hresult';
import { wsmanError } from '../core/errors/wsman-error';
import { ComObject } from './com-object';
import type { IWSManInternal, IWSManSession, ResourceUriArgument } from './interfaces';
import { requiresTransport, resolveTarget, Session } from './session';

@injectable()
export class WSManInternal extends ComObject implements IWSManInternal {
  readonly implementedInterfaces = ['IWSManInternal'] as const;
  protected readonly errorSource = 'WSManInternal';

  ConfigSDDL(session: IWSManSession, resourceUri: ResourceUriArgument, flags = 0): Promise<ComResult<string>> {
    return this.runAsync(async () => {
      if (!(session instanceof Session)) throw wsmanError('E_INVALIDARG');
      resolveTarget(resourceUri, flags);
      return requiresTransport('WSManInternal.ConfigSDDL');
    });
  }
}

/**
 * WSManInternal (IWSManInternal, ProgID WSMan.InternalAutomation): winrm.vbs's configsddl helper.
 * Windows reads the resource's SDDL and opens the security editor on it; without a desktop,
 * ConfigSDDL reads the SDDL (RootSDDL or a plug-in's SDDL) and returns it.
 */
import { injectable } from 'inversify';
import type { ComResult } from '../core/hresult';
import { wsmanError, wsmanErrorFromHResult } from '../core/errors/wsman-error';
import { NS } from '../core/protocol/namespaces';
import { childElements, parseXml, textContent, type XmlElement } from '../core/protocol/xml';
import { ComObject } from './com-object';
import type { IWSManInternal, IWSManSession, ResourceUriArgument } from './interfaces';
import { resolveTarget, Session } from './session';

/** Where RootSDDL lives. */
const DEFAULT_SDDL_RESOURCE = `${NS.config}/service`;

function findSddl(element: XmlElement): string | undefined {
  for (const node of childElements(element)) {
    if (node.namespace === NS.config && (node.localName === 'RootSDDL' || node.localName === 'SDDL')) return textContent(node);
    const inner = findSddl(node);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

@injectable()
export class WSManInternal extends ComObject implements IWSManInternal {
  readonly implementedInterfaces = ['IWSManInternal'] as const;
  protected readonly errorSource = 'WSManInternal';

  ConfigSDDL(session: IWSManSession, resourceUri: ResourceUriArgument, flags = 0): Promise<ComResult<string>> {
    return this.runAsync(async () => {
      if (!(session instanceof Session)) throw wsmanError('E_INVALIDARG');
      const target = resolveTarget(resourceUri, flags);
      // `winrm configsddl default` names the service's RootSDDL.
      const isDefault = target.resourceUri.toLowerCase() === 'default' && target.selectors.length === 0;
      const resource = await session.Get(isDefault ? DEFAULT_SDDL_RESOURCE : resourceUri);
      if (resource.error) throw wsmanErrorFromHResult(resource.hr, { message: resource.error.description, faultXml: resource.error.faultXml });
      const sddl = findSddl(parseXml(resource.value));
      if (sddl === undefined) throw wsmanError('ERROR_WSMAN_INVALID_CONFIGSDDL_URL');
      return sddl;
    });
  }
}

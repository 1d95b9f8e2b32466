/** CreateObject for the ProgIDs of the type library: WSMan.Automation(.1), WSMan.InternalAutomation(.1). */
import type { Container } from 'inversify';
import { wsmanError } from '../core/errors/wsman-error';
import { TypeLibrary } from './automation-module';
import { WSMan } from './wsman';
import { WSManInternal } from './wsman-internal';

/** Coclass name in the type library → the class that implements it. */
const COCLASS_IMPLEMENTATIONS = new Map<string, (container: Container) => WSMan | WSManInternal>([
  ['WSMan', (container) => container.get(WSMan)],
  ['WSManInternal', (container) => container.get(WSManInternal)],
]);

export function createObjectIn(container: Container, progId: string): WSMan | WSManInternal {
  const coclass = typeof progId === 'string' ? container.get(TypeLibrary).coclassByProgId(progId.trim()) : undefined;
  const create = coclass && COCLASS_IMPLEMENTATIONS.get(coclass.name);
  if (!create) throw wsmanError('REGDB_E_CLASSNOTREG');
  return create(container);
}

/**
 * The ResourceLocator of a command (winrm.vbs's CreateAndInitializeResourceLocator): the
 * resource URI with its selectors, -options:{…} as options (`$null` → a valueless option),
 * -fragment as FragmentPath and -dialect as FragmentDialect.
 */
import type { ResourceLocator } from '../../automation/resource-locator';
import type { WSMan } from '../../automation/wsman';
import { CliError } from './cli-error';
import { check, hexNumber } from './com-call';
import { toSigned } from '../../core/hresult';
import { parseParameterHash } from './hash';

export function createResourceLocator(wsman: WSMan, resourceUri: string, switches: ReadonlyMap<string, string>): ResourceLocator {
  const created = wsman.CreateResourceLocator(resourceUri);
  if (created.error) {
    throw new CliError('Unable to create ResourceLocator object.', true, [], [`Error number:  ${toSigned(created.hr)} ${hexNumber(created.hr)}`, created.error.description]);
  }
  const locator = created.value;
  const options = switches.get('options') ?? '';
  if (options !== '') {
    for (const [key, value] of parseParameterHash(options)) check(locator.AddOption(key, value), locator);
  }
  if (switches.has('fragment')) check(locator.put_FragmentPath(switches.get('fragment') ?? ''), locator);
  if (switches.has('dialect')) check(locator.put_FragmentDialect(switches.get('dialect') ?? ''), locator);
  return locator;
}

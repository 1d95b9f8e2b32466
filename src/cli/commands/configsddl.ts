/**
 * `wsman configsddl RESOURCE_URI`: WSManInternal.ConfigSDDL. Windows opens the security editor
 * on the resource's SDDL; without a desktop the object model returns the SDDL, printed as is
 * (it is not XML). `default` names the service's RootSDDL, as `winrm configsddl default` does.
 */
import { createObject } from '../../index';
import { check } from './com-call';
import type { Operation } from './operation';

export const configSddl: Operation = {
  name: 'configsddl',
  positionals: 1,
  acceptsInput: false,
  async run({ io, session, locator }) {
    const internal = createObject('WSMan.InternalAutomation');
    io.stdout.write(`${check(await internal.ConfigSDDL(session, locator))}\n`);
  },
};

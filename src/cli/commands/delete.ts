/** `wsman delete RESOURCE_URI`: Session.Delete; like winrm, nothing is printed on success. */
import { check } from './com-call';
import type { Operation } from './operation';

export const deleteOperation: Operation = {
  name: 'delete',
  positionals: 1,
  acceptsInput: false,
  async run({ session, locator }) {
    check(await session.Delete(locator), session);
  },
};

/** `wsman get RESOURCE_URI`: Session.Get, the resource printed. */
import { check } from './com-call';
import type { Operation } from './operation';

export const get: Operation = {
  name: 'get',
  positionals: 1,
  acceptsInput: false,
  async run({ session, locator, printResult }) {
    printResult(check(await session.Get(locator), session));
  },
};

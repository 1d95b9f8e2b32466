/** `wsman set RESOURCE_URI @{…}|-file:FILE`: Session.Put, the updated resource printed. */
import { check } from './com-call';
import type { Operation } from './operation';

export const set: Operation = {
  name: 'set',
  positionals: 1,
  acceptsInput: true,
  async run({ session, locator, input, printResult }) {
    printResult(check(await session.Put(locator, input), session));
  },
};

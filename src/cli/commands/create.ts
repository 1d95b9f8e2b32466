/** `wsman create RESOURCE_URI @{…}|-file:FILE`: Session.Create, the new resource's EPR printed. */
import { check } from './com-call';
import type { Operation } from './operation';

export const create: Operation = {
  name: 'create',
  positionals: 1,
  acceptsInput: true,
  async run({ session, locator, input, printResult }) {
    printResult(check(await session.Create(locator, input), session));
  },
};

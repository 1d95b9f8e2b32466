/** `wsman invoke ACTION RESOURCE_URI [@{…}|-file:FILE]`: Session.Invoke, the method's output printed. */
import { check } from './com-call';
import type { Operation } from './operation';

export const invoke: Operation = {
  name: 'invoke',
  positionals: 2,
  acceptsInput: true,
  async run({ session, locator, action, input, printResult }) {
    printResult(check(await session.Invoke(action, locator, input), session));
  },
};

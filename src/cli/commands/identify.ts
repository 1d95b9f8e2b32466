/** `wsman identify -r:HOST`: Session.Identify (unauthenticated with -a:None), the IdentifyResponse printed. */
import { check } from './com-call';
import type { Operation } from './operation';

export const identify: Operation = {
  name: 'identify',
  positionals: 0,
  acceptsInput: false,
  async run({ session, printResult }) {
    printResult(check(await session.Identify(), session));
  },
};

/**
 * Full garbage collections for tests that check what memory lets go: `gc` is exposed at run time
 * (jest starts without --expose-gc), and a turn of the event loop after each collection lets
 * FinalizationRegistry callbacks and close events run.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export async function collectGarbage(rounds = 3): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

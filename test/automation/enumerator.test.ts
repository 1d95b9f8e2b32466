/**
 * The Enumerator's paging over a scripted service (the operations layer answering Pull and
 * Release when the test says so): the next Pull goes out as soon as a page is current and before
 * its reply is read, items are read while it is in flight, never more than one page ahead,
 * AtEndOfStream exact without a call, a failed read-ahead or unreadable reply reported, a
 * misleading context in the reply's text corrected, Release of the live context after an early
 * close.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Enumerator } from '../../src/automation/enumerator';
import type { WSMAN_SESSION_HANDLE } from '../../src/core/capi/client-api';
import { wsmanError } from '../../src/core/errors/wsman-error';
import type { EnumerationPage, OperationTarget, ReceivedPage, WSManOperations } from '../../src/core/session/wsman-operations';

interface PendingPull {
  readonly context: string;
  resolve(received: ReceivedPage): void;
  reject(error: unknown): void;
}

/** A reply whose text shows its context plainly (the hint is the context). */
const received = (page: EnumerationPage): ReceivedPage => ({ contextHint: page.context, read: () => page });

/** Records every call; Pulls stay in flight until answered, or are answered at once by `auto`. */
class ScriptedService {
  readonly calls: string[] = [];
  readonly pending: PendingPull[] = [];
  auto: ((context: string) => EnumerationPage) | undefined;

  pull(_handle: WSMAN_SESSION_HANDLE, _target: OperationTarget, context: string, maxElements: number): Promise<ReceivedPage> {
    this.calls.push(`pull ${context} ${maxElements}`);
    if (this.auto) return Promise.resolve(received(this.auto(context)));
    return new Promise((resolve, reject) => this.pending.push({ context, resolve, reject }));
  }

  release(_handle: WSMAN_SESSION_HANDLE, _target: OperationTarget, context: string): Promise<void> {
    this.calls.push(`release ${context}`);
    return Promise.resolve();
  }

  answer(items: readonly string[], context?: string): void {
    this.answerWith(received({ items, context }));
  }

  answerWith(reply: ReceivedPage): void {
    const pull = this.pending.shift();
    if (!pull) throw new Error('no Pull in flight');
    pull.resolve(reply);
  }

  fail(error: unknown): void {
    const pull = this.pending.shift();
    if (!pull) throw new Error('no Pull in flight');
    pull.reject(error);
  }

  get pulls(): number {
    return this.calls.filter((call) => call.startsWith('pull')).length;
  }
}

const HANDLE = {} as WSMAN_SESSION_HANDLE;
const TARGET: OperationTarget = { resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service', selectors: [], options: [] };
const BATCH = 3;

function enumeratorOver(service: ScriptedService, items: readonly string[], context?: string): Enumerator {
  return new Enumerator(service as unknown as WSManOperations, HANDLE, TARGET, BATCH, { items, context }, 'HOST');
}

/** A promise's state after the event loop has had its turn. */
async function settled<T>(promise: Promise<T>): Promise<{ done: boolean; value?: T }> {
  let state: { done: boolean; value?: T } = { done: false };
  void promise.then((value) => (state = { done: true, value }));
  for (let i = 0; i < 3; i++) await nextTurn();
  return state;
}

async function read(enumerator: Enumerator): Promise<string> {
  const result = await enumerator.ReadItem();
  if (result.error) throw new Error(`${result.error.name}: ${result.error.description}`);
  return result.value!;
}

describe('Enumerator paging', () => {
  it('sends the next Pull as soon as a page is current and reads that page while the Pull is in flight', async () => {
    const service = new ScriptedService();
    const enumerator = enumeratorOver(service, ['a', 'b', 'c'], 'c1');
    expect(service.calls).toEqual(['pull c1 3']);
    expect(await read(enumerator)).toBe('a');
    expect(await read(enumerator)).toBe('b');
    expect(service.pending).toHaveLength(1);
    // The page's last item waits for the page ahead, so that AtEndOfStream needs no call afterwards.
    const last = enumerator.ReadItem();
    expect((await settled(last)).done).toBe(false);
    service.answer(['d', 'e'], 'c2');
    expect((await last).value).toBe('c');
    expect(service.calls).toEqual(['pull c1 3', 'pull c2 3']);
    expect(enumerator.get_AtEndOfStream().value).toBe(false);
    expect(await read(enumerator)).toBe('d');
    const end = enumerator.ReadItem();
    service.answer([], undefined);
    expect((await end).value).toBe('e');
    expect(enumerator.get_AtEndOfStream().value).toBe(true);
    expect(service.calls).toEqual(['pull c1 3', 'pull c2 3']);
    expect((await enumerator.ReadItem()).error?.name).toBe('ERROR_WSMAN_ENUMERATION_CLOSED');
    expect((await enumerator.Close()).hr).toBe(0);
    expect(service.calls).toEqual(['pull c1 3', 'pull c2 3']);
  });

  it('never holds more than the page being read and one page ahead, however fast the service answers', async () => {
    const service = new ScriptedService();
    const pages = 40;
    service.auto = (context) => {
      const page = Number(context.slice(1));
      return { items: [0, 1, 2].map((i) => `${page}.${i}`), context: page + 1 < pages ? `c${page + 1}` : undefined };
    };
    const enumerator = enumeratorOver(service, ['0.0', '0.1', '0.2'], 'c1');
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(service.pulls).toBe(1);
    const items: string[] = [];
    while (!enumerator.get_AtEndOfStream().value) {
      items.push(await read(enumerator));
      // Reading the last item of page k makes page k+1 current, whose Pull (for page k+2) goes out.
      const pagesEntered = Math.floor(items.length / 3) + 1;
      expect(service.pulls).toBe(Math.min(pagesEntered, pages - 1));
      for (let i = 0; i < 2; i++) await nextTurn();
      expect(service.pulls).toBe(Math.min(pagesEntered, pages - 1));
    }
    expect(items).toHaveLength(pages * 3);
    expect(items[items.length - 1]).toBe(`${pages - 1}.2`);
  });

  it('passes empty pages before the end, and knows the end without a further call', async () => {
    const service = new ScriptedService();
    const enumerator = enumeratorOver(service, [], 'c1');
    expect(enumerator.get_AtEndOfStream().value).toBe(false);
    const first = enumerator.ReadItem();
    service.answer([], 'c2');
    await nextTurn();
    service.answer(['x'], 'c3');
    await nextTurn();
    service.answer([], 'c4');
    await nextTurn();
    service.answer([], undefined);
    expect((await first).value).toBe('x');
    expect(enumerator.get_AtEndOfStream().value).toBe(true);
    expect(service.calls).toEqual(['pull c1 3', 'pull c2 3', 'pull c3 3', 'pull c4 3']);
  });

  it('reports a failed read-ahead Pull on the next ReadItem, then the stream is over and nothing is released', async () => {
    const service = new ScriptedService();
    const enumerator = enumeratorOver(service, ['a', 'b'], 'c1');
    // The Pull fails while the script is still reading the page: not lost, not taken for the end.
    service.fail(wsmanError('ERROR_WINHTTP_TIMEOUT'));
    await nextTurn();
    expect(await read(enumerator)).toBe('a');
    expect(await read(enumerator)).toBe('b');
    expect(enumerator.get_AtEndOfStream().value).toBe(false);
    expect((await enumerator.ReadItem()).error?.name).toBe('ERROR_WINHTTP_TIMEOUT');
    expect(enumerator.get_AtEndOfStream().value).toBe(true);
    expect((await enumerator.ReadItem()).error?.name).toBe('ERROR_WSMAN_ENUMERATION_INVALID');
    expect((await enumerator.Close()).hr).toBe(0);
    expect(service.calls).toEqual(['pull c1 3']);
  });

  it('reports a Pull that fails while the first page is empty on that ReadItem', async () => {
    const service = new ScriptedService();
    const enumerator = enumeratorOver(service, [], 'c1');
    const read = enumerator.ReadItem();
    service.fail(wsmanError('ERROR_WINHTTP_TIMEOUT'));
    expect((await read).error?.name).toBe('ERROR_WINHTTP_TIMEOUT');
    expect((await enumerator.ReadItem()).error?.name).toBe('ERROR_WSMAN_ENUMERATION_INVALID');
  });

  it('sends the Pull after a page with the context its text shows, before that page is read', async () => {
    const service = new ScriptedService();
    const enumerator = enumeratorOver(service, ['a'], 'c1');
    let callsWhenRead: string[] = [];
    const last = enumerator.ReadItem();
    service.answerWith({
      contextHint: 'c2',
      read: () => {
        callsWhenRead = [...service.calls];
        return { items: ['b'], context: 'c2' };
      },
    });
    expect((await last).value).toBe('a');
    expect(callsWhenRead).toEqual(['pull c1 3', 'pull c2 3']);
    const second = enumerator.ReadItem();
    service.answer([], undefined);
    expect((await second).value).toBe('b');
    expect(enumerator.get_AtEndOfStream().value).toBe(true);
  });

  it('drops an early Pull sent with a misleading context (releasing what it opened) and pulls with the context the reply reads to', async () => {
    const service = new ScriptedService();
    const enumerator = enumeratorOver(service, ['a'], 'c1');
    const first = enumerator.ReadItem();
    service.answerWith({ contextHint: 'decoy', read: () => ({ items: ['b'], context: 'c2' }) });
    expect((await first).value).toBe('a');
    expect(service.calls).toEqual(['pull c1 3', 'pull decoy 3', 'pull c2 3']);
    // The decoy's answer is never read as a page; the context it carries is released.
    service.answer(['x'], 'd2');
    await nextTurn();
    expect(service.calls).toEqual(['pull c1 3', 'pull decoy 3', 'pull c2 3', 'release d2']);
    const second = enumerator.ReadItem();
    service.answer(['c'], undefined);
    expect((await second).value).toBe('b');
    expect(await read(enumerator)).toBe('c');
    expect(enumerator.get_AtEndOfStream().value).toBe(true);
  });

  it('reports a reply that does not read on the next ReadItem, releasing what the early Pull opened', async () => {
    const service = new ScriptedService();
    const enumerator = enumeratorOver(service, ['a'], 'c1');
    const first = enumerator.ReadItem();
    service.answerWith({
      contextHint: 'c2',
      read: () => {
        throw wsmanError('ERROR_WSMAN_INVALID_CHARACTERS_IN_RESPONSE');
      },
    });
    expect((await first).value).toBe('a');
    expect(enumerator.get_AtEndOfStream().value).toBe(false);
    expect((await enumerator.ReadItem()).error?.name).toBe('ERROR_WSMAN_INVALID_CHARACTERS_IN_RESPONSE');
    expect((await enumerator.ReadItem()).error?.name).toBe('ERROR_WSMAN_ENUMERATION_INVALID');
    service.answer(['b'], 'c3');
    await nextTurn();
    expect(service.calls).toEqual(['pull c1 3', 'pull c2 3', 'release c3']);
  });

  it('Close with a Pull in flight waits for it and releases the context it returned', async () => {
    const service = new ScriptedService();
    const enumerator = enumeratorOver(service, ['a', 'b', 'c'], 'c1');
    expect(await read(enumerator)).toBe('a');
    const closing = enumerator.Close();
    expect((await settled(closing)).done).toBe(false);
    expect(service.calls).toEqual(['pull c1 3']);
    service.answer(['d'], 'c2');
    expect((await closing).hr).toBe(0);
    expect(service.calls).toEqual(['pull c1 3', 'release c2']);
    expect(enumerator.get_AtEndOfStream().value).toBe(true);
    expect((await enumerator.ReadItem()).error?.name).toBe('ERROR_WSMAN_ENUMERATION_CLOSED');
    // Closing again sends nothing more.
    expect((await enumerator.Close()).hr).toBe(0);
    expect(service.calls).toEqual(['pull c1 3', 'release c2']);
  });

  it('Close releases nothing when the Pull in flight ends the sequence or fails', async () => {
    const ended = new ScriptedService();
    const first = enumeratorOver(ended, ['a'], 'c1');
    const closingFirst = first.Close();
    ended.answer(['b'], undefined);
    expect((await closingFirst).hr).toBe(0);
    expect(ended.calls).toEqual(['pull c1 3']);

    const failing = new ScriptedService();
    const second = enumeratorOver(failing, ['a'], 'c1');
    const closingSecond = second.Close();
    failing.fail(wsmanError('ERROR_WINHTTP_TIMEOUT'));
    expect((await closingSecond).hr).toBe(0);
    expect(failing.calls).toEqual(['pull c1 3']);
  });

  it('a ReadItem waiting on the page ahead when Close comes ends with ERROR_WSMAN_ENUMERATION_CLOSED', async () => {
    const service = new ScriptedService();
    const enumerator = enumeratorOver(service, [], 'c1');
    const reading = enumerator.ReadItem();
    const closing = enumerator.Close();
    service.answer(['a'], 'c2');
    expect((await reading).error?.name).toBe('ERROR_WSMAN_ENUMERATION_CLOSED');
    expect((await closing).hr).toBe(0);
    expect(service.calls).toEqual(['pull c1 3', 'release c2']);
  });

  it('leaving for await early releases the live context', async () => {
    const service = new ScriptedService();
    const enumerator = enumeratorOver(service, ['a', 'b'], 'c1');
    const loop = (async () => {
      for await (const item of enumerator) if (item === 'a') break;
    })();
    await nextTurn();
    service.answer(['c'], 'c2');
    await loop;
    expect(service.calls).toEqual(['pull c1 3', 'release c2']);
  });

  it('an enumeration answered whole by Enumerate sends nothing', async () => {
    const service = new ScriptedService();
    const enumerator = enumeratorOver(service, ['a'], undefined);
    expect(await read(enumerator)).toBe('a');
    expect(enumerator.get_AtEndOfStream().value).toBe(true);
    await enumerator[Symbol.asyncDispose]();
    expect(service.calls).toEqual([]);
  });
});

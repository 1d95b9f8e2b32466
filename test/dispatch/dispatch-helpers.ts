/** What the dispatch tests share: one object of every interface, and reading a thrown error's HRESULT. */
import { Enumerator } from '../../src/automation/enumerator';
import type { AutomationObject } from '../../src/automation/interfaces';
import { createObject } from '../../src/index';

export const DISP_E_MEMBERNOTFOUND = 0x80020003;
export const DISP_E_TYPEMISMATCH = 0x80020005;
export const DISP_E_UNKNOWNNAME = 0x80020006;
export const DISP_E_OVERFLOW = 0x8002000a;
export const DISP_E_BADPARAMCOUNT = 0x8002000e;
export const DISP_E_PARAMNOTOPTIONAL = 0x8002000f;

/** The objects of the model; the enumerator has nothing behind it (no network is needed to look at its members). */
export function modelObjects() {
  const wsman = createObject('WSMan.Automation');
  const session = wsman.CreateSession('http://server:5985/wsman').value!;
  const enumerator = new Enumerator(undefined as never, session.handle, { resourceUri: 'x', selectors: [], options: [], mustUnderstandOptions: false }, 20, { items: [], context: undefined }, 'server');
  return {
    wsman,
    connectionOptions: wsman.CreateConnectionOptions().value,
    resourceLocator: wsman.CreateResourceLocator('').value!,
    session,
    enumerator,
    wsmanInternal: createObject('WSMan.InternalAutomation'),
  } satisfies Record<string, AutomationObject>;
}

export function thrownBy(body: () => unknown): any {
  try {
    body();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

export function hresultThrownBy(body: () => unknown): number {
  return thrownBy(body).hresult;
}

export async function hresultRejectedBy(promise: Promise<unknown>): Promise<number> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: { hresult: number }) => error.hresult,
  );
}

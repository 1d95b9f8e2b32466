/**
 * The script bridge: the engine's handle table, the script side's stand-ins and their type-info
 * cache, and the real worker thread answering blocking calls with errors intact.
 */
import { lateBound, type IDispatch, type Variant } from '../../src/automation/dispatch';
import type { AutomationObject } from '../../src/automation/interfaces';
import { wsmanError } from '../../src/core/errors/wsman-error';
import { AutomationEngine } from '../../src/host/bridge/automation-engine';
import { EngineConnection } from '../../src/host/bridge/engine-connection';
import type { EngineReply, EngineRequest, WireError } from '../../src/host/bridge/protocol';
import { RemoteObjects, type EngineLink } from '../../src/host/bridge/remote-objects';
import { startEngineThread, type EngineThread } from '../../src/host/bridge/engine-thread';

/** A fake automation object: `Make` returns a new one, `Name` reads its name, `Echo` returns its argument, `Fail` throws. */
class FakeObject implements AutomationObject {
  readonly implementedInterfaces = ['IFake'];
  constructor(readonly name: string) {}
}

const DISPIDS: Record<string, number> = { make: 1, name: 2, echo: 3, fail: 4 };
const describeFake = (dispid: number) => ({
  name: Object.keys(DISPIDS)[dispid - 1],
  dispid,
  kinds: new Set([dispid === DISPIDS.name ? ('propget' as const) : ('method' as const)]),
  params: [],
  minArgs: 0,
  maxArgs: 1,
});

function fakeDispatch(object: AutomationObject): IDispatch {
  const fake = object as FakeObject;
  return {
    typeName: 'IFake',
    GetIDsOfNames: (names) => {
      const id = DISPIDS[names[0].toLowerCase()];
      if (id === undefined) throw wsmanError('DISP_E_UNKNOWNNAME');
      return [id];
    },
    describe: describeFake,
    members: () => Object.values(DISPIDS).map(describeFake),
    Invoke: async (dispid, _flags, args): Promise<Variant> => {
      switch (dispid) {
        case 1:
          return new FakeObject(`${fake.name}.child`);
        case 2:
          return fake.name;
        case 3:
          return args[0] instanceof FakeObject ? `object ${args[0].name}` : args[0];
        default:
          throw wsmanError('ERROR_WSMAN_INVALID_SELECTORS', { source: 'Fake', faultXml: '<f:WSManFault/>' });
      }
    },
  };
}

function fakeEngine(): AutomationEngine {
  return new AutomationEngine({
    createObject: (progId) => {
      if (progId !== 'Fake.Object') throw wsmanError('REGDB_E_CLASSNOTREG');
      return new FakeObject('root');
    },
    dispatchOf: fakeDispatch,
  });
}

describe('AutomationEngine (worker side)', () => {
  it('creates objects as handles and resolves handles passed back as arguments', async () => {
    const engine = fakeEngine();
    const created = await engine.handle({ op: 'create', progId: 'Fake.Object' });
    expect(created).toEqual({ ok: true, result: { kind: 'object', handle: 1, typeName: 'IFake' } });
    const child = await engine.handle({ op: 'invoke', handle: 1, dispid: 1, flags: 1, args: [] });
    expect(child).toEqual({ ok: true, result: { kind: 'object', handle: 2, typeName: 'IFake' } });
    const echoed = await engine.handle({ op: 'invoke', handle: 1, dispid: 3, flags: 1, args: [{ kind: 'object', handle: 2, typeName: 'IFake' }] });
    expect(echoed).toEqual({ ok: true, result: { kind: 'value', value: 'object root.child' } });
  });

  it('answers failures as IErrorInfo, never by rejecting', async () => {
    const engine = fakeEngine();
    await engine.handle({ op: 'create', progId: 'Fake.Object' });
    const failed = await engine.handle({ op: 'invoke', handle: 1, dispid: 4, flags: 1, args: [] });
    expect(failed).toEqual({ ok: false, error: { hresult: 0x8033803d, message: expect.stringContaining('selectors'), source: 'Fake', faultXml: '<f:WSManFault/>' } });
    expect(await engine.handle({ op: 'create', progId: 'Other' })).toMatchObject({ ok: false, error: { hresult: 0x80040154 } });
    expect(await engine.handle({ op: 'ids', handle: 99, names: ['Name'] })).toMatchObject({ ok: false, error: { hresult: 0x80070057 } });
  });
});

/** The fake engine behind a synchronous link, counting what the script side asks. */
class RecordingLink implements EngineLink {
  readonly requests: EngineRequest[] = [];
  readonly #replies: EngineReply[] = [];

  constructor(private readonly engine: AutomationEngine) {}

  /** The fake answers synchronously in effect; the replies are computed ahead by `prepare`. */
  async prepare(request: EngineRequest): Promise<void> {
    this.#replies.push(await this.engine.handle(request));
  }

  request(request: EngineRequest): EngineReply {
    this.requests.push(request);
    const reply = this.#replies.shift();
    if (!reply) throw new Error(`unprepared request ${JSON.stringify(request)}`);
    return reply;
  }
}

const raise = (error: WireError): Error => Object.assign(new Error(error.message), { number: error.hresult | 0, source: error.source });

describe('RemoteObjects (script side)', () => {
  it('asks the engine for type information once per type and name, failures included', async () => {
    const engine = fakeEngine();
    const link = new RecordingLink(engine);
    await link.prepare({ op: 'create', progId: 'Fake.Object' });
    await link.prepare({ op: 'ids', handle: 1, names: ['Name'] });
    await link.prepare({ op: 'describe', handle: 1, dispid: 2 });
    await link.prepare({ op: 'invoke', handle: 1, dispid: 2, flags: 2, args: [] });
    await link.prepare({ op: 'invoke', handle: 1, dispid: 2, flags: 2, args: [] });
    await link.prepare({ op: 'ids', handle: 1, names: ['Nope'] });
    const root = lateBound(new RemoteObjects(link, raise).create('Fake.Object'));

    expect(root.Name).toBe('root');
    expect(root.Name).toBe('root');
    expect(() => root.Nope).toThrow(expect.objectContaining({ number: 0x80020006 | 0 }));
    expect(() => root.Nope).toThrow(expect.objectContaining({ number: 0x80020006 | 0 }));
    expect(link.requests.map((r) => r.op)).toEqual(['create', 'ids', 'describe', 'invoke', 'invoke', 'ids']);
  });

  it('sends late-bound objects as their handles and wraps returned objects', async () => {
    const engine = fakeEngine();
    const link = new RecordingLink(engine);
    await link.prepare({ op: 'create', progId: 'Fake.Object' });
    await link.prepare({ op: 'ids', handle: 1, names: ['Make'] });
    await link.prepare({ op: 'describe', handle: 1, dispid: 1 });
    await link.prepare({ op: 'invoke', handle: 1, dispid: 1, flags: 1, args: [] });
    await link.prepare({ op: 'ids', handle: 1, names: ['Echo'] });
    await link.prepare({ op: 'describe', handle: 1, dispid: 3 });
    await link.prepare({ op: 'invoke', handle: 1, dispid: 3, flags: 1, args: [{ kind: 'object', handle: 2, typeName: 'IFake' }] });
    const root = lateBound(new RemoteObjects(link, raise).create('Fake.Object'));

    const child = root.Make();
    expect(root.Echo(child)).toBe('object root.child');
    expect(link.requests.at(-1)).toEqual({ op: 'invoke', handle: 1, dispid: 3, flags: 1, args: [{ kind: 'object', handle: 2, typeName: 'IFake' }] });
    // A script's own object has no VARIANT form in the engine.
    expect(() => root.Echo({})).toThrow(expect.objectContaining({ number: 0x80020005 | 0 }));
  });
});

describe('the engine thread', () => {
  const rethrow = (error: Error): never => {
    throw error;
  };
  let thread: EngineThread;
  let objects: RemoteObjects;
  const errors: WireError[] = [];

  beforeAll(() => {
    thread = startEngineThread(rethrow);
    objects = new RemoteObjects({ request: (request) => thread.channel.call(request) }, (error) => {
      errors.push(error);
      return Object.assign(new Error(error.message), { number: error.hresult | 0, description: error.message, source: error.source });
    });
  });

  afterAll(() => thread.close());

  it('runs the real WSMan.Automation behind blocking calls', () => {
    const wsman = lateBound(objects.create('WSMan.Automation'));
    expect(wsman.SessionFlagUseBasic()).toBe(0x40000);
    const options = wsman.CreateConnectionOptions();
    options.UserName = 'alice';
    options.Password = 'Secret#1';
    expect(options.UserName).toBe('alice');
    // The options object goes back to the engine as its handle.
    const session = wsman.CreateSession('http://localhost:5985/wsman', wsman.SessionFlagUseBasic() | wsman.SessionFlagCredUsernamePassword(), options);
    expect(session.BatchItems).toBe(20);
  });

  it('brings errors across with number, description, source and the fault XML', () => {
    const wsman = lateBound(objects.create('WSMan.Automation'));
    const options = wsman.CreateConnectionOptions();
    options.UserName = 'alice';
    options.Password = 'Secret#1';
    let thrown: any;
    try {
      wsman.CreateSession('http://localhost:5985/wsman', wsman.SessionFlagUseBasic(), options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ number: 0x803380b3 | 0, source: 'WSMan', description: expect.stringContaining('WSManFlagCredUsernamePassword') });
    expect(errors.at(-1)?.faultXml).toContain('Code="2150858931"');
    expect(wsman.Error).toContain('Code="2150858931"');
  });

  it('fails calls at once after the engine is gone instead of waiting', async () => {
    const other = startEngineThread(rethrow);
    expect(other.channel.call({ op: 'create', progId: 'WSMan.Automation' })).toMatchObject({ ok: true });
    await other.close();
    expect(() => other.channel.call({ op: 'create', progId: 'WSMan.Automation' })).toThrow(/exited/);
  });

  it('reports a disconnected engine as RPC_E_DISCONNECTED', async () => {
    const connection = new EngineConnection(() => undefined, () => undefined);
    expect(connection.request({ op: 'create', progId: 'WSMan.Automation' })).toMatchObject({ ok: true });
    await connection.close();
    expect(connection.request({ op: 'create', progId: 'WSMan.Automation' })).toMatchObject({ ok: false, error: { hresult: 0x80010108 } });
  });
});

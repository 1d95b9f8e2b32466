/** WSH's own objects: case-insensitive members, WScript.Arguments, Enumerator, StdIn, Sleep, Quit. */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { hostObject, type HostContext } from '../../src/host/host-object';
import { enumeratorConstructor } from '../../src/host/jscript-enumerator';
import { JSCRIPT_ERROR, ScriptErrors } from '../../src/host/script-errors';
import { QuitSignal, ScriptLifetime } from '../../src/host/script-lifetime';
import { wshArguments } from '../../src/host/wscript/arguments';
import { blockFor } from '../../src/host/wscript/blocking-wait';
import { BlockingReader } from '../../src/host/wscript/text-streams';

const errors = new ScriptErrors(Error);
const context: HostContext = { errors, checkpoint: () => undefined };

function numberThrownBy(body: () => unknown): number {
  try {
    body();
  } catch (error) {
    return (error as { number: number }).number & 0xffff;
  }
  throw new Error('expected a throw');
}

describe('host objects', () => {
  const state = { value: 1 };
  const object: any = hostObject(
    {
      members: {
        Twice: { method: (n: number) => n * 2 },
        Value: { get: () => state.value, set: (v) => void (state.value = Number(v)) },
        Fixed: { get: () => 'fixed' },
      },
      call: (n: number) => `called ${n}`,
      value: () => 'default',
    },
    context,
  );

  it('finds members whatever their case, and calls the default member', () => {
    expect(object.twice(2)).toBe(4);
    expect(object.TWICE(3)).toBe(6);
    object.value = 5;
    expect(object.VALUE).toBe(5);
    expect(object(7)).toBe('called 7');
    expect(String(object)).toBe('default');
    expect('fixed' in object).toBe(true);
  });

  it('refuses unknown members (438) and assignments to read-only properties (450)', () => {
    expect(numberThrownBy(() => object.Missing)).toBe(JSCRIPT_ERROR.MEMBER_NOT_SUPPORTED.code);
    expect(numberThrownBy(() => (object.Fixed = 'x'))).toBe(JSCRIPT_ERROR.INVALID_PROPERTY_ASSIGNMENT.code);
    expect(numberThrownBy(() => (object.Twice = 1))).toBe(JSCRIPT_ERROR.INVALID_PROPERTY_ASSIGNMENT.code);
  });

  it('makes errors of the script realm with number, description and message', () => {
    const ScriptError = runInNewContext('Error') as ErrorConstructor;
    const error = new ScriptErrors(ScriptError).jscript(JSCRIPT_ERROR.CANNOT_CREATE_OBJECT);
    expect(error).toBeInstanceOf(ScriptError);
    expect(error).toMatchObject({ number: -2146827859, description: "Automation server can't create object", message: "Automation server can't create object", name: 'Error' });
  });

  it('words IDispatch failures as JScript does and keeps other HRESULTs with their source', () => {
    expect(errors.fromErrorInfo({ hresult: 0x80020006, message: 'Unknown name.', source: '' })).toMatchObject({ number: -2146827850 });
    const fault = errors.fromErrorInfo({ hresult: 0x80338000, message: 'The WS-Management service cannot process the request.', source: 'Session' });
    expect(fault).toMatchObject({ number: -2144108544, description: 'The WS-Management service cannot process the request.', source: 'Session' });
  });
});

describe('WScript.Arguments', () => {
  const args: any = wshArguments(['first', '/mode:fast', '/Path:C:\\x:y', '/tmp/file.xml', '/verbose'], context);

  it('lists every argument, and splits named from unnamed like WSH', () => {
    expect(args.Count()).toBe(5);
    expect(args(1)).toBe('/mode:fast');
    expect(args.Named.Count()).toBe(3);
    expect(args.Named('MODE')).toBe('fast');
    expect(args.Named.Item('path')).toBe('C:\\x:y');
    expect(args.Named.Exists('Verbose')).toBe(true);
    expect(args.Named.Item('verbose')).toBeUndefined();
    expect(args.Named.Item('absent')).toBeUndefined();
    expect(args.Unnamed.length).toBe(2);
    expect(args.Unnamed(1)).toBe('/tmp/file.xml');
  });

  it('reports an index out of range as error 9', () => {
    expect(numberThrownBy(() => args.Item(5))).toBe(JSCRIPT_ERROR.SUBSCRIPT_OUT_OF_RANGE.code);
    expect(numberThrownBy(() => args.Unnamed(-1))).toBe(JSCRIPT_ERROR.SUBSCRIPT_OUT_OF_RANGE.code);
  });
});

describe('Enumerator', () => {
  const Enumerator = enumeratorConstructor(errors);
  const walk = (collection?: unknown): unknown[] => {
    const items: unknown[] = [];
    for (const e: any = new Enumerator(collection); !e.atEnd(); e.moveNext()) items.push(e.item());
    return items;
  };

  it('walks WSH collections: values of Arguments, names of Named', () => {
    const args: any = wshArguments(['a', '/b:1', 'c'], context);
    expect(walk(args)).toEqual(['a', '/b:1', 'c']);
    expect(walk(args.Named)).toEqual(['b']);
    expect(walk(args.Unnamed)).toEqual(['a', 'c']);
  });

  it('walks any object with Count and Item, and moves back to the first item', () => {
    const collection = { Count: () => 2, Item: (i: number) => `item ${i}` };
    expect(walk(collection)).toEqual(['item 0', 'item 1']);
    expect(walk({ Count: 1, Item: () => 'only' })).toEqual(['only']);
    const e: any = new Enumerator(collection);
    e.moveNext();
    e.moveNext();
    expect(e.atEnd()).toBe(true);
    expect(e.item()).toBeUndefined();
    e.moveFirst();
    expect(e.item()).toBe('item 0');
  });

  it('is empty without a collection and refuses what is none (451)', () => {
    expect(walk()).toEqual([]);
    expect(numberThrownBy(() => new Enumerator({ length: 2 }))).toBe(JSCRIPT_ERROR.NOT_A_COLLECTION.code);
  });
});

describe('StdIn', () => {
  it('reads lines (CRLF or LF), then the rest, then reports the end', () => {
    const directory = mkdtempSync(join(tmpdir(), 'wsman-stdin-'));
    const file = join(directory, 'input.txt');
    writeFileSync(file, 'first\r\nsecond\nthird and ünïcode\nrest\nof it');
    const fd = openSync(file, 'r');
    try {
      const reader = new BlockingReader(fd);
      expect(reader.atEnd).toBe(false);
      expect(reader.readLine()).toBe('first');
      expect(reader.readLine()).toBe('second');
      expect(reader.readLine()).toBe('third and ünïcode');
      expect(reader.readAll()).toBe('rest\nof it');
      expect(reader.atEnd).toBe(true);
      expect(reader.readLine()).toBeUndefined();
    } finally {
      closeSync(fd);
      rmSync(directory, { recursive: true });
    }
  });
});

describe('Sleep', () => {
  it('blocks for the time asked without spending CPU on it', () => {
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    blockFor(200);
    const elapsed = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(50);
  });
});

describe('ScriptLifetime', () => {
  it('throws a QuitSignal, then stops the script at its next entry into the host', () => {
    const stops: number[] = [];
    const lifetime = new ScriptLifetime((code) => {
      stops.push(code);
      throw new Error('stopped');
    });
    lifetime.checkpoint();
    expect(() => lifetime.quit(3)).toThrow(QuitSignal);
    expect(lifetime.quitExitCode).toBe(3);
    expect(() => lifetime.checkpoint()).toThrow('stopped');
    expect(stops).toEqual([3]);
  });
});

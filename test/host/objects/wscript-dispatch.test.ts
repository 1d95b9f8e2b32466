/** WScript through IDispatch (what VBScript binds to): the same objects as JScript's, DISPIDs and default members. */
import { ScriptErrors } from '../../../src/host/script-errors';
import { QuitSignal, ScriptLifetime } from '../../../src/host/script-lifetime';
import { wscriptDispatch } from '../../../src/host/objects/wscript-dispatch';
import { call, callDefault, errorNumber, forEach } from './dispatch-helpers';

function wscript(args: string[]) {
  const printed: string[] = [];
  const lifetime = new ScriptLifetime((code) => {
    throw new Error(`stopped ${code}`);
  });
  const object = wscriptDispatch(
    {
      scriptPath: '/scripts/tool.vbs',
      scriptArguments: args,
      hostPath: '/usr/bin/cscript.exe',
      stdout: (text) => printed.push(text),
      stderr: (text) => printed.push(`ERR ${text}`),
      stdinFd: 0,
      lifetime,
      createObject: () => ({}),
      interactive: true,
    },
    { errors: new ScriptErrors(Error), checkpoint: () => lifetime.checkpoint() },
  );
  return { object, printed };
}

describe('WScript as a SyncDispatch', () => {
  it('echoes, names the script and has Name as its default value', () => {
    const { object, printed } = wscript([]);
    call(object, 'Echo', 'a', 1);
    call(object, 'echo');
    // VBScript's text of a value, not JavaScript's.
    call(object, 'Echo', true, undefined, 2.5, null);
    expect(printed.join('')).toMatch(/^a 1\r?\n\r?\nTrue  2.5 Null\r?\n$/);
    expect(call(object, 'ScriptName')).toBe('tool.vbs');
    expect(callDefault(object)).toBe('Windows Script Host');
    expect(() => object.GetIDsOfNames(['NoSuch'])).toThrow();
  });

  it('gives Arguments(i), Named("x"), Unnamed, Count and For Each', () => {
    const { object } = wscript(['enumerate', '/r:http://h:5985/wsman', '/nologo', 'x']);
    const args = call(object, 'Arguments');
    expect(callDefault(args, 0)).toBe('enumerate');
    expect(call(args, 'Count')).toBe(4);
    expect(forEach(args)).toEqual(['enumerate', '/r:http://h:5985/wsman', '/nologo', 'x']);
    const named = call(args, 'Named');
    expect(callDefault(named, 'R')).toBe('http://h:5985/wsman');
    expect(call(args, 'Named', 'r')).toBe('http://h:5985/wsman');
    expect(call(named, 'Exists', 'nologo')).toBe(true);
    expect(forEach(named)).toEqual(['r', 'nologo']);
    expect(callDefault(call(args, 'Unnamed'), 1)).toBe('x');
    expect(errorNumber(() => callDefault(args, 9))).toBe(9);
    // WScript itself is no collection.
    expect(errorNumber(() => forEach(object))).toBe(451);
  });

  it('Quit ends the script with its code', () => {
    const { object } = wscript([]);
    expect(() => call(object, 'Quit', 3)).toThrow(QuitSignal);
  });
});

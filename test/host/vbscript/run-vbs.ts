/** Runs VBScript text in-process with a WScript whose Echo collects lines, for the conformance tables. */
import { DISPATCH_METHOD, type DispatchMember, type SyncDispatch, type Variant } from '../../../src/automation/dispatch/contract';
import { createHostObject, createRegExp } from '../../../src/host/objects/registry';
import { VbsEngine } from '../../../src/host/vbscript/engine';
import { E, errorReport, vbsError } from '../../../src/host/vbscript/errors';
import { fromCom, toStr } from '../../../src/host/vbscript/values';

export interface VbsRun {
  readonly lines: string[];
  /** cscript's error line with the path `t.vbs`, or undefined. */
  readonly error: string | undefined;
  readonly output: string;
}

function echoObject(lines: string[]): SyncDispatch {
  const echo: DispatchMember = { name: 'Echo', dispid: 1, kinds: new Set(['method']), params: [], minArgs: 0, maxArgs: 255 };
  return {
    typeName: 'Object',
    GetIDsOfNames: (names) =>
      names.map((name) => {
        if (name.toLowerCase() !== 'echo') throw Object.assign(new Error('unknown'), { hresult: 0x80020006 });
        return 1;
      }),
    describe: () => echo,
    members: () => [echo],
    Invoke: (dispid: number, flags: number, args: readonly Variant[]) => {
      if (dispid !== 1 || !(flags & DISPATCH_METHOD)) throw Object.assign(new Error('unknown'), { hresult: 0x80020003 });
      lines.push(args.map((arg) => (arg === null ? 'Null' : toStr(fromCom(arg)))).join(' '));
      return undefined;
    },
  };
}

export function runVbs(source: string): VbsRun {
  const lines: string[] = [];
  const engine = new VbsEngine({
    host: {
      createRegExp: () => createRegExp({}),
      createObject: (progId) => createHostObject(progId, {}) ?? (() => { throw vbsError(E.CANNOT_CREATE, progId); })(),
    },
    namedItems: { WScript: echoObject(lines) },
  });
  const failure = engine.run(source);
  const error = failure && errorReport(failure, 't.vbs');
  return { lines, error, output: lines.join('\n') };
}

/** The echoed text of one expression. */
export function evalVbs(expression: string): string {
  const run = runVbs(`WScript.Echo ${expression}`);
  if (run.error) return `ERROR ${run.error}`;
  return run.output;
}

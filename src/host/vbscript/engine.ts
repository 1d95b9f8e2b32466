/**
 * The VBScript engine as the script host uses it: compile the whole file first (a syntax error
 * stops it before any statement runs), then run it, and give back the error that ended it.
 */
import type { SyncDispatch } from '../../automation/dispatch/contract';
import { QuitSignal } from '../script-lifetime';
import { builtinConstants } from './builtins';
import { Compiler, type VbsHost } from './compiler';
import { asVbsError, type VbsError } from './errors';
import { parse } from './parser';
import { Cell, Frame, Machine } from './runtime';

export interface VbsEngineOptions {
  readonly host: VbsHost;
  /** Named objects the host puts in the global namespace (WScript, WSH). */
  readonly namedItems: Readonly<Record<string, SyncDispatch>>;
}

export class VbsEngine {
  readonly machine = new Machine();
  readonly compiler = new Compiler(this.machine);

  constructor(options: VbsEngineOptions) {
    this.compiler.host = options.host;
    for (const [name, value] of builtinConstants()) this.machine.globals.set(name, new Cell(value, true));
    for (const [name, value] of Object.entries(options.namedItems)) this.machine.globals.set(name.toLowerCase(), new Cell(value, true));
  }

  /**
   * Runs a script to its end. Returns the error that stopped it, undefined after a normal end;
   * a QuitSignal (WScript.Quit) passes through. Class_Terminate runs for the instances left.
   */
  run(source: string): VbsError | undefined {
    let program: (f: Frame) => number;
    try {
      program = this.compiler.program(parse(source));
    } catch (error) {
      return asVbsError(error);
    }
    const frame = new Frame([], undefined);
    try {
      program(frame);
      this.machine.terminateAll();
      return undefined;
    } catch (error) {
      if (error instanceof QuitSignal) throw error;
      return asVbsError(error);
    }
  }
}

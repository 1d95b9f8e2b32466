/**
 * A VBScript file in the script host: the engine with WSH's named items (WScript, WSH), the
 * host's objects and the automation engine's behind CreateObject, errors printed as cscript
 * prints them. The exit code follows the JScript host's rules (run-script.ts).
 */
import { EOL } from 'node:os';
import type { SyncDispatch } from '../../automation/dispatch/contract';
import type { HostContext } from '../host-object';
import { createRegExp } from '../objects/registry';
import { wscriptDispatch } from '../objects/wscript-dispatch';
import type { WScriptEnvironment } from '../wscript/wscript';
import { VbsEngine } from './engine';
import { E, errorReport, vbsError } from './errors';

const SCRIPT_ERROR_EXIT_CODE = 1;

export function runVbscript(source: string, environment: WScriptEnvironment, context: HostContext): number {
  const { scriptPath, lifetime, checkpoint } = { ...environment, checkpoint: context.checkpoint };
  const wscript = wscriptDispatch(environment, context);
  const engine = new VbsEngine({
    host: {
      createRegExp: () => createRegExp({ checkpoint }),
      createObject: (progId) => {
        checkpoint();
        try {
          return environment.createObject(progId) as SyncDispatch;
        } catch {
          throw vbsError(E.CANNOT_CREATE, progId);
        }
      },
    },
    namedItems: { WScript: wscript, WSH: wscript },
  });
  let failure;
  try {
    failure = engine.run(source);
  } catch (error) {
    // A QuitSignal, or anything after a Quit, ends with Quit's code.
    if (lifetime.quitExitCode === undefined) throw error;
  }
  if (lifetime.quitExitCode !== undefined) return lifetime.quitExitCode;
  if (!failure) return 0;
  if (environment.interactive) environment.stderr(errorReport(failure, scriptPath) + EOL);
  return SCRIPT_ERROR_EXIT_CODE;
}

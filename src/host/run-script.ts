/**
 * Runs a WSH JScript or VBScript file as cscript would: in its own realm (node:vm) with WSH's globals, the
 * automation engine in a worker thread behind a blocking bridge, so that `session.Get(uri)`
 * returns the XML string as it does on Windows. Ends with the exit code the process should
 * have: WScript.Quit's, 0 at the end of the script, 1 after a script error.
 *
 * Not a sandbox: WSH scripts have the user's full rights, and so do these.
 */
import { EOL } from 'node:os';
import { resolve } from 'node:path';
import { createContext, runInContext, Script, type Context } from 'node:vm';
import { lateBound } from '../automation/dispatch';
import type { LogonIdentity } from '../automation/logon-identity';
import { EngineConnection } from './bridge/engine-connection';
import { RemoteObjects } from './bridge/remote-objects';
import { compilationErrorReport, runtimeErrorReport } from './error-report';
import type { RunCommand } from './host-options';
import { scriptGlobals } from './script-globals';
import { ScriptErrors } from './script-errors';
import { ScriptLifetime } from './script-lifetime';
import { readScript } from './script-source';
import { JScriptView } from './objects/jscript-facing';
import { createHostObject } from './objects/registry';
import { runVbscript } from './vbscript/run-vbscript';
import type { WScriptEnvironment } from './wscript/wscript';

/**
 * cscript itself ends with 0 after a runtime error unless the script called Quit; scripts run
 * here are checked by callers that need to see the failure, so a script error ends with 1.
 */
export const SCRIPT_ERROR_EXIT_CODE = 1;

/** The local computer's WinRM listener, unless `--local` names another. */
const DEFAULT_LOCAL_URL = 'http://localhost:5985/wsman';

export interface ScriptHostOptions {
  readonly command: RunCommand;
  /** What WScript.FullName names. */
  readonly hostPath: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdinFd: number;
  /** Ends the process at once: for a script that swallowed WScript.Quit's signal. */
  readonly stopNow: (exitCode: number) => never;
}

/** Runs the script to its end; only the first compile happens before, and nothing is left running after. */
export async function runScript(options: ScriptHostOptions): Promise<number> {
  const { command, stderr } = options;
  const scriptPath = resolve(command.scriptPath);
  let source: string;
  try {
    source = readScript(scriptPath);
  } catch {
    stderr(`Input Error: Can not find script file "${scriptPath}".${EOL}`);
    return SCRIPT_ERROR_EXIT_CODE;
  }

  const lifetime = new ScriptLifetime(options.stopNow);
  const checkpoint = (): void => lifetime.checkpoint();
  const context = createContext();
  const errors = new ScriptErrors(runInContext('Error', context) as ErrorConstructor);
  const logonIdentity: LogonIdentity = { credentials: command.user, localConnection: command.localUrl ?? DEFAULT_LOCAL_URL };
  const engine = new EngineConnection(checkpoint, (error) => stderr(`wsman run: the automation engine failed: ${error.stack ?? error.message}${EOL}`), logonIdentity);
  const objects = new RemoteObjects(engine, (info) => errors.fromErrorInfo(info));
  const jscriptView = new JScriptView(errors);
  const environment: WScriptEnvironment = {
    scriptPath,
    scriptArguments: command.scriptArguments,
    hostPath: options.hostPath,
    stdout: options.stdout,
    stderr,
    stdinFd: options.stdinFd,
    lifetime,
    // The host's own objects first (Scripting.Dictionary …), then the engine's (WSMan.Automation).
    // VBScript binds through IDispatch itself; JScript gets late-bound views.
    createObject:
      command.language === 'VBScript'
        ? (progId) => createHostObject(progId, { checkpoint, stdout: options.stdout }) ?? objects.create(progId)
        : (progId) => lateBound(jscriptView.hostObject(progId, { checkpoint, stdout: options.stdout }) ?? objects.create(progId)),
    interactive: !command.batchMode,
  };
  try {
    if (command.language === 'VBScript') return runVbscript(source, environment, { errors, checkpoint });
    Object.assign(context, scriptGlobals(environment, { errors, checkpoint }));
    return execute(source, context, environment);
  } finally {
    await engine.close();
  }
}

function execute(source: string, context: Context, environment: WScriptEnvironment): number {
  const { scriptPath, lifetime } = environment;
  // Errors are shown unless the script runs in batch mode (//B or WScript.Interactive = false).
  const report = (message: string): void => {
    if (environment.interactive) environment.stderr(message + EOL);
  };
  let script: Script;
  try {
    script = new Script(source, { filename: scriptPath });
  } catch (error) {
    report(compilationErrorReport(error, scriptPath));
    return SCRIPT_ERROR_EXIT_CODE;
  }
  try {
    script.runInContext(context, { displayErrors: false });
  } catch (error) {
    // A QuitSignal, or any error after a Quit whose signal the script caught, ends with Quit's code.
    if (lifetime.quitExitCode === undefined) {
      report(runtimeErrorReport(error, scriptPath));
      return SCRIPT_ERROR_EXIT_CODE;
    }
  }
  return lifetime.quitExitCode ?? 0;
}

/**
 * The WScript object (IHost) as cscript gives it to a script: Echo, Quit, Sleep, CreateObject,
 * Arguments, the standard streams and the host's properties. Its default property is Name.
 */
import { EOL } from 'node:os';
import { basename, dirname } from 'node:path';
import { hostObject, type HostContext } from '../host-object';
import type { ScriptError } from '../script-errors';
import type { ScriptLifetime } from '../script-lifetime';
import { wshArguments } from './arguments';
import { blockFor } from './blocking-wait';
import { BlockingReader, inputStream, outputStream } from './text-streams';

const WSH_NAME = 'Windows Script Host';
const WSH_VERSION = '5.812';

export interface WScriptEnvironment {
  /** Absolute. */
  readonly scriptPath: string;
  readonly scriptArguments: readonly string[];
  /** The host program (WScript.FullName). */
  readonly hostPath: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdinFd: number;
  readonly lifetime: ScriptLifetime;
  /** The late-bound automation object for a ProgID; throws the script error of the failure. */
  readonly createObject: (progId: string) => object;
  /** WScript.Interactive, shared with the host: false (//B) keeps script errors off the console. */
  interactive: boolean;
}

/** A number as Quit and Sleep take it (a VARIANT converted to a long). */
function toLong(value: unknown): number {
  return Math.round(Number(value ?? 0)) | 0;
}

export function wscriptObject(environment: WScriptEnvironment, context: HostContext): object {
  const { stdout, stderr, lifetime } = environment;
  const createObject = (progId: unknown): object => {
    try {
      return environment.createObject(String(progId));
    } catch (error) {
      const { number } = error as ScriptError;
      throw context.errors.fromErrorInfo({ hresult: number, message: `Could not locate automation class named "${String(progId)}".`, source: 'WScript.CreateObject' });
    }
  };
  const argumentsObject = wshArguments(environment.scriptArguments, context);
  const stdin = inputStream(new BlockingReader(environment.stdinFd), context);
  const out = outputStream(stdout, context);
  const err = outputStream(stderr, context);
  return hostObject(
    {
      members: {
        // Each argument as JScript's ToString makes it (objects through their default value).
        Echo: { method: (...values: unknown[]) => stdout(values.map(String).join(' ') + EOL) },
        Quit: { method: (exitCode?: unknown) => lifetime.quit(toLong(exitCode)) },
        Sleep: { method: (milliseconds: unknown) => blockFor(toLong(milliseconds)) },
        CreateObject: { method: createObject },
        Arguments: { get: () => argumentsObject },
        StdIn: { get: () => stdin },
        StdOut: { get: () => out },
        StdErr: { get: () => err },
        ScriptName: { get: () => basename(environment.scriptPath) },
        ScriptFullName: { get: () => environment.scriptPath },
        Interactive: {
          get: () => environment.interactive,
          set: (value) => {
            environment.interactive = Boolean(value);
          },
        },
        Name: { get: () => WSH_NAME },
        Version: { get: () => WSH_VERSION },
        FullName: { get: () => environment.hostPath },
        Path: { get: () => dirname(environment.hostPath) },
      },
      value: () => WSH_NAME,
    },
    context,
  );
}

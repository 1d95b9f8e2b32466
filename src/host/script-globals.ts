/**
 * The globals WSH gives a JScript script beyond the language's own: ActiveXObject, WScript
 * (and its alias WSH) and JScript's Enumerator and VBArray.
 */
import type { HostContext } from './host-object';
import { enumeratorConstructor } from './jscript-enumerator';
import { vbArrayConstructor } from './jscript-vbarray';
import { JSCRIPT_ERROR } from './script-errors';
import { wscriptObject, type WScriptEnvironment } from './wscript/wscript';

export function scriptGlobals(environment: WScriptEnvironment, context: HostContext): Record<string, unknown> {
  const { errors, checkpoint } = context;
  // `new ActiveXObject(id)`: a constructor that returns the object it made; JScript reports every failure as error 429.
  function ActiveXObject(progId: unknown): object {
    checkpoint();
    try {
      return environment.createObject(String(progId));
    } catch {
      throw errors.jscript(JSCRIPT_ERROR.CANNOT_CREATE_OBJECT);
    }
  }
  const wscript = wscriptObject(environment, context);
  return { ActiveXObject, WScript: wscript, WSH: wscript, Enumerator: enumeratorConstructor(errors), VBArray: vbArrayConstructor(errors) };
}

/**
 * CreateObject for the objects the script host itself provides (the WSH object set legacy
 * scripts use). A ProgID not listed here is not the host's: the caller then asks the automation
 * engine (WSMan.Automation, WSMan.InternalAutomation) through the worker bridge.
 */
import type { SyncDispatch } from '../../automation/dispatch/contract';
import { createDictionary } from './dictionary';
import { createRegExp as newRegExp } from './regexp';

/*
 * FileSystemObject, WScript.Shell and MSXML (with @xmldom/xmldom and xpath) are loaded when a
 * script first creates one: every `wsman run` starts with this module, most scripts need none.
 */
const fileSystem = () => require('./fso/file-system-object') as typeof import('./fso/file-system-object');
const shell = () => require('./shell/shell') as typeof import('./shell/shell');
const msxml = () => require('./msxml/dom') as typeof import('./msxml/dom');

export interface HostObjectEnvironment {
  /** Runs at every call into an object (ScriptLifetime.checkpoint: stops a script that swallowed WScript.Quit). */
  readonly checkpoint?: () => void;
  /** The host's standard output, where WshShell.Popup's text goes in a console host (default: this process's). */
  readonly stdout?: (text: string) => void;
}

type Factory = (environment: HostObjectEnvironment) => SyncDispatch;

/** Lower-case ProgID → factory: ProgIDs compare without case, as the registry's do. */
const FACTORIES = new Map<string, Factory>([
  ['scripting.dictionary', (environment) => createDictionary(environment.checkpoint)],
  ['scripting.filesystemobject', (environment) => fileSystem().createFileSystemObject(environment.checkpoint)],
  ['wscript.shell', (environment) => shell().createShell({ echo: environment.stdout ?? ((text) => process.stdout.write(text)), beforeInvoke: environment.checkpoint })],
  ['vbscript.regexp', (environment) => newRegExp(environment.checkpoint)],
  // The version-independent ProgIDs are MSXML 3.0's.
  ...['msxml2.domdocument', 'msxml2.domdocument.3.0', 'microsoft.xmldom', 'msxml.domdocument'].map(
    (progId) => [progId, (environment: HostObjectEnvironment) => msxml().createDomDocument(3, environment.checkpoint)] as const,
  ),
  ['msxml2.domdocument.6.0', (environment) => msxml().createDomDocument(6, environment.checkpoint)],
]);

/** The host's object for a ProgID (surrounding blanks ignored, any case); undefined when the host has none. */
export function createHostObject(progId: string, environment: HostObjectEnvironment): SyncDispatch | undefined {
  return FACTORIES.get(progId.trim().toLowerCase())?.(environment);
}

/** VBScript's `New RegExp`. */
export function createRegExp(environment: HostObjectEnvironment): SyncDispatch {
  return newRegExp(environment.checkpoint);
}

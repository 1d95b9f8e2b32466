/** wsman-automation: the WSMan.Automation object model and the WinRM C API session engine. */
import 'reflect-metadata';
import { createObjectIn } from './automation/create-object';
import type { WSMan } from './automation/wsman';
import type { WSManInternal } from './automation/wsman-internal';
import { defaultContainer } from './composition-root';

/** `CreateObject("WSMan.Automation")`; an unknown ProgID throws a ComError REGDB_E_CLASSNOTREG. */
export function createObject(progId: 'WSMan.Automation' | 'WSMan.Automation.1'): WSMan;
export function createObject(progId: 'WSMan.InternalAutomation' | 'WSMan.InternalAutomation.1'): WSManInternal;
export function createObject(progId: string): WSMan | WSManInternal;
export function createObject(progId: string): WSMan | WSManInternal {
  return createObjectIn(defaultContainer(), progId);
}

export { createContainer } from './composition-root';
export * from './c-api';
export * from './c-api-shell';
export * from './core/hresult';
export { WSManClientApi, type WSMAN_API_HANDLE, type WSMAN_SESSION_HANDLE } from './core/capi/client-api';
export * from './core/capi/constants';
export { WSManShellApi, type ShellAsync, type WSMAN_SHELL_HANDLE, type WSMAN_COMMAND_HANDLE, type WSMAN_OPERATION_HANDLE } from './core/capi/shell-api';
export { RemoteShell, RemoteCommand, errorFromCallback, receiveDataOf, type RemoteShellOptions, type RunOptions } from './core/shell/remote-shell';
export { WSManError, WinRMError, Win32Error, ComError } from './core/errors/wsman-error';
export { findError, errorNamed, formatMessageText, type ErrorDefinition } from './core/errors/error-table';
export * from './automation/flags';
export type * from './automation/interfaces';
export { WSMan } from './automation/wsman';
export { WSManInternal } from './automation/wsman-internal';
export { Session } from './automation/session';
export { ConnectionOptions } from './automation/connection-options';
export { ResourceLocator } from './automation/resource-locator';
export { TypeLibrary } from './automation/automation-module';
export { parseIdl } from './automation/typelib/idl-parser';
export { loadTypeLibrary } from './automation/typelib/load-type-library';
export * from './automation/dispatch';

/**
 * Faults of the shell resource as Windows sends them: the WinRM shell provider (WsmSvc.dll) nests
 * a whole WSManFault in f:ProviderFault, the cmd shell plugin (winrscmd.dll) only its message
 * (pypsrp recordings test_psrp_is_alive_invalid_selectors, test_winrs_fail_poll_process,
 * test_winrs_no_cmd_shell); an unknown CommandId comes from the service itself, unnested
 * (test_winrs_bad_cmd_id).
 */
import { WSManError, wsmanError } from '../../core/errors/wsman-error';
import type { ProviderInfo } from '../../core/protocol/faults';

export const SHELL_PROVIDER: ProviderInfo = { provider: 'Shell provider', path: '%systemroot%\\system32\\WsmSvc.dll' };
export const CMD_SHELL_PLUGIN: ProviderInfo = { provider: 'Shell cmd plugin', path: '%systemroot%\\system32\\winrscmd.dll', nesting: 'message' };

const origins = new WeakMap<WSManError, ProviderInfo>();

/** Where a shell fault nests, if it nests at all. */
export function shellFaultProvider(error: WSManError): ProviderInfo | undefined {
  return origins.get(error);
}

function from(provider: ProviderInfo, error: WSManError): WSManError {
  origins.set(error, provider);
  return error;
}

/** A ShellId no shell has (or had: closed, timed out). */
export function unknownShell(): WSManError {
  return from(SHELL_PROVIDER, wsmanError('ERROR_WSMAN_UNEXPECTED_SELECTORS'));
}

export function unknownCommand(): WSManError {
  return wsmanError('ERROR_WSMAN_UNEXPECTED_SELECTORS', {
    message:
      'The Windows Remote Shell received a request to perform an operation on a command identifier that does not exist. ' +
      'Either the command has completed execution or the client specified an invalid command identifier.',
  });
}

/** A failure reported by the cmd shell plugin: a bad parameter (87), a missing executable (2), a quota of the process job. */
export function pluginError(name: string, cause?: unknown): WSManError {
  return from(CMD_SHELL_PLUGIN, wsmanError(name, cause === undefined ? undefined : { cause }));
}

/** A process that could not be started, as the plugin reports CreateProcess failing (its HRESULT as the Code). */
export function startFailure(error: unknown): WSManError {
  const failure = error instanceof WSManError ? error : wsmanError('ERROR_INTERNAL_ERROR', { cause: error });
  return from({ ...CMD_SHELL_PLUGIN, codeAsHResult: true }, failure);
}

export const invalidParameter = (): WSManError => pluginError('E_INVALIDARG');

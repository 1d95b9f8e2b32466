/**
 * What each WSManSessionOption is: its data type, default, whether it can be set, and which
 * transport it binds the session to (the seed rule of WSManSetSessionOption).
 */
import { WSManSessionOption as Option, WSMAN_DEFAULT_TIMEOUT_MS } from '../capi/constants';
import type { Transport } from './connection-string';

export type OptionKind = 'dword' | 'string';

export interface OptionDescriptor {
  readonly option: Option;
  readonly kind: OptionKind;
  /** False for the options wsman.h marks read-only (11, 29, 30). */
  readonly settable: boolean;
  /** The transport a non-zero value fixes, if any (USE_SSL fixes one either way). */
  readonly binds?: (value: number) => Transport | undefined;
  /** Value checks beyond the data type; returns the symbolic error name to report. */
  readonly check?: (value: number | string) => string | undefined;
}

/** An RFC 3066 language tag, as the locale options and WSManGetErrorMessage take it. */
export const RFC3066_LANGUAGE_TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;

const positive = (value: number | string): string | undefined =>
  typeof value === 'number' && value > 0 ? undefined : 'ERROR_WSMAN_CLIENT_SETSESSIONOPTION_INVALID_PARAM';

const dword = (option: Option, extra: Partial<OptionDescriptor> = {}): OptionDescriptor => ({
  option,
  kind: 'dword',
  settable: true,
  ...extra,
});

const language = (option: Option, errorName: string): OptionDescriptor => ({
  option,
  kind: 'string',
  settable: true,
  check: (value) => (typeof value === 'string' && RFC3066_LANGUAGE_TAG.test(value) ? undefined : errorName),
});

export const OPTION_DESCRIPTORS: ReadonlyMap<Option, OptionDescriptor> = new Map(
  ([
    dword(Option.WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS, { check: positive }),
    dword(Option.WSMAN_OPTION_MAX_RETRY_TIME, { settable: false }),
    dword(Option.WSMAN_OPTION_TIMEOUTMS_CREATE_SHELL, { check: positive }),
    dword(Option.WSMAN_OPTION_TIMEOUTMS_RUN_SHELL_COMMAND, { check: positive }),
    dword(Option.WSMAN_OPTION_TIMEOUTMS_RECEIVE_SHELL_OUTPUT, { check: positive }),
    dword(Option.WSMAN_OPTION_TIMEOUTMS_SEND_SHELL_INPUT, { check: positive }),
    dword(Option.WSMAN_OPTION_TIMEOUTMS_SIGNAL_SHELL, { check: positive }),
    dword(Option.WSMAN_OPTION_TIMEOUTMS_CLOSE_SHELL, { check: positive }),
    dword(Option.WSMAN_OPTION_SKIP_CA_CHECK),
    dword(Option.WSMAN_OPTION_SKIP_CN_CHECK),
    dword(Option.WSMAN_OPTION_UNENCRYPTED_MESSAGES, { binds: (v) => (v !== 0 ? 'http' : undefined) }),
    dword(Option.WSMAN_OPTION_UTF16),
    dword(Option.WSMAN_OPTION_ENABLE_SPN_SERVER_PORT),
    dword(Option.WSMAN_OPTION_MACHINE_ID),
    language(Option.WSMAN_OPTION_LOCALE, 'ERROR_WSMAN_CLIENT_INVALID_LOCALE'),
    language(Option.WSMAN_OPTION_UI_LANGUAGE, 'ERROR_WSMAN_CLIENT_INVALID_UI_LANGUAGE'),
    dword(Option.WSMAN_OPTION_MAX_ENVELOPE_SIZE_KB, { check: positive }),
    dword(Option.WSMAN_OPTION_SHELL_MAX_DATA_SIZE_PER_MESSAGE_KB, { settable: false }),
    { option: Option.WSMAN_OPTION_REDIRECT_LOCATION, kind: 'string', settable: false } satisfies OptionDescriptor,
    dword(Option.WSMAN_OPTION_SKIP_REVOCATION_CHECK),
    dword(Option.WSMAN_OPTION_ALLOW_NEGOTIATE_IMPLICIT_CREDENTIALS, { binds: (v) => (v !== 0 ? 'https' : undefined) }),
    dword(Option.WSMAN_OPTION_USE_SSL, { binds: (v) => (v !== 0 ? 'https' : 'http') }),
    dword(Option.WSMAN_OPTION_USE_INTEARACTIVE_TOKEN),
  ] satisfies OptionDescriptor[]).map((d) => [d.option, d]),
);

/** Defaults of a new session (docs/decisions.md says where sources disagree). */
export const DEFAULT_MAX_ENVELOPE_SIZE_KB = 500;
export const DEFAULT_LOCALE = 'en-US';

export function defaultOptionValues(): Map<Option, number | string> {
  return new Map<Option, number | string>([
    [Option.WSMAN_OPTION_DEFAULT_OPERATION_TIMEOUTMS, WSMAN_DEFAULT_TIMEOUT_MS],
    [Option.WSMAN_OPTION_MAX_RETRY_TIME, 0],
    [Option.WSMAN_OPTION_SKIP_CA_CHECK, 0],
    [Option.WSMAN_OPTION_SKIP_CN_CHECK, 0],
    [Option.WSMAN_OPTION_UNENCRYPTED_MESSAGES, 0],
    [Option.WSMAN_OPTION_UTF16, 0],
    [Option.WSMAN_OPTION_ENABLE_SPN_SERVER_PORT, 0],
    [Option.WSMAN_OPTION_MACHINE_ID, 0],
    [Option.WSMAN_OPTION_LOCALE, DEFAULT_LOCALE],
    [Option.WSMAN_OPTION_UI_LANGUAGE, DEFAULT_LOCALE],
    [Option.WSMAN_OPTION_MAX_ENVELOPE_SIZE_KB, DEFAULT_MAX_ENVELOPE_SIZE_KB],
    [Option.WSMAN_OPTION_SKIP_REVOCATION_CHECK, 0],
    [Option.WSMAN_OPTION_ALLOW_NEGOTIATE_IMPLICIT_CREDENTIALS, 0],
    [Option.WSMAN_OPTION_USE_SSL, 0],
    [Option.WSMAN_OPTION_USE_INTEARACTIVE_TOKEN, 1],
  ]);
}

/** Shell timeouts that were never set follow the default operation timeout. */
export const SHELL_TIMEOUT_OPTIONS: ReadonlySet<Option> = new Set([
  Option.WSMAN_OPTION_TIMEOUTMS_CREATE_SHELL,
  Option.WSMAN_OPTION_TIMEOUTMS_RUN_SHELL_COMMAND,
  Option.WSMAN_OPTION_TIMEOUTMS_RECEIVE_SHELL_OUTPUT,
  Option.WSMAN_OPTION_TIMEOUTMS_SEND_SHELL_INPUT,
  Option.WSMAN_OPTION_TIMEOUTMS_SIGNAL_SHELL,
  Option.WSMAN_OPTION_TIMEOUTMS_CLOSE_SHELL,
]);

/** The error a transport conflict reports, named after the option that asked for the other transport. */
export function transportConflictError(option: Option, wanted: Transport): string {
  switch (option) {
    case Option.WSMAN_OPTION_UNENCRYPTED_MESSAGES:
      return 'ERROR_WSMAN_CLIENT_UNENCRYPTED_HTTP_ONLY';
    case Option.WSMAN_OPTION_ALLOW_NEGOTIATE_IMPLICIT_CREDENTIALS:
      return 'ERROR_WSMAN_CANNOT_USE_ALLOW_NEGOTIATE_IMPLICIT_CREDENTIALS_FOR_HTTP';
    default:
      return wanted === 'https' ? 'ERROR_WSMAN_INVALID_USESSL_PARAM' : 'ERROR_WSMAN_CLIENT_SETSESSIONOPTION_INVALID_PARAM';
  }
}

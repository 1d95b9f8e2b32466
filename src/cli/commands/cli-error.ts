/**
 * A command-line mistake, reported as winrm.vbs reports it: one line on stderr (most with the
 * `Error: ` prefix of its ErrorHandler/ASSERTBOOL) and exit code 1 (ERR_GENERAL_FAILURE).
 */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    /** winrm prints most messages after `Error: `; the hash syntax and -format messages stand alone. */
    readonly prefixed = true,
    /** Lines printed before this one (e.g. each unknown switch before the usage line). */
    readonly preceding: readonly string[] = [],
    /** Lines printed after it (e.g. the error number of the call that failed). */
    readonly following: readonly string[] = [],
  ) {
    super(message);
  }

  lines(): string[] {
    return [...this.preceding, this.prefixed ? `Error: ${this.message}` : this.message, ...this.following];
  }
}

/** Reading the WWW-Authenticate values of a 401. */

/** The auth-schemes of WWW-Authenticate values (RFC 9110 §11.6.1), each value possibly a comma-joined list. */
export function offeredSchemes(challenges: readonly string[]): string[] {
  const schemes: string[] = [];
  for (const value of challenges) {
    // Commas inside quoted auth-param values do not separate challenges.
    for (const element of value.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
      // A challenge starts with its scheme token followed by a space or nothing; `name=value` continues the previous one.
      const scheme = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?!\s*=)(?=\s|$)/.exec(element)?.[1];
      if (scheme !== undefined) schemes.push(scheme);
    }
  }
  return schemes;
}

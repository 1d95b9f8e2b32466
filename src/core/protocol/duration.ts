/** xs:duration as WS-Management uses it for OperationTimeout, MaxTime and shell timeouts. */

/** Windows' form: seconds with three decimals, `PT60.000S`. */
export function formatDuration(milliseconds: number): string {
  return `PT${(milliseconds / 1000).toFixed(3)}S`;
}

const DURATION = /^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an xs:duration; undefined when malformed, negative or empty (`P`, `PT`). */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const match = DURATION.exec(trimmed);
  if (!match || match[1] !== undefined || trimmed.endsWith('P') || trimmed.endsWith('T')) return undefined;
  const [years, months, days, hours, minutes, seconds] = match.slice(2).map((part) => (part === undefined ? 0 : Number(part)));
  const total = ((((years * 365 + months * 30 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

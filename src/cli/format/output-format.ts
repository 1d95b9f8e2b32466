/**
 * `-format:` values and winrm's Reformat: xml passes the text through, the others parse it;
 * text that is not XML is reported as winrm reports it.
 */
import { CliError } from '../commands/cli-error';
import { formatJson } from './json-format';
import { formatPretty } from './pretty-format';
import { formatText } from './text-format';

export type OutputFormat = 'text' | 'xml' | 'pretty' | 'json';

const FORMATS: readonly OutputFormat[] = ['text', 'xml', 'pretty', 'json'];

/** The -format value; a leading `#` is dropped as winrm does (`-format:#pretty`). */
export function parseFormat(value: string | undefined): OutputFormat {
  if (value === undefined) return 'text';
  const name = (value.startsWith('#') ? value.slice(1) : value).toLowerCase();
  if (!(FORMATS as readonly string[]).includes(name)) throw new CliError(`Invalid option for -format: "${value}"`, false);
  return name as OutputFormat;
}

/** winrm's ReFormat: the formatted text, or undefined (with the reason) when it cannot. */
export function reformat(raw: string, format: OutputFormat): { text: string } | { problem: string | undefined } {
  if (raw.length === 0) return { problem: undefined };
  if (format === 'xml') return { text: raw };
  try {
    if (format === 'text') return { text: formatText(raw) };
    if (format === 'pretty') return { text: formatPretty(raw) };
    return { text: formatJson(raw) };
  } catch (error) {
    return { problem: `Unable to parse XML: ${error instanceof Error ? error.message : String(error)}` };
  }
}

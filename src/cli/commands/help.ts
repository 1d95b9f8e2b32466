/**
 * `wsman -?`, `wsman help TOPIC`, `wsman VERB -?`: winrm's help topics after its title line,
 * with the command written as `wsman` where the text shows a command line.
 */
import { writeLine, type OutStream } from '../io';
import { HELP_TITLE, HELP_TOPICS } from './help-texts';

/** `winrm get …` → `wsman get …`; the product name WinRM in prose stays. */
export function asWsmanCommand(text: string): string {
  return text.replace(/(^|[\s"])[Ww]inrm (?=[a-zA-Z?-])/gm, '$1wsman ');
}

export function helpText(topic: string): string {
  const text = HELP_TOPICS[topic.toLowerCase()] ?? HELP_TOPICS.help;
  return asWsmanCommand(text);
}

export function printHelp(stream: OutStream, topic: string): void {
  writeLine(stream, `${HELP_TITLE}\n`);
  writeLine(stream, helpText(topic));
}

/**
 * `wsman run`: the WSH-style script host (src/host). `--help`, `-h`, `-?`, `//?` or no
 * arguments print the usage, as `cscript //?` does, instead of looking for a script.
 */
import { runCommand } from '../../host/run-command';
import { writeLine, type CliIo } from '../io';

export const RUN_USAGE = `Usage: wsman run [//options] scriptname.js [arguments...]

Runs a Windows Script Host JScript file like cscript: WScript, ActiveXObject("WSMan.Automation")
and JScript's Enumerator are there, and object calls block as they do on Windows.

Options (anywhere on the line, case-insensitive):
 //B         Batch mode: script errors are not shown
 //I         Interactive mode (default, opposite of //B)
 //E:JScript Run the file as JScript whatever its extension
 //Nologo    Accepted: no banner is printed anyway (also //Logo, //D, //U)
 //?         Show this usage

Arguments after the script reach it as WScript.Arguments (/name:value are Named).
The exit code is the one given to WScript.Quit, 0 at the end, 1 after an uncaught error.`;

const HELP_ARGUMENTS = new Set(['--help', '-h', '-?', '/?', '//?', 'help']);

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const firstScriptIndex = args.findIndex((a) => !a.startsWith('//'));
  const hostPart = firstScriptIndex === -1 ? args : args.slice(0, firstScriptIndex + 1);
  if (args.length === 0 || hostPart.some((a) => HELP_ARGUMENTS.has(a.toLowerCase()))) {
    writeLine(io.stdout, RUN_USAGE);
    return 0;
  }
  return runCommand(args);
}

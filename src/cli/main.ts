#!/usr/bin/env node
/**
 * `wsman`: the command line of wsman-automation.
 *   wsman demo           the object model against the embedded endpoint (no Windows host needed)
 *   wsman helpmsg N      message text for an error number, like `winrm helpmsg`
 *   wsman serve …        run the embedded WinRM endpoint (see serve.ts)
 *   wsman run script.js  run a WSH JScript file, like cscript (see src/host/run-command.ts)
 */
import 'reflect-metadata';
import { createObject } from '../index';
import { formatHResult, toSigned } from '../core/hresult';
import { runCommand } from '../host/run-command';
import { shellCommand } from './commands/shell';
import { runDemo } from './demo';
import { serve } from './serve';

const USAGE = 'usage: wsman demo | wsman helpmsg <number> | wsman serve [options] | wsman run [//options] script.js [arguments...]';

/** `winrm helpmsg` accepts 0x-hex, negative decimal and plain decimal. */
export function parseErrorNumber(text: string): number | undefined {
  if (/^0x[0-9a-f]{1,8}$/i.test(text)) return parseInt(text.slice(2), 16);
  if (/^-?[0-9]{1,10}$/.test(text)) return Number(text);
  return undefined;
}

function helpmsg(argument: string | undefined): number {
  const errorNumber = argument === undefined ? undefined : parseErrorNumber(argument);
  if (errorNumber === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const result = createObject('WSMan.Automation').GetErrorMessage(errorNumber);
  if (result.error) {
    process.stderr.write(`Error number: ${toSigned(result.hr)} ${formatHResult(result.hr)}\r\n${result.error.description}\r\n`);
    return 1;
  }
  process.stdout.write(result.value);
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo':
      await runDemo((line) => process.stdout.write(line + '\n'));
      return 0;
    case 'helpmsg':
      return helpmsg(rest[0]);
    case 'serve':
      return serve(rest, (line) => process.stdout.write(line + '\n'));
    case 'run':
      return runCommand(rest);
    case 'shell':
      return shellCommand(rest);
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

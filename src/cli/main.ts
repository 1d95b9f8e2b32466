#!/usr/bin/env node
/**
 * `wsman`: the command line of wsman-automation.
 *   wsman get|set|create|delete|enumerate|invoke|identify|configSDDL|helpmsg …   like winrm.cmd
 *   wsman demo           the object model against the embedded endpoint (no Windows host needed)
 *   wsman serve …        run the embedded WinRM endpoint (see serve.ts)
 *   wsman run script.js  run a WSH JScript file, like cscript (see commands/run.ts)
 * Everything that is not one of the commands below is read as a winrm.cmd command line.
 */
import 'reflect-metadata';
import { runWinrm } from './commands/winrm';
import { run } from './commands/run';
import { runDemo } from './demo';
import { processIo, writeLine, type CliIo } from './io';
import { serve } from './serve';
import { packageVersion, USAGE } from './usage';

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

/** The commands of wsman besides winrm's verbs; one line each. */
const COMMANDS: Readonly<Record<string, Command>> = {
  demo: async (_args, io) => (await runDemo((line) => writeLine(io.stdout, line)), 0),
  serve: (args, io) => serve(args, (line) => writeLine(io.stdout, line)),
  run: (args, io) => run(args, io),
  '--help': async (_args, io) => (writeLine(io.stdout, USAGE), 0),
  '-h': async (_args, io) => (writeLine(io.stdout, USAGE), 0),
  '--version': async (_args, io) => (writeLine(io.stdout, packageVersion()), 0),
};

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  const handler = command === undefined ? undefined : Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (handler) return handler(rest, io);
  // `wsman get --help` is `winrm get -?` (winrm.vbs skips double-dash arguments).
  return runWinrm(argv.map((a) => (a === '--help' ? '-?' : a)), io);
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

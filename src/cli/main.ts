#!/usr/bin/env node
/**
 * `wsman`: the command line of wsman-automation.
 *   wsman get|set|create|delete|enumerate|invoke|identify|configSDDL|helpmsg …   like winrm.cmd
 *   wsman demo           the object model against the embedded endpoint (no Windows host needed)
 *   wsman serve …        run the embedded WinRM endpoint (see serve.ts)
 *   wsman run script.js  run a WSH JScript file, like cscript (see commands/run.ts)
 *   wsman shell …        run a command in a remote WinRS shell, like winrs (see commands/shell.ts)
 * Everything that is not one of the commands below is read as a winrm.cmd command line.
 */
import 'reflect-metadata';
import { processIo, writeLine, type CliIo } from './io';
import { packageVersion, USAGE } from './usage';

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

// Each command's module is loaded when that command runs: `wsman --version` or `wsman run`
// does not load the endpoint, nor `wsman serve` the winrm command line.
const load = {
  demo: () => require('./demo') as typeof import('./demo'),
  serve: () => require('./serve') as typeof import('./serve'),
  run: () => require('./commands/run') as typeof import('./commands/run'),
  winrm: () => require('./commands/winrm') as typeof import('./commands/winrm'),
  shell: () => require('./commands/shell') as typeof import('./commands/shell'),
};

/** The commands of wsman besides winrm's verbs; one line each. */
const COMMANDS: Readonly<Record<string, Command>> = {
  demo: async (_args, io) => (await load.demo().runDemo((line) => writeLine(io.stdout, line)), 0),
  serve: (args, io) => load.serve().serve(args, (line) => writeLine(io.stdout, line)),
  run: (args, io) => load.run().run(args, io),
  // winrs works on the process's own streams (raw stdin, signals).
  shell: (args) => load.shell().shellCommand(args),
  '--help': async (_args, io) => (writeLine(io.stdout, USAGE), 0),
  '-h': async (_args, io) => (writeLine(io.stdout, USAGE), 0),
  '--version': async (_args, io) => (writeLine(io.stdout, packageVersion()), 0),
};

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  const handler = command === undefined ? undefined : Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (handler) return handler(rest, io);
  // `wsman get --help` is `winrm get -?` (winrm.vbs skips double-dash arguments).
  return load.winrm().runWinrm(argv.map((a) => (a === '--help' ? '-?' : a)), io);
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

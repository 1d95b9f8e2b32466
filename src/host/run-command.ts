/** `wsman run [//options] script.js [arguments…]`: the script host on this process's console. */
import { runScript } from './run-script';
import { parseRunCommand, withEnvironmentUser } from './host-options';

const RUN_USAGE = 'usage: wsman run [--user USER:PASSWORD] [--local URL] [//B] [//I] [//E:JScript|//E:VBScript] [//Nologo] script.js|script.vbs [arguments...]';

export async function runCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseRunCommand(argv);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n${RUN_USAGE}\n`);
    return 2;
  }
  return runScript({
    command: withEnvironmentUser(parsed.command, process.env),
    hostPath: process.argv[1] ?? process.execPath,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdinFd: 0,
    // Writes to pipes and files are synchronous on POSIX, so nothing printed is lost.
    stopNow: (exitCode) => process.exit(exitCode),
  });
}

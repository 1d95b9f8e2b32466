/** `wsman --help` and `wsman --version`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const USAGE = `Usage: wsman COMMAND [ARGUMENTS]

WinRM from any OS: winrm.cmd's command line, an embedded WinRM endpoint and a script host,
all through the WSMan.Automation object model of wsman-automation.

  wsman get|set|create|delete|enumerate|invoke|identify|configSDDL ...
                       winrm.cmd's operations, switches, @{KEY="VALUE"} input and output
                       (-format:text|xml|pretty|json); "wsman -?" for winrm's help,
                       "wsman VERB -?" for one operation, "wsman help TOPIC" for a topic
  wsman helpmsg N      the message of an error number (0x80338012, -2144108526, 5)
  wsman serve [opts]   run the embedded WinRM endpoint (wsman serve --help)
  wsman run script.js  run a WSH JScript file like cscript (wsman run //?)
  wsman shell -r:URL [-u:USER -p:PASS] COMMAND
                       run a command in a remote shell, like winrs (wsman shell -?)
  wsman demo           the object model against an in-process endpoint
  wsman --version      the package version

Example:
  wsman serve --port 5985 --user alice:Secret#1 --allow-unencrypted &
  wsman get wmicimv2/Win32_Service?Name=WinRM -r:http://127.0.0.1:5985 -u:alice -p:'Secret#1' -a:basic -un`;

export function packageVersion(): string {
  // The package root is two levels up from src/cli and from dist/cli alike.
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * The baseline of bench/cli.ts, run as its own process: the library's Enumerator alone reading
 * every item of an enumeration (Basic over HTTP, default BatchItems like `wsman e`), printing
 * the count. Usage: cli-library-enumerate.ts URL USER PASSWORD RESOURCE_URI
 */
import { createObject } from '../src/index';
import { WSManSessionFlags as F } from '../src/automation/flags';

async function main(): Promise<void> {
  const [url, user, password, resourceUri] = process.argv.slice(2);
  const wsman = createObject('WSMan.Automation');
  const options = wsman.CreateConnectionOptions().value;
  options.put_UserName(user);
  options.put_Password(password);
  const session = wsman.CreateSession(url, F.WSManFlagUseBasic | F.WSManFlagCredUsernamePassword | F.WSManFlagNoEncryption, options);
  if (session.error) throw new Error(session.error.description);
  const enumerator = await session.value.Enumerate(resourceUri);
  if (enumerator.error) throw new Error(enumerator.error.description);
  let count = 0;
  while (!enumerator.value.get_AtEndOfStream().value) {
    const item = await enumerator.value.ReadItem();
    if (item.error) throw new Error(item.error.description);
    count += 1;
  }
  process.stdout.write(`${count}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

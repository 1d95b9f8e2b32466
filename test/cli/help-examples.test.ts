/**
 * Every command line in winrm's own help texts (`winrm help …` examples), as written, runs
 * against the embedded endpoint: the ones whose resource the endpoint has succeed, the others
 * parse and reach the service, which answers with a WSManFault (never a command-line error).
 * Only -remote is replaced, by the endpoint's address and credentials.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitCommandLine } from '../../src/cli/commands/command-line';
import { HELP_TOPICS } from '../../src/cli/commands/help-texts';
import type { RunningEndpoint } from '../../src/server/endpoint';
import { basicSwitches, startCliEndpoint, wsman } from './cli-harness';

/**
 * Resources and actions the emulated host does not have (certificate mapping, plug-ins,
 * listeners by IP, Restore), a listener it already has, and placeholders the text leaves to the reader.
 */
const NOT_ON_THE_ENDPOINT = /certmapping|config\/resource|config\/plugin|Address=IP:|Transport=HTTPS @|create winrm\/config\/listener|invoke restore|get uri|XXXXXX/i;

const examples = [
  ...new Set(
    Object.values(HELP_TOPICS)
      .flatMap((text) => text.split('\n'))
      .map((line) => /^\s+winrm (.+)$/i.exec(line)?.[1])
      .filter((line): line is string => line !== undefined && !/^(help |quickconfig|qc\b)| -\?|OPERATION|RESOURCE_URI|"winrm quickconfig/.test(line)),
  ),
];

let endpoint: RunningEndpoint;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wsman-examples-'));
  writeFileSync(join(dir, 'input.xml'), '<p:StopService_INPUT xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service"/>');
  writeFileSync(join(dir, 'shell.xml'), '<rsp:Shell xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"/>');
  endpoint = await startCliEndpoint({ https: true, httpsPort: 0, dataDir: dir });
});

afterAll(async () => {
  await endpoint.close();
  rmSync(dir, { recursive: true, force: true });
});

it('the help texts have the examples', () => {
  expect(examples.length).toBeGreaterThan(30);
  expect(examples).toContain('get wmicimv2/Win32_Service?Name=spooler');
});

it.each(examples)('wsman %s', async (line) => {
  const args = splitCommandLine(line).filter((token) => !/^-(r|remote):/i.test(token));
  const run = await wsman([...args, ...(args[0] === 'helpmsg' ? [] : basicSwitches(endpoint.url!))], { cwd: dir });
  if (NOT_ON_THE_ENDPOINT.test(line)) {
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^WSManFault\n[\s\S]*\nError number:  -\d+ 0x8033[0-9A-F]{4}\n/);
  } else {
    expect(run).toMatchObject({ code: 0, stderr: '' });
    if (args[0] !== 'delete') expect(run.stdout.length).toBeGreaterThan(0);
  }
});

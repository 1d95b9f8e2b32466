/**
 * `wsman run` of VBScript WinRM samples (test/host/vbs/samples, written in the style of
 * Microsoft's WinRM scripting documentation: Identify, Get, Put, Enumerate with a WQL filter,
 * Invoke, ResourceLocator with selectors/options/fragments, On Error Resume Next with
 * Session.Error, MSXML XPath and XSLT) against embedded endpoints, output compared with the
 * expected text, and cscript's error line and exit code for an unhandled error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEndpoint, type RunningEndpoint } from '../../../src/server/endpoint';
import { wsmanRun } from '../objects/wsman-run';

const SAMPLES = join(__dirname, 'samples');
const USER = 'alice';
const PASSWORD = 'Secret#1';
const MACHINE = 'WIN-TOOLHOST';

const sample = (name: string): string => join(SAMPLES, `${name}.vbs`);
const expected = (name: string): string => readFileSync(join(SAMPLES, `${name}.expected.txt`), 'utf8');

jest.setTimeout(120_000);

describe('wsman run script.vbs', () => {
  const endpointOptions = { port: 0, users: [`${USER}:${PASSWORD}`], allowUnencrypted: true, machineName: MACHINE };
  // Put and Invoke change their endpoint's state; each gets its own.
  const endpoints = Promise.all([startEndpoint(endpointOptions), startEndpoint(endpointOptions), startEndpoint(endpointOptions)]);
  const credentials = async (which: 0 | 1 | 2): Promise<string[]> => [`/url:${(await endpoints)[which].url}`, `/user:${USER}`, `/password:${PASSWORD}`];

  afterAll(async () => {
    await Promise.all((await endpoints).map((endpoint: RunningEndpoint) => endpoint.close()));
  });

  it.concurrent.each([['identify'], ['get'], ['enumerate'], ['resource-locator'], ['xml-output']])('runs %s.vbs', async (name) => {
    const run = await wsmanRun(['//Nologo', sample(name), ...(await credentials(0))]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(expected(name));
    expect(run.code).toBe(0);
  });

  it.concurrent('puts winrm/config and reads it back (put.vbs)', async () => {
    const run = await wsmanRun([sample('put'), ...(await credentials(1)), '/size:1024']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(expected('put'));
  });

  it.concurrent('stops and starts a service (invoke.vbs)', async () => {
    const run = await wsmanRun([sample('invoke'), ...(await credentials(2)), '/service:Spooler']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(expected('invoke'));
  });

  it.concurrent('handles errors with On Error Resume Next, then prints an unhandled one as cscript does and ends with 1 (errors.vbs)', async () => {
    const run = await wsmanRun([sample('errors'), ...(await credentials(0))]);
    expect(run.stdout).toBe(expected('errors'));
    expect(run.stderr).toBe(
      `${sample('errors')}(57, 1) Session: The WS-Management service cannot process the request. The service cannot find the resource identified by the resource URI and selectors.\n`,
    );
    expect(run.code).toBe(1);
  });

  it.concurrent('reports a compilation error with line and column, never a stack trace, before running anything', async () => {
    const run = await wsmanRun([join(SAMPLES, 'syntax-error.vbs')]);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${join(SAMPLES, 'syntax-error.vbs')}(4, 10) Microsoft VBScript compilation error: Expected 'Then'\n`);
    expect(run.code).toBe(1);
  });

  it.concurrent('runs a file under //E:VBScript whatever its extension, and ends with WScript.Quit\'s code', async () => {
    const quit = await wsmanRun(['//E:VBScript', join(SAMPLES, 'quit.txt')]);
    expect(quit.stdout).toBe('one\n');
    expect(quit.code).toBe(3);
  });
});

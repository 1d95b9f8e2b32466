/** JScript scripts using the host's objects through `wsman run`: output compared with the expected text. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wsmanRun } from './wsman-run';

const SCRIPTS = join(__dirname, 'scripts');
const scripts = readdirSync(SCRIPTS).filter((name) => name.endsWith('.js'));

jest.setTimeout(30_000);

describe('JScript scripts with the host objects', () => {
  it.concurrent.each(scripts)('%s', async (name) => {
    const run = await wsmanRun([join(SCRIPTS, name)]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(readFileSync(join(SCRIPTS, name.replace(/\.js$/, '.expected.txt')), 'utf8'));
    expect(run.code).toBe(0);
  });
});

/** JScript and VBScript scripts using the host's objects through `wsman run`: output compared with the expected text. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wsmanRun } from './wsman-run';

const SCRIPTS = join(__dirname, 'scripts');
const scripts = readdirSync(SCRIPTS).filter((name) => /\.(js|vbs)$/.test(name));
/** Every script gets the same arguments; those that read them print them. */
const ARGUMENTS = ['first', '/mode:fast'];

// Script runs wait for a free CPU slot (child-slots.ts) within this time.
jest.setTimeout(120_000);

describe('scripts with the host objects', () => {
  it.concurrent.each(scripts)('%s', async (name) => {
    const run = await wsmanRun([join(SCRIPTS, name), ...ARGUMENTS]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(readFileSync(join(SCRIPTS, name.replace(/\.(js|vbs)$/, '.expected.txt')), 'utf8'));
    expect(run.code).toBe(0);
  });
});

/**
 * The host's logged-on identity: `wsman run --user USER:PASSWORD` (or WSMAN_USER/WSMAN_PASSWORD)
 * gives CreateSession() and CreateSession("localhost") implicit credentials (Negotiate, as
 * Windows uses the user's token), and `--local URL` says where the local computer is.
 */
import { join } from 'node:path';
import { parseRunCommand, withEnvironmentUser, type RunCommand } from '../../../src/host/host-options';
import { startEndpoint, type RunningEndpoint } from '../../../src/server/endpoint';
import { wsmanRun } from './wsman-run';

const USER = 'operator';
const PASSWORD = 'Op3r:ator#1';
const SCRIPT = join(__dirname, 'identity', 'implicit-session.js');
const EXPECTED = 'internal function\nlocal Microsoft Corporation\nlocalhost Service\n';

jest.setTimeout(120_000);

describe('wsman run --user / --local', () => {
  let url: string;
  let endpoint: RunningEndpoint;
  beforeAll(async () => {
    endpoint = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], machineName: 'WIN-IDENTITY' });
    url = endpoint.url!;
  });
  afterAll(() => endpoint.close());

  it('parses the host options before the script, and leaves later ones to the script', () => {
    const parsed = parseRunCommand(['--user', 'a:b:c', '--local', 'http://h:1/wsman', 'x.js', '--user', 'z']);
    expect(parsed.ok && parsed.command).toMatchObject({ user: { username: 'a', password: 'b:c' }, localUrl: 'http://h:1/wsman', scriptArguments: ['--user', 'z'] });
    expect(parseRunCommand(['--user', 'nopassword', 'x.js'])).toEqual({ ok: false, message: 'Input Error: --user takes USER:PASSWORD.' });
  });

  it('sessions without credentials act for --user at the --local address', async () => {
    const run = await wsmanRun(['--user', `${USER}:${PASSWORD}`, '--local', url, SCRIPT]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(EXPECTED);
  });

  it('takes the identity from WSMAN_USER / WSMAN_PASSWORD when --user is not given', () => {
    const parsed = parseRunCommand(['x.js']);
    if (!parsed.ok) throw new Error(parsed.message);
    const command: RunCommand = parsed.command;
    expect(withEnvironmentUser(command, { WSMAN_USER: USER, WSMAN_PASSWORD: PASSWORD }).user).toEqual({ username: USER, password: PASSWORD });
    expect(withEnvironmentUser({ ...command, user: { username: 'a', password: 'b' } }, { WSMAN_USER: USER }).user).toEqual({ username: 'a', password: 'b' });
    expect(withEnvironmentUser(command, { WSMAN_USER: '' }).user).toBeUndefined();
  });

  it('without an identity the session has no credentials to offer', async () => {
    const run = await wsmanRun(['--local', url, SCRIPT], { env: { WSMAN_USER: '', WSMAN_PASSWORD: '' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/implicit-session\.js\(\d+, \d+\) .*/);
  });
});

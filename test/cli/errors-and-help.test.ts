/** Malformed command lines get winrm's messages and exit code 1; help topics and `-?` on every verb. */
import { HELP_TITLE, HELP_TOPICS } from '../../src/cli/commands/help-texts';
import { wsman } from './cli-harness';

const REMOTE = ['-r:http://127.0.0.1:9/wsman', '-u:a', '-p:b'];

describe('malformed command lines', () => {
  it.each([
    [['frob', 'x'], "Error: Unknown operation name: 'frob'"],
    [['get', 'x', '-frob', '-zap:1'], 'Error: Unknown switch: frob\nError: Unknown switch: zap\nError: Invalid use of command line. Type "wsman -?" for help.'],
    [['identify', '-filter:x'], 'Error: Switch not allowed with the given operation: filter\nError: Invalid use of command line. Type "wsman -?" for help.'],
    [['get', 'x', '-shallow'], 'Error: Switch not allowed with the given operation: shallow\nError: Invalid use of command line. Type "wsman -?" for help.'],
    [['get'], 'Error: Invalid use of command line. Type "wsman -?" for help.'],
    [['get', 'a', 'b'], 'Error: Invalid use of command line. Type "wsman -?" for help.'],
    [['get', '-r:x', 'winrm/config'], 'Error: Invalid use of command line. Type "wsman -?" for help.'],
    [['invoke', 'StopService', '-r:x', 'wmicimv2/Win32_Service'], 'Error: Invalid use of command line. Type "wsman -?" for help.'],
    [['get', 'winrm/config', '@{a="1"}'], 'Error: Input was supplied to an operation that does not accept input.'],
    [['delete', 'winrm/config', '-file:x.xml'], 'Error: Input was supplied to an operation that does not accept input.'],
    [['get', 'x', '-u:a', '-username:b'], 'Error: Option is not unique: username'],
    [['get', 'x', '-filter:"a'], 'Error: A quoted parameter value must begin and end with quotes: filter'],
    [['get', 'x', '-format:yaml'], 'Invalid option for -format: "yaml"'],
    [['get', 'x', '-timeout:soon', ...REMOTE], 'Error: Numeric value for -timeout option is expected'],
    [['get', 'x', '-timeout:', ...REMOTE], "Error: Argument's value is not provided: timeout"],
    [['get', 'x', '-encoding:utf-8'], "Error: The '-encoding' option is only valid when used with the '-remote' option"],
    [['get', 'x', '-encoding:latin1', ...REMOTE], 'Error: The specified encoding flag is invalid.'],
    [['get', 'x', '-unencrypted'], "Error: The '-unencrypted' option is only valid when used with the '-remote' option"],
    [['get', 'x', '-usessl'], "Error: The '-usessl' option is only valid when used with the '-remote' option"],
    [['get', 'x', '-a:frob', ...REMOTE], "Error: The specified '-authentication' flag 'frob' has an invalid value."],
    [['get', 'x', '-a:basic', '-r:h'], "Error: The '-username' option must be specified for '-auth:basic'"],
    [['get', 'x', '-a:none', '-r:h', '-u:a'], "Error: The '-username' option is not valid for '-auth:none'"],
    [['get', 'x', '-a:certificate', '-r:h'], "Error: The '-certificate' option must be specified for '-auth:certificate'"],
    [['get', 'x', '-c:ab', '-u:a', '-r:h'], "Error: The '-certificate' option cannot be used together with '-username'"],
    [['get', 'x', '-defaultCreds', '-a:basic', '-u:a', '-r:h'], "Error: The '-username' option cannot be used together with '-defaultCreds'"],
    [['get', 'x', '-defaultCreds', '-r:h'], 'Error: The defaultcreds option is only valid when the authentication mechanism is negotiate'],
    [['get', 'x', '-spnport', '-a:basic', '-u:a', '-r:h'], 'Error: The spnport option is only valid when the authentication mechanism is negotiate or kerberos'],
    [['get', 'x', '-proxyaccess:frob', '-r:h'], "Error: The specified '-proxyaccess' field 'frob' has an invalid value."],
    [['get', 'x', '-proxyauth:basic', '-r:h'], "Error: The '-proxyauthentication' option is only valid when used with the '-proxyaccess' option"],
    [['get', 'x', '-pu:bob', '-pac:no_proxy', '-r:h'], "Error: The '-proxyusername' option is only valid when used with the '-proxyauthentication' option"],
    [['set', 'winrm/config', '@{MaxEnvelopeSizekb=100}', ...REMOTE], 'Syntax Error: input must be of the form {KEY="VALUE"[;KEY="VALUE"]}'],
    [['set', 'winrm/config', '@{a="1";a="2"}', ...REMOTE], 'Error: Multiple matching parameter names not allowedin @{...}: a'],
    [['get', 'x', '-options:{a=1}', ...REMOTE], 'Syntax Error: input must be of the form {KEY="VALUE"[;KEY="VALUE"]}'],
    [['e', 'wmicimv2/Win32_Service', '-dialect:selector', '-filter:State=Running', ...REMOTE], 'Syntax Error: input must be of the form {KEY="VALUE"[;KEY="VALUE"]}'],
    [['create', 'wmicimv2/', '@{a="1"}', ...REMOTE], 'Error: Invalid URI - cannot locate last token for root node name'],
    [['get', 'wmicimv2/Win32_Service?Name', ...REMOTE], 'Error: Unable to create ResourceLocator object.\nError number:  -2144108422 0x8033807A\nA syntax error occurred in the query string for the resource URI.'],
  ])('%j', async (args, message) => {
    const run = await wsman(args);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(`${message}\n`)).toBe(true);
  });

  it('a client-side rule of the object model comes back as winrm prints a fault', async () => {
    const run = await wsman(['get', 'winrm/config', '-u:a', '-p:b']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^WSManFault\n {4}Message = The WinRM client cannot process the request. Credentials must not be provided for local requests.[\s\S]*\n\nError number:  -2144108360 0x803380B8\n/);
  });

  it('a host that is not there: WinHTTP error number and a hint', async () => {
    const run = await wsman(['id', '-r:http://127.0.0.1:9/wsman', '-a:none']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error number:  -2147012867 0x80072EFD');
    expect(run.stderr).toContain('Hint: nothing accepted the connection');
  });
});

describe('help', () => {
  const title = `${HELP_TITLE}\n\n`;

  it.each([[[]], [['-?']], [['help']], [['?']], [['/?']], [['help', 'frob']]])('%j prints the general help', async (args) => {
    const run = await wsman(args);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.startsWith(`${title}Windows Remote Management (WinRM) is the Microsoft implementation of \n`)).toBe(true);
    expect(run.stdout).toContain('\n  wsman g[et] -?        Retrieving management information.\n');
  });

  it.each(['get', 'g', 'set', 'put', 'create', 'c', 'delete', 'd', 'enumerate', 'enum', 'e', 'invoke', 'i', 'identify', 'id', 'configSDDL', 'helpmsg', 'quickconfig'])(
    '`wsman %s -?`, `--help` and `wsman -? %s` print the verb\'s help',
    async (verb) => {
      const run = await wsman([verb, '-?']);
      expect(run.code).toBe(0);
      expect(run.stdout.startsWith(title)).toBe(true);
      expect(run.stdout).not.toContain('Windows Remote Management (WinRM) is the Microsoft');
      expect((await wsman([verb, '--help'])).stdout).toBe(run.stdout);
      expect((await wsman(['-?', verb])).stdout).toBe(run.stdout);
    },
  );

  it.each(['uris', 'aliases', 'alias', 'config', 'remoting', 'auth', 'input', 'switches', 'filters', 'certmapping', 'proxy'])('`wsman help %s`', async (topic) => {
    const run = await wsman(['help', topic]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${title}${HELP_TOPICS[topic].replace(/(^|[\s"])[Ww]inrm (?=[a-zA-Z?-])/gm, '$1wsman ')}\n`);
  });

  it('help for a switch name shows its topic, as winrm does', async () => {
    expect((await wsman(['help', 'remote'])).stdout).toBe((await wsman(['help', 'remoting'])).stdout);
    expect((await wsman(['help', 'username'])).stdout).toBe((await wsman(['help', 'auth'])).stdout);
  });
});

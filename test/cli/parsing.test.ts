/** winrm's command line, `@{…}` hashes and -format, and the output formatters, without a network. */
import { parseCommandLine, splitCommandLine } from '../../src/cli/commands/command-line';
import { CliError } from '../../src/cli/commands/cli-error';
import { HASH_SYNTAX_MESSAGE, parseParameterHash } from '../../src/cli/commands/hash';
import { rootNodeName } from '../../src/cli/commands/input';
import { asWsmanCommand } from '../../src/cli/commands/help';
import { parseFormat, reformat } from '../../src/cli/format/output-format';
import { formatJson } from '../../src/cli/format/json-format';
import { formatPretty } from '../../src/cli/format/pretty-format';
import { formatText } from '../../src/cli/format/text-format';

function cliMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return error.lines().join('\n');
    throw error;
  }
  throw new Error('no CliError');
}

describe('splitCommandLine (winrm.vbs tokenizing)', () => {
  it('keeps spaces inside quotes and braces, quotes stay in the token', () => {
    expect(splitCommandLine(`e wmicimv2/* -filter:"select * from Win32_Service where State!='Running'"  -r:h`)).toEqual([
      'e', 'wmicimv2/*', `-filter:"select * from Win32_Service where State!='Running'"`, '-r:h',
    ]);
    expect(splitCommandLine('set winrm/config @{A="x y"; B="z"}')).toEqual(['set', 'winrm/config', '@{A="x y"; B="z"}']);
    expect(splitCommandLine('i Create wmicimv2/Win32_Process @{CommandLine="a \\"b\\" c"}')).toEqual(['i', 'Create', 'wmicimv2/Win32_Process', '@{CommandLine="a \\"b\\" c"}']);
  });
});

describe('parseCommandLine', () => {
  it('canonical switch names, abbreviations, values with colons, quoted values', () => {
    const parsed = parseCommandLine(['get', 'wmicimv2/Win32_Service?Name=WinRM', '-r:https://[::1]:5986/wsman', '-U:bob', '-a:Basic', '-un', '-c:"7b 0c f4"', '/f:#pretty']);
    expect(parsed.positionals).toEqual(['get', 'wmicimv2/Win32_Service?Name=WinRM']);
    expect([...parsed.switches]).toEqual([
      ['remote', 'https://[::1]:5986/wsman'], ['username', 'bob'], ['authentication', 'Basic'], ['unencrypted', ''], ['certificate', '7b 0c f4'], ['format', '#pretty'],
    ]);
    expect(parsed.firstSwitchIndex).toBe(2);
  });

  it('the @{…} argument, unquoted and unescaped; double-dash arguments skipped', () => {
    const parsed = parseCommandLine(['set', 'winrm/config', '"@{A=\\"1\\"}"', '//nologo']);
    expect(parsed.hash).toBe('{A="1"}');
    expect(parsed.switches.size).toBe(0);
  });

  it.each([
    [['get', 'x', '-u:a', '-U:b'], 'Error: Option is not unique: username'],
    [['get', 'x', '-:v'], 'Error: Missing switch name'],
    [['get', 'x', '-filter:"abc'], 'Error: A quoted parameter value must begin and end with quotes: filter'],
    [['get', 'x', '-filter:abc"'], 'Error: A quoted parameter value must begin and end with quotes: filter'],
  ])('%j → %s', (args, message) => {
    expect(cliMessage(() => parseCommandLine(args))).toBe(message);
  });
});

describe('@{KEY="VALUE"} hashes (ProcessParameterHash)', () => {
  it('pairs, $null, spaces around tokens, colons in keys, empty values, {}', () => {
    expect([...parseParameterHash('{a="1"; b = $NULL ;c:d="x;y=z"}')]).toEqual([['a', '1'], ['b', null], ['c:d', 'x;y=z']]);
    expect([...parseParameterHash('{a=""}')]).toEqual([['a', '']]);
    expect(parseParameterHash('{}').size).toBe(0);
    // Keys compare like a Scripting.Dictionary: case-sensitively.
    expect([...parseParameterHash('{a="1";A="2"}')]).toEqual([['a', '1'], ['A', '2']]);
  });

  it.each(['', '{', '{ }', 'a="1"', '{a=1}', '{a="1";}', '{a="1" b="2"}', '{a="1";;b="2"}', '{a-b="1"}', '{a="x"y"}', '{a="1"}x'])(
    'refuses %j with winrm\'s syntax message',
    (text) => {
      expect(cliMessage(() => parseParameterHash(text))).toBe(HASH_SYNTAX_MESSAGE);
    },
  );

  it('a repeated key', () => {
    expect(cliMessage(() => parseParameterHash('{a="1";a="2"}'))).toBe('Error: Multiple matching parameter names not allowedin @{...}: a');
  });
});

describe('-format and input helpers', () => {
  it('format names, # prefix, case; unknown ones refused as winrm does', () => {
    expect(parseFormat(undefined)).toBe('text');
    expect(parseFormat('#Pretty')).toBe('pretty');
    expect(parseFormat('JSON')).toBe('json');
    expect(cliMessage(() => parseFormat('yaml'))).toBe('Invalid option for -format: "yaml"');
  });

  it('root node names of create and invoke input', () => {
    expect(rootNodeName('create', 'wmicimv2/Win32_Process?x=1', '')).toBe('Win32_Process');
    expect(rootNodeName('invoke', 'wmicimv2/Win32_Service?Name=a', 'StopService')).toBe('StopService_INPUT');
    expect(rootNodeName('invoke', 'x', 'http://example.com/actions/Do.It')).toBe('Do.It_INPUT');
    expect(cliMessage(() => rootNodeName('create', 'wmicimv2/', ''))).toBe('Error: Invalid URI - cannot locate last token for root node name');
  });

  it('help texts name the command wsman, not the product', () => {
    expect(asWsmanCommand('  winrm get winrm/config\nWindows Remote Management (WinRM) is\n  Winrm set x')).toBe('  wsman get winrm/config\nWindows Remote Management (WinRM) is\n  wsman set x');
  });
});

const CONFIG = `<cfg:Service xmlns:cfg="http://schemas.microsoft.com/wbem/wsman/1/config" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
  `<cfg:RootSDDL>O:NS</cfg:RootSDDL><cfg:AllowUnencrypted Source="GPO">false</cfg:AllowUnencrypted>` +
  `<cfg:Auth><cfg:Basic>true</cfg:Basic></cfg:Auth><cfg:IPv4Filter/><cfg:ListeningOn>127.0.0.1</cfg:ListeningOn><cfg:ListeningOn>::1</cfg:ListeningOn>` +
  `<cfg:Missing xsi:nil="true"/></cfg:Service>`;

const DEPENDENCY = `<p:Win32_DependentService xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_DependentService" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common">` +
  `<p:Antecedent><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address><a:ReferenceParameters><w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service</w:ResourceURI><w:SelectorSet><w:Selector Name="Name">RpcSs</w:Selector></w:SelectorSet></a:ReferenceParameters></p:Antecedent>` +
  `<p:Count>42</p:Count><p:Big>18446744073709551615</p:Big><p:Code>007</p:Code><p:Ratio>1.5</p:Ratio><p:When><cim:Datetime>2024-01-02T03:04:05Z</cim:Datetime></p:When><p:Dmtf>20240102030405.000000+060</p:Dmtf></p:Win32_DependentService>`;

describe('formatters', () => {
  it('text: nested blocks, Source annotation, lists joined, empty and nil values', () => {
    expect(formatText(CONFIG)).toBe(
      'Service\n    RootSDDL = O:NS\n    AllowUnencrypted = false [Source="GPO"]\n    Auth\n        Basic = true\n    IPv4Filter\n    ListeningOn = 127.0.0.1, ::1\n    Missing = null\n',
    );
  });

  it('text: references with selectors as winrm shows them', () => {
    expect(formatText(DEPENDENCY).split('\n').slice(0, 7)).toEqual([
      'Win32_DependentService',
      '    Antecedent',
      '        Address = http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous',
      '        ReferenceParameters',
      '            ResourceURI = http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service',
      '            SelectorSet',
      '                Selector: Name = RpcSs',
    ]);
  });

  it('json: CIM types mapped, arrays for repeated properties, selectors by name', () => {
    expect(JSON.parse(formatJson(CONFIG))).toEqual({ RootSDDL: 'O:NS', AllowUnencrypted: false, Auth: { Basic: true }, IPv4Filter: '', ListeningOn: ['127.0.0.1', '::1'], Missing: null });
    const item = JSON.parse(formatJson(DEPENDENCY));
    expect(item.Antecedent.ReferenceParameters.SelectorSet).toEqual({ Name: 'RpcSs' });
    expect(item).toMatchObject({ Count: 42, Big: '18446744073709551615', Code: '007', Ratio: 1.5, When: '2024-01-02T03:04:05Z', Dmtf: '2024-01-02T03:04:05.000000+01:00' });
  });

  it('pretty: one element a line, indented, declarations and attributes kept, text escaped', () => {
    expect(formatPretty('<a:x xmlns:a="urn:a" k="v&quot;"><a:y>1 &lt; 2</a:y><a:z/></a:x>')).toBe('<a:x xmlns:a="urn:a" k="v&quot;">\n    <a:y>1 &lt; 2</a:y>\n    <a:z/>\n</a:x>');
  });

  it('reformat: xml passes through; text that is not XML is a parse problem; nothing is no output', () => {
    expect(reformat('<x/>', 'xml')).toEqual({ text: '<x/>' });
    expect(reformat('O:NSG', 'text')).toEqual({ problem: expect.stringMatching(/^Unable to parse XML: /) });
    expect(reformat('', 'text')).toEqual({ problem: undefined });
  });
});

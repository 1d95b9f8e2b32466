/** `wsman run`'s command line read like cscript's, and script files read like WSH reads them. */
import { parseRunCommand } from '../../src/host/host-options';
import { decodeScript } from '../../src/host/script-source';

describe('parseRunCommand', () => {
  it('takes //options anywhere, without case, and leaves the rest to the script', () => {
    expect(parseRunCommand(['//NoLogo', 'a.JS', 'x', '//b', '/named:1', '//logo'])).toEqual({
      ok: true,
      command: { scriptPath: 'a.JS', scriptArguments: ['x', '/named:1'], batchMode: true, language: 'JScript' },
    });
    expect(parseRunCommand(['//B', '//I', 'a.js'])).toMatchObject({ command: { batchMode: false } });
  });

  it('chooses the engine by extension (.js, .vbs) or //E:, and runs other extensions only with //E:', () => {
    expect(parseRunCommand(['sample.wsf'])).toEqual({ ok: false, message: 'Input Error: There is no script engine for file extension ".wsf".' });
    expect(parseRunCommand(['//E:jscript', 'sample.txt'])).toMatchObject({ ok: true, command: { scriptPath: 'sample.txt', language: 'JScript' } });
    expect(parseRunCommand(['sample.VBS'])).toMatchObject({ ok: true, command: { language: 'VBScript' } });
    expect(parseRunCommand(['//E:VBScript', 'sample.txt'])).toMatchObject({ ok: true, command: { language: 'VBScript' } });
    expect(parseRunCommand(['//E:JScript', 'sample.vbs'])).toMatchObject({ ok: true, command: { language: 'JScript' } });
    expect(parseRunCommand(['//E:PerlScript', 'sample.pl'])).toEqual({ ok: false, message: 'Input Error: Can not find script engine "PerlScript" for script.' });
  });

  it('refuses unknown options and a missing script', () => {
    expect(parseRunCommand(['//T:10', 'a.js'])).toEqual({ ok: false, message: 'Input Error: Unknown option "//T:10" specified.' });
    expect(parseRunCommand(['//Nologo'])).toEqual({ ok: false, message: 'Input Error: There is no script file specified.' });
  });
});

describe('decodeScript', () => {
  it('reads UTF-16LE with a byte order mark, and UTF-8 with or without one', () => {
    const text = 'WScript.Echo("grüße");';
    expect(decodeScript(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toBe(text);
    expect(decodeScript(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe(text);
    expect(decodeScript(Buffer.from(text))).toBe(text);
  });
});

/**
 * GetObject in a host with no Running Object Table and no moniker binding: each row is a
 * script, the lines it echoes and the error line cscript prints (path `t.vbs`), if any.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runVbs } from './run-vbs';

const directory = mkdtempSync(join(tmpdir(), 'vbs-getobject-'));
const xmlFile = join(directory, 'config.xml');
writeFileSync(xmlFile, '<config><port>5985</port></config>');
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const BAD_MONIKER = "t.vbs(1, 1) Microsoft VBScript runtime error: File name or class name not found during Automation operation: 'GetObject'";

const programs: [string, string, string[], string?][] = [
  ['a class alone finds no running instance', 'Set o = GetObject(, "Scripting.Dictionary")', [], "t.vbs(1, 1) Microsoft VBScript runtime error: ActiveX component can't create object: 'GetObject'"],
  ['a WMI moniker cannot be bound', 'Set o = GetObject("winmgmts:{impersonationLevel=impersonate}!\\\\.\\root\\cimv2")', [], BAD_MONIKER],
  ['a file path with no class', `Set o = GetObject("${xmlFile}")`, [], BAD_MONIKER],
  ['no path and no class', 'Set o = GetObject()', [], BAD_MONIKER],
  ['an empty path makes a new instance', 'Set d = GetObject("", "Scripting.Dictionary") : d.Add "k", 1 : WScript.Echo TypeName(d), d.Count', ['Dictionary 1']],
  ['a file loaded by MSXML', `Set x = GetObject("${xmlFile}", "MSXML2.DOMDocument") : WScript.Echo x.documentElement.nodeName, x.selectSingleNode("//port").text`, ['config 5985']],
  ['a missing file for MSXML', `Set x = GetObject("${join(directory, 'absent.xml')}", "MSXML2.DOMDocument.6.0")`, [], BAD_MONIKER],
  ['a class with no file-loading member', `Set x = GetObject("${xmlFile}", "Scripting.Dictionary")`, [], BAD_MONIKER],
  ['an unknown class with a path', `Set x = GetObject("${xmlFile}", "No.Such.Class")`, [], BAD_MONIKER],
  ['the error under On Error Resume Next', 'On Error Resume Next\nSet o = GetObject(, "WSMan.Automation")\nWScript.Echo Err.Number, Err.Description', ["429 ActiveX component can't create object"]],
  ['432 under On Error Resume Next', 'On Error Resume Next\nSet o = GetObject("winmgmts:")\nWScript.Echo Err.Number, Err.Description', ['432 File name or class name not found during Automation operation']],
];

describe('GetObject', () => {
  it.each(programs)('%s', (...row) => {
    const [, source, lines, error] = row;
    const run = runVbs(source);
    expect(run.error).toBe(error);
    expect(run.lines).toEqual(lines);
  });
});

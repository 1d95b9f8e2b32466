/** Scripting.FileSystemObject, TextStream, File, Folder and Drive against a temporary directory. */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { EOL, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import type { SyncDispatch } from '../../../src/automation/dispatch/contract';
import { createHostObject } from '../../../src/host/objects/registry';
import { call, callDefault, errorNumber, forEach, put } from './dispatch-helpers';

const FOR_READING = 1;
const FOR_WRITING = 2;
const FOR_APPENDING = 8;
const UNICODE = -1;

let dir: string;
let fso: SyncDispatch;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fso-'));
  fso = createHostObject('Scripting.FileSystemObject', {})!;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('FileSystemObject path functions', () => {
  it('take both separators, as scripts written for Windows use them', () => {
    expect(call(fso, 'GetFileName', 'C:\\Windows\\System32\\winrm.vbs')).toBe('winrm.vbs');
    expect(call(fso, 'GetBaseName', '/tmp/out.config.xml')).toBe('out.config');
    expect(call(fso, 'GetExtensionName', 'a\\b\\c.XML')).toBe('XML');
    expect(call(fso, 'GetExtensionName', 'noext')).toBe('');
    expect(call(fso, 'GetParentFolderName', 'C:\\Windows\\System32\\winrm.vbs')).toBe('C:\\Windows\\System32');
    expect(call(fso, 'GetParentFolderName', '/tmp/x/')).toBe('/tmp');
    expect(call(fso, 'GetParentFolderName', 'file.txt')).toBe('');
    expect(call(fso, 'GetDriveName', 'C:\\x')).toBe('C:');
    expect(call(fso, 'BuildPath', '/tmp', 'a.txt')).toBe(`/tmp${sep}a.txt`);
    expect(call(fso, 'BuildPath', 'C:\\temp\\', 'a.txt')).toBe('C:\\temp\\a.txt');
    expect(call(fso, 'GetAbsolutePathName', 'x.txt')).toBe(join(process.cwd(), 'x.txt'));
    expect(call(fso, 'GetTempName')).toMatch(/^rad[0-9A-F]{5}\.tmp$/);
  });
});

describe('TextStream', () => {
  it('writes, appends and reads lines with Line, Column and AtEndOfStream', () => {
    const path = join(dir, 'log.txt');
    const out = call(fso, 'CreateTextFile', path);
    call(out, 'WriteLine', 'first');
    call(out, 'Write', 'sec');
    expect([call(out, 'Line'), call(out, 'Column')]).toEqual([2, 4]);
    call(out, 'WriteBlankLines', 1);
    call(out, 'Close');
    const more = call(fso, 'OpenTextFile', path, FOR_APPENDING);
    call(more, 'WriteLine', 'third');
    call(more, 'Close');
    expect(readFileSync(path, 'utf8')).toBe(`first${EOL}sec${EOL}third${EOL}`);
    const input = call(fso, 'OpenTextFile', path);
    expect(call(input, 'ReadLine')).toBe('first');
    expect(call(input, 'Read', 2)).toBe('se');
    expect([call(input, 'Line'), call(input, 'Column')]).toEqual([2, 3]);
    call(input, 'SkipLine');
    expect(call(input, 'ReadAll')).toBe(`third${EOL}`);
    expect(call(input, 'AtEndOfStream')).toBe(true);
    expect(errorNumber(() => call(input, 'ReadLine'))).toBe(62);
    expect(errorNumber(() => call(input, 'Write', 'x'))).toBe(54);
  });

  it('reads CRLF files line by line and writes Unicode (UTF-16LE with a BOM)', () => {
    const crlf = join(dir, 'crlf.txt');
    writeFileSync(crlf, 'a\r\nb\r\n');
    const input = call(fso, 'OpenTextFile', crlf, FOR_READING);
    expect([call(input, 'ReadLine'), call(input, 'ReadLine'), call(input, 'AtEndOfStream')]).toEqual(['a', 'b', true]);
    const wide = join(dir, 'wide.txt');
    const out = call(fso, 'OpenTextFile', wide, FOR_WRITING, true, UNICODE);
    call(out, 'Write', 'Größe');
    call(out, 'Close');
    expect(readFileSync(wide)).toEqual(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Größe', 'utf16le')]));
    expect(call(call(fso, 'OpenTextFile', wide), 'ReadAll')).toBe('Größe');
    expect(errorNumber(() => call(call(fso, 'CreateTextFile', join(dir, 'empty.txt')), 'ReadAll'))).toBe(54);
  });

  it('reports the Scripting Runtime errors: 53, 76, 58, 62, 70', () => {
    expect(errorNumber(() => call(fso, 'OpenTextFile', join(dir, 'missing.txt')))).toBe(53);
    expect(errorNumber(() => call(fso, 'OpenTextFile', join(dir, 'missing.txt'), FOR_WRITING))).toBe(53);
    expect(errorNumber(() => call(fso, 'OpenTextFile', join(dir, 'no', 'such.txt'), FOR_WRITING, true))).toBe(76);
    writeFileSync(join(dir, 'there.txt'), '');
    expect(errorNumber(() => call(fso, 'CreateTextFile', join(dir, 'there.txt'), false))).toBe(58);
    expect(errorNumber(() => call(call(fso, 'OpenTextFile', join(dir, 'there.txt')), 'ReadAll'))).toBe(62);
    expect(errorNumber(() => call(fso, 'GetFile', join(dir, 'missing.txt')))).toBe(53);
    expect(errorNumber(() => call(fso, 'GetFolder', join(dir, 'missing')))).toBe(76);
    expect(errorNumber(() => call(fso, 'DeleteFile', join(dir, '*.none')))).toBe(53);
    expect(errorNumber(() => call(fso, 'CreateFolder', dir))).toBe(58);
    chmodSync(join(dir, 'there.txt'), 0o444);
    expect(errorNumber(() => call(fso, 'DeleteFile', join(dir, 'there.txt')))).toBe(70);
    call(fso, 'DeleteFile', join(dir, 'there.txt'), true);
    expect(existsSync(join(dir, 'there.txt'))).toBe(false);
  });
});

describe('Files and folders', () => {
  it('creates, lists, copies, moves and deletes', () => {
    const folder = call(fso, 'CreateFolder', join(dir, 'conf'));
    expect(call(fso, 'FolderExists', join(dir, 'conf'))).toBe(true);
    call(call(folder, 'CreateTextFile', 'a.xml'), 'Close');
    writeFileSync(join(dir, 'conf', 'b.xml'), '12345');
    mkdirSync(join(dir, 'conf', 'sub'));
    expect(call(call(folder, 'Files'), 'Count')).toBe(2);
    expect(forEach(call(folder, 'Files')).map((file) => call(file, 'Name')).sort()).toEqual(['a.xml', 'b.xml']);
    expect(forEach(call(folder, 'SubFolders')).map((sub) => callDefault(sub))).toEqual([join(dir, 'conf', 'sub')]);
    const b = callDefault(call(folder, 'Files'), 'B.XML');
    expect([call(b, 'Size'), call(b, 'Attributes') & 16, callDefault(b), call(call(b, 'ParentFolder'), 'Path')]).toEqual([5, 0, join(dir, 'conf', 'b.xml'), join(dir, 'conf')]);
    expect(call(folder, 'Size')).toBe(5);
    call(fso, 'CopyFile', join(dir, 'conf', '*.xml'), join(dir, 'conf', 'sub') + '/');
    expect(call(call(call(fso, 'GetFolder', join(dir, 'conf', 'sub')), 'Files'), 'Count')).toBe(2);
    expect(errorNumber(() => call(fso, 'CopyFile', join(dir, 'conf', 'b.xml'), join(dir, 'conf', 'a.xml'), false))).toBe(58);
    call(fso, 'MoveFile', join(dir, 'conf', 'b.xml'), join(dir, 'moved.xml'));
    expect(call(fso, 'FileExists', join(dir, 'moved.xml'))).toBe(true);
    expect(call(fso, 'FileExists', join(dir, 'conf', 'b.xml'))).toBe(false);
    put(call(fso, 'GetFile', join(dir, 'moved.xml')), 'Name', 'renamed.xml');
    expect(call(fso, 'FileExists', join(dir, 'renamed.xml'))).toBe(true);
    call(fso, 'DeleteFolder', join(dir, 'conf'));
    expect(call(fso, 'FolderExists', join(dir, 'conf'))).toBe(false);
    expect(call(call(fso, 'GetSpecialFolder', 2), 'Path')).toBe(tmpdir());
    const drives = forEach(call(fso, 'Drives'));
    expect(drives.length).toBeGreaterThan(0);
    expect(call(drives[0], 'TotalSize')).toBeGreaterThan(0);
  });
});

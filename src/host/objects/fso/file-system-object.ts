/**
 * Scripting.FileSystemObject with its File, Folder, Drive, Files, Folders and Drives objects,
 * on this machine's file system, with the Scripting Runtime's error numbers (53 file not found,
 * 76 path not found, 58 file exists, 70 permission denied). DISPIDs as scrrun numbers them.
 */
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, statfsSync, type Stats } from 'node:fs';
import { randomInt } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, parse as parsePath, resolve } from 'node:path';
import { DISPID_VALUE, NOTHING, type SyncDispatch, type Variant } from '../../../automation/dispatch/contract';
import { hostDispatch, type HostMember } from '../host-dispatch';
import { runtimeError } from '../runtime-errors';
import { optional, toBool, toLong, toStr } from '../variants';
import { fileSystemError } from './errors';
import { absolutePathName, baseName, buildPath, driveName, extensionName, fileName, nativePath, parentFolderName, wildcardPattern } from './paths';
import { FOR_APPENDING, FOR_READING, FOR_WRITING, readingStream, writingStream, type Encoding } from './text-stream';

const ATTRIBUTE_READONLY = 1;
const ATTRIBUTE_HIDDEN = 2;
const ATTRIBUTE_DIRECTORY = 16;
const ATTRIBUTE_ARCHIVE = 32;
const OWNER_WRITE = 0o200;
const TRISTATE_TRUE = -1;
const DRIVE_FIXED = 2;

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The owner's write permission stands for ReadOnly; a leading dot for Hidden. */
function attributesOf(path: string, stats: Stats): number {
  let attributes = stats.isDirectory() ? ATTRIBUTE_DIRECTORY : ATTRIBUTE_ARCHIVE;
  if ((stats.mode & OWNER_WRITE) === 0) attributes |= ATTRIBUTE_READONLY;
  if (basename(path).startsWith('.')) attributes |= ATTRIBUTE_HIDDEN;
  return attributes;
}

function setReadOnly(path: string, readOnly: boolean): void {
  const { mode } = statSync(path);
  chmodSync(path, readOnly ? mode & ~0o222 : mode | OWNER_WRITE);
}

function folderSize(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    total += entry.isDirectory() ? folderSize(full) : (statOf(full)?.size ?? 0);
  }
  return total;
}

function encodingOf(format: Variant): Encoding {
  return optional(format, toLong, 0) === TRISTATE_TRUE ? 'unicode' : 'ansi';
}

/** The paths a file spec names: itself, or the matches of a wildcard in its last part. */
function expand(spec: string, kind: 'file' | 'folder'): string[] {
  const path = nativePath(spec);
  const pattern = wildcardPattern(basename(path));
  if (!pattern) return [path];
  const folder = dirname(path);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    throw fileSystemError(error, 76);
  }
  return names.filter((name) => pattern.test(name) && statOf(join(folder, name))?.isDirectory() === (kind === 'folder')).map((name) => join(folder, name));
}

/** A destination ending in a separator is a folder to copy or move into. */
function destinationFor(source: string, destination: string): string {
  return /[\\/]$/.test(destination) ? join(nativePath(destination), basename(source)) : nativePath(destination);
}

class FileSystem {
  constructor(private readonly beforeInvoke?: () => void) {}

  #dispatch(typeName: string, members: Record<string, HostMember>, enumerate?: () => Variant[]): SyncDispatch {
    return hostDispatch({ typeName, members, enumerate, beforeInvoke: this.beforeInvoke });
  }

  openTextFile(path: string, iomode: number, create: boolean, encoding: Encoding): SyncDispatch {
    const native = nativePath(path);
    if (iomode !== FOR_READING && iomode !== FOR_WRITING && iomode !== FOR_APPENDING) throw runtimeError(5);
    const stats = statOf(native);
    if (stats?.isDirectory()) throw runtimeError(70);
    if (!stats) {
      if (!statOf(dirname(resolve(native)))?.isDirectory()) throw runtimeError(76);
      if (iomode === FOR_READING || !create) throw runtimeError(53);
    }
    if (iomode === FOR_READING) return readingStream(native, encoding, this.beforeInvoke);
    return writingStream(native, iomode, encoding, this.beforeInvoke);
  }

  createTextFile(path: string, overwrite: boolean, unicode: boolean): SyncDispatch {
    const native = nativePath(path);
    if (!overwrite && statOf(native)) throw runtimeError(58);
    if (!statOf(dirname(resolve(native)))?.isDirectory()) throw runtimeError(76);
    return writingStream(native, FOR_WRITING, unicode ? 'unicode' : 'ansi', this.beforeInvoke);
  }

  file(path: string): SyncDispatch {
    const full = resolve(nativePath(path));
    const stats = statOf(full);
    if (!stats || stats.isDirectory()) throw runtimeError(53);
    let current = full;
    const now = () => statOf(current) ?? statSync(current);
    return this.#dispatch('File', {
      Path: { dispid: DISPID_VALUE, get: () => current },
      Name: {
        dispid: 1000,
        get: () => basename(current),
        put: (name: Variant) => {
          const target = join(dirname(current), toStr(name));
          if (statOf(target)) throw runtimeError(58);
          renameSync(current, target);
          current = target;
        },
      },
      ShortPath: { dispid: 1002, get: () => current },
      ShortName: { dispid: 1004, get: () => basename(current) },
      Drive: { dispid: 1006, get: () => this.drive(parsePath(current).root) },
      ParentFolder: { dispid: 1007, get: () => this.folder(dirname(current)) },
      Attributes: {
        dispid: 1003,
        get: () => attributesOf(current, now()),
        put: (value: Variant) => this.#guard(() => setReadOnly(current, (toLong(value) & ATTRIBUTE_READONLY) !== 0), 53),
      },
      DateCreated: { dispid: 1008, get: () => now().birthtime },
      DateLastModified: { dispid: 1009, get: () => now().mtime },
      DateLastAccessed: { dispid: 1010, get: () => now().atime },
      Size: { dispid: 1011, get: () => now().size },
      Type: { dispid: 1012, get: () => (extensionName(current) ? `${extensionName(current).toUpperCase()} File` : 'File') },
      Delete: { dispid: 1200, params: ['Force?'], call: (force: Variant) => this.deleteFile(current, optional(force, toBool, false)) },
      Copy: { dispid: 1202, params: ['Destination', 'OverWriteFiles?'], call: (to: Variant, overwrite: Variant) => this.copyFile(current, toStr(to), optional(overwrite, toBool, true)) },
      Move: {
        dispid: 1204,
        params: ['Destination'],
        call: (to: Variant) => {
          const target = destinationFor(current, toStr(to));
          this.moveFile(current, toStr(to));
          current = resolve(target);
        },
      },
      OpenAsTextStream: {
        dispid: 1100,
        params: ['IOMode?', 'Format?'],
        call: (iomode: Variant, format: Variant) => this.openTextFile(current, optional(iomode, toLong, FOR_READING), false, encodingOf(format)),
      },
    });
  }

  folder(path: string): SyncDispatch {
    const full = resolve(nativePath(path));
    if (!statOf(full)?.isDirectory()) throw runtimeError(76);
    const entries = (directories: boolean) =>
      this.#guard(() => readdirSync(full, { withFileTypes: true }), 76)
        .filter((entry) => entry.isDirectory() === directories)
        .map((entry) => join(full, entry.name));
    return this.#dispatch('Folder', {
      Path: { dispid: DISPID_VALUE, get: () => full },
      Name: { dispid: 1000, get: () => basename(full) || full },
      ShortPath: { dispid: 1002, get: () => full },
      ShortName: { dispid: 1004, get: () => basename(full) },
      Attributes: { dispid: 1003, get: () => attributesOf(full, statSync(full)) },
      Drive: { dispid: 1006, get: () => this.drive(parsePath(full).root) },
      ParentFolder: { dispid: 1007, get: () => (dirname(full) === full ? NOTHING : this.folder(dirname(full))) },
      DateCreated: { dispid: 1008, get: () => statSync(full).birthtime },
      DateLastModified: { dispid: 1009, get: () => statSync(full).mtime },
      DateLastAccessed: { dispid: 1010, get: () => statSync(full).atime },
      Size: { dispid: 1011, get: () => folderSize(full) },
      Type: { dispid: 1012, get: () => 'File folder' },
      IsRootFolder: { dispid: 10000, get: () => dirname(full) === full },
      SubFolders: { dispid: 10002, get: () => this.#collection('Folders', () => entries(true), (p) => this.folder(p), (name) => this.createFolder(join(full, name))) },
      Files: { dispid: 10003, get: () => this.#collection('Files', () => entries(false), (p) => this.file(p)) },
      CreateTextFile: {
        dispid: 1101,
        params: ['FileName', 'Overwrite?', 'Unicode?'],
        call: (name: Variant, overwrite: Variant, unicode: Variant) => this.createTextFile(join(full, toStr(name)), optional(overwrite, toBool, true), optional(unicode, toBool, false)),
      },
      Delete: { dispid: 1200, params: ['Force?'], call: (force: Variant) => this.deleteFolder(full, optional(force, toBool, false)) },
      Copy: { dispid: 1202, params: ['Destination', 'OverWriteFiles?'], call: (to: Variant, overwrite: Variant) => this.copyFolder(full, toStr(to), optional(overwrite, toBool, true)) },
      Move: { dispid: 1204, params: ['Destination'], call: (to: Variant) => this.moveFolder(full, toStr(to)) },
    });
  }

  /** Files / Folders: Count, Item(name), For Each (and Folders.Add). */
  #collection(typeName: string, paths: () => string[], open: (path: string) => SyncDispatch, add?: (name: string) => SyncDispatch): SyncDispatch {
    const members: Record<string, HostMember> = {
      Item: {
        dispid: DISPID_VALUE,
        params: ['Key'],
        get: (key: Variant) => {
          const name = toStr(key);
          const match = paths().find((path) => basename(path).toLowerCase() === name.toLowerCase());
          if (!match) throw runtimeError(typeName === 'Files' ? 53 : 76);
          return open(match);
        },
      },
      Count: { dispid: 1, get: () => paths().length },
    };
    if (add) members.Add = { dispid: 2, params: ['Name'], call: (name: Variant) => add(toStr(name)) };
    return this.#dispatch(typeName, members, () => paths().map(open));
  }

  drive(root: string): SyncDispatch {
    const space = () => this.#guard(() => statfsSync(root), 68);
    return this.#dispatch('Drive', {
      Path: { dispid: DISPID_VALUE, get: () => root },
      DriveLetter: { dispid: 10000, get: () => driveName(root).replace(':', '') },
      ShareName: { dispid: 10001, get: () => '' },
      DriveType: { dispid: 10002, get: () => DRIVE_FIXED },
      RootFolder: { dispid: 10003, get: () => this.folder(root) },
      AvailableSpace: { dispid: 10005, get: () => space().bavail * space().bsize },
      FreeSpace: { dispid: 10004, get: () => space().bfree * space().bsize },
      TotalSize: { dispid: 10006, get: () => space().blocks * space().bsize },
      VolumeName: { dispid: 10007, get: () => '' },
      FileSystem: { dispid: 10008, get: () => 'ext' },
      SerialNumber: { dispid: 10009, get: () => 0 },
      IsReady: { dispid: 10010, get: () => true },
    });
  }

  drives(): SyncDispatch {
    const roots = () => [parsePath(resolve('.')).root];
    return this.#dispatch(
      'Drives',
      {
        Item: {
          dispid: DISPID_VALUE,
          params: ['Key'],
          get: (key: Variant) => {
            const root = roots().find((r) => r === toStr(key) || driveName(r) === toStr(key));
            if (!root) throw runtimeError(68);
            return this.drive(root);
          },
        },
        Count: { dispid: 1, get: () => roots().length },
      },
      () => roots().map((root) => this.drive(root)),
    );
  }

  createFolder(path: string): SyncDispatch {
    const native = nativePath(path);
    if (statOf(native)) throw runtimeError(58);
    this.#guard(() => mkdirSync(native), 76);
    return this.folder(native);
  }

  deleteFile(spec: string, force: boolean): void {
    const paths = expand(spec, 'file').filter((path) => statOf(path)?.isFile());
    if (paths.length === 0) throw runtimeError(53);
    for (const path of paths) {
      if (!force && (statSync(path).mode & OWNER_WRITE) === 0) throw runtimeError(70);
      this.#guard(() => rmSync(path), 53);
    }
  }

  deleteFolder(spec: string, force: boolean): void {
    const paths = expand(spec, 'folder').filter((path) => statOf(path)?.isDirectory());
    if (paths.length === 0) throw runtimeError(76);
    for (const path of paths) {
      if (!force && (statSync(path).mode & OWNER_WRITE) === 0) throw runtimeError(70);
      this.#guard(() => rmSync(path, { recursive: true }), 76);
    }
  }

  copyFile(spec: string, destination: string, overwrite: boolean): void {
    const sources = expand(spec, 'file').filter((path) => statOf(path)?.isFile());
    if (sources.length === 0) throw runtimeError(53);
    for (const source of sources) {
      const target = sources.length > 1 || statOf(nativePath(destination))?.isDirectory() ? join(nativePath(destination), basename(source)) : destinationFor(source, destination);
      if (statOf(target) && !overwrite) throw runtimeError(58);
      this.#guard(() => copyFileSync(source, target), 76);
    }
  }

  moveFile(spec: string, destination: string): void {
    const sources = expand(spec, 'file').filter((path) => statOf(path)?.isFile());
    if (sources.length === 0) throw runtimeError(53);
    for (const source of sources) {
      const target = sources.length > 1 || statOf(nativePath(destination))?.isDirectory() ? join(nativePath(destination), basename(source)) : destinationFor(source, destination);
      if (statOf(target)) throw runtimeError(58);
      this.#guard(() => renameSync(source, target), 76);
    }
  }

  copyFolder(spec: string, destination: string, overwrite: boolean): void {
    const sources = expand(spec, 'folder').filter((path) => statOf(path)?.isDirectory());
    if (sources.length === 0) throw runtimeError(76);
    for (const source of sources) {
      const target = destinationFor(source, destination);
      this.#guard(() => cpSync(source, target, { recursive: true, force: overwrite, errorOnExist: !overwrite }), 76);
    }
  }

  moveFolder(spec: string, destination: string): void {
    const sources = expand(spec, 'folder').filter((path) => statOf(path)?.isDirectory());
    if (sources.length === 0) throw runtimeError(76);
    for (const source of sources) {
      const target = destinationFor(source, destination);
      if (statOf(target)) throw runtimeError(58);
      this.#guard(() => renameSync(source, target), 76);
    }
  }

  #guard<T>(body: () => T, notFound: 53 | 76 | 68): T {
    try {
      return body();
    } catch (error) {
      if (notFound === 68 && (error as NodeJS.ErrnoException).code === 'ENOENT') throw runtimeError(68);
      throw fileSystemError(error, notFound === 68 ? 76 : notFound);
    }
  }
}

/** GetTempName: "rad" and five hexadecimal digits, ".tmp", as the Scripting Runtime makes them. */
function tempName(): string {
  return `rad${randomInt(0, 0x100000).toString(16).toUpperCase().padStart(5, '0')}.tmp`;
}

/** GetSpecialFolder: 0 WindowsFolder, 1 SystemFolder, 2 TemporaryFolder, as this platform has them. */
function specialFolderPath(which: number): string {
  switch (which) {
    case 0:
      return process.env.windir ?? process.env.SystemRoot ?? parsePath(homedir()).root;
    case 1:
      return process.env.windir ? join(process.env.windir, 'System32') : '/usr/bin';
    case 2:
      return tmpdir();
    default:
      throw runtimeError(5);
  }
}

export function createFileSystemObject(beforeInvoke?: () => void): SyncDispatch {
  const fs = new FileSystem(beforeInvoke);
  const path = (name: string, ...rest: string[]) => ({ params: [name, ...rest] });
  return hostDispatch({
    typeName: 'FileSystemObject',
    beforeInvoke,
    members: {
      Drives: { dispid: 10010, get: () => fs.drives() },
      BuildPath: { dispid: 10000, ...path('Path', 'Name'), call: (p: Variant, name: Variant) => buildPath(toStr(p), toStr(name)) },
      GetDriveName: { dispid: 10001, ...path('Path'), call: (p: Variant) => driveName(toStr(p)) },
      GetParentFolderName: { dispid: 10002, ...path('Path'), call: (p: Variant) => parentFolderName(toStr(p)) },
      GetFileName: { dispid: 10003, ...path('Path'), call: (p: Variant) => fileName(toStr(p)) },
      GetBaseName: { dispid: 10004, ...path('Path'), call: (p: Variant) => baseName(toStr(p)) },
      GetExtensionName: { dispid: 10005, ...path('Path'), call: (p: Variant) => extensionName(toStr(p)) },
      GetAbsolutePathName: { dispid: 10006, ...path('Path'), call: (p: Variant) => absolutePathName(toStr(p)) },
      GetTempName: { dispid: 10007, call: tempName },
      DriveExists: { dispid: 10008, ...path('DriveSpec'), call: (p: Variant) => existsSync(nativePath(toStr(p))) && parsePath(resolve(nativePath(toStr(p)))).root === resolve(nativePath(toStr(p))) },
      FileExists: { dispid: 10009, ...path('FileSpec'), call: (p: Variant) => statOf(nativePath(toStr(p)))?.isFile() === true },
      FolderExists: { dispid: 10011, ...path('FolderSpec'), call: (p: Variant) => statOf(nativePath(toStr(p)))?.isDirectory() === true },
      GetDrive: { dispid: 10012, ...path('DriveSpec'), call: (p: Variant) => fs.drive(parsePath(resolve(nativePath(toStr(p)))).root) },
      GetFile: { dispid: 10013, ...path('FilePath'), call: (p: Variant) => fs.file(toStr(p)) },
      GetFolder: { dispid: 10014, ...path('FolderPath'), call: (p: Variant) => fs.folder(toStr(p)) },
      GetSpecialFolder: { dispid: 10015, ...path('SpecialFolder'), call: (which: Variant) => fs.folder(specialFolderPath(toLong(which))) },
      DeleteFile: { dispid: 1200, ...path('FileSpec', 'Force?'), call: (p: Variant, force: Variant) => fs.deleteFile(toStr(p), optional(force, toBool, false)) },
      DeleteFolder: { dispid: 1201, ...path('FolderSpec', 'Force?'), call: (p: Variant, force: Variant) => fs.deleteFolder(toStr(p), optional(force, toBool, false)) },
      MoveFile: { dispid: 1204, ...path('Source', 'Destination'), call: (from: Variant, to: Variant) => fs.moveFile(toStr(from), toStr(to)) },
      MoveFolder: { dispid: 1205, ...path('Source', 'Destination'), call: (from: Variant, to: Variant) => fs.moveFolder(toStr(from), toStr(to)) },
      CopyFile: { dispid: 1202, ...path('Source', 'Destination', 'OverWriteFiles?'), call: (from: Variant, to: Variant, overwrite: Variant) => fs.copyFile(toStr(from), toStr(to), optional(overwrite, toBool, true)) },
      CopyFolder: { dispid: 1203, ...path('Source', 'Destination', 'OverWriteFiles?'), call: (from: Variant, to: Variant, overwrite: Variant) => fs.copyFolder(toStr(from), toStr(to), optional(overwrite, toBool, true)) },
      CreateFolder: { dispid: 1120, ...path('Path'), call: (p: Variant) => fs.createFolder(toStr(p)) },
      CreateTextFile: {
        dispid: 1101,
        ...path('FileName', 'Overwrite?', 'Unicode?'),
        call: (p: Variant, overwrite: Variant, unicode: Variant) => fs.createTextFile(toStr(p), optional(overwrite, toBool, true), optional(unicode, toBool, false)),
      },
      OpenTextFile: {
        dispid: 1100,
        ...path('FileName', 'IOMode?', 'Create?', 'Format?'),
        call: (p: Variant, iomode: Variant, create: Variant, format: Variant) => fs.openTextFile(toStr(p), optional(iomode, toLong, FOR_READING), optional(create, toBool, false), encodingOf(format)),
      },
      GetFileVersion: { dispid: 10017, ...path('FileName'), call: (p: Variant) => { if (!statOf(nativePath(toStr(p)))) throw runtimeError(53); return ''; } },
    },
  });
}

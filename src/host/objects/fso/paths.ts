/**
 * FileSystemObject's path functions on this platform: a script written for Windows builds paths
 * with `\`, so both `\` and `/` separate path parts here, and a path is given to the file
 * system with `\` turned into this platform's separator.
 */
import { resolve, sep } from 'node:path';

const SEPARATORS = /[\\/]/;

/** The path as the file system takes it. */
export function nativePath(path: string): string {
  return sep === '/' ? path.replace(/\\/g, '/') : path;
}

/** The path without trailing separators (a root keeps its one). */
function trimmed(path: string): string {
  const stripped = path.replace(/[\\/]+$/, '');
  return stripped === '' && path !== '' ? path[0] : stripped;
}

export function fileName(path: string): string {
  const parts = trimmed(path).split(SEPARATORS);
  const last = parts[parts.length - 1];
  return SEPARATORS.test(trimmed(path)) && last === '' ? '' : last.replace(/^[A-Za-z]:$/, '');
}

export function parentFolderName(path: string): string {
  const clean = trimmed(path);
  const at = Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\'));
  if (at < 0) return '';
  // The parent of "/x" is the root "/".
  return at === 0 ? clean[0] : clean.slice(0, at);
}

export function extensionName(path: string): string {
  const name = fileName(path);
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

export function baseName(path: string): string {
  const name = fileName(path);
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

/** Windows drive names (`C:`, `\\server\share`); POSIX paths have none. */
export function driveName(path: string): string {
  const drive = /^([A-Za-z]:)/.exec(path) ?? /^(\\\\[^\\]+\\[^\\]+)/.exec(path);
  return drive ? drive[1] : '';
}

/** BuildPath: one separator between the two parts, this platform's unless the path already ends with one. */
export function buildPath(path: string, name: string): string {
  if (path === '') return name;
  if (SEPARATORS.test(path[path.length - 1]) || SEPARATORS.test(name[0] ?? '')) return path + name;
  return path + sep + name;
}

export function absolutePathName(path: string): string {
  return resolve(nativePath(path === '' ? '.' : path));
}

/** `*` and `?` in the last part of a path (DeleteFile, CopyFile, MoveFile). */
export function wildcardPattern(name: string): RegExp | undefined {
  if (!/[*?]/.test(name)) return undefined;
  const source = name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i');
}

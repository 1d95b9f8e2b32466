/**
 * VBScript's GetObject([path][, class]) in a host with no Running Object Table and no moniker
 * binding: a class alone looks for a running instance (none here: 429); `""` with a class makes a
 * new one, as CreateObject does; a path with a class the host knows loads the file through the
 * object's file-loading member (MSXML's `load`); every other path is a moniker this host cannot
 * bind (432). See docs/decisions.md, "VBScript engine".
 */
import { DISPATCH_METHOD, type SyncDispatch } from '../../automation/dispatch/contract';
import { E, vbsError } from './errors';

const BAD_MONIKER = 432;
const FILE_LOADER = 'load';

export function getObject(path: string | undefined, progId: string | undefined, createObject: (progId: string) => SyncDispatch): SyncDispatch {
  if (progId === undefined) throw vbsError(BAD_MONIKER);
  if (path === undefined) throw vbsError(E.CANNOT_CREATE);
  if (path === '') return createObject(progId);
  let object: SyncDispatch;
  try {
    object = createObject(progId);
  } catch {
    throw vbsError(BAD_MONIKER);
  }
  let loader: number;
  try {
    [loader] = object.GetIDsOfNames([FILE_LOADER]);
  } catch {
    throw vbsError(BAD_MONIKER);
  }
  if (object.Invoke(loader, DISPATCH_METHOD, [path]) !== true) throw vbsError(BAD_MONIKER);
  return object;
}

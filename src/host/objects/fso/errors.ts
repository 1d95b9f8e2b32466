/** A file system failure as the Scripting Runtime reports it: its VBScript run-time error number. */
import type { WSManError } from '../../../core/errors/wsman-error';
import { runtimeError } from '../runtime-errors';

/** notFound: 53 "File not found" or 76 "Path not found", whichever the operation means by a missing path. */
export function fileSystemError(error: unknown, notFound: 53 | 76): WSManError {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return runtimeError(notFound);
    case 'ENOTDIR':
      return runtimeError(76);
    case 'EEXIST':
      return runtimeError(58);
    case 'EACCES':
    case 'EPERM':
    case 'EISDIR':
    case 'EBUSY':
    case 'ENOTEMPTY':
      return runtimeError(70);
    case 'ENOSPC':
      return runtimeError(61);
    default:
      return runtimeError(57);
  }
}

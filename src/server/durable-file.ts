/**
 * Replaces a file so that after a crash or power loss either the old or the new content is there,
 * complete: write a temporary file beside it, fsync it, rename it over the target, fsync the
 * directory. A failure leaves the old file and removes the temporary one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function writeFileDurably(file: string, text: string): void {
  const directory = path.dirname(file);
  fs.mkdirSync(directory, { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = fs.openSync(temporary, 'w', 0o600);
    try {
      fs.writeFileSync(fd, text, 'utf8');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectory(directory);
}

/** Makes the rename durable; platforms that cannot open a directory (Windows) skip it. */
function syncDirectory(directory: string): void {
  let fd: number;
  try {
    fd = fs.openSync(directory, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself has happened.
  } finally {
    fs.closeSync(fd);
  }
}

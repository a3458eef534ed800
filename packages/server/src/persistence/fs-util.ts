// Small file-system steps the persistence modules share.
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Makes a rename in the file's directory durable. */
export function fsyncDir(pathInDir: string): void {
  const fd = openSync(dirname(pathInDir), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// Small file-system steps the persistence modules share.
import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
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

/** Fills `buf` from `position`; a file that ends first is an error, never a silent short read (or an endless loop). */
export function readFully(fd: number, buf: Buffer, position: number): void {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) throw new Error(`unexpected end of file at offset ${position + got}`);
    got += n;
  }
}

/** Writes all of `buf` at `position` (null: at the file's current position). */
export function writeAll(fd: number, buf: Buffer, position: number | null): void {
  let done = 0;
  while (done < buf.length) {
    done += writeSync(fd, buf, done, buf.length - done, position === null ? null : position + done);
  }
}

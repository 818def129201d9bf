/**
 * Temporary directories for a test file: made under the OS temp dir and removed when the test process exits (each
 * test file runs in a process of its own), so servers may keep using them until the very end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A fresh directory `<tmp>/<prefix>XXXXXX`, removed with everything in it when this process exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (made.push(dir) === 1) {
    process.once('exit', () => {
      for (const d of made) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

/** Paths tests need, independent of whether they run from src or dist. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

function findRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + start);
    dir = up;
  }
  return dir;
}

/** The repository root (the folder holding package.json). */
export const repoRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A file under test/vectors/. */
export function vectorPath(...parts: string[]): string {
  return path.join(repoRoot, 'test', 'vectors', ...parts);
}

/** Reads and parses a JSON file under test/vectors/. */
export function readVectors<T = unknown>(...parts: string[]): T {
  return JSON.parse(fs.readFileSync(vectorPath(...parts), 'utf8')) as T;
}

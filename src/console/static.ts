/** Serves the built front end (dist/console-ui): hashed assets under /console/assets/, index.html for every page. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** A file to send: its bytes, content type and cache policy. */
export interface StaticFile {
  body: Buffer;
  type: string;
  cache: string;
}

/** The default location of the built front end: <repo>/dist/console-ui (this file runs from dist/src/console). */
export function defaultAssetsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', 'console-ui');
}

/** Builds the asset lookup over a directory (read on demand; paths outside it are refused). */
export function createStaticFiles(dir: string): (urlPath: string) => StaticFile | undefined {
  const root = path.resolve(dir);
  return (urlPath) => {
    if (urlPath.startsWith('/console/assets/')) {
      const rel = urlPath.slice('/console/'.length);
      if (rel.includes('..') || rel.includes('\0')) return undefined;
      const file = path.resolve(root, rel);
      if (!file.startsWith(root + path.sep)) return undefined;
      try {
        return { body: fs.readFileSync(file), type: TYPES[path.extname(file)] ?? 'application/octet-stream', cache: 'public, max-age=31536000, immutable' };
      } catch {
        return undefined;
      }
    }
    try {
      return { body: fs.readFileSync(path.join(root, 'index.html')), type: TYPES['.html']!, cache: 'no-store' };
    } catch {
      return { body: Buffer.from('<!doctype html><title>kamen console</title><p>The console front end is not built: run <code>npm run build</code>.</p>'), type: TYPES['.html']!, cache: 'no-store' };
    }
  };
}

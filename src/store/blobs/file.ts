/**
 * The file blob store: one file per blob under `<root>/<2 hex>/<id>`. A write streams into `<root>/tmp/`, is fsynced,
 * then renamed into place (and the directory fsynced) before it resolves, so a crash mid-upload leaves at most a
 * temporary file, which the next open removes. `listOlderThan` feeds the orphan sweep (a blob's age is its mtime).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore, BlobWriteHooks } from './index.js';

const ID = /^[0-9a-f]{32}$/;

/** Bytes gathered before one file write. */
const WRITE_BATCH = 512 * 1024;

/** Opens (creating) the blob store rooted at `root`, removing temporary files a crash left behind. */
export function openFileBlobStore(root: string): BlobStore {
  const tmp = path.join(root, 'tmp');
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true, mode: 0o700 });
  const fileOf = (blobId: string): string => {
    if (!ID.test(blobId)) throw new Error(`bad blob id ${blobId}`);
    return path.join(root, blobId.slice(0, 2), blobId);
  };

  async function write(source: AsyncIterable<Buffer>, hooks: BlobWriteHooks = {}): Promise<{ blobId: string; size: number }> {
    const blobId = randomBytes(16).toString('hex');
    const temp = path.join(tmp, blobId);
    const fh = await fs.promises.open(temp, 'wx', 0o600);
    let size = 0;
    let committed = false;
    try {
      // Chunks are gathered up to WRITE_BATCH bytes per write (fewer thread-pool round trips; memory stays bounded).
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (): Promise<void> => {
        if (pendingBytes === 0) return;
        const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        let off = 0;
        while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
      };
      for await (const chunk of source) {
        const buf = chunk as Buffer;
        if (buf.length === 0) continue;
        hooks.onChunk?.(buf);
        size += buf.length;
        pending.push(buf);
        pendingBytes += buf.length;
        if (pendingBytes >= WRITE_BATCH) await flush();
      }
      await flush();
      hooks.beforeCommit?.(size);
      await fh.sync();
      await fh.close();
      const dir = path.join(root, blobId.slice(0, 2));
      await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
      await fs.promises.rename(temp, path.join(dir, blobId));
      await syncDir(dir);
      committed = true;
      return { blobId, size };
    } finally {
      if (!committed) {
        await fh.close().catch(() => undefined);
        await fs.promises.rm(temp, { force: true });
      }
    }
  }

  return {
    write,
    read: (blobId, range) => fs.createReadStream(fileOf(blobId), range ? { start: range.start, end: range.end, highWaterMark: 256 * 1024 } : { highWaterMark: 256 * 1024 }) as Readable,
    delete: async (blobId) => {
      await fs.promises.rm(fileOf(blobId), { force: true });
    },
    exists: async (blobId) => fs.promises.access(fileOf(blobId)).then(() => true, () => false),
    listOlderThan: (beforeMs) => listOlderThan(root, beforeMs),
  };
}

/** The committed blob files under `root` last written before `beforeMs`, one directory at a time. */
async function* listOlderThan(root: string, beforeMs: number): AsyncGenerator<string> {
  const dirs = (await fs.promises.readdir(root)).filter((d) => /^[0-9a-f]{2}$/.test(d)).sort();
  for (const d of dirs) {
    const names = await fs.promises.readdir(path.join(root, d)).catch(() => [] as string[]);
    for (const name of names) {
      if (!ID.test(name)) continue;
      const st = await fs.promises.stat(path.join(root, d, name)).catch(() => undefined);
      if (st && st.mtimeMs < beforeMs) yield name;
    }
  }
}

/** fsyncs a directory so a rename into it is durable (best effort where the platform refuses). */
async function syncDir(dir: string): Promise<void> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(dir, 'r');
    await fh.sync();
  } catch {
    // some filesystems do not fsync directories
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

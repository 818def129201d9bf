/**
 * The S3 sweep: multipart uploads initiated longer ago than the expiry (7 days by default, like a lifecycle rule's
 * AbortIncompleteMultipartUpload) are aborted with their part blobs, and blobs no object, version or part references
 * (left by a crash between a blob's commit and its metadata write) are deleted once older than a grace period.
 */
import type { Clock } from '../../clock.js';
import type { BlobStore } from '../../store/blobs/index.js';
import type { Store } from '../../store/store.js';

/** Abandoned multipart uploads go after 7 days. */
export const DEFAULT_MULTIPART_EXPIRY_MS = 7 * 24 * 3_600_000;
/** An unreferenced blob is kept this long (a write in flight commits its blob before its metadata). */
export const DEFAULT_ORPHAN_GRACE_MS = 3_600_000;

export interface S3SweepDeps {
  store: Store;
  blobs: BlobStore;
  clock: Clock;
  /** Uploads initiated longer ago than this are aborted (ms; DEFAULT_MULTIPART_EXPIRY_MS). */
  multipartExpiryMs?: number;
  /** Unreferenced blobs older than this are deleted (ms; DEFAULT_ORPHAN_GRACE_MS). */
  orphanGraceMs?: number;
  /** Rows or blobs handled per store query. */
  batch?: number;
}

/** What one sweep removed. */
export interface S3SweepResult {
  abortedUploads: number;
  deletedParts: number;
  orphanBlobs: number;
}

/** Runs the sweep once. */
export async function sweepS3(deps: S3SweepDeps): Promise<S3SweepResult> {
  const batch = deps.batch ?? 500;
  const now = deps.clock.now();
  const out: S3SweepResult = { abortedUploads: 0, deletedParts: 0, orphanBlobs: 0 };
  const cutoff = new Date(now - Math.max(0, deps.multipartExpiryMs ?? DEFAULT_MULTIPART_EXPIRY_MS));
  for (;;) {
    const uploads = await deps.store.listS3UploadsInitiatedBefore(cutoff, batch);
    for (const u of uploads) {
      const parts = await deps.store.deleteS3Upload(u.uploadId);
      for (const p of parts) await deps.blobs.delete(p.blobId).catch(() => undefined);
      out.abortedUploads++;
      out.deletedParts += parts.length;
    }
    if (uploads.length < batch) break;
  }
  if (deps.blobs.listOlderThan) {
    const grace = Math.max(0, deps.orphanGraceMs ?? DEFAULT_ORPHAN_GRACE_MS);
    let pending: string[] = [];
    const flush = async (): Promise<void> => {
      const used = new Set(await deps.store.findS3BlobReferences(pending));
      for (const id of pending) {
        if (used.has(id)) continue;
        await deps.blobs.delete(id);
        out.orphanBlobs++;
      }
      pending = [];
    };
    for await (const id of deps.blobs.listOlderThan(now - grace)) {
      pending.push(id);
      if (pending.length >= batch) await flush();
    }
    if (pending.length > 0) await flush();
  }
  return out;
}

/** A sweep on a timer. */
export interface S3Sweeper {
  /** Sweeps now (joins a sweep already running). */
  sweep(): Promise<S3SweepResult>;
  /** Stops the timer; resolves once a running sweep has finished. */
  stop(): Promise<void>;
}

/** Sweeps every `everyMs` (1 hour by default) on a timer that does not keep the process alive; the first run is after one interval. */
export function startS3Sweeper(deps: S3SweepDeps & { everyMs?: number; onError?: (err: unknown) => void }): S3Sweeper {
  let running: Promise<S3SweepResult> | undefined;
  const sweep = (): Promise<S3SweepResult> => {
    running ??= sweepS3(deps).finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void sweep().catch((err) => deps.onError?.(err)), deps.everyMs ?? 3_600_000);
  timer.unref();
  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}

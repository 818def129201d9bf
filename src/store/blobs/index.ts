/**
 * The blob store: where S3 object bytes live, behind one interface (a store shared by several nodes can implement it
 * later). Blobs are immutable and named by a random id; the Store's metadata points at them.
 */
import type { Readable } from 'node:stream';

export { openFileBlobStore } from './file.js';

/** Hooks of one write: every byte is shown to `onChunk`; `beforeCommit` may throw to abandon the blob. */
export interface BlobWriteHooks {
  onChunk?(chunk: Buffer): void;
  /** Runs after the last byte and before the blob becomes durable and visible; a throw discards everything written. */
  beforeCommit?(size: number): void;
}

/** Object bytes, streamed in and out; never a whole object in memory. */
export interface BlobStore {
  /** Streams `source` into a new blob; resolves once it is durable (fsynced, renamed into place). Nothing remains on failure. */
  write(source: AsyncIterable<Buffer>, hooks?: BlobWriteHooks): Promise<{ blobId: string; size: number }>;
  /** A stream of the blob's bytes `start`..`end` (inclusive; the whole blob when omitted). */
  read(blobId: string, range?: { start: number; end: number }): Readable;
  /** Removes a blob (no error when it is already gone). */
  delete(blobId: string): Promise<void>;
  /** True when the blob exists. */
  exists(blobId: string): Promise<boolean>;
  /**
   * The ids of committed blobs written before `beforeMs` (ms since the epoch), for the orphan sweep; absent when the
   * store cannot tell a blob's age.
   */
  listOlderThan?(beforeMs: number): AsyncIterable<string>;
}

/**
 * The S3 sweep and crash safety: multipart uploads older than the expiry are aborted with their part blobs, blobs no
 * object, version or part references go after the grace period (referenced ones stay), Complete and Abort leave no
 * part blob behind, and a restart after a crash mid-upload leaves no temporary file and no partial object.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openKamen, type Kamen } from '../../../src/app.js';
import { frozenClock } from '../../../src/clock.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import { s3Call, type Creds } from './signer.js';

const MiB = 1024 * 1024;
const DAY = 86_400_000;

/** Every committed blob file under <data-dir>/objects. */
function blobFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'objects');
  return fs.readdirSync(dir).filter((d) => d !== 'tmp').flatMap((d) => fs.readdirSync(path.join(dir, d)));
}

async function withKamen(fn: (k: { kamen: Kamen; server: RunningServer; dataDir: string; root: Creds; clock: ReturnType<typeof frozenClock> }) => Promise<void>, dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-s3-sweep-'))): Promise<void> {
  const clock = frozenClock(Date.now());
  const kamen = await openKamen({ dataDir, withCa: false, log: () => {}, clock });
  const server = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
  try {
    await fn({ kamen, server, dataDir, clock, root: { accessKeyId: kamen.bootstrap!.accessKeyId, secretAccessKey: kamen.bootstrap!.secretAccessKey } });
  } finally {
    await server.close();
    await kamen.close();
  }
}

const tag = (xml: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

test('uploads older than the expiry are aborted with their parts; orphaned blobs go, referenced ones stay', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-s3-sweep-'));
  try {
    await withKamen(async ({ kamen, server, root, clock }) => {
      const call = (r: Parameters<typeof s3Call>[2]) => s3Call(server.port, root, { nowMs: clock.now(), ...r });
      assert.equal((await call({ method: 'PUT', path: '/sweep-bucket' })).status, 200);
      assert.equal((await call({ method: 'PUT', path: '/sweep-bucket/kept', body: 'kept' })).status, 200);
      const uploads: string[] = [];
      for (const key of ['a', 'b']) {
        const r = await call({ method: 'POST', path: `/sweep-bucket/${key}`, query: { uploads: '' } });
        const uploadId = tag(r.text, 'UploadId')!;
        uploads.push(uploadId);
        assert.equal((await call({ method: 'PUT', path: `/sweep-bucket/${key}`, query: { partNumber: '1', uploadId }, body: `part of ${key}` })).status, 200);
      }
      // a blob a crash left unreferenced (committed, never recorded)
      const orphan = randomBytes(16).toString('hex');
      fs.mkdirSync(path.join(dataDir, 'objects', orphan.slice(0, 2)), { recursive: true });
      fs.writeFileSync(path.join(dataDir, 'objects', orphan.slice(0, 2), orphan), 'orphan');
      assert.equal(blobFiles(dataDir).length, 4);

      // Within the grace period nothing goes.
      assert.deepEqual(await kamen.sweepS3(), { abortedUploads: 0, deletedParts: 0, orphanBlobs: 0 });
      clock.advance(3 * DAY);
      assert.deepEqual(await kamen.sweepS3(), { abortedUploads: 0, deletedParts: 0, orphanBlobs: 1 });
      assert.equal(blobFiles(dataDir).includes(orphan), false);
      assert.equal(blobFiles(dataDir).length, 3, 'the object and both parts are referenced');

      clock.advance(4 * DAY + 1);
      assert.deepEqual(await kamen.sweepS3(), { abortedUploads: 2, deletedParts: 2, orphanBlobs: 0 });
      assert.equal(blobFiles(dataDir).length, 1);
      const listed = await call({ method: 'GET', path: '/sweep-bucket', query: { uploads: '' } });
      assert.doesNotMatch(listed.text, /<Upload>/);
      const late = await call({ method: 'PUT', path: '/sweep-bucket/a', query: { partNumber: '2', uploadId: uploads[0]! }, body: 'too late' });
      assert.equal(late.status, 404, 'an aborted upload takes no more parts');
      assert.equal(blobFiles(dataDir).length, 1);
      assert.equal((await call({ method: 'GET', path: '/sweep-bucket/kept' })).text, 'kept');
    }, dataDir);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('Complete and Abort leave no part blob; a restart after a crash mid-upload leaves no temporary file or partial object', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-s3-sweep-'));
  try {
    await withKamen(async ({ server, root, clock }) => {
      const call = (r: Parameters<typeof s3Call>[2]) => s3Call(server.port, root, { nowMs: clock.now(), ...r });
      assert.equal((await call({ method: 'PUT', path: '/crash-bucket' })).status, 200);
      const start = async (key: string) => tag((await call({ method: 'POST', path: `/crash-bucket/${key}`, query: { uploads: '' } })).text, 'UploadId')!;
      const done = await start('done');
      const etags: string[] = [];
      for (const [n, body] of [[1, Buffer.alloc(5 * MiB, 1)], [2, Buffer.from('tail')]] as const) {
        const r = await call({ method: 'PUT', path: '/crash-bucket/done', query: { partNumber: String(n), uploadId: done }, body });
        etags.push(String(r.headers['etag']));
      }
      // re-uploading a part replaces its blob
      etags[1] = String((await call({ method: 'PUT', path: '/crash-bucket/done', query: { partNumber: '2', uploadId: done }, body: 'tail!' })).headers['etag']);
      assert.equal(blobFiles(dataDir).length, 2);
      const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
      assert.equal((await call({ method: 'POST', path: '/crash-bucket/done', query: { uploadId: done }, body: xml })).status, 200);
      assert.equal(blobFiles(dataDir).length, 1, 'only the object remains after Complete');
      const aborted = await start('aborted');
      await call({ method: 'PUT', path: '/crash-bucket/aborted', query: { partNumber: '1', uploadId: aborted }, body: 'x' });
      assert.equal(blobFiles(dataDir).length, 2);
      assert.equal((await call({ method: 'DELETE', path: '/crash-bucket/aborted', query: { uploadId: aborted } })).status, 204);
      assert.equal(blobFiles(dataDir).length, 1, 'Abort removed the part blob');
    }, dataDir);
    // A crash mid-upload: the temporary file of a write that never finished.
    fs.writeFileSync(path.join(dataDir, 'objects', 'tmp', randomBytes(16).toString('hex')), 'half an object');
    await withKamen(async ({ server, root, clock }) => {
      assert.deepEqual(fs.readdirSync(path.join(dataDir, 'objects', 'tmp')), [], 'the restart removed the temporary file');
      const list = await s3Call(server.port, root, { method: 'GET', path: '/crash-bucket', query: { 'list-type': '2' }, nowMs: clock.now() });
      assert.deepEqual([...list.text.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]), ['done']);
      assert.equal(blobFiles(dataDir).length, 1);
    }, dataDir);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

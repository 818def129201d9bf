/**
 * S3 pages: the bucket list (ListBuckets, CreateBucket, DeleteBucket), a bucket's objects one prefix level at a time
 * (ListObjectsV2 with delimiter "/"), streamed upload and download (PutObject, GetObject), DeleteObject and the bucket
 * policy (Get/Put/DeleteBucketPolicy), each a real S3 request signed as the session's current identity.
 */
import { pipeline as pipe } from 'node:stream/promises';
import { ConsoleError, str, type ConsoleDeps, type Route, type RouteContext } from '../http.js';
import type { S3Answer, S3Request } from '../s3-client.js';
import { readText, s3Error } from '../s3-client.js';
import { child, type XmlNode } from '../xml-read.js';

/** The text of each child element called `name`. */
function texts(node: XmlNode | null | undefined, name: string): XmlNode[] {
  return node?.children.filter((c) => c.name === name) ?? [];
}

function text(node: XmlNode | undefined, name: string): string | undefined {
  return child(node, name)?.text;
}

/** The bucket named in the path (a name never holds a slash: an encoded one would address an object instead). */
function bucketParam(ctx: RouteContext): string {
  const bucket = ctx.params['bucket']!;
  if (bucket.includes('/')) throw new ConsoleError(400, 'InvalidBucketName', 'The specified bucket is not valid.');
  return bucket;
}

function keyParam(ctx: RouteContext): string {
  const key = ctx.query.get('key');
  if (!key) throw new ConsoleError(400, 'ValidationError', 'key is required');
  return key;
}

/** A file name for Content-Disposition: the key's last segment, quoted ASCII plus the RFC 5987 UTF-8 form. */
export function contentDisposition(key: string): string {
  const base = key.slice(key.lastIndexOf('/') + 1) || 'download';
  const ascii = base.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const utf8 = encodeURIComponent(base).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

/** The S3 routes. */
export function s3Routes(_deps: ConsoleDeps): Route[] {
  const r = (method: Route['method'], path: string, handler: Route['handler'], stream?: true): Route => ({ method, path, auth: true, handler, ...(stream ? { stream } : {}) });
  const call = (ctx: RouteContext, req: S3Request): Promise<XmlNode | null> => ctx.s3(req);
  return [
    r('GET', '/s3/buckets', async (ctx) => {
      const doc = await call(ctx, { method: 'GET' });
      const buckets = texts(child(doc ?? undefined, 'Buckets'), 'Bucket').map((b) => ({ name: text(b, 'Name') ?? '', creationDate: text(b, 'CreationDate') ?? '', region: text(b, 'BucketRegion') ?? null }));
      return { buckets };
    }),
    r('POST', '/s3/buckets', async (ctx) => {
      const name = str(ctx.body, 'name', { max: 255 });
      if (name.includes('/')) throw new ConsoleError(400, 'InvalidBucketName', 'The specified bucket is not valid.');
      const region = str(ctx.body, 'region', { optional: true, max: 64 });
      const body = region && region !== 'us-east-1' ? `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${region.replace(/[^a-z0-9-]/g, '')}</LocationConstraint></CreateBucketConfiguration>` : undefined;
      await call(ctx, { method: 'PUT', bucket: name, ...(body ? { body } : {}) });
      return { status: 'ok', name };
    }),
    r('DELETE', '/s3/buckets/:bucket', async (ctx) => {
      await call(ctx, { method: 'DELETE', bucket: bucketParam(ctx) });
      return { status: 'ok' };
    }),
    r('GET', '/s3/buckets/:bucket/objects', async (ctx) => {
      const prefix = ctx.query.get('prefix') ?? '';
      const token = ctx.query.get('token') ?? undefined;
      const doc = await call(ctx, { method: 'GET', bucket: bucketParam(ctx), query: { 'list-type': '2', delimiter: '/', prefix: prefix || undefined, 'continuation-token': token } });
      const objects = texts(doc, 'Contents').map((c) => ({ key: text(c, 'Key') ?? '', size: Number(text(c, 'Size') ?? 0), lastModified: text(c, 'LastModified') ?? '', etag: text(c, 'ETag') ?? '', storageClass: text(c, 'StorageClass') ?? 'STANDARD' }));
      const prefixes = texts(doc, 'CommonPrefixes').map((p) => text(p, 'Prefix') ?? '');
      return { bucket: bucketParam(ctx), prefix, prefixes, objects, nextToken: text(doc ?? undefined, 'NextContinuationToken') ?? null };
    }),
    r(
      'PUT',
      '/s3/buckets/:bucket/object',
      async (ctx) => {
        const key = keyParam(ctx);
        const raw = ctx.raw!;
        const length = raw.req.headers['content-length'];
        if (length === undefined || !/^\d+$/.test(length)) throw new ConsoleError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
        const type = String(raw.req.headers['content-type'] ?? '');
        const headers: Record<string, string> = type && type !== 'application/octet-stream' && /^[\w.+-]+\/[\w.+-]+$/.test(type) ? { 'content-type': type } : {};
        await call(ctx, { method: 'PUT', bucket: bucketParam(ctx), key, headers, stream: { body: raw.req, length: Number(length) } });
        return { status: 'ok', key };
      },
      true,
    ),
    r(
      'GET',
      '/s3/buckets/:bucket/object',
      async (ctx) => {
        const key = keyParam(ctx);
        const answer: S3Answer = await ctx.s3Raw({ method: 'GET', bucket: bucketParam(ctx), key });
        if (answer.status !== 200) {
          const err = await s3Error(answer);
          throw new ConsoleError(answer.status, err.code, err.message);
        }
        // `check=1`: only whether the download would be allowed (the page asks first, so a refusal shows AWS's message).
        if (ctx.query.get('check') === '1') {
          answer.body.destroy();
          return { status: 'ok', size: Number(answer.headers['content-length'] ?? 0) };
        }
        const { res, headers } = ctx.raw!;
        const out: Record<string, string> = { ...headers, 'content-type': 'application/octet-stream', 'content-disposition': contentDisposition(key), 'cache-control': 'no-store' };
        const len = answer.headers['content-length'];
        if (len) out['content-length'] = len;
        res.writeHead(200, out);
        await pipe(answer.body, res);
        return undefined;
      },
      true,
    ),
    r('DELETE', '/s3/buckets/:bucket/object', async (ctx) => {
      await call(ctx, { method: 'DELETE', bucket: bucketParam(ctx), key: keyParam(ctx) });
      return { status: 'ok' };
    }),
    r('GET', '/s3/buckets/:bucket/policy', async (ctx) => {
      const answer = await ctx.s3Raw({ method: 'GET', bucket: bucketParam(ctx), query: { policy: '' } });
      if (answer.status === 200) return { policy: await readText(answer.body, 1024 * 1024) };
      const err = await s3Error(answer);
      if (err.code === 'NoSuchBucketPolicy') return { policy: null };
      throw new ConsoleError(answer.status, err.code, err.message);
    }),
    r('PUT', '/s3/buckets/:bucket/policy', async (ctx) => {
      await call(ctx, { method: 'PUT', bucket: bucketParam(ctx), query: { policy: '' }, body: str(ctx.body, 'document', { raw: true, max: 20 * 1024 }) });
      return { status: 'ok' };
    }),
    r('DELETE', '/s3/buckets/:bucket/policy', async (ctx) => {
      await call(ctx, { method: 'DELETE', bucket: bucketParam(ctx), query: { policy: '' } });
      return { status: 'ok' };
    }),
  ];
}

/**
 * The configuration a write stores with a new object (PutObject, CreateMultipartUpload, CopyObject): its ACL
 * (`x-amz-acl` and the grant headers, as Object Ownership allows) and its tags (`x-amz-tagging`; CopyObject copies the
 * source's unless `x-amz-tagging-directive: REPLACE`). Both are kept in the object's stored headers.
 */
import { KamenError } from '../../errors.js';
import type { S3Context } from './context.js';
import { OBJECT_ACL_HEADER, objectAclOnWrite } from './acl.js';
import { OBJECT_TAGS_HEADER, parseTaggingHeader, taggingHeader } from './tagging.js';

/** The stored headers a write adds for its ACL and tags (checked before any byte is read). */
export async function objectWriteHeaders(ctx: S3Context, input: Record<string, unknown>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const acl = await objectAclOnWrite(ctx, input);
  if (acl !== undefined) out[OBJECT_ACL_HEADER] = acl;
  if (typeof input['Tagging'] === 'string') {
    const tags = parseTaggingHeader(input['Tagging']);
    if (tags.length > 0) out[OBJECT_TAGS_HEADER] = taggingHeader(tags);
  }
  return out;
}

/** CopyObject's ACL and tag headers: the request's ACL; the source's tags (COPY, the default) or the request's (REPLACE). */
export async function copyWriteHeaders(ctx: S3Context, input: Record<string, unknown>, sourceHeaders: Record<string, string>): Promise<Record<string, string>> {
  const directive = input['TaggingDirective'];
  if (directive !== undefined && directive !== 'COPY' && directive !== 'REPLACE') {
    throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Unknown tagging directive.', { ArgumentName: 'x-amz-tagging-directive', ArgumentValue: String(directive) });
  }
  const replace = directive === 'REPLACE';
  const out = await objectWriteHeaders(ctx, replace ? input : { ...input, Tagging: undefined });
  const sourceTags = sourceHeaders[OBJECT_TAGS_HEADER];
  if (!replace && sourceTags !== undefined) out[OBJECT_TAGS_HEADER] = sourceTags;
  return out;
}

/** Stored headers without the ACL and tags (a copied object's system headers). */
export function withoutConfigHeaders(headers: Record<string, string>): Record<string, string> {
  const out = { ...headers };
  delete out[OBJECT_ACL_HEADER];
  delete out[OBJECT_TAGS_HEADER];
  return out;
}

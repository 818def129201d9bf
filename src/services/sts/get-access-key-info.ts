/** sts:GetAccessKeyInfo: the account an access key ID belongs to (looked up; else decoded from the key as AWS does). */
import { KamenError } from '../../errors.js';
import type { Operation } from '../types.js';
import { validationError } from './common.js';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The account ID AWS encodes in the characters after the 4-letter prefix of newer access key IDs. */
export function accountFromKeyId(keyId: string): string {
  const body = keyId.slice(4, 4 + 10); // 10 Base32 chars = 50 bits ≥ 48 needed
  let bits = 0n;
  for (const ch of body) bits = (bits << 5n) | BigInt(Math.max(0, B32.indexOf(ch)));
  const first6 = bits >> BigInt(body.length * 5 - 48);
  const acct = (first6 & 0x7fffffffff80n) >> 7n;
  return acct.toString().padStart(12, '0');
}

/** Builds the GetAccessKeyInfo operation. */
export function getAccessKeyInfo(): Operation {
  return async (ctx, input: Record<string, unknown>) => {
    const id = input['AccessKeyId'];
    if (typeof id !== 'string') throw new KamenError('ERR_VALIDATION', "1 validation error detected: Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null");
    if (id.length < 16) throw validationError(id, 'accessKeyId', 'Member must have length greater than or equal to 16');
    if (id.length > 128) throw validationError(id, 'accessKeyId', 'Member must have length less than or equal to 128');
    if (!/^\w+$/.test(id)) throw validationError(id, 'accessKeyId', 'Member must satisfy regular expression pattern: [\\w]*');
    const known = id.startsWith('ASIA') ? (await ctx.store.getTemporaryCredential(id))?.accountId : (await ctx.store.getAccessKey(id))?.accountId;
    return { Account: known ?? accountFromKeyId(id) };
  };
}

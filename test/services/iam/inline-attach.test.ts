import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ACCT, docs, env, msg, type Env } from './helpers.js';

const KINDS = [
  { Title: 'User', param: 'UserName', create: 'CreateUser', extra: {} },
  { Title: 'Group', param: 'GroupName', create: 'CreateGroup', extra: {} },
  { Title: 'Role', param: 'RoleName', create: 'CreateRole', extra: { AssumeRolePolicyDocument: docs['trust'] } },
] as const;

describe('IAM inline policies and attachments', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
  });
  afterEach(async () => {
    await e.close();
  });

  for (const k of KINDS) {
    it(`${k.Title}: put/get/list/delete inline policies, documents URL-encoded`, async () => {
      await e.call(k.create, { [k.param]: 'p1', ...k.extra });
      await e.call(`Put${k.Title}Policy`, { [k.param]: 'p1', PolicyName: 'b', PolicyDocument: docs['identityWithSpaces'] });
      await e.call(`Put${k.Title}Policy`, { [k.param]: 'p1', PolicyName: 'a', PolicyDocument: docs['identity'] });
      const got = await e.call(`Get${k.Title}Policy`, { [k.param]: 'p1', PolicyName: 'b' });
      assert.equal(got[k.param], 'p1');
      assert.equal(got.PolicyName, 'b');
      assert.equal(got.PolicyDocument, docs['identityEncodedWithSpaces']);
      assert.deepEqual((await e.call(`List${k.Title}Policies`, { [k.param]: 'p1' })).PolicyNames, ['a', 'b']);
      const page = await e.call(`List${k.Title}Policies`, { [k.param]: 'p1', MaxItems: 1 });
      assert.deepEqual(page.PolicyNames, ['a']);
      assert.equal(page.IsTruncated, true);
      assert.deepEqual((await e.call(`List${k.Title}Policies`, { [k.param]: 'p1', Marker: page.Marker })).PolicyNames, ['b']);
      // Put replaces.
      await e.call(`Put${k.Title}Policy`, { [k.param]: 'p1', PolicyName: 'b', PolicyDocument: docs['identity'] });
      assert.equal(decodeURIComponent((await e.call(`Get${k.Title}Policy`, { [k.param]: 'p1', PolicyName: 'b' })).PolicyDocument), docs['identity']);
      await e.call(`Delete${k.Title}Policy`, { [k.param]: 'p1', PolicyName: 'b' });
      const noPolicy = `no${k.Title}Policy`;
      await e.fails(`Get${k.Title}Policy`, { [k.param]: 'p1', PolicyName: 'b' }, 'ERR_NO_SUCH_ENTITY', msg(noPolicy, { name: 'b' }));
      await e.fails(`Delete${k.Title}Policy`, { [k.param]: 'p1', PolicyName: 'b' }, 'ERR_NO_SUCH_ENTITY', msg(noPolicy, { name: 'b' }));
      await e.fails(`Put${k.Title}Policy`, { [k.param]: 'p1', PolicyName: 'x', PolicyDocument: docs['notJson'] }, 'ERR_MALFORMED_POLICY_DOCUMENT');
      await e.fails(`Put${k.Title}Policy`, { [k.param]: 'ghost', PolicyName: 'x', PolicyDocument: docs['identity'] }, 'ERR_NO_SUCH_ENTITY');
    });

    it(`${k.Title}: attach/detach/list managed policies with the quota of 10`, async () => {
      await e.call(k.create, { [k.param]: 'p1', ...k.extra });
      const local = (await e.call('CreatePolicy', { PolicyName: 'Local', PolicyDocument: docs['identity'] })).Policy.Arn;
      await e.call(`Attach${k.Title}Policy`, { [k.param]: 'p1', PolicyArn: local });
      await e.call(`Attach${k.Title}Policy`, { [k.param]: 'p1', PolicyArn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' });
      await e.call(`Attach${k.Title}Policy`, { [k.param]: 'p1', PolicyArn: local }); // idempotent
      const list = (await e.call(`ListAttached${k.Title}Policies`, { [k.param]: 'p1' })).AttachedPolicies;
      assert.deepEqual(list, [
        { PolicyName: 'Local', PolicyArn: local },
        { PolicyName: 'ViewOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' },
      ]);
      assert.deepEqual((await e.call(`ListAttached${k.Title}Policies`, { [k.param]: 'p1', PathPrefix: '/job-function/' })).AttachedPolicies.length, 1);
      const bad = 'arn:aws:iam::aws:policy/Foo';
      await e.fails(`Attach${k.Title}Policy`, { [k.param]: 'p1', PolicyArn: bad }, 'ERR_NO_SUCH_ENTITY', msg('notAttachable', { arn: bad }));
      const foreign = 'arn:aws:iam::999999999999:policy/Local';
      await e.fails(`Attach${k.Title}Policy`, { [k.param]: 'p1', PolicyArn: foreign }, 'ERR_NO_SUCH_ENTITY', msg('notAttachable', { arn: foreign }));
      const more = ['ReadOnlyAccess', 'PowerUserAccess', 'IAMFullAccess', 'AmazonEC2ReadOnlyAccess', 'AmazonS3ReadOnlyAccess', 'AdministratorAccess', 'AmazonS3FullAccess', 'AmazonEC2FullAccess'];
      for (const n of more) await e.call(`Attach${k.Title}Policy`, { [k.param]: 'p1', PolicyArn: `arn:aws:iam::aws:policy/${n}` });
      const over = 'arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess';
      await e.fails(`Attach${k.Title}Policy`, { [k.param]: 'p1', PolicyArn: over }, 'ERR_LIMIT_EXCEEDED', `Cannot exceed quota for PoliciesPer${k.Title}: 10`);
      await e.call(`Detach${k.Title}Policy`, { [k.param]: 'p1', PolicyArn: local });
      await e.fails(`Detach${k.Title}Policy`, { [k.param]: 'p1', PolicyArn: local }, 'ERR_NO_SUCH_ENTITY');
      assert.equal((await e.call(`ListAttached${k.Title}Policies`, { [k.param]: 'p1' })).AttachedPolicies.length, 9);
      assert.equal((await e.call('GetPolicy', { PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })).Policy.AttachmentCount, 1);
    });
  }

  it('the quota message vectors match the generated ones', () => {
    assert.equal(msg('rolePolicyQuota'), 'Cannot exceed quota for PoliciesPerRole: 10');
    assert.equal(msg('userPolicyQuota'), 'Cannot exceed quota for PoliciesPerUser: 10');
  });

  it('limits the aggregate size of a user\'s inline policies', async () => {
    await e.call('CreateUser', { UserName: 'big' });
    const stmt = (i: number) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-${'x'.repeat(40)}-${i}/*` });
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 12 }, (_, i) => stmt(i)) });
    assert.ok(doc.length > 1024 && doc.length < 2048);
    await e.call('PutUserPolicy', { UserName: 'big', PolicyName: 'one', PolicyDocument: doc });
    await e.fails('PutUserPolicy', { UserName: 'big', PolicyName: 'two', PolicyDocument: doc }, 'ERR_LIMIT_EXCEEDED', 'Maximum policy size of 2048 bytes exceeded for user big');
    // Replacing the same policy counts only once.
    await e.call('PutUserPolicy', { UserName: 'big', PolicyName: 'one', PolicyDocument: doc });
    assert.equal(ACCT.length, 12);
  });
});

/** authorizeOperation: IAM/EC2/Organizations denials with AWS's texts, groups, boundaries, explicit denies, SCPs, root. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKamenError, type KamenError } from '../../src/errors.js';
import { MGMT, addAccount, addUser, allow, callerFor, deny, inline, managed, newWorld } from './world.js';
import { harness } from './setup.js';

const MEMBER = '555555555555';

function denied(check: (e: KamenError) => void) {
  return (e: unknown) => {
    assert.ok(isKamenError(e), String(e));
    check(e);
    return true;
  };
}

test('IAM: no identity-based policy allows → AWS\'s exact AccessDenied text', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const u = await callerFor(w, await addUser(w, MGMT, 'testuser'));
    await assert.rejects(
      h.call(u, 'iam', 'CreateUser', { UserName: 'x' }),
      denied((e) => {
        assert.equal(e.code, 'ERR_ACCESS_DENIED');
        assert.equal(e.message, `User: arn:aws:iam::${MGMT}:user/testuser is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${MGMT}:user/x because no identity-based policy allows the iam:CreateUser action`);
      }),
    );
    await assert.rejects(h.call(u, 'iam', 'ListRoles', {}), denied((e) => assert.equal(e.message, `User: arn:aws:iam::${MGMT}:user/testuser is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${MGMT}:role/ because no identity-based policy allows the iam:ListRoles action`)));
  } finally {
    await w.close();
  }
});

test('policies from the user, its groups, customer and AWS managed policies all count', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const u = await callerFor(w, await addUser(w, MGMT, 'dev'));
    await w.store.createGroup({ accountId: MGMT, groupId: 'AGPAEXAMPLE0000000001', groupName: 'devs', path: '/', arn: `arn:aws:iam::${MGMT}:group/devs`, createDate: new Date(0) });
    await w.store.addUserToGroup(MGMT, 'devs', 'dev');
    await assert.rejects(h.call(u, 'iam', 'CreateGroup', { GroupName: 'g' }));
    await inline(w, MGMT, 'group', 'devs', allow('iam:CreateGroup'));
    await h.call(u, 'iam', 'CreateGroup', { GroupName: 'g' });
    const arn = await managed(w, MGMT, 'roles', allow('iam:CreateRole'));
    await assert.rejects(h.call(u, 'iam', 'CreateRole', { RoleName: 'r' }));
    await w.store.attachPolicy({ accountId: MGMT, kind: 'group', principalName: 'devs', policyArn: arn });
    await h.call(u, 'iam', 'CreateRole', { RoleName: 'r' });
    await assert.rejects(h.call(u, 'ec2', 'DescribeVpcs'));
    await w.store.attachPolicy({ accountId: MGMT, kind: 'user', principalName: 'dev', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyLite' });
    await h.call(u, 'ec2', 'DescribeVpcs');
    await h.call(u, 'iam', 'ListUsers');
  } finally {
    await w.close();
  }
});

test('explicit deny on aws:SourceIp; permissions boundary caps the identity policies', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const u = await callerFor(w, await addUser(w, MGMT, 'ip-user'));
    await w.store.attachPolicy({ accountId: MGMT, kind: 'user', principalName: 'ip-user', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyLite' });
    await inline(w, MGMT, 'user', 'ip-user', deny('*', '*', { NotIpAddress: { 'aws:SourceIp': ['203.0.113.5/32'] } }));
    await assert.rejects(h.call(u, 'iam', 'ListUsers', {}, { sourceIp: '198.51.100.7' }), denied((e) => assert.equal(e.message, `User: arn:aws:iam::${MGMT}:user/ip-user is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${MGMT}:user/ with an explicit deny in an identity-based policy`)));
    await h.call(u, 'iam', 'ListUsers', {}, { sourceIp: '203.0.113.5' });
    await h.call(u, 'iam', 'ListUsers', {}, { sourceIp: '::ffff:203.0.113.5' });

    const boundary = await managed(w, MGMT, 'boundary', allow('iam:List*'));
    const b = await callerFor(w, await addUser(w, MGMT, 'bounded', { boundaryArn: boundary }));
    await w.store.attachPolicy({ accountId: MGMT, kind: 'user', principalName: 'bounded', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    await h.call(b, 'iam', 'ListUsers');
    await assert.rejects(h.call(b, 'iam', 'CreateUser', { UserName: 'z' }), denied((e) => assert.match(e.message, /permissions boundary/)));
  } finally {
    await w.close();
  }
});

test('EC2: UnauthorizedOperation text with an encoded message that decodes to AWS\'s JSON', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const key = await addUser(w, MGMT, 'testuser');
    const u = await callerFor(w, key);
    let encoded = '';
    await assert.rejects(
      h.call(u, 'ec2', 'DescribeInstanceTypes', {}, { region: 'ap-northeast-1' }),
      denied((e) => {
        assert.equal(e.code, 'ERR_ACCESS_DENIED');
        encoded = e.extra?.['encodedMessage'] ?? '';
        assert.ok(encoded.length > 50);
        assert.equal(e.message, `You are not authorized to perform this operation. User: arn:aws:iam::${MGMT}:user/testuser is not authorized to perform: ec2:DescribeInstanceTypes because no identity-based policy allows the ec2:DescribeInstanceTypes action. Encoded authorization failure message: ${encoded}`);
      }),
    );
    // decoding needs sts:DecodeAuthorizationMessage
    await assert.rejects(h.call(u, 'sts', 'DecodeAuthorizationMessage', { EncodedMessage: encoded }), denied((e) => assert.equal(e.code, 'ERR_ACCESS_DENIED')));
    const root = await callerFor(w, (await w.store.listAccessKeys(MGMT, undefined))[0]!);
    const out = await h.call(root, 'sts', 'DecodeAuthorizationMessage', { EncodedMessage: encoded });
    const msg = JSON.parse(out.DecodedMessage);
    assert.equal(msg.allowed, false);
    assert.equal(msg.explicitDeny, false);
    assert.deepEqual(msg.matchedStatements, { items: [] });
    assert.deepEqual(msg.context.principal, { id: key.userId, name: 'testuser', arn: `arn:aws:iam::${MGMT}:user/testuser` });
    assert.equal(msg.context.action, 'ec2:DescribeInstanceTypes');
    assert.equal(msg.context.resource, '');
    const region = msg.context.conditions.items.find((i: { key: string }) => i.key === 'aws:Region');
    assert.deepEqual(region, { key: 'aws:Region', values: { items: [{ value: 'ap-northeast-1' }] } });
    await assert.rejects(h.call(root, 'sts', 'DecodeAuthorizationMessage', { EncodedMessage: encoded.slice(0, -3) + 'AAA' }), denied((e) => assert.equal(e.code, 'ERR_INVALID_AUTHORIZATION_MESSAGE')));
    // an explicit deny is named, and the decoded message says so
    await inline(w, MGMT, 'user', 'testuser', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }, { Sid: 'NoVpcs', Effect: 'Deny', Action: 'ec2:DescribeVpcs', Resource: '*' }] }));
    await h.call(u, 'ec2', 'DescribeInstanceTypes');
    let denyEncoded = '';
    await assert.rejects(h.call(u, 'ec2', 'DescribeVpcs'), denied((e) => {
      denyEncoded = e.extra?.['encodedMessage'] ?? '';
      assert.ok(e.message.startsWith(`You are not authorized to perform this operation. User: arn:aws:iam::${MGMT}:user/testuser is not authorized to perform: ec2:DescribeVpcs with an explicit deny in an identity-based policy. Encoded authorization failure message: `));
    }));
    const denyMsg = JSON.parse((await h.call(root, 'sts', 'DecodeAuthorizationMessage', { EncodedMessage: denyEncoded })).DecodedMessage);
    assert.equal(denyMsg.explicitDeny, true);
    assert.equal(denyMsg.matchedStatements.items[0].statementId, 'NoVpcs');
    // another account's principal cannot decode it
    const other = await callerFor(w, await addAccount(w, MEMBER));
    await assert.rejects(h.call(other, 'sts', 'DecodeAuthorizationMessage', { EncodedMessage: encoded }), denied((e) => assert.equal(e.code, 'ERR_INVALID_AUTHORIZATION_MESSAGE')));
  } finally {
    await w.close();
  }
});

test('Organizations denial is AccessDeniedException; member accounts cannot manage the organization', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const memberRoot = await callerFor(w, await addAccount(w, MEMBER));
    await assert.rejects(h.call(memberRoot, 'organizations', 'ListAccounts'), denied((e) => assert.equal(e.code, 'ERR_ORG_ACCESS_DENIED')));
    await h.call(memberRoot, 'organizations', 'DescribeOrganization');
    const mgmtRoot = await callerFor(w, (await w.store.listAccessKeys(MGMT, undefined))[0]!);
    await h.call(mgmtRoot, 'organizations', 'ListAccounts');
    const u = await callerFor(w, await addUser(w, MGMT, 'o'));
    await assert.rejects(h.call(u, 'organizations', 'ListAccounts'), denied((e) => {
      assert.equal(e.code, 'ERR_ORG_ACCESS_DENIED');
      assert.equal(e.message, "You don't have permissions to access this resource.");
    }));
  } finally {
    await w.close();
  }
});

test('SCPs restrict member accounts (root included), never the management account', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const memberKey = await addAccount(w, MEMBER);
    const full = { id: 'p-FullAWSAccess', arn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess', name: 'FullAWSAccess', description: '', type: 'SERVICE_CONTROL_POLICY' as const, awsManaged: true, content: allow('*') };
    const noIam = { id: 'p-noiam001', arn: `arn:aws:organizations::${MGMT}:policy/${w.orgId}/service_control_policy/p-noiam001`, name: 'no-iam-users', description: '', type: 'SERVICE_CONTROL_POLICY' as const, awsManaged: false, content: deny('iam:CreateUser') };
    await w.store.putOrgPolicy(full);
    await w.store.putOrgPolicy(noIam);
    for (const t of [w.rootId, MGMT, MEMBER]) await w.store.attachOrgPolicy(full.id, t);
    await w.store.attachOrgPolicy(noIam.id, w.rootId);
    const memberRoot = await callerFor(w, memberKey);
    await h.call(memberRoot, 'iam', 'ListUsers');
    await assert.rejects(h.call(memberRoot, 'iam', 'CreateUser', { UserName: 'x' }), denied((e) => assert.equal(e.message, `User: arn:aws:iam::${MEMBER}:root is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${MEMBER}:user/x with an explicit deny in a service control policy`)));
    const mgmtRoot = await callerFor(w, (await w.store.listAccessKeys(MGMT, undefined))[0]!);
    await h.call(mgmtRoot, 'iam', 'CreateUser', { UserName: 'x' });
    const admin = await addUser(w, MGMT, 'admin');
    await w.store.attachPolicy({ accountId: MGMT, kind: 'user', principalName: 'admin', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    await h.call(await callerFor(w, admin), 'iam', 'CreateUser', { UserName: 'y' });
    // an SCP chain without an allow at the account level denies implicitly
    await w.store.detachOrgPolicy(full.id, MEMBER);
    const only = { ...noIam, id: 'p-onlyec2', arn: noIam.arn.replace('p-noiam001', 'p-onlyec2'), content: allow('ec2:*') };
    await w.store.putOrgPolicy(only);
    await w.store.attachOrgPolicy(only.id, MEMBER);
    await h.call(memberRoot, 'ec2', 'DescribeVpcs');
    await assert.rejects(h.call(memberRoot, 'iam', 'ListUsers'), denied((e) => assert.match(e.message, /service control policy/)));
  } finally {
    await w.close();
  }
});

test('GetCallerIdentity and GetSessionToken are never denied; AssumeRole is decided inside the operation', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const u = await callerFor(w, await addUser(w, MGMT, 'nobody'));
    await inline(w, MGMT, 'user', 'nobody', deny('*'));
    await h.authz.authorizeOperation(h.ctx(u), 'sts', 'GetCallerIdentity', {});
    await h.authz.authorizeOperation(h.ctx(u), 'sts', 'GetSessionToken', {});
    await h.authz.authorizeOperation(h.ctx(u), 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${MGMT}:role/x`, RoleSessionName: 's' });
    await assert.rejects(h.authz.authorizeOperation(h.ctx(u), 'sts', 'GetAccessKeyInfo', { AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }));
  } finally {
    await w.close();
  }
});

test('aws:PrincipalOrgID and aws:PrincipalOrgPaths come from the organization', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    await w.store.putOrganizationalUnit({ id: 'ou-ab12-11111111', arn: `arn:aws:organizations::${MGMT}:ou/${w.orgId}/ou-ab12-11111111`, name: 'dev', parentId: w.rootId });
    await addAccount(w, MEMBER, 'ou-ab12-11111111');
    const u = await callerFor(w, await addUser(w, MEMBER, 'orgy'));
    await inline(w, MEMBER, 'user', 'orgy', allow('iam:ListUsers', '*', { StringEquals: { 'aws:PrincipalOrgID': w.orgId } }));
    await inline(w, MEMBER, 'user', 'orgy', allow('iam:ListRoles', '*', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`${w.orgId}/${w.rootId}/ou-ab12-11111111/*`] } }));
    await inline(w, MEMBER, 'user', 'orgy', allow('iam:ListGroups', '*', { StringEquals: { 'aws:PrincipalOrgID': 'o-otherorg00' } }));
    await h.call(u, 'iam', 'ListUsers');
    await h.call(u, 'iam', 'ListRoles');
    await assert.rejects(h.call(u, 'iam', 'ListGroups'), denied((e) => assert.equal(e.code, 'ERR_ACCESS_DENIED')));
  } finally {
    await w.close();
  }
});

test('aws:ResourceTag / iam:ResourceTag of the IAM user or role an operation names', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const u = await callerFor(w, await addUser(w, MGMT, 'abac'));
    await addUser(w, MGMT, 'red-one', { tags: [{ Key: 'team', Value: 'red' }] });
    await addUser(w, MGMT, 'blue-one', { tags: [{ Key: 'team', Value: 'blue' }] });
    await inline(w, MGMT, 'user', 'abac', allow('iam:GetUser', '*', { StringEquals: { 'aws:ResourceTag/team': 'red' } }));
    await inline(w, MGMT, 'user', 'abac', allow('iam:ListUserTags', '*', { StringEquals: { 'iam:ResourceTag/team': 'blue' } }));
    await h.call(u, 'iam', 'GetUser', { UserName: 'red-one' });
    await assert.rejects(h.call(u, 'iam', 'GetUser', { UserName: 'blue-one' }), denied((e) => assert.equal(e.code, 'ERR_ACCESS_DENIED')));
    await h.call(u, 'iam', 'ListUserTags', { UserName: 'blue-one' });
    await assert.rejects(h.call(u, 'iam', 'ListUserTags', { UserName: 'red-one' }), denied((e) => assert.equal(e.code, 'ERR_ACCESS_DENIED')));
  } finally {
    await w.close();
  }
});

test('the named entity\'s path and tags (resource ARN, aws:ResourceTag) follow IAM writes at once', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const admin = await callerFor(w, await addUser(w, MGMT, 'admin'));
    // may tag only users under /team/ that carry team=red
    await inline(w, MGMT, 'user', 'admin', allow('iam:TagUser', `arn:aws:iam::${MGMT}:user/team/*`, { StringEquals: { 'aws:ResourceTag/team': 'red' } }));
    await addUser(w, MGMT, 'target', { path: '/team/', tags: [{ Key: 'team', Value: 'red' }] });
    await h.call(admin, 'iam', 'TagUser', { UserName: 'target', Tags: [] });
    await w.store.updateUser(MGMT, 'target', { tags: [{ Key: 'team', Value: 'blue' }] });
    await assert.rejects(h.call(admin, 'iam', 'TagUser', { UserName: 'target', Tags: [] }), denied((e) => assert.equal(e.code, 'ERR_ACCESS_DENIED')));
    await w.store.updateUser(MGMT, 'target', { tags: [{ Key: 'team', Value: 'red' }] });
    await h.call(admin, 'iam', 'TagUser', { UserName: 'TARGET', Tags: [] });
    await w.store.updateUser(MGMT, 'target', { path: '/other/', arn: `arn:aws:iam::${MGMT}:user/other/target` });
    await assert.rejects(
      h.call(admin, 'iam', 'TagUser', { UserName: 'target', Tags: [] }),
      denied((e) => assert.match(e.message, new RegExp(`on resource: arn:aws:iam::${MGMT}:user/other/target `))),
    );
  } finally {
    await w.close();
  }
});

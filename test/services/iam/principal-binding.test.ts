/** Trust-policy principals resolved and bound by unique ID when saved; deletes and renames rewrite the stored policies. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrations } from '../../../src/store/migrations/index.js';
import { readVectors } from '../../helpers/paths.js';
import { ACCT, env, rootCaller, type Env } from './helpers.js';

const OTHER = '999988887777'; // an account kamen does not hold
const SECOND = '210987654321'; // a second account kamen holds (it has a user)

interface Case {
  name: string;
  aws: string | string[];
  stored?: string | string[];
  error?: string;
}
const vectors = readVectors<{ accepted: Case[]; rejected: Case[] }>('iam', 'trust-principals.json');

const fill = <T>(v: T): T => JSON.parse(JSON.stringify(v).replaceAll('{acct}', ACCT).replaceAll('{other}', OTHER)) as T;
const trust = (aws: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole' }] });
/** The AWS principal(s) of a role's stored trust policy, as GetRole shows it. */
async function shownPrincipal(e: Env, roleName: string): Promise<unknown> {
  const doc = JSON.parse(decodeURIComponent((await e.call('GetRole', { RoleName: roleName })).Role.AssumeRolePolicyDocument));
  return doc.Statement[0].Principal.AWS;
}

async function world(): Promise<Env & { aliceId: string; deployerId: string }> {
  const e = await env();
  const alice = (await e.call('CreateUser', { UserName: 'alice', Path: '/team/' })).User;
  const deployer = (await e.call('CreateRole', { RoleName: 'deployer', AssumeRolePolicyDocument: trust(ACCT) })).Role;
  return Object.assign(e, { aliceId: alice.UserId as string, deployerId: deployer.RoleId as string });
}

describe('trust principals are resolved when the policy is saved', () => {
  for (const c of vectors.accepted.map(fill)) {
    it(`accepted: ${c.name}`, async () => {
      const e = await world();
      const created = (await e.call('CreateRole', { RoleName: 'r1', AssumeRolePolicyDocument: trust(c.aws) })).Role;
      assert.deepEqual(JSON.parse(decodeURIComponent(created.AssumeRolePolicyDocument)).Statement[0].Principal.AWS, c.stored);
      assert.deepEqual(await shownPrincipal(e, 'r1'), c.stored);
      await e.call('UpdateAssumeRolePolicy', { RoleName: 'deployer', PolicyDocument: trust(c.aws) });
      assert.deepEqual(await shownPrincipal(e, 'deployer'), c.stored);
      await e.close();
    });
  }
  for (const c of vectors.rejected.map(fill)) {
    it(`rejected: ${c.name}`, async () => {
      const e = await world();
      await e.fails('CreateRole', { RoleName: 'r1', AssumeRolePolicyDocument: trust(c.aws) }, 'ERR_MALFORMED_POLICY_DOCUMENT', c.error);
      await e.fails('GetRole', { RoleName: 'r1' }, 'ERR_NO_SUCH_ENTITY');
      const before = await shownPrincipal(e, 'deployer');
      await e.fails('UpdateAssumeRolePolicy', { RoleName: 'deployer', PolicyDocument: trust(c.aws) }, 'ERR_MALFORMED_POLICY_DOCUMENT', c.error);
      assert.deepEqual(await shownPrincipal(e, 'deployer'), before);
      await e.close();
    });
  }

  it('a role cannot name itself before it exists, but can once it does', async () => {
    const e = await world();
    const self = `arn:aws:iam::${ACCT}:role/selfish`;
    await e.fails('CreateRole', { RoleName: 'selfish', AssumeRolePolicyDocument: trust(self) }, 'ERR_MALFORMED_POLICY_DOCUMENT', `Invalid principal in policy: "AWS":"${self}"`);
    await e.call('CreateRole', { RoleName: 'selfish', AssumeRolePolicyDocument: trust(ACCT) });
    await e.call('UpdateAssumeRolePolicy', { RoleName: 'selfish', PolicyDocument: trust(self) });
    assert.equal(await shownPrincipal(e, 'selfish'), self);
    await e.close();
  });

  it('principals in another account kamen holds are checked the same way', async () => {
    const e = await world();
    const bob = (await e.call('CreateUser', { UserName: 'bob' }, rootCaller(SECOND))).User;
    await e.call('CreateRole', { RoleName: 'x', AssumeRolePolicyDocument: trust(bob.Arn) });
    const ghost = `arn:aws:iam::${SECOND}:user/ghost`;
    await e.fails('CreateRole', { RoleName: 'y', AssumeRolePolicyDocument: trust(ghost) }, 'ERR_MALFORMED_POLICY_DOCUMENT', `Invalid principal in policy: "AWS":"${ghost}"`);
    // Deleting the user in its own account rewrites the policy of the role in this one.
    await e.call('DeleteUser', { UserName: 'bob' }, rootCaller(SECOND));
    assert.equal(await shownPrincipal(e, 'x'), bob.UserId);
    await e.close();
  });

  it('everything but the rewritten principals is kept byte for byte', async () => {
    const e = await world();
    const text = `{\n  "Version" : "2012-10-17",\n  "Statement" : [ {\n    "Effect":"Allow",\n    "Principal" : { "AWS" : [ "${ACCT}" , "arn:aws:iam::${ACCT}:user/team/alice" ] },\n    "Action" : "sts:AssumeRole" } ]\n}`;
    const created = (await e.call('CreateRole', { RoleName: 'fmt', AssumeRolePolicyDocument: text })).Role;
    assert.equal(decodeURIComponent(created.AssumeRolePolicyDocument), text.replace(`"${ACCT}"`, `"arn:aws:iam::${ACCT}:root"`));
    await e.call('DeleteUser', { UserName: 'alice' });
    const shown = decodeURIComponent((await e.call('GetRole', { RoleName: 'fmt' })).Role.AssumeRolePolicyDocument);
    assert.equal(shown, text.replace(`"${ACCT}"`, `"arn:aws:iam::${ACCT}:root"`).replace(`arn:aws:iam::${ACCT}:user/team/alice`, e.aliceId));
    await e.close();
  });
});

describe('deleting or renaming a named identity rewrites the stored trust policies', () => {
  it('a deleted user shows as its unique ID in GetRole, ListRoles and GetAccountAuthorizationDetails; a new user of the name is not restored', async () => {
    const e = await world();
    const arn = `arn:aws:iam::${ACCT}:user/team/alice`;
    await e.call('CreateRole', { RoleName: 'app', AssumeRolePolicyDocument: trust(arn) });
    await e.call('DeleteUser', { UserName: 'alice' });
    assert.equal(await shownPrincipal(e, 'app'), e.aliceId);
    const listed = (await e.call('ListRoles', {})).Roles.find((r: { RoleName: string }) => r.RoleName === 'app');
    assert.equal(JSON.parse(decodeURIComponent(listed.AssumeRolePolicyDocument)).Statement[0].Principal.AWS, e.aliceId);
    const details = (await e.call('GetAccountAuthorizationDetails', { Filter: ['Role'] })).RoleDetailList.find((r: { RoleName: string }) => r.RoleName === 'app');
    assert.equal(JSON.parse(decodeURIComponent(details.AssumeRolePolicyDocument)).Statement[0].Principal.AWS, e.aliceId);
    // The shown document saves again as it is (a unique ID no identity has is kept and never matches).
    const shownDoc = decodeURIComponent((await e.call('GetRole', { RoleName: 'app' })).Role.AssumeRolePolicyDocument);
    await e.call('UpdateAssumeRolePolicy', { RoleName: 'app', PolicyDocument: shownDoc });
    assert.equal(await shownPrincipal(e, 'app'), e.aliceId);
    // Re-created: still the old ID; saving the ARN again binds the new user.
    const again = (await e.call('CreateUser', { UserName: 'alice', Path: '/team/' })).User;
    assert.notEqual(again.UserId, e.aliceId);
    assert.equal(await shownPrincipal(e, 'app'), e.aliceId);
    await e.call('UpdateAssumeRolePolicy', { RoleName: 'app', PolicyDocument: trust(arn) });
    await e.call('DeleteUser', { UserName: 'alice' });
    assert.equal(await shownPrincipal(e, 'app'), again.UserId);
    await e.close();
  });

  it('a deleted role shows as its unique ID; a trust policy naming itself goes with it', async () => {
    const e = await world();
    const arn = `arn:aws:iam::${ACCT}:role/deployer`;
    await e.call('CreateRole', { RoleName: 'target', AssumeRolePolicyDocument: trust([arn, ACCT]) });
    await e.call('UpdateAssumeRolePolicy', { RoleName: 'deployer', PolicyDocument: trust(arn) });
    await e.call('DeleteRole', { RoleName: 'deployer' });
    assert.deepEqual(await shownPrincipal(e, 'target'), [e.deployerId, `arn:aws:iam::${ACCT}:root`]);
    assert.deepEqual(await e.store.listPrincipalBindings(e.deployerId), []);
    await e.call('CreateRole', { RoleName: 'deployer', AssumeRolePolicyDocument: trust(ACCT) });
    assert.deepEqual(await shownPrincipal(e, 'target'), [e.deployerId, `arn:aws:iam::${ACCT}:root`]);
    await e.close();
  });

  it('renaming the trusted user carries the trust to the new name and path; the old name is free and untrusted', async () => {
    const e = await world();
    await e.call('CreateRole', { RoleName: 'app', AssumeRolePolicyDocument: trust(`arn:aws:iam::${ACCT}:user/team/alice`) });
    await e.call('UpdateUser', { UserName: 'alice', NewUserName: 'alicia', NewPath: '/ops/' });
    assert.equal(await shownPrincipal(e, 'app'), `arn:aws:iam::${ACCT}:user/ops/alicia`);
    await e.call('CreateUser', { UserName: 'alice', Path: '/team/' });
    assert.equal(await shownPrincipal(e, 'app'), `arn:aws:iam::${ACCT}:user/ops/alicia`);
    await e.call('DeleteUser', { UserName: 'alicia' });
    assert.equal(await shownPrincipal(e, 'app'), e.aliceId);
    await e.close();
  });

  it('a trust policy saved concurrently with the delete of its principal is either refused or rewritten (never left naming a dead ARN)', async () => {
    const e = await world();
    for (let n = 0; n < 20; n++) {
      const name = `u${n}`;
      const user = (await e.call('CreateUser', { UserName: name })).User;
      const [created] = await Promise.allSettled([
        e.call('CreateRole', { RoleName: `r${n}`, AssumeRolePolicyDocument: trust(user.Arn) }),
        e.call('DeleteUser', { UserName: name }),
      ]);
      if (created.status === 'rejected') {
        assert.equal((created.reason as Error).message, `Invalid principal in policy: "AWS":"${user.Arn}"`);
        continue;
      }
      assert.equal(await shownPrincipal(e, `r${n}`), user.UserId);
    }
    await e.close();
  });
});

describe('migration 002 binds the trust policies saved before it', () => {
  it('binds the users and roles whose exact ARNs a stored trust policy quotes, and nothing else', () => {
    const db = new Database(':memory:');
    try {
      db.exec(migrations.find((m) => m.version === 1)!.sqlite);
      const addUser = db.prepare('INSERT INTO iam_users (user_id, account_id, user_name, path, arn, create_date, tags) VALUES (?, ?, ?, ?, ?, 0, ?)');
      const addRole = db.prepare('INSERT INTO iam_roles (role_id, account_id, role_name, path, arn, create_date, assume_role_policy, max_session_duration, tags) VALUES (?, ?, ?, ?, ?, 0, ?, 3600, ?)');
      addUser.run('AIDAALICE0000000000001', ACCT, 'alice', '/', `arn:aws:iam::${ACCT}:user/alice`, '[]');
      addUser.run('AIDAALI00000000000002', ACCT, 'ali', '/', `arn:aws:iam::${ACCT}:user/ali`, '[]');
      addRole.run('AROASRC00000000000001', ACCT, 'src', '/', `arn:aws:iam::${ACCT}:role/src`, trust(ACCT), '[]');
      addRole.run('AROADST00000000000001', ACCT, 'dst', '/', `arn:aws:iam::${ACCT}:role/dst`, trust([`arn:aws:iam::${ACCT}:user/alice`, `arn:aws:iam::${ACCT}:role/src`, `arn:aws:iam::${ACCT}:user/gone`]), '[]');
      db.exec(migrations.find((m) => m.version === 2)!.sqlite);
      const rows = db.prepare('SELECT policy_id, principal_id, principal_arn FROM principal_bindings ORDER BY principal_id').all();
      assert.deepEqual(rows, [
        { policy_id: 'AROADST00000000000001', principal_id: 'AIDAALICE0000000000001', principal_arn: `arn:aws:iam::${ACCT}:user/alice` },
        { policy_id: 'AROADST00000000000001', principal_id: 'AROASRC00000000000001', principal_arn: `arn:aws:iam::${ACCT}:role/src` },
      ]);
    } finally {
      db.close();
    }
  });
});

/**
 * Identities bound by unique ID, through a real kamen server and the AWS SDK v3: trust policies naming a user or role,
 * and GetSessionToken / GetFederationToken / role sessions, do not pass to a later identity of the same name.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient,
  CreateUserCommand,
  DeleteUserCommand,
  UpdateUserCommand,
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  PutUserPolicyCommand,
  DeleteUserPolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  GetRoleCommand,
  PutRolePolicyCommand,
  DeleteRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, GetFederationTokenCommand } from '@aws-sdk/client-sts';
import { startKamen, type TestKamen } from '../e2e/harness.js';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

let k: TestKamen;
let acct: string;
before(async () => {
  k = await startKamen();
  acct = k.boot.managementAccountId;
});
after(async () => {
  await k.stop();
});

const cfg = (credentials: Creds) => ({ endpoint: k.url, region: 'us-east-1', credentials, maxAttempts: 1 });
const iam = (c?: Creds) => new IAMClient(cfg(c ?? { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey }));
const sts = (c: Creds) => new STSClient(cfg(c));
const trust = (aws: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole' }] });
const allow = (actions: string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });
const roleArn = (name: string) => `arn:aws:iam::${acct}:role/${name}`;

/** An IAM user with an inline policy allowing `actions` and an access key; returns its ID and credentials. */
async function user(name: string, actions = ['sts:AssumeRole', 'sts:GetFederationToken']): Promise<{ id: string; arn: string; creds: Creds }> {
  const u = (await iam().send(new CreateUserCommand({ UserName: name }))).User!;
  await iam().send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: allow(actions) }));
  const key = (await iam().send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { id: u.UserId!, arn: u.Arn!, creds: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
}

/** Deletes a user made by user() (its key and inline policy first, as IAM requires). */
async function deleteUser(name: string, accessKeyId: string): Promise<void> {
  await iam().send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: accessKeyId }));
  await iam().send(new DeleteUserPolicyCommand({ UserName: name, PolicyName: 'p' }));
  await iam().send(new DeleteUserCommand({ UserName: name }));
}

/** The AWS principal of a role's trust policy as GetRole shows it. */
async function shownPrincipal(role: string): Promise<unknown> {
  const doc = (await iam().send(new GetRoleCommand({ RoleName: role }))).Role!.AssumeRolePolicyDocument!;
  return JSON.parse(decodeURIComponent(doc)).Statement[0].Principal.AWS;
}

async function assume(c: Creds, role: string): Promise<Creds> {
  const out = await sts(c).send(new AssumeRoleCommand({ RoleArn: roleArn(role), RoleSessionName: 's1' }));
  return { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
}

const denied = (callerArn: string, role: string) => (e: any) => {
  assert.equal(e.name, 'AccessDenied');
  assert.equal(e.message, `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn(role)}`);
  return true;
};
const invalidToken = (e: any) => {
  assert.equal(e.name, 'InvalidClientTokenId');
  assert.equal(e.message, 'The security token included in the request is invalid.');
  return true;
};

test('a trusted user deleted and created again under its name is not trusted; GetRole shows the old unique ID', async () => {
  const first = await user('trusted');
  await iam().send(new CreateRoleCommand({ RoleName: 'r-user', AssumeRolePolicyDocument: trust(first.arn) }));
  await assume(first.creds, 'r-user');
  await deleteUser('trusted', first.creds.accessKeyId);
  const second = await user('trusted');
  assert.equal(second.arn, first.arn);
  await assert.rejects(assume(second.creds, 'r-user'), denied(second.arn, 'r-user'));
  assert.equal(await shownPrincipal('r-user'), first.id);
});

test('another user renamed to the trusted name is not trusted; the renamed trusted user still is', async () => {
  const kept = await user('keeper');
  const other = await user('other');
  await iam().send(new CreateRoleCommand({ RoleName: 'r-rename', AssumeRolePolicyDocument: trust(kept.arn) }));
  // The trusted user moves away and another user takes its old name: that one is not trusted.
  await iam().send(new UpdateUserCommand({ UserName: 'keeper', NewUserName: 'keeper2' }));
  await iam().send(new UpdateUserCommand({ UserName: 'other', NewUserName: 'keeper' }));
  await assert.rejects(assume(other.creds, 'r-rename'), denied(kept.arn, 'r-rename'));
  // The trust followed the trusted user to its new name.
  assert.equal(await shownPrincipal('r-rename'), `arn:aws:iam::${acct}:user/keeper2`);
  await assume(kept.creds, 'r-rename');
});

test('a trusted role deleted and created again: the new role\'s sessions are not trusted; GetRole shows the old AROA ID', async () => {
  const caller = await user('chainer');
  const src = (await iam().send(new CreateRoleCommand({ RoleName: 'r-src', AssumeRolePolicyDocument: trust(caller.arn) }))).Role!;
  await iam().send(new PutRolePolicyCommand({ RoleName: 'r-src', PolicyName: 'p', PolicyDocument: allow(['sts:AssumeRole']) }));
  await iam().send(new CreateRoleCommand({ RoleName: 'r-dst', AssumeRolePolicyDocument: trust(src.Arn) }));
  await assume(await assume(caller.creds, 'r-src'), 'r-dst');

  await iam().send(new DeleteRolePolicyCommand({ RoleName: 'r-src', PolicyName: 'p' }));
  await iam().send(new DeleteRoleCommand({ RoleName: 'r-src' }));
  await iam().send(new CreateRoleCommand({ RoleName: 'r-src', AssumeRolePolicyDocument: trust(caller.arn) }));
  await iam().send(new PutRolePolicyCommand({ RoleName: 'r-src', PolicyName: 'p', PolicyDocument: allow(['sts:AssumeRole']) }));
  const session = await assume(caller.creds, 'r-src');
  await assert.rejects(assume(session, 'r-dst'), denied(`arn:aws:sts::${acct}:assumed-role/r-src/s1`, 'r-dst'));
  assert.equal(await shownPrincipal('r-dst'), src.RoleId);
});

test('a session of a deleted role gains neither the permissions nor the trust of a new role of that name', async () => {
  const caller = await user('sessioner');
  await iam().send(new CreateRoleCommand({ RoleName: 'r-old', AssumeRolePolicyDocument: trust(caller.arn) }));
  const stale = await assume(caller.creds, 'r-old');
  await iam().send(new DeleteRoleCommand({ RoleName: 'r-old' }));
  const fresh = (await iam().send(new CreateRoleCommand({ RoleName: 'r-old', AssumeRolePolicyDocument: trust(caller.arn) }))).Role!;
  await iam().send(new PutRolePolicyCommand({ RoleName: 'r-old', PolicyName: 'p', PolicyDocument: allow(['iam:ListUsers', 'sts:AssumeRole']) }));
  await iam().send(new CreateRoleCommand({ RoleName: 'r-next', AssumeRolePolicyDocument: trust(fresh.Arn) }));
  // The new role's own sessions have both.
  const current = await assume(caller.creds, 'r-old');
  await iam(current).send(new ListUsersCommand({}));
  await assume(current, 'r-next');
  // The old session has neither.
  const arn = `arn:aws:sts::${acct}:assumed-role/r-old/s1`;
  await assert.rejects(iam(stale).send(new ListUsersCommand({})), (e: any) => e.name === 'AccessDenied' && e.message.startsWith(`User: ${arn} is not authorized to perform: iam:ListUsers`));
  await assert.rejects(assume(stale, 'r-next'), denied(arn, 'r-next'));
});

test('GetSessionToken and GetFederationToken credentials stop working when the issuing user is deleted, and a new user of the name lends them nothing', async () => {
  const first = await user('issuer', ['sts:GetFederationToken', 'sts:AssumeRole', 'sts:GetSessionToken']);
  const st = (await sts(first.creds).send(new GetSessionTokenCommand({}))).Credentials!;
  const sessionCreds = { accessKeyId: st.AccessKeyId!, secretAccessKey: st.SecretAccessKey!, sessionToken: st.SessionToken! };
  const ft = (await sts(first.creds).send(new GetFederationTokenCommand({ Name: 'fed', Policy: allow(['*']) }))).Credentials!;
  const fedCreds = { accessKeyId: ft.AccessKeyId!, secretAccessKey: ft.SecretAccessKey!, sessionToken: ft.SessionToken! };
  assert.equal((await sts(sessionCreds).send(new GetCallerIdentityCommand({}))).Arn, first.arn);
  assert.equal((await sts(fedCreds).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${acct}:federated-user/fed`);
  await iam().send(new CreateRoleCommand({ RoleName: 'r-issuer', AssumeRolePolicyDocument: trust(acct) }));
  await assume(sessionCreds, 'r-issuer');

  await deleteUser('issuer', first.creds.accessKeyId);
  await assert.rejects(sts(sessionCreds).send(new GetCallerIdentityCommand({})), invalidToken);
  await assert.rejects(sts(fedCreds).send(new GetCallerIdentityCommand({})), invalidToken);
  // A new user of the same name, with more permissions: the old credentials are still nobody.
  await user('issuer', ['*']);
  await assert.rejects(sts(sessionCreds).send(new GetCallerIdentityCommand({})), invalidToken);
  await assert.rejects(assume(sessionCreds, 'r-issuer'), invalidToken);
  await assert.rejects(sts(fedCreds).send(new GetCallerIdentityCommand({})), invalidToken);
});

test('GetSessionToken credentials of a renamed user act under its new name', async () => {
  const u = await user('mover', ['sts:GetSessionToken', 'sts:AssumeRole']);
  const st = (await sts(u.creds).send(new GetSessionTokenCommand({}))).Credentials!;
  const creds = { accessKeyId: st.AccessKeyId!, secretAccessKey: st.SecretAccessKey!, sessionToken: st.SessionToken! };
  await iam().send(new CreateRoleCommand({ RoleName: 'r-mover', AssumeRolePolicyDocument: trust(u.arn) }));
  await iam().send(new UpdateUserCommand({ UserName: 'mover', NewUserName: 'moved', NewPath: '/new/' }));
  const id = await sts(creds).send(new GetCallerIdentityCommand({}));
  assert.equal(id.Arn, `arn:aws:iam::${acct}:user/new/moved`);
  assert.equal(id.UserId, u.id);
  await assume(creds, 'r-mover');
});

test('CreateRole / UpdateAssumeRolePolicy: an unknown principal is MalformedPolicyDocument, a bare account ID is stored as its root ARN', async () => {
  const nobody = `arn:aws:iam::${acct}:user/nobody`;
  const malformed = (e: any) => {
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.match(e.name, /^MalformedPolicyDocument/);
    assert.equal(e.message, `Invalid principal in policy: "AWS":"${nobody}"`);
    return true;
  };
  await assert.rejects(iam().send(new CreateRoleCommand({ RoleName: 'r-bad', AssumeRolePolicyDocument: trust(nobody) })), malformed);
  await iam().send(new CreateRoleCommand({ RoleName: 'r-acct', AssumeRolePolicyDocument: trust(acct) }));
  assert.equal(await shownPrincipal('r-acct'), `arn:aws:iam::${acct}:root`);
  await assert.rejects(iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: 'r-acct', PolicyDocument: trust(nobody) })), malformed);
  assert.equal(await shownPrincipal('r-acct'), `arn:aws:iam::${acct}:root`);
});

/** sts:AssumeRoot end to end through the SDK: who may call it, and the task policy bounding the root session. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, EnableOrganizationsRootSessionsCommand, GetAccountSummaryCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateAccountCommand, EnableAWSServiceAccessCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRootCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startKamen, type TestKamen } from '../../e2e/harness.js';
import { createAuthorizer } from '../../../src/authz/authorizer.js';
import { frozenClock } from '../../../src/clock.js';
import { isKamenError } from '../../../src/errors.js';
import { createPolicyCache } from '../../../src/policy/index.js';
import { loadManagedPolicyCatalog } from '../../../src/services/iam/index.js';
import type { Caller, OperationContext } from '../../../src/services/types.js';
import { openStore } from '../../../src/store/open.js';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const AUDIT = 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials';

describe('AssumeRoot', () => {
  let k: TestKamen;
  let member: string;
  let admin: Creds;
  const clients = (credentials: Creds) => {
    const common = { endpoint: k.url, region: 'us-east-1', credentials, maxAttempts: 1 };
    return { iam: new IAMClient(common), sts: new STSClient(common), org: new OrganizationsClient(common) };
  };
  const root = () => clients({ accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey });

  before(async () => {
    k = await startKamen();
    const r = root();
    member = (await r.org.send(new CreateAccountCommand({ AccountName: 'member', Email: 'member@example.com' }))).CreateAccountStatus!.AccountId!;
    // Centralized root access: trusted access for IAM, then root sessions.
    await r.org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    await r.iam.send(new EnableOrganizationsRootSessionsCommand({}));
    await r.iam.send(new CreateUserCommand({ UserName: 'admin' }));
    await r.iam.send(new PutUserPolicyCommand({ UserName: 'admin', PolicyName: 'root-tasks', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoot', Resource: '*' }] }) }));
    const key = (await r.iam.send(new CreateAccessKeyCommand({ UserName: 'admin' }))).AccessKey!;
    admin = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  });
  after(async () => {
    await k.stop();
  });

  it('issues the member root user a session bounded by the task policy', async () => {
    const out = await clients(admin).sts.send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: AUDIT }, DurationSeconds: 600 }));
    const c = out.Credentials!;
    assert.match(c.AccessKeyId!, /^ASIA/);
    const now = Date.now();
    assert.ok(c.Expiration!.getTime() - now <= 600_000 + 2000 && c.Expiration!.getTime() - now > 500_000);
    const session = clients({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
    const id = await session.sts.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, `arn:aws:iam::${member}:root`);
    assert.equal(id.Account, member);
    // The audit task allows GetAccountSummary and denies everything else, even to the root user.
    assert.ok((await session.iam.send(new GetAccountSummaryCommand({}))).SummaryMap);
    await assert.rejects(session.iam.send(new CreateUserCommand({ UserName: 'intruder' })), (e: any) => {
      assert.equal(e.name, 'AccessDenied');
      assert.match(e.message, /iam:CreateUser/);
      return true;
    });
  });

  it('refuses root user credentials, the management account as target, other task policies and long durations', async () => {
    await assert.rejects(root().sts.send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: AUDIT } })), (e: any) => e.name === 'AccessDenied');
    await assert.rejects(clients(admin).sts.send(new AssumeRootCommand({ TargetPrincipal: k.boot.managementAccountId, TaskPolicyArn: { arn: AUDIT } })), (e: any) => e.name === 'AccessDenied');
    await assert.rejects(clients(admin).sts.send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } })), (e: any) => e.name === 'ValidationError');
    await assert.rejects(clients(admin).sts.send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: AUDIT }, DurationSeconds: 901 })), (e: any) => e.name === 'ValidationError');
    // Without sts:AssumeRoot in its policies a management-account user is denied by enforcement.
    const r = root();
    await r.iam.send(new CreateUserCommand({ UserName: 'plain' }));
    const key = (await r.iam.send(new CreateAccessKeyCommand({ UserName: 'plain' }))).AccessKey!;
    await assert.rejects(clients({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).sts.send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: AUDIT } })), (e: any) => e.name === 'AccessDenied' && /sts:AssumeRoot/.test(e.message));
  });
});

describe('AssumeRoot sessions in enforcement', () => {
  it('the task policy bounds a root session even where no SCP applies; an unknown task policy allows nothing', async () => {
    const store = await openStore({ dataDir: ':memory:' });
    const clock = frozenClock(Date.UTC(2026, 0, 15));
    const authz = createAuthorizer({ store, clock, managedPolicies: loadManagedPolicyCatalog(), policyCache: createPolicyCache(100) });
    const session = (arns: string[]): Caller => ({
      kind: 'root',
      accountId: '123456789012',
      arn: 'arn:aws:iam::123456789012:root',
      userId: '123456789012',
      // One key per session: the authorizer caches a session's policies by its access key.
      accessKeyId: `ASIAROOTSESSION${arns.length}${arns[0]?.length ?? 0}`,
      session: { sourceArn: 'arn:aws:iam::999999999999:user/admin', issuedAt: '2026-01-15T00:00:00Z', mfaAuthenticated: false, sessionPolicyArns: arns, tokenType: 'assume-root' },
    });
    const ctx = (caller: Caller): OperationContext => ({ requestId: 'r', caller, store, clock, region: 'us-east-1', sourceIp: '127.0.0.1', secureTransport: true, deps: {} });
    const denied = async (caller: Caller, op: string, input: Record<string, unknown>) => {
      try {
        await authz.authorizeOperation(ctx(caller), 'iam', op, input);
        return false;
      } catch (err) {
        if (isKamenError(err) && err.code === 'ERR_ACCESS_DENIED') return true;
        throw err;
      }
    };
    try {
      assert.equal((await authz.gatherPolicies(session([AUDIT]))).scps, undefined, 'no organization: no SCPs');
      assert.equal(await denied(session([AUDIT]), 'GetAccountSummary', {}), false);
      assert.equal(await denied(session([AUDIT]), 'CreateUser', { UserName: 'x' }), true);
      assert.equal(await denied(session(['arn:aws:iam::aws:policy/root-task/NoSuchTask']), 'GetAccountSummary', {}), true);
    } finally {
      await store.close();
    }
  });
});

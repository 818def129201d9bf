/** End-to-end with the AWS SDK for JavaScript v3: service-linked roles, SSH keys, certificates, credentials, reports. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient,
  CreateServiceLinkedRoleCommand,
  DeleteServiceLinkedRoleCommand,
  GetServiceLinkedRoleDeletionStatusCommand,
  GetRoleCommand,
  PutRolePolicyCommand,
  DeleteRoleCommand,
  CreateUserCommand,
  UploadSSHPublicKeyCommand,
  GetSSHPublicKeyCommand,
  ListSSHPublicKeysCommand,
  UpdateSSHPublicKeyCommand,
  DeleteSSHPublicKeyCommand,
  UploadSigningCertificateCommand,
  ListSigningCertificatesCommand,
  UpdateSigningCertificateCommand,
  DeleteSigningCertificateCommand,
  CreateServiceSpecificCredentialCommand,
  ListServiceSpecificCredentialsCommand,
  ResetServiceSpecificCredentialCommand,
  UpdateServiceSpecificCredentialCommand,
  DeleteServiceSpecificCredentialCommand,
  UploadServerCertificateCommand,
  GetServerCertificateCommand,
  ListServerCertificatesCommand,
  UpdateServerCertificateCommand,
  DeleteServerCertificateCommand,
  TagServerCertificateCommand,
  UntagServerCertificateCommand,
  ListServerCertificateTagsCommand,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  CreateAccessKeyCommand,
  PutUserPolicyCommand,
  GetUserCommand,
  GenerateServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsWithEntitiesCommand,
  GenerateOrganizationsAccessReportCommand,
  GetOrganizationsAccessReportCommand,
} from '@aws-sdk/client-iam';
import { OrganizationsClient, DescribeOrganizationCommand, ListRootsCommand } from '@aws-sdk/client-organizations';
import { readVectors } from '../helpers/paths.js';
import { startKamen, type TestKamen } from './harness.js';

const material = readVectors<{ ssh: Record<string, string>; certs: Record<string, string> }>('iam', 'credential-material.json');

let k: TestKamen;
before(async () => {
  k = await startKamen();
});
after(async () => {
  await k.stop();
});

function iam(): IAMClient {
  return new IAMClient({ endpoint: k.url, region: 'us-east-1', credentials: { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey }, maxAttempts: 1 });
}

/** Asserts the call fails with the SDK error name, HTTP status and (when given) exact message. */
async function fails(p: Promise<unknown>, name: string, status: number, message?: string): Promise<void> {
  await assert.rejects(p, (e: any) => {
    assert.equal(e.name, name, e.message);
    assert.equal(e.$metadata.httpStatusCode, status);
    if (message !== undefined) assert.equal(e.message, message);
    return true;
  });
}

test('service-linked roles: create, protection, delete, deletion status', async () => {
  const c = iam();
  const acct = k.boot.managementAccountId;
  const made = await c.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'web' }));
  assert.equal(made.Role?.RoleName, 'AWSServiceRoleForAutoScaling_web');
  assert.equal(made.Role?.Arn, `arn:aws:iam::${acct}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_web`);
  const got = await c.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForAutoScaling_web' }));
  assert.equal(JSON.parse(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!)).Statement[0].Principal.Service, 'autoscaling.amazonaws.com');
  await fails(c.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.amazonaws.com', CustomSuffix: 'x' })), 'InvalidInputException', 400, 'Custom suffix is not allowed for ecs.amazonaws.com');
  await c.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.amazonaws.com' }));
  await fails(c.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.amazonaws.com' })), 'InvalidInputException', 400, 'Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix.');
  const protectedMsg = "Cannot perform the operation on the protected role 'AWSServiceRoleForECS' - this role is only modifiable by AWS";
  await fails(c.send(new DeleteRoleCommand({ RoleName: 'AWSServiceRoleForECS' })), 'UnmodifiableEntityException', 400, protectedMsg);
  const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
  await fails(c.send(new PutRolePolicyCommand({ RoleName: 'AWSServiceRoleForECS', PolicyName: 'p', PolicyDocument: doc })), 'UnmodifiableEntityException', 400, protectedMsg);
  const del = await c.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForECS' }));
  assert.match(del.DeletionTaskId!, /^task\/aws-service-role\/ecs\.amazonaws\.com\/AWSServiceRoleForECS\/[0-9a-f-]{36}$/);
  const st = await c.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: del.DeletionTaskId! }));
  assert.equal(st.Status, 'SUCCEEDED');
  await fails(c.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForECS' })), 'NoSuchEntityException', 404);
  await fails(c.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForECS' })), 'NoSuchEntityException', 404);
  await fails(c.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: 'bogus' })), 'InvalidInputException', 400);
});

test('SSH public keys through the SDK', async () => {
  const c = iam();
  await c.send(new CreateUserCommand({ UserName: 'sshdev' }));
  const up = await c.send(new UploadSSHPublicKeyCommand({ UserName: 'sshdev', SSHPublicKeyBody: material.ssh['rsa2048']! }));
  assert.equal(up.SSHPublicKey?.Fingerprint, material.ssh['rsa2048Md5']);
  const id = up.SSHPublicKey!.SSHPublicKeyId!;
  const pem = await c.send(new GetSSHPublicKeyCommand({ UserName: 'sshdev', SSHPublicKeyId: id, Encoding: 'PEM' }));
  assert.equal(pem.SSHPublicKey?.SSHPublicKeyBody?.trim(), material.ssh['rsa2048Spki']!.trim());
  await fails(c.send(new UploadSSHPublicKeyCommand({ UserName: 'sshdev', SSHPublicKeyBody: material.ssh['rsa2048']! })), 'DuplicateSSHPublicKeyException', 400);
  await fails(c.send(new UploadSSHPublicKeyCommand({ UserName: 'sshdev', SSHPublicKeyBody: material.ssh['rsa1024']! })), 'InvalidPublicKeyException', 400);
  await fails(c.send(new UploadSSHPublicKeyCommand({ UserName: 'sshdev', SSHPublicKeyBody: material.ssh['ed25519']! })), 'UnrecognizedPublicKeyEncodingException', 400);
  await c.send(new UpdateSSHPublicKeyCommand({ UserName: 'sshdev', SSHPublicKeyId: id, Status: 'Inactive' }));
  const list = await c.send(new ListSSHPublicKeysCommand({ UserName: 'sshdev' }));
  assert.deepEqual(list.SSHPublicKeys?.map((k) => [k.SSHPublicKeyId, k.Status]), [[id, 'Inactive']]);
  await c.send(new DeleteSSHPublicKeyCommand({ UserName: 'sshdev', SSHPublicKeyId: id }));
  await fails(c.send(new GetSSHPublicKeyCommand({ UserName: 'sshdev', SSHPublicKeyId: id, Encoding: 'SSH' })), 'NoSuchEntityException', 404, `The Public Key with id ${id} cannot be found.`);
});

test('signing certificates and service-specific credentials through the SDK', async () => {
  const c = iam();
  await c.send(new CreateUserCommand({ UserName: 'certdev' }));
  const cert = await c.send(new UploadSigningCertificateCommand({ UserName: 'certdev', CertificateBody: material.certs['self']! }));
  const certId = cert.Certificate!.CertificateId!;
  assert.equal(certId.length, 32);
  await fails(c.send(new UploadSigningCertificateCommand({ UserName: 'certdev', CertificateBody: material.certs['self']! })), 'DuplicateCertificateException', 409);
  await fails(c.send(new UploadSigningCertificateCommand({ UserName: 'certdev', CertificateBody: 'nope' })), 'MalformedCertificateException', 400);
  await c.send(new UpdateSigningCertificateCommand({ UserName: 'certdev', CertificateId: certId, Status: 'Inactive' }));
  assert.equal((await c.send(new ListSigningCertificatesCommand({ UserName: 'certdev' }))).Certificates?.[0]?.Status, 'Inactive');
  await c.send(new DeleteSigningCertificateCommand({ UserName: 'certdev', CertificateId: certId }));

  const made = await c.send(new CreateServiceSpecificCredentialCommand({ UserName: 'certdev', ServiceName: 'codecommit.amazonaws.com' }));
  const cred = made.ServiceSpecificCredential!;
  assert.equal(cred.ServiceUserName, `certdev-at-${k.boot.managementAccountId}`);
  assert.equal(cred.ServicePassword?.length, 44);
  const reset = await c.send(new ResetServiceSpecificCredentialCommand({ UserName: 'certdev', ServiceSpecificCredentialId: cred.ServiceSpecificCredentialId! }));
  assert.notEqual(reset.ServiceSpecificCredential?.ServicePassword, cred.ServicePassword);
  await c.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'certdev', ServiceSpecificCredentialId: cred.ServiceSpecificCredentialId!, Status: 'Inactive' }));
  const listed = await c.send(new ListServiceSpecificCredentialsCommand({ UserName: 'certdev' }));
  assert.equal(listed.ServiceSpecificCredentials?.[0]?.Status, 'Inactive');
  await fails(c.send(new CreateServiceSpecificCredentialCommand({ UserName: 'certdev', ServiceName: 'ec2.amazonaws.com' })), 'ServiceNotSupportedException', 404);
  await c.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'certdev', ServiceSpecificCredentialId: cred.ServiceSpecificCredentialId! }));
  await fails(c.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'certdev', ServiceSpecificCredentialId: cred.ServiceSpecificCredentialId! })), 'NoSuchEntityException', 404);
});

test('server certificates through the SDK', async () => {
  const c = iam();
  const up = await c.send(new UploadServerCertificateCommand({
    ServerCertificateName: 'edge',
    CertificateBody: material.certs['chained']!,
    PrivateKey: material.certs['chainedKey']!,
    CertificateChain: material.certs['ca']!,
    Tags: [{ Key: 'env', Value: 'test' }],
  }));
  assert.match(up.ServerCertificateMetadata!.ServerCertificateId!, /^ASCA/);
  assert.ok(up.ServerCertificateMetadata!.Expiration instanceof Date);
  await fails(c.send(new UploadServerCertificateCommand({ ServerCertificateName: 'bad', CertificateBody: material.certs['self']!, PrivateKey: material.certs['otherKey']! })), 'KeyPairMismatchException', 400);
  await fails(c.send(new UploadServerCertificateCommand({ ServerCertificateName: 'edge', CertificateBody: material.certs['self']!, PrivateKey: material.certs['selfKey']! })), 'EntityAlreadyExistsException', 409);
  const got = await c.send(new GetServerCertificateCommand({ ServerCertificateName: 'edge' }));
  assert.equal(got.ServerCertificate?.CertificateChain, material.certs['ca']!.trim());
  await c.send(new UpdateServerCertificateCommand({ ServerCertificateName: 'edge', NewPath: '/cloudfront/' }));
  const list = await c.send(new ListServerCertificatesCommand({ PathPrefix: '/cloudfront/' }));
  assert.deepEqual(list.ServerCertificateMetadataList?.map((m) => m.Arn), [`arn:aws:iam::${k.boot.managementAccountId}:server-certificate/cloudfront/edge`]);
  await c.send(new TagServerCertificateCommand({ ServerCertificateName: 'edge', Tags: [{ Key: 'team', Value: 'x' }] }));
  await c.send(new UntagServerCertificateCommand({ ServerCertificateName: 'edge', TagKeys: ['env'] }));
  assert.deepEqual((await c.send(new ListServerCertificateTagsCommand({ ServerCertificateName: 'edge' }))).Tags, [{ Key: 'team', Value: 'x' }]);
  await c.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'edge' }));
  await fails(c.send(new GetServerCertificateCommand({ ServerCertificateName: 'edge' })), 'NoSuchEntityException', 404, 'The Server Certificate with name edge cannot be found.');
});

test('credential report through the SDK', async () => {
  const c = iam();
  await fails(c.send(new GetCredentialReportCommand({})), 'CredentialReportNotPresentException', 410);
  assert.equal((await c.send(new GenerateCredentialReportCommand({}))).State, 'STARTED');
  assert.equal((await c.send(new GenerateCredentialReportCommand({}))).State, 'COMPLETE');
  const got = await c.send(new GetCredentialReportCommand({}));
  assert.equal(got.ReportFormat, 'text/csv');
  assert.ok(got.GeneratedTime instanceof Date);
  const lines = Buffer.from(got.Content!).toString('utf8').split('\n');
  assert.ok(lines[0]!.startsWith('user,arn,user_creation_time,password_enabled,'));
  assert.ok(lines[1]!.startsWith(`<root_account>,arn:aws:iam::${k.boot.managementAccountId}:root,`));
  // the root's bootstrap access key shows as active
  assert.equal(lines[1]!.split(',')[8], 'true');
});

test('service last accessed details and the Organizations access report through the SDK', async () => {
  const c = iam();
  const acct = k.boot.managementAccountId;
  await c.send(new CreateUserCommand({ UserName: 'reader' }));
  await c.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'read', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] }) }));
  const key = (await c.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
  const asReader = new IAMClient({ endpoint: k.url, region: 'us-east-1', credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, maxAttempts: 1 });
  await asReader.send(new GetUserCommand({}));
  // the key's last use is recorded after the request; wait until the store has it
  for (let i = 0; i < 100 && !(await k.kamen.store.getAccessKey(key.AccessKeyId!))?.lastUsed; i++) await new Promise((r) => setTimeout(r, 20));
  const { JobId } = await c.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: `arn:aws:iam::${acct}:user/reader` }));
  const d = await c.send(new GetServiceLastAccessedDetailsCommand({ JobId: JobId! }));
  assert.equal(d.JobStatus, 'COMPLETED');
  const iamRow = d.ServicesLastAccessed?.find((s) => s.ServiceNamespace === 'iam');
  assert.equal(iamRow?.LastAuthenticatedEntity, `arn:aws:iam::${acct}:user/reader`);
  assert.ok(iamRow?.LastAuthenticated instanceof Date);
  const w = await c.send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId: JobId!, ServiceNamespace: 'iam' }));
  assert.equal(w.EntityDetailsList?.[0]?.EntityInfo?.Name, 'reader');
  await fails(c.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: `arn:aws:iam::${acct}:user/nobody` })), 'NoSuchEntityException', 404);
  await fails(c.send(new GetServiceLastAccessedDetailsCommand({ JobId: '00000000-0000-0000-0000-000000000000' })), 'NoSuchEntityException', 404);

  const org = new OrganizationsClient({ endpoint: k.url, region: 'us-east-1', credentials: { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey }, maxAttempts: 1 });
  const orgId = (await org.send(new DescribeOrganizationCommand({}))).Organization!.Id!;
  const rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
  const job = await c.send(new GenerateOrganizationsAccessReportCommand({ EntityPath: `${orgId}/${rootId}` }));
  const rep = await c.send(new GetOrganizationsAccessReportCommand({ JobId: job.JobId!, SortKey: 'LAST_AUTHENTICATED_TIME_DESCENDING', MaxItems: 1 }));
  assert.equal(rep.JobStatus, 'COMPLETED');
  assert.equal(rep.AccessDetails?.[0]?.ServiceNamespace, 'iam');
  assert.equal(rep.AccessDetails?.[0]?.EntityPath, `${orgId}/${rootId}/${acct}`);
  await fails(c.send(new GenerateOrganizationsAccessReportCommand({ EntityPath: 'o-zzzzzzzzzz/r-zzzz' })), 'InvalidInputException', 400);
});

test('a Deny on a server certificate path applies to the stored path, whatever path the request implies', async () => {
  const c = iam();
  const acct = k.boot.managementAccountId;
  await c.send(new UploadServerCertificateCommand({ ServerCertificateName: 'guarded', Path: '/cloudfront/', CertificateBody: material.certs['self']!, PrivateKey: material.certs['selfKey']! }));
  await c.send(new CreateUserCommand({ UserName: 'certops' }));
  await c.send(new PutUserPolicyCommand({
    UserName: 'certops',
    PolicyName: 'p',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
      { Effect: 'Deny', Action: ['iam:DeleteServerCertificate', 'iam:UpdateServerCertificate'], Resource: `arn:aws:iam::${acct}:server-certificate/cloudfront/*` },
    ] }),
  }));
  const key = (await c.send(new CreateAccessKeyCommand({ UserName: 'certops' }))).AccessKey!;
  const ops = new IAMClient({ endpoint: k.url, region: 'us-east-1', credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, maxAttempts: 1 });
  await fails(ops.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'guarded' })), 'AccessDenied', 403);
  await ops.send(new GetServerCertificateCommand({ ServerCertificateName: 'guarded' }));
  // moving a certificate into the denied path needs the action on the new ARN too
  await ops.send(new UploadServerCertificateCommand({ ServerCertificateName: 'loose', CertificateBody: material.certs['other']!, PrivateKey: material.certs['otherKey']! }));
  await fails(ops.send(new UpdateServerCertificateCommand({ ServerCertificateName: 'loose', NewPath: '/cloudfront/' })), 'AccessDenied', 403);
  await ops.send(new UpdateServerCertificateCommand({ ServerCertificateName: 'loose', NewServerCertificateName: 'loose2' }));
  await ops.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'loose2' }));
  await c.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'guarded' }));
});

test('CreateServiceLinkedRole is authorized on the role it creates and with iam:AWSServiceName', async () => {
  const c = iam();
  await c.send(new CreateUserCommand({ UserName: 'slrops' }));
  await c.send(new PutUserPolicyCommand({
    UserName: 'slrops',
    PolicyName: 'p',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: 'iam:CreateServiceLinkedRole', Resource: 'arn:aws:iam::*:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*' },
      { Effect: 'Allow', Action: 'iam:CreateServiceLinkedRole', Resource: '*', Condition: { StringEquals: { 'iam:AWSServiceName': 'ecs.amazonaws.com' } } },
      { Effect: 'Deny', Action: 'iam:CreateServiceLinkedRole', Resource: '*', Condition: { StringEquals: { 'iam:AWSServiceName': 'rds.amazonaws.com' } } },
      { Effect: 'Allow', Action: 'iam:CreateServiceLinkedRole', Resource: 'arn:aws:iam::*:role/aws-service-role/rds.amazonaws.com/*' },
    ] }),
  }));
  const key = (await c.send(new CreateAccessKeyCommand({ UserName: 'slrops' }))).AccessKey!;
  const ops = new IAMClient({ endpoint: k.url, region: 'us-east-1', credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, maxAttempts: 1 });
  assert.equal((await ops.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'ops' }))).Role?.RoleName, 'AWSServiceRoleForAutoScaling_ops');
  await ops.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.amazonaws.com' }));
  await fails(ops.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'rds.amazonaws.com' })), 'AccessDenied', 403);
  await fails(ops.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'elasticloadbalancing.amazonaws.com' })), 'AccessDenied', 403);
});

/**
 * Managing IAM in the console as AWS's console does (issue 16, item 6), in Chromium: a forced password change that
 * completes (IAMUserChangePassword attached), password reset, virtual MFA for another user and for yourself (QR code
 * + two codes), access key status, inline policies, delete user / role / policy with AWS's dependent-resource steps,
 * role descriptions and policy versions.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { openBrowser, skipWithoutChromium, type TestBrowser } from './chromium.js';
import { totpCodeAt, totpStepAt } from '../../src/services/iam/totp.js';
import { consoleClient, consoleWorld, PASSWORD, type ConsoleWorld } from './world.js';

const skip = skipWithoutChromium;
const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] });

let w: ConsoleWorld;
let ctx: BrowserContext;
let page: Page;
let browser: TestBrowser;

async function signIn(userName: string, password = PASSWORD): Promise<void> {
  await ctx.clearCookies();
  await page.goto(w.console.url);
  await page.getByLabel('Account ID (12 digits) or account alias').fill('bastion');
  await page.getByLabel('IAM user name').fill(userName);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function openUser(name: string): Promise<void> {
  await page.goto(`${w.console.url}iam/users/${encodeURIComponent(name)}`);
  await page.getByRole('heading', { name, exact: true }).waitFor();
}

async function noSuchEntity(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (err: any) => err?.code === 'NoSuchEntity');
}

/** Assigns a virtual MFA device on the open user page: reads the secret shown next to the QR code, enters two codes. */
async function assignMfa(): Promise<void> {
  await page.getByRole('button', { name: 'Assign MFA device' }).click();
  const qr = page.getByTestId('mfa-qr');
  await qr.waitFor();
  assert.ok((await qr.evaluate((img) => (img as any).naturalWidth as number)) > 0, 'the QR code is an image');
  await page.getByRole('button', { name: 'Show secret key' }).click();
  const secret = (await page.getByTestId('mfa-secret').textContent()) ?? '';
  w.clock.advance(90_000);
  const step = totpStepAt(w.clock.now());
  await page.getByLabel('MFA code 1').fill(totpCodeAt(secret, step - 1));
  await page.getByLabel('MFA code 2').fill(totpCodeAt(secret, step));
  await page.getByRole('button', { name: 'Add MFA' }).click();
  await page.getByTestId('mfa-qr').waitFor({ state: 'detached' });
}

describe('managing IAM in the console (Chromium)', { skip }, () => {
  before(async () => {
    w = await consoleWorld();
    await w.asRoot('mgmt', 'iam', 'CreateUser', { UserName: 'admin01' });
    await w.asRoot('mgmt', 'iam', 'CreateLoginProfile', { UserName: 'admin01', Password: PASSWORD });
    await w.asRoot('mgmt', 'iam', 'AttachUserPolicy', { UserName: 'admin01', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    browser = await openBrowser({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    ctx = browser.ctx;
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    await w?.close();
  });

  test('"Users must create a new password at next sign-in" attaches IAMUserChangePassword, so the change completes', async () => {
    await signIn('admin01');
    await page.getByTestId('identity-label').waitFor();
    await page.goto(`${w.console.url}iam/users/new`);
    await page.getByLabel('User name').fill('newbie');
    await page.getByLabel('Provide user access to the console').check();
    await page.getByLabel('Users must create a new password at next sign-in').check();
    await page.getByRole('button', { name: 'Create user' }).click();
    const password = (await page.getByTestId('created-password').textContent()) ?? '';
    const attached = await w.asRoot('mgmt', 'iam', 'ListAttachedUserPolicies', { UserName: 'newbie' });
    assert.deepEqual(attached['AttachedPolicies'].map((p: any) => p.PolicyArn), ['arn:aws:iam::aws:policy/IAMUserChangePassword']);
    await signIn('newbie', password);
    await page.getByLabel('New password', { exact: true }).fill('Newbie-Passw0rd!');
    await page.getByLabel('Retype new password').fill('Newbie-Passw0rd!');
    await page.getByRole('button', { name: 'Confirm password change' }).click();
    // newbie may not read the account alias, so the header names the account by its ID.
    await page.getByTestId('identity-label').filter({ hasText: `newbie @ ${w.mgmt}` }).waitFor();
  });

  test('reset a user\'s password; virtual MFA for another user and for yourself; access key status', async () => {
    await signIn('admin01');
    await page.getByTestId('identity-label').waitFor();
    await openUser('newbie');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByLabel('User must create a new password at next sign-in').uncheck();
    await page.getByRole('button', { name: 'Reset password' }).click();
    const password = (await page.getByTestId('reset-password').textContent()) ?? '';
    const api = consoleClient(w.console.url);
    const r = await api.send('POST', '/signin', { account: 'bastion', userName: 'newbie', password });
    assert.equal(r.json.status, 'ok', JSON.stringify(r.json));

    await assignMfa();
    const devices = await w.asRoot('mgmt', 'iam', 'ListMFADevices', { UserName: 'newbie' });
    assert.equal(devices['MFADevices'].length, 1);
    await page.getByTestId('mfa-devices').getByText(devices['MFADevices'][0].SerialNumber, { exact: true }).waitFor();

    await openUser('admin01');
    await assignMfa();
    assert.equal((await w.asRoot('mgmt', 'iam', 'ListMFADevices', { UserName: 'admin01' }))['MFADevices'].length, 1);

    await openUser('newbie');
    await page.getByRole('button', { name: 'Create access key' }).click();
    const keyId = (await page.getByTestId('new-key-id').textContent()) ?? '';
    await page.getByRole('button', { name: `Deactivate ${keyId}` }).click();
    // exact: a role name matches case-insensitively by substring otherwise, and "Deactivate …" holds "activate …"
    await page.getByRole('button', { name: `Activate ${keyId}`, exact: true }).waitFor();
    assert.equal((await w.asRoot('mgmt', 'iam', 'ListAccessKeys', { UserName: 'newbie' }))['AccessKeyMetadata'][0].Status, 'Inactive');
  });

  test('inline policies, then delete the user with every dependent resource (AWS\'s steps)', async () => {
    await w.asRoot('mgmt', 'iam', 'CreateGroup', { GroupName: 'team' });
    await w.asRoot('mgmt', 'iam', 'AddUserToGroup', { GroupName: 'team', UserName: 'newbie' });
    await openUser('newbie');
    await page.getByRole('button', { name: 'Create inline policy' }).click();
    await page.getByLabel('Inline policy name').fill('list-buckets');
    await page.getByLabel('Inline policy (JSON)').fill(DOC);
    await page.getByTestId('policy-problems').getByText('No problems found.').waitFor();
    await page.getByRole('button', { name: 'Save inline policy' }).click();
    await page.getByTestId('inline-list-buckets').waitFor();
    assert.deepEqual((await w.asRoot('mgmt', 'iam', 'ListUserPolicies', { UserName: 'newbie' }))['PolicyNames'], ['list-buckets']);
    const serial = (await w.asRoot('mgmt', 'iam', 'ListMFADevices', { UserName: 'newbie' }))['MFADevices'][0].SerialNumber;

    await page.getByRole('button', { name: 'Delete user' }).click();
    await page.getByLabel('To confirm deletion, enter newbie').fill('newbie');
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await noSuchEntity(w.asRoot('mgmt', 'iam', 'GetUser', { UserName: 'newbie' }));
    const virtual = await w.asRoot('mgmt', 'iam', 'ListVirtualMFADevices');
    assert.ok(!virtual['VirtualMFADevices'].some((d: any) => d.SerialNumber === serial), 'the virtual MFA device is deleted too');
    assert.deepEqual((await w.asRoot('mgmt', 'iam', 'GetGroup', { GroupName: 'team' }))['Users'], []);
  });

  test('roles: description shown and edited, inline policy, delete with AWS\'s steps', async () => {
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${w.mgmt}:root` }, Action: 'sts:AssumeRole' }] });
    await w.asRoot('mgmt', 'iam', 'CreateRole', { RoleName: 'ops', AssumeRolePolicyDocument: trust, Description: 'for the ops team' });
    await w.asRoot('mgmt', 'iam', 'AttachRolePolicy', { RoleName: 'ops', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    await w.asRoot('mgmt', 'iam', 'PutRolePolicy', { RoleName: 'ops', PolicyName: 'extra', PolicyDocument: DOC });
    await w.asRoot('mgmt', 'iam', 'CreateInstanceProfile', { InstanceProfileName: 'ops-profile' });
    await w.asRoot('mgmt', 'iam', 'AddRoleToInstanceProfile', { InstanceProfileName: 'ops-profile', RoleName: 'ops' });
    await page.goto(`${w.console.url}iam/roles/ops`);
    assert.equal(await page.getByTestId('role-description').textContent(), 'for the ops team');
    await page.getByTestId('inline-extra').waitFor();
    await page.getByRole('button', { name: 'Edit description' }).click();
    await page.getByLabel('Role description').fill('for the SRE team');
    await page.getByRole('button', { name: 'Save description' }).click();
    await page.getByTestId('role-description').filter({ hasText: 'for the SRE team' }).waitFor();
    assert.equal((await w.asRoot('mgmt', 'iam', 'GetRole', { RoleName: 'ops' }))['Role'].Description, 'for the SRE team');
    await page.getByRole('button', { name: 'Delete role' }).click();
    await page.getByLabel('To confirm deletion, enter ops').fill('ops');
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('heading', { name: 'Roles', exact: true }).waitFor();
    await noSuchEntity(w.asRoot('mgmt', 'iam', 'GetRole', { RoleName: 'ops' }));
  });

  test('policies: description, versions (new default, back, delete), delete an attached policy with AWS\'s steps', async () => {
    const arn = (await w.asRoot('mgmt', 'iam', 'CreatePolicy', { PolicyName: 'buckets', PolicyDocument: DOC, Description: 'lists buckets' }))['Policy']['Arn'];
    await w.asRoot('mgmt', 'iam', 'AttachUserPolicy', { UserName: 'user01', PolicyArn: arn });
    await page.goto(`${w.console.url}iam/policy?arn=${encodeURIComponent(arn)}`);
    assert.equal(await page.getByTestId('policy-description').textContent(), 'lists buckets');
    await page.getByRole('button', { name: 'Edit policy' }).click();
    await page.getByLabel('Policy editor (JSON)').fill(DOC.replace('s3:ListAllMyBuckets', 's3:GetBucketLocation'));
    await page.getByTestId('policy-problems').getByText('No problems found.').waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('button', { name: 'Set v1 as default' }).waitFor();
    assert.match((await page.getByTestId('policy-document').textContent()) ?? '', /s3:GetBucketLocation/);
    await page.getByRole('button', { name: 'Set v1 as default' }).click();
    await page.getByRole('button', { name: 'Delete v2' }).click();
    await page.getByRole('button', { name: 'View v2' }).waitFor({ state: 'detached' });
    const versions = await w.asRoot('mgmt', 'iam', 'ListPolicyVersions', { PolicyArn: arn });
    assert.deepEqual(versions['Versions'].map((v: any) => [v.VersionId, v.IsDefaultVersion]), [['v1', true]]);
    await page.getByRole('button', { name: 'Delete policy' }).click();
    await page.getByLabel('To confirm deletion, enter buckets').fill('buckets');
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('heading', { name: 'Policies', exact: true }).waitFor();
    await noSuchEntity(w.asRoot('mgmt', 'iam', 'GetPolicy', { PolicyArn: arn }));
  });
});

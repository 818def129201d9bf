/**
 * The console in a real browser (Debian's Chromium driven by playwright-core): sign in to the bastion account, switch
 * to Admin in a member account with a display name and colour, act there, switch back through the history; the
 * MFA-conditioned role refused without MFA and granted with it; the create-role wizard with "Require external ID";
 * the policy generator into the JSON editor. Screenshots of the main pages go to test-artifacts/console/.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { openBrowser, skipWithoutChromium, type TestBrowser } from './chromium.js';
import { repoRoot } from '../helpers/paths.js';
import { consoleWorld, MEMBER, PASSWORD, type ConsoleWorld } from './world.js';

const SHOTS = path.join(repoRoot, 'test-artifacts', 'console');
const skip = skipWithoutChromium;

let w: ConsoleWorld;
let ctx: BrowserContext;
let page: Page;
let browser: TestBrowser;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function signIn(userName: string, mfaCode?: string): Promise<void> {
  await ctx.clearCookies();
  await page.goto(w.console.url);
  await page.getByLabel('Account ID (12 digits) or account alias').fill('bastion');
  await page.getByLabel('IAM user name').fill(userName);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (mfaCode) {
    await page.getByLabel('MFA code').fill(mfaCode);
    await page.getByRole('button', { name: 'Submit' }).click();
  }
  await page.getByTestId('identity-label').waitFor();
}

/** A link of the main navigation. */
function nav(name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

async function identity(): Promise<string> {
  return (await page.getByTestId('identity-label').textContent()) ?? '';
}

async function openMenu(): Promise<void> {
  await page.locator('#account-menu-button').click();
  await page.locator('#account-menu').waitFor();
}

/** Escape closes the account menu (checked: the menu leaves the page). */
async function closeMenu(): Promise<void> {
  await page.keyboard.press('Escape');
  await page.locator('#account-menu').waitFor({ state: 'detached' });
}

describe('web console in Chromium', { skip }, () => {
  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    w = await consoleWorld();
    browser = await openBrowser({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    ctx = browser.ctx;
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    await w?.close();
  });

  test('sign in to the bastion account as an IAM user', async () => {
    await ctx.clearCookies();
    await page.goto(w.console.url);
    await page.getByRole('heading', { name: 'Sign in as IAM user' }).waitFor();
    await shot('01-signin');
    await signIn('user01');
    assert.equal(await identity(), 'user01 @ bastion');
    await openMenu();
    assert.equal(await page.getByTestId('menu-arn').textContent(), `arn:aws:iam::${w.mgmt}:user/user01`);
    await shot('02-home-account-menu');
    await closeMenu();
  });

  test('switch to Admin in the member account from the switch-role link: display name and colour in the header', async () => {
    await page.goto(`${w.console.url}switchrole?account=${MEMBER}&roleName=Admin&displayName=dev-admin&color=b7ca9d`);
    assert.equal(await page.getByLabel('Account ID or alias').inputValue(), MEMBER);
    assert.equal(await page.getByLabel('IAM role name').inputValue(), 'Admin');
    assert.equal(await page.getByLabel('Display name').inputValue(), 'dev-admin');
    assert.equal(await page.getByRole('radio', { name: 'Green' }).isChecked(), true);
    await shot('03-switch-role');
    await page.getByRole('button', { name: 'Switch role' }).click();
    await page.getByTestId('identity-label').filter({ hasText: 'dev-admin' }).waitFor();
    const bg = await page.locator('#account-menu-button').evaluate((el) => (globalThis as any).getComputedStyle(el).backgroundColor);
    assert.equal(bg, 'rgb(183, 202, 157)');
    assert.equal(await page.getByTestId('home-arn').textContent(), `arn:aws:sts::${MEMBER}:assumed-role/Admin/user01`);
    await shot('04-switched-header');
  });

  test('an admin action in the member account: create a user (with the sign-in CSV)', async () => {
    await nav('Users').click();
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByLabel('User name').fill('console-made');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByTestId('created-user').waitFor();
    const password = (await page.getByTestId('created-password').textContent()) ?? '';
    assert.ok(password.length >= 16);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download .csv file' }).click()]);
    const csv = fs.readFileSync((await dl.path())!, 'utf8');
    assert.ok(csv.startsWith('User name,Password,Console sign-in URL\r\nconsole-made,'), csv);
    await shot('05-user-created');
    const there = await w.asRoot('member', 'iam', 'GetUser', { UserName: 'console-made' });
    assert.equal(there['User']['Arn'], `arn:aws:iam::${MEMBER}:user/console-made`);
    await nav('Users').click();
    await page.getByRole('link', { name: 'console-made' }).waitFor();
    await shot('06-users');
  });

  test('back to the user, then one click on the history switches again', async () => {
    await openMenu();
    await page.getByRole('menuitem', { name: 'Back to user01' }).click();
    await page.getByTestId('identity-label').filter({ hasText: 'user01 @ bastion' }).waitFor();
    await openMenu();
    await shot('07-history-menu');
    await page.getByRole('menuitem', { name: 'dev-admin' }).click();
    await page.getByTestId('identity-label').filter({ hasText: 'dev-admin' }).waitFor();
    await openMenu();
    await page.getByRole('menuitem', { name: 'Back to user01' }).click();
    await page.getByTestId('identity-label').filter({ hasText: 'user01 @ bastion' }).waitFor();
  });

  test('the MFA-conditioned role is refused after a password-only sign-in, with AWS message', async () => {
    await page.goto(`${w.console.url}switchrole?account=${MEMBER}&roleName=ex-for-aws-b`);
    await page.getByRole('button', { name: 'Switch role' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', new RegExp(`User: arn:aws:iam::${w.mgmt}:user/user01 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${MEMBER}:role/ex-for-aws-b`));
    assert.equal(await identity(), 'user01 @ bastion');
    await shot('08-switch-refused');
  });

  test('the MFA-conditioned role is granted after an MFA sign-in', async () => {
    await signIn('mfauser', w.nextMfaCode());
    await page.goto(`${w.console.url}switchrole?account=${MEMBER}&roleName=ex-for-aws-b&displayName=partner&color=Blue`);
    await page.getByRole('button', { name: 'Switch role' }).click();
    await page.getByTestId('identity-label').filter({ hasText: 'partner' }).waitFor();
    assert.equal(await page.locator('#account-menu-button').evaluate((el) => (globalThis as any).getComputedStyle(el).backgroundColor), 'rgb(131, 212, 232)');
  });

  test('the create-role wizard with "Require external ID" writes the expected trust policy', async () => {
    await signIn('user01');
    await page.goto(`${w.console.url}switchrole?account=${MEMBER}&roleName=Admin&displayName=dev-admin&color=b7ca9d`);
    await page.getByRole('button', { name: 'Switch role' }).click();
    await page.getByTestId('identity-label').filter({ hasText: 'dev-admin' }).waitFor();
    await nav('Roles').click();
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.getByLabel('Another AWS account').check();
    await page.getByLabel('Account ID', { exact: true }).fill('333333333333');
    await page.getByLabel(/Require external ID/).check();
    await page.getByLabel('External ID', { exact: true }).fill('ext-987');
    await shot('09-wizard-trust');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Search policies').fill('ReadOnlyAccess');
    await page.getByRole('checkbox', { name: /^ReadOnlyAccess AWS managed/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Role name').fill('partner-role');
    await page.getByLabel('Description').fill('for the partner');
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.getByTestId('trust-policy').waitFor();
    await shot('10-role-page');
    const role = await w.asRoot('member', 'iam', 'GetRole', { RoleName: 'partner-role' });
    assert.deepEqual(JSON.parse(decodeURIComponent(role['Role']['AssumeRolePolicyDocument'])), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::333333333333:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'ext-987' } } }],
    });
    const att = await w.asRoot('member', 'iam', 'ListAttachedRolePolicies', { RoleName: 'partner-role' });
    assert.deepEqual(att['AttachedPolicies'].map((p: any) => p.PolicyName), ['ReadOnlyAccess']);
  });

  test('policy generator → JSON editor (validated as you type) → create the policy', async () => {
    await nav('Policy generator').click();
    await page.getByLabel('AWS service').selectOption('ec2');
    await page.getByLabel('Search actions').fill('DescribeInstanceTypes');
    await page.getByRole('checkbox', { name: /^DescribeInstanceTypes\b/ }).check();
    await page.getByRole('button', { name: 'Add statement' }).click();
    const generated = JSON.parse((await page.getByTestId('generated-policy').textContent()) ?? '');
    assert.deepEqual(generated, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeInstanceTypes', Resource: '*' }] });
    await shot('11-policy-generator');
    await page.getByRole('button', { name: 'Create a policy from this' }).click();
    const editor = page.getByLabel('Policy editor (JSON)');
    await page.getByTestId('policy-problems').getByText('No problems found.').waitFor();
    const good = await editor.inputValue();
    await editor.fill(good.replace('"Effect": "Allow"', '"Effect": "Alow"'));
    await page.getByTestId('policy-problems').locator('.problem.error').first().waitFor();
    assert.match((await page.getByTestId('policy-problems').textContent()) ?? '', /Line \d+/);
    await shot('12-policy-editor-problem');
    await editor.fill(good);
    await page.getByTestId('policy-problems').getByText('No problems found.').waitFor();
    await page.getByLabel('Policy name').fill('ToyPolicy');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.getByTestId('policy-document').waitFor();
    const pol = await w.asRoot('member', 'iam', 'GetPolicy', { PolicyArn: `arn:aws:iam::${MEMBER}:policy/ToyPolicy` });
    assert.equal(pol['Policy']['PolicyName'], 'ToyPolicy');
  });

  test('AWS managed policy browser and the Organizations page of the management account', async () => {
    await nav('Policies').click();
    await page.getByRole('tab', { name: 'AWS managed' }).click();
    await page.getByLabel('Filter policies by name').fill('ViewOnlyAccess');
    await page.getByRole('link', { name: 'ViewOnlyAccess', exact: true }).click();
    const doc = JSON.parse((await page.getByTestId('policy-document').textContent()) ?? '{}');
    assert.equal(doc.Version, '2012-10-17');
    await shot('13-managed-policy');
    await ctx.clearCookies();
    await page.goto(w.console.url);
    await page.getByRole('button', { name: 'Sign in using root user email' }).click();
    await page.getByLabel('Root user email address').fill(w.kamen.bootstrap!.rootEmail);
    await page.getByLabel('Password').fill(w.kamen.bootstrap!.rootPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await nav('Organizations').click();
    await page.getByTestId(`org-account-${MEMBER}`).waitFor();
    await shot('14-organizations');
  });
});

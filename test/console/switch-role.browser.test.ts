/**
 * Switch role as AWS's console does it (issue 16, item 7), in Chromium: the signin.aws.amazon.com/switchrole form of
 * the link on the console port, opened while signed out (the sign-in form is not pre-filled with the role's account),
 * a role name with a path, and the role history kept by the browser across sign-out and sign-in.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { openBrowser, skipWithoutChromium, type TestBrowser } from './chromium.js';
import { consoleWorld, MEMBER, PASSWORD, type ConsoleWorld } from './world.js';

const skip = skipWithoutChromium;

let w: ConsoleWorld;
let ctx: BrowserContext;
let page: Page;
let browser: TestBrowser;

async function fillSignIn(userName: string): Promise<void> {
  await page.getByLabel('Account ID (12 digits) or account alias').fill('bastion');
  await page.getByLabel('IAM user name').fill(userName);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('identity-label').waitFor();
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

describe('switch role as AWS (console in Chromium)', { skip }, () => {
  before(async () => {
    w = await consoleWorld();
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${w.mgmt}:root` }, Action: 'sts:AssumeRole' }] });
    await w.asRoot('member', 'iam', 'CreateRole', { RoleName: 'PathAdmin', Path: '/team/ops/', AssumeRolePolicyDocument: trust });
    await w.asRoot('member', 'iam', 'AttachRolePolicy', { RoleName: 'PathAdmin', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' });
    browser = await openBrowser({ viewport: { width: 1280, height: 900 } });
    ctx = browser.ctx;
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    await w?.close();
  });

  test('the /switchrole link opened while signed out: sign-in not pre-filled, then the form pre-filled; a role with a path', async () => {
    const origin = new URL(w.console.url).origin;
    await page.goto(`${origin}/switchrole?roleName=team/ops/PathAdmin&account=${MEMBER}&displayName=ops-admin&color=efda95`);
    await page.getByRole('heading', { name: 'Sign in as IAM user' }).waitFor();
    assert.equal(await page.getByLabel('Account ID (12 digits) or account alias').inputValue(), '');
    await fillSignIn('user01');
    assert.equal(await page.getByLabel('Account ID or alias').inputValue(), MEMBER);
    assert.equal(await page.getByLabel('IAM role name').inputValue(), 'team/ops/PathAdmin');
    await page.getByRole('button', { name: 'Switch role' }).click();
    await page.getByTestId('identity-label').filter({ hasText: 'ops-admin' }).waitFor();
    await openMenu();
    assert.match((await page.getByTestId('menu-arn').textContent()) ?? '', new RegExp(`^arn:aws:sts::${MEMBER}:assumed-role/PathAdmin/user01$`));
    await closeMenu();
  });

  test('the role history survives sign-out and sign-in (kept in the browser)', async () => {
    await openMenu();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in as IAM user' }).waitFor();
    await fillSignIn('user01');
    assert.equal((await page.getByTestId('identity-label').textContent()) ?? '', 'user01 @ bastion');
    await openMenu();
    await page.getByRole('group', { name: 'Role history' }).getByRole('menuitem', { name: 'ops-admin' }).click();
    await page.getByTestId('identity-label').filter({ hasText: 'ops-admin' }).waitFor();
  });
});

/**
 * The console readable everywhere (issue 16, item 8), in Chromium: the IAM dashboard's resource counts and security
 * recommendations (root MFA, old access keys), dates formatted on the Organizations page, the policy editor saying
 * what is wrong, and the AWS managed policy browser paging and searching.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { openBrowser, skipWithoutChromium, type TestBrowser } from './chromium.js';
import { consoleWorld, MEMBER, PASSWORD, type ConsoleWorld } from './world.js';

const skip = skipWithoutChromium;
const DAY = 24 * 60 * 60 * 1000;

let w: ConsoleWorld;
let ctx: BrowserContext;
let page: Page;
let browser: TestBrowser;
let oldKey: string;

/** Waits until the policy list answers the current scope, filter and page (not an earlier query's answer). */
async function policyList(pageText: RegExp): Promise<void> {
  const list = page.locator('[data-testid="policy-list"][aria-busy="false"]');
  await list.getByTestId('policy-page').getByText(pageText).waitFor();
}

function nav(name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

describe('a readable console (Chromium)', { skip }, () => {
  before(async () => {
    w = await consoleWorld();
    await w.asRoot('mgmt', 'iam', 'AttachUserPolicy', { UserName: 'user01', PolicyArn: 'arn:aws:iam::aws:policy/AWSOrganizationsReadOnlyAccess' });
    oldKey = (await w.asRoot('mgmt', 'iam', 'CreateAccessKey', { UserName: 'user01' }))['AccessKey']['AccessKeyId'];
    w.clock.advance(91 * DAY);
    browser = await openBrowser({ viewport: { width: 1280, height: 900 } });
    ctx = browser.ctx;
    page = browser.page;
    await page.goto(w.console.url);
    await page.getByLabel('Account ID (12 digits) or account alias').fill('bastion');
    await page.getByLabel('IAM user name').fill('user01');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('identity-label').waitFor();
  });
  after(async () => {
    await browser?.close();
    await w?.close();
  });

  test('the dashboard shows resource counts and security recommendations', async () => {
    const users = (await w.asRoot('mgmt', 'iam', 'ListUsers'))['Users'].length;
    assert.equal(await page.getByTestId('count-users').textContent(), String(users));
    assert.equal(await page.getByTestId('count-roles').textContent(), String((await w.asRoot('mgmt', 'iam', 'ListRoles'))['Roles'].length));
    assert.match((await page.getByTestId('rec-root-mfa').textContent()) ?? '', /Add MFA for root user/);
    const old = (await page.getByTestId('rec-old-keys').textContent()) ?? '';
    assert.match(old, /Rotate access keys older than 90 days/);
    assert.match(old, new RegExp(`user01: ${oldKey} is 91 days old`));
  });

  test('the Organizations page formats dates (no raw epoch seconds)', async () => {
    await nav('Organizations').click();
    const entry = (await page.getByTestId(`org-account-${MEMBER}`).textContent()) ?? '';
    assert.match(entry, /joined \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    assert.doesNotMatch(entry, /joined \d{9,}/);
  });

  test('the policy editor says what is wrong: the bad Effect, the JSON parser\'s message', async () => {
    await nav('Policies').click();
    await page.getByRole('button', { name: 'Create policy' }).click();
    const editor = page.getByLabel('Policy editor (JSON)');
    const problems = page.getByTestId('policy-problems');
    await editor.fill('{"Version": "2012-10-17", "Statement": [{"Effect": "Alow", "Action": "s3:GetObject", "Resource": "*"}]}');
    await problems.getByText(/Invalid Effect: Alow/).waitFor();
    await editor.fill('{"Version": "2012-10-17",\n "Statement": [{"Effect": "Allow",}]}');
    await problems.getByText(/Invalid JSON: /).waitFor();
    assert.match((await problems.textContent()) ?? '', /Invalid JSON: .*JSON/);
  });

  test('the AWS managed policy browser pages and searches', async () => {
    await nav('Policies').click();
    await page.getByRole('tab', { name: 'AWS managed' }).click();
    await policyList(/^Page 1 of \d+$/);
    const rows = page.locator('table tbody tr');
    assert.equal(await rows.count(), 25);
    const first = await rows.first().locator('a').textContent();
    await page.getByRole('button', { name: 'Next page' }).click();
    await policyList(/^Page 2 of \d+$/);
    assert.notEqual(await rows.first().locator('a').textContent(), first);
    await page.getByLabel('Filter policies by name').fill('readonly');
    await policyList(/^Page 1 of \d+$/);
    const names = await rows.locator('a').allTextContents();
    assert.ok(names.length > 0 && names.length <= 25);
    for (const n of names) assert.match(n, /readonly/i);
  });
});

/**
 * The console's Event history (issue 13, item 5) in Chromium: a call just made (a denied CreateUser) is in the table
 * with its error code, a lookup attribute narrows the table, the event's page holds the CloudTrail record as JSON,
 * NextToken paging, a time range with no events, the user page's link opens the history filtered to that user, the
 * role page's link to that role, the region selector (another region's history, the region kept in the URL with the
 * filter, the event's page found in its region), and a caller without cloudtrail:LookupEvents sees the decision's
 * explanation.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../helpers/paths.js';
import { openBrowser, signInFresh, skipWithoutChromium, type TestBrowser } from './chromium.js';
import { consoleWorld, MEMBER, PASSWORD, type ConsoleWorld } from './world.js';
import { createApiClient } from '../../src/console/aws-client.js';

const SHOTS = path.join(repoRoot, 'test-artifacts', 'console');

let w: ConsoleWorld;
let b: TestBrowser;
let page: Page;

const LOOKUP = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' } });

function nav(name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

/** The table's column `n` (0-based) of every row. */
async function column(n: number): Promise<string[]> {
  await page.getByTestId('events-table').waitFor();
  return page.getByTestId('event-row').evaluateAll((rows, i) => rows.map((r) => (r as HTMLTableRowElement).cells[i]?.textContent ?? ''), n);
}

/** Sets one lookup attribute and applies it. */
async function filter(label: string, value: string): Promise<void> {
  await page.getByLabel('Lookup attributes').selectOption({ label });
  await page.getByLabel('Attribute value').fill(value);
  await page.getByRole('button', { name: 'Apply filter' }).click();
  await page.getByTestId('active-filter').filter({ hasText: value }).waitFor();
}

describe('Event history in the console (Chromium)', { skip: skipWithoutChromium }, () => {
  before(async () => {
    w = await consoleWorld();
    const pol = await w.asRoot('mgmt', 'iam', 'CreatePolicy', { PolicyName: 'events-read', PolicyDocument: LOOKUP });
    await w.asRoot('mgmt', 'iam', 'AttachUserPolicy', { UserName: 'user01', PolicyArn: pol['Policy']['Arn'] });
    // A user who may read IAM but not the event history.
    await w.asRoot('mgmt', 'iam', 'CreateUser', { UserName: 'noaudit' });
    await w.asRoot('mgmt', 'iam', 'CreateLoginProfile', { UserName: 'noaudit', Password: PASSWORD });
    await w.asRoot('mgmt', 'iam', 'AttachUserPolicy', { UserName: 'noaudit', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' });
    fs.mkdirSync(SHOTS, { recursive: true });
    b = await openBrowser();
    page = b.page;
  });
  after(async () => {
    await b?.close();
    await w?.close();
  });

  test('a call just made (a denied CreateUser) is listed with its error code; the filter narrows the table', async () => {
    await signInFresh(b, w.console.url, 'user01');
    // user01 may only read IAM: the console's CreateUser is refused (and recorded).
    await nav('Users').click();
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByLabel('User name').fill('not-allowed');
    await page.getByLabel('Provide user access to the console').uncheck();
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('alert').filter({ hasText: 'iam:CreateUser' }).waitFor();

    await nav('Event history').click();
    const all = await column(0);
    assert.ok(all.includes('CreateUser'), `CreateUser listed: ${all.join(', ')}`);
    assert.ok(new Set(all).size > 1, 'the unfiltered history holds other events too');
    await filter('Event name', 'CreateUser');
    const names = await column(0);
    assert.ok(names.length >= 1);
    assert.deepEqual(new Set(names), new Set(['CreateUser']));
    // Newest first: user01's refused call, then the world's CreateUser calls by the root user (no error).
    const users = await column(2);
    const errors = await column(6);
    assert.equal(users[0], 'user01');
    assert.equal(errors[0], 'AccessDenied');
    assert.deepEqual(new Set(users.slice(1)), new Set(['root']));
    assert.deepEqual(new Set(errors.slice(1)), new Set(['']));
    assert.match(page.url(), /key=EventName&value=CreateUser/);
    await page.screenshot({ path: path.join(SHOTS, 'events-history.png'), fullPage: true });
  });

  test("the event's page shows its CloudTrail record as JSON", async () => {
    // The newest row: user01's refused call (the previous test checked its user name and error code).
    await page.getByTestId('event-row').first().getByRole('link', { name: 'CreateUser' }).click();
    const text = (await page.getByTestId('event-record').textContent()) ?? '';
    const rec = JSON.parse(text);
    await page.screenshot({ path: path.join(SHOTS, 'events-record.png'), fullPage: true });
    assert.equal(rec.eventName, 'CreateUser');
    assert.equal(rec.eventSource, 'iam.amazonaws.com');
    assert.equal(rec.errorCode, 'AccessDenied');
    assert.match(rec.errorMessage, /is not authorized to perform: iam:CreateUser/);
    assert.equal(rec.userIdentity.type, 'IAMUser');
    assert.equal(rec.userIdentity.userName, 'user01');
    assert.equal(rec.recipientAccountId, w.mgmt);
    assert.equal(rec.requestParameters.userName, 'not-allowed');
    assert.match(page.url(), new RegExp(`/cloudtrail/events/${rec.eventID}$`));
  });

  test('NextToken pages: 50 events a page, the next page continues without repeats', async () => {
    for (let i = 0; i < 60; i++) await w.asRoot('mgmt', 'iam', 'GetAccountSummary');
    await page.goto(new URL('cloudtrail/events?key=EventName&value=GetAccountSummary', w.console.url).href);
    const first = await column(1);
    assert.equal(first.length, 50);
    const ids1 = await page.getByTestId('event-row').getByRole('link').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByTestId('events-page').filter({ hasText: 'Page 2' }).waitFor();
    const ids2 = await page.getByTestId('event-row').getByRole('link').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    assert.ok(ids2.length >= 10, `second page: ${ids2.length}`);
    assert.equal(ids1.filter((id) => ids2.includes(id)).length, 0);
    assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), ids2.length < 50);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByTestId('events-page').filter({ hasText: 'Page 1' }).waitFor();
  });

  test('a time range narrows the history: the last hour has the events, a range long past has none', async () => {
    await page.goto(new URL('cloudtrail/events?key=EventName&value=GetAccountSummary&range=1h', w.console.url).href);
    assert.equal((await column(0)).length, 50);
    await page.getByLabel('Time range').selectOption({ label: 'Custom range' });
    await page.getByLabel('Start (UTC)').fill('2020-01-01T00:00');
    await page.getByLabel('End (UTC)').fill('2020-01-02T00:00');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await page.getByText('No events match this filter.').waitFor();
  });

  test("the user page's link opens the history filtered to that user", async () => {
    await nav('Users').click();
    await page.getByRole('link', { name: 'user01', exact: true }).click();
    // The user page's own GetUser is queued (stored within BATCH_INTERVAL_MS): stored before the history is read.
    await page.getByRole('link', { name: 'View events by user01 in Event history' }).waitFor();
    await w.kamen.events.flush();
    await page.getByRole('link', { name: 'View events by user01 in Event history' }).click();
    await page.getByTestId('active-filter').filter({ hasText: 'user01' }).waitFor();
    assert.equal(await page.getByLabel('Lookup attributes').inputValue(), 'Username');
    assert.equal(await page.getByLabel('Attribute value').inputValue(), 'user01');
    const users = await column(2);
    assert.ok(users.length > 0);
    assert.deepEqual(new Set(users), new Set(['user01']));
    const names = await column(0);
    assert.ok(names.includes('GetUser'), `the user page's own GetUser: ${names.join(', ')}`);
    assert.ok(names.includes('CreateUser'));
  });

  test("after switching into a member account, the role page's link lists that role's events there", async () => {
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.goto(new URL(`switchrole?account=${MEMBER}&roleName=Admin&displayName=member-admin`, w.console.url).href);
    await page.getByRole('button', { name: 'Switch role' }).click();
    await page.getByTestId('identity-label').filter({ hasText: 'member-admin' }).waitFor();
    await nav('Roles').click();
    await page.getByRole('link', { name: 'Admin', exact: true }).click();
    // The role page's own GetRole is queued (stored within BATCH_INTERVAL_MS): stored before the history is read.
    await page.getByRole('link', { name: 'View events for Admin in Event history' }).waitFor();
    await w.kamen.events.flush();
    await page.getByRole('link', { name: 'View events for Admin in Event history' }).click();
    await page.getByTestId('active-filter').filter({ hasText: 'Admin' }).waitFor();
    const names = await column(0);
    // The member account's own history: the role's creation by its root user, and the console's GetRole just now.
    assert.ok(names.includes('CreateRole'), names.join(', '));
    assert.ok(names.includes('GetRole'), names.join(', '));
    const resources = await column(5);
    assert.ok(resources.every((r) => r.split(', ').includes('Admin')), resources.join(' | '));
  });

  test("the region selector shows another region's history, keeps the region in the URL, and opens its events there", async () => {
    // A call made in eu-west-1 (CloudTrail's regional endpoint) is recorded in eu-west-1's history, not us-east-1's.
    const boot = w.kamen.bootstrap!;
    await createApiClient(w.kamen.pipeline).call({ accessKeyId: boot.accessKeyId, secretAccessKey: boot.secretAccessKey }, 'cloudtrail', 'LookupEvents', { MaxResults: 1 }, { sourceIp: '192.0.2.45', secureTransport: true }, 'eu-west-1');
    await w.kamen.events.flush();
    await signInFresh(b, w.console.url, 'user01');
    await nav('Event history').click();
    await page.getByTestId('events-table').waitFor();
    const region = page.getByLabel('Region');
    assert.equal(await region.inputValue(), 'us-east-1');
    assert.ok((await region.locator('option').allTextContents()).includes('ap-northeast-1'));

    await region.selectOption('eu-west-1');
    await page.waitForURL(/[?&]region=eu-west-1/);
    await page.getByTestId('events-region').filter({ hasText: 'eu-west-1' }).waitFor();
    await page.getByTestId('event-row').first().waitFor();
    assert.deepEqual(new Set(await column(0)), new Set(['LookupEvents']));
    assert.ok((await column(2)).includes('root'));
    // The filter keeps the region.
    await filter('User name', 'root');
    assert.match(page.url(), /region=eu-west-1/);
    assert.match(page.url(), /key=Username&value=root/);
    assert.deepEqual(new Set(await column(2)), new Set(['root']));
    await page.screenshot({ path: path.join(SHOTS, 'events-region.png'), fullPage: true });

    // The event's page looks it up in its region.
    await page.getByTestId('event-row').first().getByRole('link', { name: 'LookupEvents' }).click();
    const rec = JSON.parse((await page.getByTestId('event-record').textContent()) ?? '{}');
    assert.equal(rec.awsRegion, 'eu-west-1');
    assert.equal(rec.eventSource, 'cloudtrail.amazonaws.com');
    assert.equal(rec.sourceIPAddress, '192.0.2.45');
    assert.match(page.url(), new RegExp(`/cloudtrail/events/${rec.eventID}\\?region=eu-west-1$`));
    await page.getByRole('link', { name: 'Back to Event history' }).click();
    await page.waitForURL(/[?&]region=eu-west-1/);
    assert.equal(await page.getByLabel('Region').inputValue(), 'eu-west-1');

    // Back in us-east-1 (the default: no region in the URL), the eu-west-1 event is not found.
    await filter('Event ID', rec.eventID);
    await page.getByLabel('Region').selectOption('us-east-1');
    await page.getByTestId('events-region').filter({ hasText: 'us-east-1' }).waitFor();
    assert.doesNotMatch(page.url(), /region=/);
    assert.match(page.url(), new RegExp(`key=EventId&value=${rec.eventID}`));
    await page.getByText('No events match this filter.').waitFor();
  });

  test('without cloudtrail:LookupEvents the page shows the decision', async () => {
    await signInFresh(b, w.console.url, 'noaudit');
    await nav('Event history').click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    assert.match(text, new RegExp(`User: arn:aws:iam::${w.mgmt}:user/noaudit is not authorized to perform: cloudtrail:LookupEvents`));
    assert.equal(await page.getByTestId('events-table').count(), 0);
  });
});

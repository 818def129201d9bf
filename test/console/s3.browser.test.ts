/**
 * The console's S3 pages (issue 12, item 6) in Chromium, in the member account after switching role: create a bucket
 * (names checked as you type), open it, walk its prefixes, upload a file, see it listed, download it (same bytes),
 * delete it, edit the bucket policy in the validating editor, delete the bucket; then, as seed 002's S3GetListRole
 * (s3:Get* and s3:List*), the list and the download work and the upload is refused with the decision's explanation;
 * a list-only role's download is refused the same way; the streaming routes keep the CSRF and Content-Length rules.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../helpers/paths.js';
import { createS3Client } from '../../src/console/s3-client.js';
import { openBrowser, signInFresh, skipWithoutChromium, type TestBrowser } from './chromium.js';
import { consoleClient, consoleWorld, MEMBER, type ConsoleWorld } from './world.js';

const SHOTS = path.join(repoRoot, 'test-artifacts', 'console');

let w: ConsoleWorld;
let b: TestBrowser;
let page: Page;
let memberRoot: { accessKeyId: string; secretAccessKey: string };

const CONN = { sourceIp: '127.0.0.1', secureTransport: true };
const BUCKET = 'console-seed-bucket';
const NEW_BUCKET = 'console-made-bucket';
const CONTENT = `hello from the console ${'ü'.repeat(3)}\n${'x'.repeat(5000)}`;

function nav(name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

async function switchTo(roleName: string, displayName: string): Promise<void> {
  await page.goto(new URL(`switchrole?account=${MEMBER}&roleName=${roleName}&displayName=${displayName}`, w.console.url).href);
  await page.getByRole('button', { name: 'Switch role' }).click();
  await page.getByTestId('identity-label').filter({ hasText: displayName }).waitFor();
}

async function objectNames(): Promise<string[]> {
  await page.getByTestId('objects-table').waitFor();
  return page.getByTestId('object-row').evaluateAll((rows) => rows.map((r) => (r as HTMLTableRowElement).cells[0]?.textContent ?? ''));
}

/** Clicks a download link and returns the downloaded bytes as text. */
async function download(name: string): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: `Download ${name}`, exact: true }).click()]);
  const file = await d.path();
  return fs.readFileSync(file, 'utf8');
}

describe('S3 in the console (Chromium)', { skip: skipWithoutChromium }, () => {
  before(async () => {
    w = await consoleWorld();
    // The member account's root key (the world signs its calls with it) and seed 002's read-only role.
    const key = await w.asRoot('member', 'iam', 'CreateAccessKey', {});
    memberRoot = { accessKeyId: key['AccessKey']['AccessKeyId'], secretAccessKey: key['AccessKey']['SecretAccessKey'] };
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${w.mgmt}:root` }, Action: 'sts:AssumeRole' }] });
    await w.asRoot('member', 'iam', 'CreateRole', { RoleName: 'S3GetListRole', AssumeRolePolicyDocument: trust });
    await w.asRoot('member', 'iam', 'CreateRole', { RoleName: 'S3ListOnlyRole', AssumeRolePolicyDocument: trust });
    await w.asRoot('member', 'iam', 'PutRolePolicy', { RoleName: 'S3ListOnlyRole', PolicyName: 's3-list', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:List*', Resource: '*' }] }) });
    await w.asRoot('member', 'iam', 'PutRolePolicy', { RoleName: 'S3GetListRole', PolicyName: 's3-read', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }] }) });
    // A bucket with an object two prefix levels down, made through S3 itself.
    const s3 = createS3Client(w.kamen.pipeline);
    await s3.call(memberRoot, { method: 'PUT', bucket: BUCKET }, CONN);
    const body = Buffer.from('quarterly numbers\n');
    await s3.call(memberRoot, { method: 'PUT', bucket: BUCKET, key: 'reports/2026/q4.txt', stream: { body: Readable.from([body]), length: body.length } }, CONN);
    fs.mkdirSync(SHOTS, { recursive: true });
    b = await openBrowser({ acceptDownloads: true });
    page = b.page;
  });
  after(async () => {
    await b?.close();
    await w?.close();
  });

  test('create a bucket: the name is checked as you type, then the bucket is listed', async () => {
    await signInFresh(b, w.console.url, 'user01');
    await switchTo('Admin', 'member-admin');
    await nav('S3 buckets').click();
    await page.getByTestId('buckets-table').getByRole('link', { name: BUCKET }).waitFor();
    await page.getByRole('button', { name: 'Create bucket' }).first().click();
    const form = page.getByRole('form', { name: 'Create bucket' });
    await form.getByLabel('Bucket name').fill('Bad_Name');
    await page.getByTestId('bucket-name-problems').getByText('only of lowercase letters').waitFor();
    assert.equal(await form.getByRole('button', { name: 'Create bucket' }).isDisabled(), true);
    await form.getByLabel('Bucket name').fill(NEW_BUCKET);
    assert.equal(await page.getByTestId('bucket-name-problems').textContent(), '');
    await form.getByRole('button', { name: 'Create bucket' }).click();
    await page.getByRole('status').filter({ hasText: `Bucket ${NEW_BUCKET} was created.` }).waitFor();
    await page.getByTestId('buckets-table').getByRole('link', { name: NEW_BUCKET }).waitFor();
  });

  test('prefix navigation: folders one level at a time, then the object', async () => {
    await page.getByTestId('buckets-table').getByRole('link', { name: BUCKET }).click();
    await page.getByRole('link', { name: 'reports/', exact: true }).click();
    await page.getByRole('link', { name: '2026/', exact: true }).click();
    assert.deepEqual(await objectNames(), ['q4.txt']);
    assert.match(page.url(), /prefix=reports%2F2026%2F/);
    assert.equal(await download('q4.txt'), 'quarterly numbers\n');
  });

  test('upload → listed → download has the same bytes → delete', async () => {
    await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: BUCKET }).click();
    await page.getByLabel('File to upload').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(CONTENT) });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Uploaded notes.txt.' }).waitFor();
    await page.getByRole('link', { name: 'Download notes.txt', exact: true }).waitFor();
    assert.deepEqual(await objectNames(), ['notes.txt']);
    await page.screenshot({ path: path.join(SHOTS, 's3-bucket.png'), fullPage: true });
    assert.equal(await download('notes.txt'), CONTENT);
    await page.getByRole('button', { name: 'Delete notes.txt', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted notes.txt.' }).waitFor();
    await page.getByRole('button', { name: 'Delete notes.txt', exact: true }).waitFor({ state: 'detached' });
    assert.deepEqual(await objectNames(), []);
  });

  test('the bucket policy editor validates as you type, saves, and deletes', async () => {
    await page.getByRole('tab', { name: 'Permissions' }).click();
    await page.getByText('No policy to display.').waitFor();
    await page.getByRole('button', { name: 'Edit bucket policy' }).click();
    const editor = page.getByLabel('Bucket policy (JSON)');
    await editor.fill('{"Version": "2012-10-17", "Statement": [{"Effect": "Alow", "Principal": {"AWS": "arn:aws:iam::' + w.mgmt + ':root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::' + BUCKET + '/*"}]}');
    await page.getByTestId('policy-problems').getByText('Invalid Effect: Alow').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save changes' }).isDisabled(), true);
    const good = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'PartnerRead', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${w.mgmt}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }] }, null, 2);
    await editor.fill(good);
    await page.getByTestId('policy-problems').getByText('No problems found.').waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Bucket policy saved.' }).waitFor();
    const shown = JSON.parse((await page.getByTestId('bucket-policy').textContent()) ?? '');
    assert.equal(shown.Statement[0].Sid, 'PartnerRead');
    // The policy is S3's own: GetBucketPolicy through the API answers it.
    const s3 = createS3Client(w.kamen.pipeline);
    const answer = await s3.send(memberRoot, { method: 'GET', bucket: BUCKET, query: { policy: '' } }, CONN);
    assert.equal(answer.status, 200);
    await page.getByRole('button', { name: 'Delete bucket policy' }).click();
    await page.getByText('No policy to display.').waitFor();
    assert.equal((await s3.send(memberRoot, { method: 'GET', bucket: BUCKET, query: { policy: '' } }, CONN)).status, 404);
  });

  test('delete a bucket after confirming its name', async () => {
    await nav('S3 buckets').click();
    await page.getByRole('button', { name: `Delete ${NEW_BUCKET}` }).click();
    const confirm = page.getByRole('form', { name: 'Delete bucket' });
    assert.equal(await confirm.getByRole('button', { name: 'Delete bucket' }).isDisabled(), true);
    await confirm.getByLabel(`To confirm deletion, enter ${NEW_BUCKET}`).fill(NEW_BUCKET);
    await confirm.getByRole('button', { name: 'Delete bucket' }).click();
    await page.getByRole('status').filter({ hasText: `Bucket ${NEW_BUCKET} was deleted.` }).waitFor();
    assert.equal(await page.getByTestId('buckets-table').getByRole('link', { name: NEW_BUCKET }).count(), 0);
  });

  test("as S3GetListRole (s3:Get*, s3:List*): list and download work, the upload is refused with the decision's explanation", async () => {
    await switchTo('S3GetListRole', 's3-reader');
    await nav('S3 buckets').click();
    await page.getByTestId('buckets-table').getByRole('link', { name: BUCKET }).click();
    await page.getByRole('link', { name: 'reports/', exact: true }).click();
    await page.getByRole('link', { name: '2026/', exact: true }).click();
    assert.deepEqual(await objectNames(), ['q4.txt']);
    assert.equal(await download('q4.txt'), 'quarterly numbers\n');
    await page.getByLabel('File to upload').setInputFiles({ name: 'refused.txt', mimeType: 'text/plain', buffer: Buffer.from('nope') });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const alert = page.getByRole('form', { name: 'Upload' }).getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    assert.match(text, new RegExp(`arn:aws:sts::${MEMBER}:assumed-role/S3GetListRole/user01 is not authorized to perform: s3:PutObject`));
    // Nothing was stored: the listing still has only the seeded object.
    await page.reload();
    assert.deepEqual(await objectNames(), ['q4.txt']);
  });

  test('as a role that may list but not get: the download is refused with the explanation, no file is saved', async () => {
    await switchTo('S3ListOnlyRole', 's3-lister');
    await nav('S3 buckets').click();
    await page.getByTestId('buckets-table').getByRole('link', { name: BUCKET }).click();
    await page.getByRole('link', { name: 'reports/', exact: true }).click();
    await page.getByRole('link', { name: '2026/', exact: true }).click();
    let downloads = 0;
    page.on('download', () => downloads++);
    await page.getByRole('link', { name: 'Download q4.txt', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', new RegExp(`arn:aws:sts::${MEMBER}:assumed-role/S3ListOnlyRole/user01 is not authorized to perform: s3:GetObject`));
    assert.equal(downloads, 0);
  });

  test('the streaming routes: CSRF required for an upload, Content-Length required, downloads are attachments', async () => {
    const c = consoleClient(w.console.url);
    assert.equal((await c.signIn('user01')).json.status, 'ok');
    assert.equal((await c.send('POST', '/switch-role', { account: MEMBER, roleName: 'Admin' })).status, 200);
    const url = (key: string) => new URL(`api/s3/buckets/${BUCKET}/object?key=${encodeURIComponent(key)}`, w.console.url);
    const put = (key: string, headers: Record<string, string>, body: BodyInit, extra: Record<string, unknown> = {}) => fetch(url(key), { method: 'PUT', headers: { 'x-kamen-console': '1', cookie: c.cookie, ...headers }, body, ...extra });
    const noCsrf = await put('no-csrf.txt', {}, 'x');
    assert.equal(noCsrf.status, 403);
    assert.equal((await noCsrf.json()).code, 'InvalidCsrfToken');
    const chunked = new ReadableStream({ start: (ctl) => (ctl.enqueue(new TextEncoder().encode('x')), ctl.close()) });
    const noLength = await put('no-length.txt', { 'x-csrf-token': c.csrf }, chunked, { duplex: 'half' });
    assert.equal(noLength.status, 411);
    assert.equal((await noLength.json()).code, 'MissingContentLength');
    const key = 'odd/na"me ü.txt';
    assert.equal((await put(key, { 'x-csrf-token': c.csrf, 'content-type': 'text/html' }, '<script>alert(1)</script>')).status, 200);
    const got = await fetch(url(key), { headers: { cookie: c.cookie } });
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), 'application/octet-stream');
    assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(got.headers.get('content-disposition'), `attachment; filename="na_me _.txt"; filename*=UTF-8''na%22me%20%C3%BC.txt`);
    assert.equal(await got.text(), '<script>alert(1)</script>');
    const missing = await fetch(url('no/such/key'), { headers: { cookie: c.cookie } });
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).code, 'NoSuchKey');
    // A slash in a bucket name would address an object: refused before any S3 call.
    const slashed = await c.send('POST', '/s3/buckets', { name: `${BUCKET}/sneaky.txt` });
    assert.equal(slashed.status, 400);
    assert.equal(slashed.json.code, 'InvalidBucketName');
    assert.equal((await c.send('GET', `/s3/buckets/${encodeURIComponent(`${BUCKET}/odd`)}/objects`)).json.code, 'InvalidBucketName');
    // Nothing was stored by the refused uploads.
    const listed = await c.send('GET', `/s3/buckets/${BUCKET}/objects`);
    assert.deepEqual(listed.json.prefixes, ['odd/', 'reports/']);
    assert.deepEqual(listed.json.objects, []);
    assert.deepEqual((await c.send('GET', `/s3/buckets/${BUCKET}/objects?prefix=odd/`)).json.objects.map((o: { key: string }) => o.key), [key]);
  });
});

/**
 * Debian's Chromium driven by playwright-core for the console's browser tests: whether to skip (no browser outside
 * CI), a fresh persistent profile in a temporary directory, and the IAM-user sign-in form filled in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PASSWORD } from './world.js';

/** Debian's chromium package. */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The `skip` option of a browser suite: skipped only outside CI when Chromium is missing (CI installs it, so there it fails). */
export const skipWithoutChromium: string | false = fs.existsSync(CHROMIUM) || process.env['CI'] ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;

/** A running browser: its context, first page, and `close` (which also removes the profile). */
export interface TestBrowser {
  ctx: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Launches Chromium headless with a temporary profile; 15 s default timeouts. */
export async function openBrowser(opts: { viewport?: { width: number; height: number }; acceptDownloads?: boolean } = {}): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: opts.viewport ?? { width: 1280, height: 900 }, ...(opts.acceptDownloads ? { acceptDownloads: true } : {}) });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.setDefaultTimeout(15_000);
  return {
    ctx,
    page,
    async close() {
      await ctx.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Fills the IAM-user sign-in form on the current page (account `bastion` unless given) and waits for the header. */
export async function fillSignIn(page: Page, userName: string, opts: { password?: string; account?: string; mfaCode?: string } = {}): Promise<void> {
  await page.getByLabel('Account ID (12 digits) or account alias').fill(opts.account ?? 'bastion');
  await page.getByLabel('IAM user name').fill(userName);
  await page.getByLabel('Password').fill(opts.password ?? PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (opts.mfaCode) {
    await page.getByLabel('MFA code').fill(opts.mfaCode);
    await page.getByRole('button', { name: 'Submit' }).click();
  }
  await page.getByTestId('identity-label').waitFor();
}

/** Signs in from a clean slate: cookies cleared, the console opened at `url`, the form filled. */
export async function signInFresh(b: TestBrowser, url: string, userName: string, opts: { password?: string; account?: string; mfaCode?: string } = {}): Promise<void> {
  await b.ctx.clearCookies();
  await b.page.goto(url);
  await fillSignIn(b.page, userName, opts);
}

/**
 * Seed 003's console flow in Chromium with samlify as the IdP: the IdP's form post to the console's /saml, AWS's role
 * chooser (the assertion maps two roles), the console session as the chosen role for the SessionDuration, then switch
 * role from the bastion role to Admin in the member account. Also the SP metadata an IdP needs.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { openBrowser, skipWithoutChromium, type TestBrowser } from './chromium.js';
import { consoleWorld, MEMBER, type ConsoleWorld } from './world.js';
import { samlifyIdp, type SamlifyIdp } from '../federation/samlify-idp.js';

const skip = skipWithoutChromium;

let w: ConsoleWorld;
let ctx: BrowserContext;
let page: Page;
let browser: TestBrowser;
let idp: SamlifyIdp;
let origin: string;
let providerArn: string;
let bastionRole: string;
let readOnlyRole: string;

/** What an IdP does after authenticating the user: an auto-submitted form posting SAMLResponse to the ACS URL. */
async function postFromIdp(samlResponse: string): Promise<void> {
  await page.setContent(`<form method="post" action="${origin}/saml"><input type="hidden" name="SAMLResponse" value="${samlResponse}"><button type="submit">Continue</button></form>`);
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function sessionInfo(): Promise<Record<string, any>> {
  return page.evaluate(async () => (await fetch('/console/api/session')).json());
}

describe('SAML sign-in to the console (Chromium, samlify IdP)', { skip }, () => {
  before(async () => {
    w = await consoleWorld();
    origin = new URL(w.console.url).origin;
    idp = samlifyIdp();
    providerArn = (await w.asRoot('mgmt', 'iam', 'CreateSAMLProvider', { Name: 'GoogleWorkspace', SAMLMetadataDocument: idp.metadata }))['SAMLProviderArn'];
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithSAML' }] });
    bastionRole = (await w.asRoot('mgmt', 'iam', 'CreateRole', { RoleName: 'ima-role', AssumeRolePolicyDocument: trust, MaxSessionDuration: 43200 }))['Role']['Arn'];
    readOnlyRole = (await w.asRoot('mgmt', 'iam', 'CreateRole', { RoleName: 'read-only', AssumeRolePolicyDocument: trust }))['Role']['Arn'];
    await w.asRoot('mgmt', 'iam', 'PutRolePolicy', { RoleName: 'ima-role', PolicyName: 'switch', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${MEMBER}:role/Admin` }] }) });
    browser = await openBrowser({ viewport: { width: 1280, height: 900 } });
    ctx = browser.ctx;
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    await w?.close();
  });

  test('the SP metadata names urn:amazon:webservices and this console\'s ACS URL', async () => {
    const r = await fetch(`${origin}/saml/metadata.xml`);
    assert.equal(r.status, 200);
    const xml = await r.text();
    assert.match(xml, /entityID="urn:amazon:webservices"/);
    assert.ok(xml.includes(`Location="${origin}/saml"`));
  });

  test('role chooser, sign-in as the chosen role for the SessionDuration, then switch role to the member account', async () => {
    const assertion = await idp.login({ roles: [`${readOnlyRole},${providerArn}`, `${bastionRole},${providerArn}`], nameId: 'akibin@example.com', sessionName: 'akibin', sessionDuration: 43200, recipient: `${origin}/saml`, now: w.clock.now() });
    await postFromIdp(assertion);
    await page.getByRole('heading', { name: 'Select a role:' }).waitFor();
    assert.equal(await page.getByRole('group', { name: `Account: ${w.mgmt}` }).getByRole('radio').count(), 2);
    await page.getByRole('radio', { name: 'ima-role' }).check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/console/`);
    const s = await sessionInfo();
    assert.equal(s['signedIn'], true);
    assert.equal(s['user']['arn'], `arn:aws:sts::${w.mgmt}:assumed-role/ima-role/akibin`);
    assert.equal(Date.parse(s['expiresAt']), Math.floor(w.clock.now() / 1000) * 1000 + 43200_000);
    // Switch role from the bastion role (seed 003: bastion → member), as the walkthrough's switch URL does.
    await page.goto(`${origin}/switchrole?account=${MEMBER}&roleName=Admin&displayName=from_fumidai`);
    await page.getByRole('button', { name: 'Switch role' }).click();
    await page.getByTestId('identity-label').filter({ hasText: 'from_fumidai' }).waitFor();
    assert.equal((await sessionInfo())['current']['arn'], `arn:aws:sts::${MEMBER}:assumed-role/Admin/akibin`);
  });

  test('a replayed or forged response is refused with AWS\'s sign-in error page', async () => {
    const assertion = await idp.login({ roles: [`${bastionRole},${providerArn}`], recipient: `${origin}/saml`, now: w.clock.now() });
    await ctx.clearCookies();
    await postFromIdp(assertion);
    await page.waitForURL(`${origin}/console/`);
    await postFromIdp(assertion);
    assert.match((await page.locator('#error').textContent()) ?? '', /SAML Assertion has already been used/);
    const forged = Buffer.from(Buffer.from(assertion, 'base64').toString('utf8').replace('alice@example.com</saml:NameID>', 'mallory@example.com</saml:NameID>')).toString('base64');
    await postFromIdp(forged);
    assert.match((await page.locator('#error').textContent()) ?? '', /Response signature invalid/);
  });
});

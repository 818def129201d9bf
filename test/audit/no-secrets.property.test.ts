/**
 * Property: whatever calls are made (IAM credential operations, STS issuing calls, unsigned SAML and web identity
 * federation, failures and denials included), no stored event contains a secret access key, session token, password,
 * MFA seed, service password, SAML assertion or web identity token.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openKamen } from '../../src/app.js';
import { frozenClock } from '../../src/clock.js';
import { oidcSetup, samlSetup, unsigned } from './federation.js';
import { call, xmlText } from './helpers.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const DAY = 86_400_000;

type Op =
  | { op: 'CreateUser' | 'CreateAccessKey' | 'CreateVirtualMFADevice' | 'CreateServiceSpecificCredential' | 'DeleteLoginProfile'; user: number }
  | { op: 'CreateLoginProfile' | 'UpdateLoginProfile'; user: number; password: string }
  | { op: 'ChangePassword'; user: number; password: string }
  | { op: 'AssumeRole' | 'GetSessionToken' | 'GetFederationToken' | 'GetCallerIdentity' | 'SelfAccessKey'; user: number }
  | { op: 'AssumeRoleWithSAML' | 'AssumeRoleWithWebIdentity'; user: number; trusted: boolean };

const passwordArb = fc.array(fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'.split('')), { minLength: 14, maxLength: 24 }).map((cs) => `${cs.join('')}-9!`);
const userArb = fc.integer({ min: 0, max: 2 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('CreateUser', 'CreateAccessKey', 'CreateVirtualMFADevice', 'CreateServiceSpecificCredential', 'DeleteLoginProfile'), user: userArb }) as fc.Arbitrary<Op>,
  fc.record({ op: fc.constantFrom('CreateLoginProfile', 'UpdateLoginProfile', 'ChangePassword'), user: userArb, password: passwordArb }) as fc.Arbitrary<Op>,
  fc.record({ op: fc.constantFrom('AssumeRole', 'GetSessionToken', 'GetFederationToken', 'GetCallerIdentity', 'SelfAccessKey'), user: userArb }) as fc.Arbitrary<Op>,
  fc.record({ op: fc.constantFrom('AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'), user: userArb, trusted: fc.boolean() }) as fc.Arbitrary<Op>,
);

test('no stored event contains a secret, over random sequences of calls', async () => {
  const clock = frozenClock(T0);
  const k = await openKamen({ dataDir: ':memory:', clock, log: () => {} });
  const account = k.bootstrap!.managementAccountId;
  const root = { accessKeyId: k.bootstrap!.accessKeyId, secretAccessKey: k.bootstrap!.secretAccessKey };
  const secrets = new Set<string>([root.secretAccessKey]);
  const keys = new Map<number, { accessKeyId: string; secretAccessKey: string }>();
  let run = 0;
  // a role every user of the account may assume, and an admin policy for the users (so their calls succeed)
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] });
  assert.equal((await call(k, root, 'iam', 'CreateRole', { RoleName: 'target', AssumeRolePolicyDocument: trust })).status, 200);
  // roles trusting a SAML provider (subjects *@example.com) and an OIDC issuer (subjects user-*)
  const saml = await samlSetup(k, root, account);
  const oidc = await oidcSetup(k, root, account);
  let federated = 0;
  const grab = (body: string, ...names: string[]): void => {
    for (const n of names) {
      const v = xmlText(body, n);
      if (v) secrets.add(v);
    }
  };
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 10 }), async (ops) => {
        run++;
        for (const o of ops) {
          clock.advance(1000);
          const name = `u${o.user}`;
          const mine = keys.get(o.user);
          switch (o.op) {
            case 'CreateUser':
              if ((await call(k, root, 'iam', 'CreateUser', { UserName: name })).status === 200) {
                await call(k, root, 'iam', 'AttachUserPolicy', { UserName: name, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
              }
              break;
            case 'CreateAccessKey': {
              const r = await call(k, root, 'iam', 'CreateAccessKey', { UserName: name });
              grab(r.body, 'SecretAccessKey');
              if (r.status === 200 && !keys.has(o.user)) keys.set(o.user, { accessKeyId: xmlText(r.body, 'AccessKeyId')!, secretAccessKey: xmlText(r.body, 'SecretAccessKey')! });
              break;
            }
            case 'SelfAccessKey':
              if (mine) grab((await call(k, mine, 'iam', 'CreateAccessKey', {})).body, 'SecretAccessKey');
              break;
            case 'CreateVirtualMFADevice':
              grab((await call(k, root, 'iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: `${name}-r${run}-${clock.now()}` })).body, 'Base32StringSeed', 'QRCodePNG');
              break;
            case 'CreateServiceSpecificCredential':
              grab((await call(k, root, 'iam', 'CreateServiceSpecificCredential', { UserName: name, ServiceName: 'codecommit.amazonaws.com' })).body, 'ServicePassword');
              break;
            case 'CreateLoginProfile':
            case 'UpdateLoginProfile':
              secrets.add(o.password);
              await call(k, root, 'iam', o.op, { UserName: name, Password: o.password });
              break;
            case 'ChangePassword':
              secrets.add(o.password);
              if (mine) await call(k, mine, 'iam', 'ChangePassword', { OldPassword: o.password, NewPassword: `${o.password}x` });
              secrets.add(`${o.password}x`);
              break;
            case 'DeleteLoginProfile':
              await call(k, root, 'iam', 'DeleteLoginProfile', { UserName: name });
              break;
            case 'AssumeRole':
              if (mine) grab((await call(k, mine, 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${account}:role/target`, RoleSessionName: `s${run}` })).body, 'SecretAccessKey', 'SessionToken');
              break;
            case 'GetSessionToken':
              if (mine) grab((await call(k, mine, 'sts', 'GetSessionToken', {})).body, 'SecretAccessKey', 'SessionToken');
              break;
            case 'GetFederationToken':
              if (mine) grab((await call(k, mine, 'sts', 'GetFederationToken', { Name: `fed${o.user}`, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) })).body, 'SecretAccessKey', 'SessionToken');
              break;
            case 'GetCallerIdentity':
              if (mine) await call(k, mine, 'sts', 'GetCallerIdentity', {});
              break;
            case 'AssumeRoleWithSAML': {
              const assertion = saml.assertion(clock.now(), o.trusted ? `${name}@example.com` : `${name}@elsewhere.test`);
              secrets.add(assertion);
              const r = await unsigned(k, 'AssumeRoleWithSAML', { RoleArn: saml.roleArn, PrincipalArn: saml.providerArn, SAMLAssertion: assertion });
              if (r.status === 200) federated++;
              grab(r.body, 'SecretAccessKey', 'SessionToken');
              break;
            }
            case 'AssumeRoleWithWebIdentity': {
              const token = await oidc.token(clock.now(), o.trusted ? `user-${o.user}` : `intruder-${o.user}`);
              secrets.add(token);
              const r = await unsigned(k, 'AssumeRoleWithWebIdentity', { RoleArn: oidc.roleArn, RoleSessionName: `w${run}`, WebIdentityToken: token });
              if (r.status === 200) federated++;
              grab(r.body, 'SecretAccessKey', 'SessionToken');
              break;
            }
          }
        }
        await k.events.flush();
        const records: string[] = [];
        let after: { timeMs: number; seq: number } | undefined;
        for (;;) {
          const page = await k.store.lookupEvents({ accountId: account, startMs: 0, endMs: clock.now() + DAY, limit: 500, ...(after ? { after } : {}) });
          records.push(...page.map((e) => e.record));
          if (page.length < 500) break;
          after = { timeMs: page[page.length - 1]!.eventTime.getTime(), seq: page[page.length - 1]!.seq };
        }
        assert.ok(records.length > 0);
        const all = records.join('\n');
        for (const s of secrets) assert.ok(!all.includes(s), `a stored event contains the secret ${s.slice(0, 4)}…`);
        // the federation calls' records are among those checked
        if (federated > 0) assert.ok(all.includes('"type":"SAMLUser"') || all.includes('"type":"WebIdentityUser"'));
      }),
      { numRuns: 12, seed: 1303 },
    );
    // the property saw the kinds of secrets it is about, federated sessions among them
    assert.ok(secrets.size > 10);
    assert.ok(federated > 0);
  } finally {
    await oidc.close();
    await k.close();
  }
});

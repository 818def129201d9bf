/**
 * The console's test world (seeds 000 and 001): a bastion (management) account with alias `bastion` and IAM users who
 * may switch roles, a member account 222222222222 with roles Admin (AdministratorAccess) and ex-for-aws-b (MFA
 * required), all set up through kamen's API as the root users; plus a console server on a free port.
 */
import { frozenClock } from '../../src/clock.js';
import { openKamen, type Kamen } from '../../src/app.js';
import { createMemberAccount } from '../../src/services/accounts/index.js';
import { totpCodeAt, totpStepAt } from '../../src/services/iam/totp.js';
import { createApiClient, type ConsoleService } from '../../src/console/aws-client.js';
import { startConsole, type RunningConsole } from '../../src/console/server.js';
import type { LockoutPolicy } from '../../src/console/lockout.js';

export const MEMBER = '222222222222';
export const PASSWORD = 'Bastion-Passw0rd!';
const CONN = { sourceIp: '127.0.0.1', secureTransport: true };

export interface ConsoleWorld {
  kamen: Kamen;
  clock: ReturnType<typeof frozenClock>;
  console: RunningConsole;
  mgmt: string;
  mfaSeed: string;
  /** Calls an API operation as the management (or member) account's root user. */
  asRoot(account: 'mgmt' | 'member', service: ConsoleService, operation: string, params?: Record<string, unknown>): Promise<Record<string, any>>;
  /** A fresh MFA code for `mfauser` (moves the clock past the last used step first). */
  nextMfaCode(): string;
  close(): Promise<void>;
}

const ASSUME_ANY = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' } });

/** Builds the world; `lockout` overrides the sign-in throttle. */
export async function consoleWorld(opts: { lockout?: LockoutPolicy } = {}): Promise<ConsoleWorld> {
  const clock = frozenClock(Math.floor(Date.now() / 30_000) * 30_000);
  const kamen = await openKamen({ dataDir: ':memory:', clock, log: () => {} });
  const boot = kamen.bootstrap!;
  const member = await createMemberAccount(kamen.store, clock, { name: 'dev', accountId: MEMBER, email: 'dev@example.com' });
  const api = createApiClient(kamen.pipeline);
  const keys = { mgmt: { accessKeyId: boot.accessKeyId, secretAccessKey: boot.secretAccessKey }, member: { accessKeyId: member.accessKeyId, secretAccessKey: member.secretAccessKey } };
  const asRoot: ConsoleWorld['asRoot'] = (account, service, operation, params = {}) => api.call(keys[account], service, operation, params, CONN);

  // Bastion: alias, the switch-role policy (seed 000), users with console passwords.
  await asRoot('mgmt', 'iam', 'CreateAccountAlias', { AccountAlias: 'bastion' });
  const pol = await asRoot('mgmt', 'iam', 'CreatePolicy', { PolicyName: 'allow_switch_role', PolicyDocument: ASSUME_ANY });
  for (const name of ['user01', 'mfauser']) {
    await asRoot('mgmt', 'iam', 'CreateUser', { UserName: name });
    await asRoot('mgmt', 'iam', 'CreateLoginProfile', { UserName: name, Password: PASSWORD });
    await asRoot('mgmt', 'iam', 'AttachUserPolicy', { UserName: name, PolicyArn: pol['Policy']['Arn'] });
    await asRoot('mgmt', 'iam', 'AttachUserPolicy', { UserName: name, PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' });
  }
  // mfauser has a virtual MFA device (enabled with two consecutive codes).
  const dev = await asRoot('mgmt', 'iam', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'mfauser' });
  const seed = Buffer.from(String(dev['VirtualMFADevice']['Base32StringSeed']), 'base64').toString('utf8'); // a blob: base64 on the wire
  const step = totpStepAt(clock.now());
  await asRoot('mgmt', 'iam', 'EnableMFADevice', { UserName: 'mfauser', SerialNumber: dev['VirtualMFADevice']['SerialNumber'], AuthenticationCode1: totpCodeAt(seed, step - 1), AuthenticationCode2: totpCodeAt(seed, step) });

  // Member: Admin (seed 000) and ex-for-aws-b with MFA required (seed 001), both trusting the bastion account.
  const trust = (cond?: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${boot.managementAccountId}:root` }, Action: 'sts:AssumeRole', ...(cond ? { Condition: cond } : {}) }] });
  await asRoot('member', 'iam', 'CreateRole', { RoleName: 'Admin', AssumeRolePolicyDocument: trust() });
  await asRoot('member', 'iam', 'AttachRolePolicy', { RoleName: 'Admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  await asRoot('member', 'iam', 'CreateRole', { RoleName: 'ex-for-aws-b', AssumeRolePolicyDocument: trust({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }) });
  await asRoot('member', 'iam', 'AttachRolePolicy', { RoleName: 'ex-for-aws-b', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });

  const running = await startConsole({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline, ...(opts.lockout ? { lockout: opts.lockout } : {}) });
  return {
    kamen,
    clock,
    console: running,
    mgmt: boot.managementAccountId,
    mfaSeed: seed,
    asRoot,
    nextMfaCode() {
      clock.advance(30_000);
      return totpCodeAt(seed, totpStepAt(clock.now()));
    },
    async close() {
      await running.close();
      await kamen.close();
    },
  };
}

/** A tiny cookie-keeping JSON client for the console API (what the front end's fetch calls do). */
export function consoleClient(base: string) {
  let cookie = '';
  let csrf = '';
  async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
    const h: Record<string, string> = { 'x-kamen-console': '1', ...headers };
    if (cookie) h['cookie'] = cookie;
    if (csrf) h['x-csrf-token'] = csrf;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(new URL(`api${path}`, base), { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!.endsWith('=') ? '' : set.split(';')[0]!;
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (path === '/session' && json?.csrfToken) csrf = json.csrfToken;
    return { status: res.status, json, headers: res.headers };
  }
  return {
    send,
    get cookie() {
      return cookie;
    },
    set cookie(v: string) {
      cookie = v;
    },
    get csrf() {
      return csrf;
    },
    set csrf(v: string) {
      csrf = v;
    },
    /** Signs in as a bastion IAM user and loads the session (and its CSRF token). */
    async signIn(userName: string, mfaCode?: string) {
      const r = await send('POST', '/signin', { account: 'bastion', userName, password: PASSWORD, ...(mfaCode ? { mfaCode } : {}) });
      if (r.json?.status === 'ok') await send('GET', '/session');
      return r;
    },
  };
}

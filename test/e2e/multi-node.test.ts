/**
 * Two `kamen serve` processes on one PostgreSQL database: changes made through node A (attach / detach a policy, update
 * a trust policy, delete an access key, sign out of the console) are enforced by node B, checked with the aws CLI on
 * PATH (AWS_ENDPOINT_URL) and the SDK; temporary credentials and console sessions minted on one node work on the other;
 * a node given another master key refuses to serve; S3 object bytes stored in PostgreSQL are shared; a node killed
 * with SIGKILL loses nothing it acknowledged. The time
 * from A's answer to B's enforcement is measured and printed (no timing assertion: the checks poll up to a generous cap).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, DeleteAccessKeyCommand, DetachUserPolicyCommand, GetUserCommand, IAMClient, ListUsersCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clusterOrSkip } from '../helpers/postgres.js';
import { runKamen, serveKamen, type Served } from './cli-run.js';
import { cleanEnv, endpointUrlAws, runAws, tempHome } from './harness.js';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Polls `check` until it holds or `capMs` passes (a cap, not a timing assertion); resolves with the elapsed ms. */
async function until(check: () => Promise<boolean>, capMs = 20_000): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > capMs) throw new Error(`not within ${capMs} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
  return performance.now() - start;
}

/** True when the promise resolves, false when it rejects with `errorName` (anything else is rethrown). */
async function allowed(p: Promise<unknown>, errorName = 'AccessDenied'): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (e) {
    if ((e as { name?: string }).name === errorName) return false;
    throw e;
  }
}

/** One JSON request to a node's web console. */
function consoleCall(base: string, method: string, apiPath: string, opts: { cookie?: string; csrf?: string; body?: unknown } = {}): Promise<{ status: number; json: any; setCookie: string | undefined }> {
  const url = new URL(`api${apiPath}`, base);
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { 'x-kamen-console': '1', origin: url.origin };
  if (opts.cookie) headers['cookie'] = opts.cookie;
  if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
  if (body) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined, setCookie: res.headers['set-cookie']?.[0] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const got = await clusterOrSkip();
if ('skip' in got) {
  it('kamen multi-node', { skip: got.skip }, () => {});
} else {
  const { cluster } = got;
  const aws = endpointUrlAws();
  const dirs: string[] = [];
  const mkdir = (): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-node-'));
    dirs.push(d);
    return d;
  };
  let url = '';
  let a: Served;
  let b: Served;
  let consoleA = '';
  let consoleB = '';
  let boot: { accessKeyId: string; secretAccessKey: string; managementAccountId: string; rootEmail: string; rootPassword: string };
  const home = tempHome();
  dirs.push(home);
  const iam = (node: Served, credentials: Creds) => new IAMClient({ endpoint: node.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const sts = (node: Served, credentials: Creds) => new STSClient({ endpoint: node.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  /** The aws CLI against `node` as `creds`. */
  const cli = (node: Served, creds: Creds, ...args: string[]) =>
    runAws(aws!, args, cleanEnv(home, { AWS_ENDPOINT_URL: node.url, AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', ...(creds.sessionToken ? { AWS_SESSION_TOKEN: creds.sessionToken } : {}) }));

  before(async () => {
    url = await cluster.createDatabase('multi_node');
    const dirA = mkdir();
    a = await serveKamen(['--port', '0', '--console-port', '0', '--data-dir', dirA, '--store', url, '--pool-size', '4', '--object-store', 'postgres']);
    consoleA = (await a.waitFor(/web console at (http:\/\/[^\s]+\/console\/)/))[1]!;
    boot = JSON.parse(fs.readFileSync(path.join(dirA, 'bootstrap.json'), 'utf8'));
    // Node B shares the master key and the CA through its own data dir (copies of A's files).
    const dirB = mkdir();
    for (const f of ['master.key', 'ca.pem', 'ca-key.pem']) if (fs.existsSync(path.join(dirA, f))) fs.copyFileSync(path.join(dirA, f), path.join(dirB, f));
    b = await serveKamen(['--port', '0', '--console-port', '0', '--data-dir', dirB, '--object-store', 'postgres'], { KAMEN_DATABASE_URL: url });
    consoleB = (await b.waitFor(/web console at (http:\/\/[^\s]+\/console\/)/))[1]!;
    assert.equal(fs.readFileSync(path.join(dirB, 'ca.pem'), 'utf8'), fs.readFileSync(path.join(dirA, 'ca.pem'), 'utf8'), 'both nodes sign with one CA');
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await cluster.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  describe('two kamen serve nodes on one PostgreSQL', () => {
    const admin = (): Creds => ({ accessKeyId: boot.accessKeyId, secretAccessKey: boot.secretAccessKey });
    let dev: Creds;
    let policyArn = '';

    it('a node started with another master key refuses to serve', async () => {
      const r = runKamen(['serve', '--port', '0', '--no-console', '--data-dir', mkdir(), '--store', url], { KAMEN_MASTER_KEY: randomBytes(32).toString('base64') });
      assert.notEqual(r.status, 0);
      assert.match(r.stdout + r.stderr, /master key does not match/);
    });

    it('attach and detach through A: B grants, then denies (aws CLI on B; SDK latency printed)', { skip: aws ? false : 'no aws CLI honouring AWS_ENDPOINT_URL' }, async () => {
      const iamA = iam(a, admin());
      await iamA.send(new CreateUserCommand({ UserName: 'dev' }));
      const key = (await iamA.send(new CreateAccessKeyCommand({ UserName: 'dev' }))).AccessKey!;
      dev = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
      const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] });
      policyArn = (await iamA.send(new CreatePolicyCommand({ PolicyName: 'ListUsersOnly', PolicyDocument: doc }))).Policy!.Arn!;

      const denied = await cli(b, dev, 'iam', 'list-users');
      assert.notEqual(denied.code, 0);
      assert.match(denied.stderr, /AccessDenied/);
      // B now holds dev's resolved key and gathered policies in its caches.
      const iamB = iam(b, dev);
      assert.equal(await allowed(iamB.send(new ListUsersCommand({}))), false);

      await iamA.send(new AttachUserPolicyCommand({ UserName: 'dev', PolicyArn: policyArn }));
      const attachMs = await until(() => allowed(iamB.send(new ListUsersCommand({}))));
      const granted = await cli(b, dev, 'iam', 'list-users');
      assert.equal(granted.code, 0, granted.stderr);
      assert.ok(granted.json().Users.some((u: { UserName: string }) => u.UserName === 'dev'));

      await iamA.send(new DetachUserPolicyCommand({ UserName: 'dev', PolicyArn: policyArn }));
      const detachMs = await until(async () => !(await allowed(iamB.send(new ListUsersCommand({})))));
      const again = await cli(b, dev, 'iam', 'list-users');
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /AccessDenied/);
      console.log(`# node B honoured A's attach ${attachMs.toFixed(1)} ms and A's detach ${detachMs.toFixed(1)} ms after A answered`);
    });

    it('a trust policy updated through A is enforced by B; credentials minted on A work on B', { skip: aws ? false : 'no aws CLI honouring AWS_ENDPOINT_URL' }, async () => {
      const iamA = iam(a, admin());
      const account = boot.managementAccountId;
      const devArn = `arn:aws:iam::${account}:user/dev`;
      const trust = (principal: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }] });
      const role = (await iamA.send(new CreateRoleCommand({ RoleName: 'deployer', AssumeRolePolicyDocument: trust(devArn) }))).Role!;

      // Minted on A, used on B.
      const minted = (await sts(a, dev).send(new AssumeRoleCommand({ RoleArn: role.Arn, RoleSessionName: 'on-a' }))).Credentials!;
      const session: Creds = { accessKeyId: minted.AccessKeyId!, secretAccessKey: minted.SecretAccessKey!, sessionToken: minted.SessionToken! };
      const who = await cli(b, session, 'sts', 'get-caller-identity');
      assert.equal(who.code, 0, who.stderr);
      assert.equal(who.json().Arn, `arn:aws:sts::${account}:assumed-role/deployer/on-a`);

      // B assumes the role (and caches what it needs), then A narrows the trust to the account: dev has no identity
      // policy allowing sts:AssumeRole, so B must refuse.
      assert.equal(await allowed(sts(b, dev).send(new AssumeRoleCommand({ RoleArn: role.Arn, RoleSessionName: 'on-b' }))), true);
      await iamA.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'deployer', PolicyDocument: trust(`arn:aws:iam::${account}:root`) }));
      const trustMs = await until(async () => !(await allowed(sts(b, dev).send(new AssumeRoleCommand({ RoleArn: role.Arn, RoleSessionName: 'on-b' })))));
      const refused = await cli(b, dev, 'sts', 'assume-role', '--role-arn', role.Arn!, '--role-session-name', 'cli');
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /AccessDenied/);
      console.log(`# node B enforced A's trust policy update ${trustMs.toFixed(1)} ms after A answered`);
    });

    it('an access key deleted through A stops working on B', { skip: aws ? false : 'no aws CLI honouring AWS_ENDPOINT_URL' }, async () => {
      const stsB = sts(b, dev);
      assert.equal((await stsB.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${boot.managementAccountId}:user/dev`);
      await iam(a, admin()).send(new DeleteAccessKeyCommand({ UserName: 'dev', AccessKeyId: dev.accessKeyId }));
      const deleteMs = await until(async () => !(await allowed(stsB.send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId')));
      const r = await cli(b, dev, 'sts', 'get-caller-identity');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /InvalidClientTokenId/);
      console.log(`# node B refused the key deleted through A ${deleteMs.toFixed(1)} ms after A answered`);
    });

    it('a console session signed in on A works on B; signed out on B, it is gone on A', async () => {
      const signin = await consoleCall(consoleA, 'POST', '/signin/root', { body: { email: boot.rootEmail, password: boot.rootPassword } });
      assert.equal(signin.status, 200, JSON.stringify(signin.json));
      const cookie = signin.setCookie!.split(';')[0]!;
      const onA = await consoleCall(consoleA, 'GET', '/session', { cookie });
      assert.equal(onA.json.signedIn, true);
      const onB = await consoleCall(consoleB, 'GET', '/session', { cookie });
      assert.equal(onB.status, 200);
      assert.equal(onB.json.signedIn, true);
      assert.equal(JSON.stringify(onB.json), JSON.stringify(onA.json));
      const out = await consoleCall(consoleB, 'POST', '/signout', { cookie, csrf: onB.json.csrfToken });
      assert.equal(out.status, 200, JSON.stringify(out.json));
      // A still held the session in memory: the sign-out through B must reach it.
      await until(async () => (await consoleCall(consoleA, 'GET', '/session', { cookie })).json.signedIn === false);
    });

    it('S3 object bytes put through A are read through B (--object-store postgres)', { skip: aws ? false : 'no aws CLI honouring AWS_ENDPOINT_URL' }, async () => {
      const body = path.join(home, 'object.bin');
      const data = randomBytes(3 * 1024 * 1024 + 5);
      fs.writeFileSync(body, data);
      const made = await cli(a, admin(), 's3api', 'create-bucket', '--bucket', 'multi-node-bytes');
      assert.equal(made.code, 0, made.stderr);
      const put = await cli(a, admin(), 's3api', 'put-object', '--bucket', 'multi-node-bytes', '--key', 'blob.bin', '--body', body);
      assert.equal(put.code, 0, put.stderr);
      const out = path.join(home, 'object.out');
      const get = await cli(b, admin(), 's3api', 'get-object', '--bucket', 'multi-node-bytes', '--key', 'blob.bin', out);
      assert.equal(get.code, 0, get.stderr);
      assert.ok(fs.readFileSync(out).equals(data), 'node B serves the bytes node A stored');
    });

    it('node A killed with SIGKILL loses nothing it acknowledged: B serves every write', async () => {
      const iamA = iam(a, admin());
      const names = Array.from({ length: 16 }, (_, i) => `acked-${i}`);
      await Promise.all(names.map((UserName) => iamA.send(new CreateUserCommand({ UserName }))));
      await a.stop('SIGKILL');
      const iamB = iam(b, admin());
      for (const UserName of names) assert.equal((await iamB.send(new GetUserCommand({ UserName }))).User?.UserName, UserName);
      const list = await cli(b, admin(), 'iam', 'list-users');
      assert.equal(list.code, 0, list.stderr);
      for (const n of names) assert.ok(list.json().Users.some((u: { UserName: string }) => u.UserName === n), n);
    });
  });
}

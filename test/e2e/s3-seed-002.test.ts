/**
 * Seed 002 replayed with the real AWS CLI, once through AWS_ENDPOINT_URL (the `aws` on PATH, path-style) and once
 * through proxy mode with Debian's /usr/bin/aws (virtual-hosted `bucket.s3.<region>.amazonaws.com` over TLS): account
 * A's bucket, S3GetListRole (s3:Get*, s3:List*) trusted by the partner account, the partner's IAM user assumes it
 * through role_arn + source_profile and lists and reads; an upload is refused and stores nothing; the partner's own
 * identity policy alone reaches nothing in A (cross-account needs both sides); presigned URLs work until they expire.
 */
import { test, after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createMemberAccount } from '../../src/services/accounts/index.js';
import type { Clock } from '../../src/clock.js';
import { cleanEnv, debianAws, endpointUrlAws, runAws, startKamen, tempHome, type TestKamen } from './harness.js';

/** The server's clock: real time, shifted forward when a test needs a presigned URL to have expired. */
let shiftMs = 0;
const clock: Clock = { now: () => Date.now() + shiftMs } as Clock;

let k: TestKamen;
before(async () => {
  k = await startKamen({ clock });
});
after(async () => {
  await k.stop();
});

/** GET `url` with the Host header `host` (the name the URL was signed for), as curl --resolve would send it. */
function getAs(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

interface Variant {
  tag: string;
  name: string;
  bin: string | undefined;
  env(home: string, extra?: Record<string, string>): Record<string, string>;
}

const REGION = 'ap-northeast-1';
const variants: Variant[] = [
  { tag: 'ep', name: 'aws on PATH with AWS_ENDPOINT_URL', bin: endpointUrlAws(), env: (home, extra) => cleanEnv(home, { AWS_ENDPOINT_URL: k.url, AWS_DEFAULT_REGION: REGION, ...extra }) },
  { tag: 'px', name: 'Debian /usr/bin/aws 2.9.19 through proxy mode', bin: debianAws(), env: (home, extra) => cleanEnv(home, { HTTPS_PROXY: k.url, AWS_CA_BUNDLE: k.caPath, AWS_DEFAULT_REGION: REGION, ...extra }) },
];

for (const [vi, v] of variants.entries()) {
  describe(v.name, { skip: v.bin ? false : `${v.name}: not installed` }, () => {
    const aws = (env: Record<string, string>, ...args: string[]) => runAws(v.bin!, args, env);
    const ok = (r: { code: number; stderr: string }) => assert.equal(r.code, 0, r.stderr);
    const bucket = `gautamtest-assume-role-${v.tag}`;
    // Both variants run in the same account A: the second one's role gets its own name.
    const roleName = vi === 0 ? 'S3GetListRole' : `S3GetListRole-${v.tag}`;

    test('002: the partner account reads account A\'s bucket through S3GetListRole; writes are refused', async () => {
      const home = tempHome();
      const A = k.boot.managementAccountId;
      const partner = await createMemberAccount(k.kamen.store, k.kamen.clock, { name: `partner-${v.tag}`, accountId: `22222222222${vi}`, email: `partner-${v.tag}@example.com` });
      const B = partner.account.id;
      fs.writeFileSync(
        path.join(home, '.aws', 'credentials'),
        `[default]\naws_access_key_id = ${k.boot.accessKeyId}\naws_secret_access_key = ${k.boot.secretAccessKey}\n` +
          `[partner-root]\naws_access_key_id = ${partner.accessKeyId}\naws_secret_access_key = ${partner.secretAccessKey}\n`,
      );
      fs.writeFileSync(path.join(home, '.aws', 'config'), `[default]\nregion = ${REGION}\n`);
      const envA = v.env(home);
      // Account A: the bucket and its two files.
      ok(await aws(envA, 's3', 'mb', `s3://${bucket}`));
      const t1 = path.join(home, 'test.txt');
      const t2 = path.join(home, 'test2.txt');
      fs.writeFileSync(t1, 'first file\n');
      fs.writeFileSync(t2, 'second file — ü\n');
      ok(await aws(envA, 's3', 'cp', t1, `s3://${bucket}/test.txt`));
      ok(await aws(envA, 's3', 'cp', t2, `s3://${bucket}/test2.txt`));
      // Account A: S3GetListRole, trusted by the partner account, allowed s3:Get* and s3:List*.
      const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: 'sts:AssumeRole' }] };
      ok(await aws(envA, 'iam', 'create-role', '--role-name', roleName, '--assume-role-policy-document', JSON.stringify(trust)));
      const perms = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }] };
      ok(await aws(envA, 'iam', 'put-role-policy', '--role-name', roleName, '--policy-name', 'S3GetList', '--policy-document', JSON.stringify(perms)));
      // Account B: an IAM user (the root user cannot assume roles) allowed sts:AssumeRole on the role, and s3:* in its own account.
      const envB = v.env(home, { AWS_PROFILE: 'partner-root' });
      ok(await aws(envB, 'iam', 'create-user', '--user-name', 'partner'));
      const roleArn = `arn:aws:iam::${A}:role/${roleName}`;
      const allow = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }, { Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
      ok(await aws(envB, 'iam', 'put-user-policy', '--user-name', 'partner', '--policy-name', 'assume', '--policy-document', JSON.stringify(allow)));
      const key = await aws(envB, 'iam', 'create-access-key', '--user-name', 'partner');
      ok(key);
      const ak = key.json().AccessKey;
      fs.appendFileSync(path.join(home, '.aws', 'credentials'), `[partner]\naws_access_key_id = ${ak.AccessKeyId}\naws_secret_access_key = ${ak.SecretAccessKey}\n`);
      fs.appendFileSync(path.join(home, '.aws', 'config'), `[profile partner]\nregion = ${REGION}\n[profile s3role]\nrole_arn = ${roleArn}\nsource_profile = partner\nregion = ${REGION}\n`);

      // The partner user alone: its own s3:* does not reach account A's bucket (no bucket policy grants it).
      const direct = await aws(v.env(home, { AWS_PROFILE: 'partner' }), 's3', 'ls', `s3://${bucket}`);
      assert.notEqual(direct.code, 0);
      assert.match(direct.stderr, /AccessDenied/);

      // Through the role: list, stream to stdout, get-object.
      const envRole = v.env(home, { AWS_PROFILE: 's3role' });
      const ls = await aws(envRole, 's3', 'ls', `s3://${bucket}`);
      ok(ls);
      assert.match(ls.stdout, /\s11 test\.txt\n/);
      assert.match(ls.stdout, /test2\.txt/);
      const buckets = await aws(envRole, 's3', 'ls');
      ok(buckets);
      assert.match(buckets.stdout, new RegExp(` ${bucket}\\n`));
      const cat = await aws(envRole, 's3', 'cp', `s3://${bucket}/test.txt`, '-');
      ok(cat);
      assert.equal(cat.stdout, 'first file\n');
      const out = path.join(home, 'out.txt');
      const got = await aws(envRole, 's3api', 'get-object', '--bucket', bucket, '--key', 'test2.txt', out);
      ok(got);
      assert.equal(fs.readFileSync(out, 'utf8'), 'second file — ü\n');
      assert.equal(got.json().ContentLength, Buffer.byteLength('second file — ü\n'));

      // A bucket-policy-only grant: account A's bucket policy names the partner account; the partner user's own s3:*
      // now reaches the objects (both sides allow), while listing (not granted by the bucket policy) stays refused.
      const grant = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] };
      ok(await aws(envA, 's3api', 'put-bucket-policy', '--bucket', bucket, '--policy', JSON.stringify(grant)));
      const envPartner = v.env(home, { AWS_PROFILE: 'partner' });
      const viaPolicy = await aws(envPartner, 's3', 'cp', `s3://${bucket}/test.txt`, '-');
      ok(viaPolicy);
      assert.equal(viaPolicy.stdout, 'first file\n');
      const stillNoList = await aws(envPartner, 's3', 'ls', `s3://${bucket}`);
      assert.notEqual(stillNoList.code, 0);
      assert.match(stillNoList.stderr, /AccessDenied/);
      const shown = await aws(envA, 's3api', 'get-bucket-policy', '--bucket', bucket);
      ok(shown);
      assert.deepEqual(JSON.parse(shown.json().Policy), grant);

      // An upload through the role is refused, and nothing is stored.
      const up = await aws(envRole, 's3', 'cp', t1, `s3://${bucket}/uploaded.txt`);
      assert.notEqual(up.code, 0);
      assert.match(up.stderr, /AccessDenied/);
      const head = await aws(envA, 's3api', 'head-object', '--bucket', bucket, '--key', 'uploaded.txt');
      assert.notEqual(head.code, 0);
      assert.match(head.stderr, /404|Not Found/);
    });

    test('multipart: `aws s3 cp` of a 20 MiB file uploads in parts and downloads back byte for byte', async () => {
      const home = tempHome();
      fs.writeFileSync(path.join(home, '.aws', 'credentials'), `[default]\naws_access_key_id = ${k.boot.accessKeyId}\naws_secret_access_key = ${k.boot.secretAccessKey}\n`);
      fs.writeFileSync(path.join(home, '.aws', 'config'), `[default]\nregion = ${REGION}\n`);
      const env = v.env(home);
      const b = `multipart-${v.tag}`;
      ok(await aws(env, 's3', 'mb', `s3://${b}`));
      const big = path.join(home, 'big.bin');
      const data = Buffer.alloc(20 * 1024 * 1024);
      for (let i = 0; i < data.length; i += 4) data.writeUInt32LE(i * 2654435761 >>> 0, i);
      fs.writeFileSync(big, data);
      ok(await aws(env, 's3', 'cp', big, `s3://${b}/big.bin`));
      const head = await aws(env, 's3api', 'head-object', '--bucket', b, '--key', 'big.bin');
      ok(head);
      assert.match(head.json().ETag, /^"[0-9a-f]{32}-\d+"$/, 'the multipart ETag');
      assert.equal(head.json().ContentLength, data.length);
      const back = path.join(home, 'back.bin');
      ok(await aws(env, 's3', 'cp', `s3://${b}/big.bin`, back));
      assert.ok(fs.readFileSync(back).equals(data));
      const left = await aws(env, 's3api', 'list-multipart-uploads', '--bucket', b);
      ok(left);
      assert.equal(left.stdout.includes('UploadId'), false, 'no upload left in progress');
    });

    test('presigned URLs: `aws s3 presign` works with fetch until it expires; a changed URL is refused', async () => {
      const home = tempHome();
      fs.writeFileSync(path.join(home, '.aws', 'credentials'), `[default]\naws_access_key_id = ${k.boot.accessKeyId}\naws_secret_access_key = ${k.boot.secretAccessKey}\n`);
      // aws-cli v1 presigns with SigV2 unless told otherwise; kamen verifies SigV4 only.
      fs.writeFileSync(path.join(home, '.aws', 'config'), `[default]\nregion = ${REGION}\ns3 =\n  signature_version = s3v4\n`);
      const env = v.env(home);
      const b = `presign-${v.tag}`;
      ok(await aws(env, 's3', 'mb', `s3://${b}`));
      const f = path.join(home, 'p.txt');
      fs.writeFileSync(f, 'presigned body');
      ok(await aws(env, 's3', 'cp', f, `s3://${b}/p.txt`));
      const pre = await aws(env, 's3', 'presign', `s3://${b}/p.txt`, '--expires-in', '300');
      ok(pre);
      // Proxy mode signs for https://<bucket>.s3.<region>.amazonaws.com; the same path and query reach kamen's port.
      const signed = new URL(pre.stdout.trim());
      const local = `${k.url}${signed.pathname}${signed.search}`;
      const res = await getAs(local, signed.host);
      assert.equal(res.status, 200, res.body);
      assert.equal(res.body, 'presigned body');
      const tampered = await getAs(local.replace('p.txt', 'q.txt'), signed.host);
      assert.equal(tampered.status, 403);
      assert.match(tampered.body, /<Code>SignatureDoesNotMatch<\/Code>/);
      shiftMs = 301_000;
      try {
        const late = await getAs(local, signed.host);
        assert.equal(late.status, 403);
        assert.match(late.body, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
      } finally {
        shiftMs = 0;
      }
    });
  });
}

/**
 * S3 bucket configuration with the real AWS CLI through proxy mode (Debian's /usr/bin/aws, TLS to
 * `bucket.s3.<region>.amazonaws.com` and `<account>.s3-control.<region>.amazonaws.com`): account-level Block Public
 * Access with `aws s3control`, a public bucket policy refused under it, bucket-level settings, ownership and tagging.
 */
import { test, after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cleanEnv, debianAws, runAws, startKamen, tempHome, type TestKamen } from './harness.js';

let k: TestKamen;
before(async () => {
  k = await startKamen();
});
after(async () => {
  await k.stop();
});

const bin = debianAws();
const REGION = 'us-east-1';

describe('aws CLI through proxy mode', { skip: bin ? false : '/usr/bin/aws: not installed' }, () => {
  test('s3control public access block, a refused public policy, bucket settings, ownership and tagging', async () => {
    const home = tempHome();
    const A = k.boot.managementAccountId;
    fs.writeFileSync(path.join(home, '.aws', 'credentials'), `[default]\naws_access_key_id = ${k.boot.accessKeyId}\naws_secret_access_key = ${k.boot.secretAccessKey}\n`);
    fs.writeFileSync(path.join(home, '.aws', 'config'), `[default]\nregion = ${REGION}\n`);
    const env = cleanEnv(home, { HTTPS_PROXY: k.url, AWS_CA_BUNDLE: k.caPath, AWS_DEFAULT_REGION: REGION });
    const aws = (...args: string[]) => runAws(bin!, args, env);
    const ok = (r: { code: number; stdout: string; stderr: string }) => {
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    const bucket = 'kamen-config-cli';
    ok(await aws('s3api', 'create-bucket', '--bucket', bucket));

    const none = await aws('s3control', 'get-public-access-block', '--account-id', A);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /NoSuchPublicAccessBlockConfiguration/);
    ok(await aws('s3control', 'put-public-access-block', '--account-id', A, '--public-access-block-configuration', 'BlockPublicPolicy=true'));
    const got = JSON.parse(ok(await aws('s3control', 'get-public-access-block', '--account-id', A)));
    assert.deepEqual(got.PublicAccessBlockConfiguration, { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: false });
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] });
    const refused = await aws('s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', policy);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /AccessDenied/);
    ok(await aws('s3control', 'delete-public-access-block', '--account-id', A));
    ok(await aws('s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', policy));

    ok(await aws('s3api', 'put-public-access-block', '--bucket', bucket, '--public-access-block-configuration', 'RestrictPublicBuckets=true'));
    assert.equal(JSON.parse(ok(await aws('s3api', 'get-public-access-block', '--bucket', bucket))).PublicAccessBlockConfiguration.RestrictPublicBuckets, true);
    assert.deepEqual(JSON.parse(ok(await aws('s3api', 'get-bucket-ownership-controls', '--bucket', bucket))).OwnershipControls.Rules, [{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    const acl = await aws('s3api', 'put-bucket-acl', '--bucket', bucket, '--acl', 'public-read');
    assert.notEqual(acl.code, 0);
    assert.match(acl.stderr, /AccessControlListNotSupported/);

    ok(await aws('s3api', 'put-bucket-tagging', '--bucket', bucket, '--tagging', 'TagSet=[{Key=team,Value=blue}]'));
    assert.deepEqual(JSON.parse(ok(await aws('s3api', 'get-bucket-tagging', '--bucket', bucket))).TagSet, [{ Key: 'team', Value: 'blue' }]);
    const file = path.join(home, 'o.txt');
    fs.writeFileSync(file, 'tagged\n');
    ok(await aws('s3api', 'put-object', '--bucket', bucket, '--key', 'o.txt', '--body', file, '--tagging', 'a=1&b=2'));
    assert.equal(JSON.parse(ok(await aws('s3api', 'get-object', '--bucket', bucket, '--key', 'o.txt', path.join(home, 'out.txt')))).TagCount, 2);
    assert.deepEqual(JSON.parse(ok(await aws('s3api', 'get-object-tagging', '--bucket', bucket, '--key', 'o.txt'))).TagSet, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);
  });
});

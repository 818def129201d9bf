/**
 * The real `aws cloudtrail validate-logs` against kamen: a trail with log file validation delivers log files and
 * signed, chained digests to an S3 bucket whose policy lets CloudTrail in (bucket, policy, trail all made with the
 * CLI); validate-logs reports every digest and log file valid, then reports a modified log file ("hash value doesn't
 * match") and a deleted one ("not found") as INVALID and exits 1. Once through AWS_ENDPOINT_URL, once through proxy mode.
 * And `kamen serve --trail-delivery-seconds 1` delivers on its own timer.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openKamen, type Kamen } from '../../src/app.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import { cleanEnv, debianAws, endpointUrlAws, runAws, tempHome } from './harness.js';
import { serveKamen } from './cli-run.js';

let dir: string;
let k: Kamen;
let server: RunningServer;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-validate-logs-'));
  // Deliveries are triggered by the test (runOnce); the timer's interval only sets the first digest's start.
  k = await openKamen({ dataDir: dir, log: () => {}, trailDeliverySeconds: 3600 });
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline: k.pipeline, ca: k.ca });
});
after(async () => {
  await server.close();
  await k.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const variants = [
  { tag: 'ep', name: 'aws on PATH with AWS_ENDPOINT_URL', bin: endpointUrlAws(), env: (home: string) => cleanEnv(home, { AWS_ENDPOINT_URL: server.url }) },
  { tag: 'px', name: 'Debian /usr/bin/aws through proxy mode', bin: debianAws(), env: (home: string) => cleanEnv(home, { HTTPS_PROXY: server.url, AWS_CA_BUNDLE: k.caPath }) },
];

for (const v of variants) {
  describe(v.name, { skip: v.bin ? false : `${v.name}: not installed` }, () => {
    test('validate-logs: all valid, then a modified and a deleted log file are INVALID', async () => {
      const boot = k.bootstrap!;
      const account = boot.managementAccountId;
      const env = v.env(tempHome());
      Object.assign(env, { AWS_ACCESS_KEY_ID: boot.accessKeyId, AWS_SECRET_ACCESS_KEY: boot.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1' });
      const aws = (...args: string[]) => runAws(v.bin!, args, env);
      const ok = (r: { code: number; stdout: string; stderr: string }) => assert.equal(r.code, 0, r.stderr + r.stdout);
      const bucket = `trail-logs-${v.tag}`;
      const trail = `audit-${v.tag}`;
      const startTime = new Date(Date.now() - 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

      ok(await aws('s3api', 'create-bucket', '--bucket', bucket));
      const missingPolicy = await aws('cloudtrail', 'create-trail', '--name', trail, '--s3-bucket-name', bucket, '--enable-log-file-validation');
      assert.notEqual(missingPolicy.code, 0);
      assert.match(missingPolicy.stderr, /InsufficientS3BucketPolicyException/);
      const trailArn = `arn:aws:cloudtrail:us-east-1:${account}:trail/${trail}`;
      const policy = {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${bucket}`, Condition: { StringEquals: { 'aws:SourceArn': trailArn } } },
          {
            Sid: 'AWSCloudTrailWrite',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${bucket}/AWSLogs/${account}/*`,
            Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
          },
        ],
      };
      ok(await aws('s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', JSON.stringify(policy)));
      const created = await aws('cloudtrail', 'create-trail', '--name', trail, '--s3-bucket-name', bucket, '--enable-log-file-validation');
      ok(created);
      assert.equal(created.json().TrailARN, trailArn);
      ok(await aws('cloudtrail', 'start-logging', '--name', trail));
      ok(await aws('iam', 'create-user', '--user-name', `walter-${v.tag}`));
      await k.trails.runOnce();
      ok(await aws('iam', 'create-user', '--user-name', `jesse-${v.tag}`));
      ok(await aws('iam', 'list-users'));
      await k.trails.runOnce();
      ok(await aws('iam', 'get-user', '--user-name', `jesse-${v.tag}`));
      await k.trails.runOnce();

      const status = await aws('cloudtrail', 'get-trail-status', '--name', trail);
      ok(status);
      assert.equal(status.json().IsLogging, true);
      assert.ok(status.json().LatestDigestDeliveryTime);

      const valid = await aws('cloudtrail', 'validate-logs', '--trail-arn', trailArn, '--start-time', startTime, '--verbose');
      assert.equal(valid.code, 0, valid.stderr + valid.stdout);
      assert.match(valid.stdout, /3\/3 digest files valid/);
      const logCount = Number(/(\d+)\/\1 log files valid/.exec(valid.stdout)?.[1]);
      assert.ok(logCount >= 3, valid.stdout);
      assert.doesNotMatch(valid.stdout + valid.stderr, /INVALID/);

      const listed = await aws('s3api', 'list-objects', '--bucket', bucket, '--prefix', `AWSLogs/${account}/CloudTrail/`);
      ok(listed);
      const logKeys = (listed.json().Contents as Array<{ Key: string }>).map((c) => c.Key).sort();
      assert.equal(logKeys.length, logCount);
      const tampered = path.join(tempHome(), 'tampered.json.gz');
      fs.writeFileSync(tampered, gzipSync('{"Records":[]}'));
      ok(await aws('s3api', 'put-object', '--bucket', bucket, '--key', logKeys[0]!, '--body', tampered));
      ok(await aws('s3api', 'delete-object', '--bucket', bucket, '--key', logKeys[1]!));

      const invalid = await aws('cloudtrail', 'validate-logs', '--trail-arn', trailArn, '--start-time', startTime);
      assert.equal(invalid.code, 1, invalid.stderr + invalid.stdout);
      assert.ok(invalid.stderr.includes(`Log file\ts3://${bucket}/${logKeys[0]}\tINVALID: hash value doesn't match`), invalid.stderr);
      assert.ok(invalid.stderr.includes(`Log file\ts3://${bucket}/${logKeys[1]}\tINVALID: not found`), invalid.stderr);
      assert.match(invalid.stdout, /3\/3 digest files valid/);
      assert.match(invalid.stdout, new RegExp(`${logCount - 2}/${logCount} log files valid, 2/${logCount} log files INVALID`));
    });
  });
}

describe('kamen serve --trail-delivery-seconds', { skip: endpointUrlAws() ? false : 'aws with AWS_ENDPOINT_URL: not installed' }, () => {
  test('the server delivers a logging trail\'s log files and digests on its own timer', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-trail-serve-'));
    const served = await serveKamen(['--port', '0', '--no-console', '--quiet', '--data-dir', dataDir, '--trail-delivery-seconds', '1'], { KAMEN_MASTER_KEY: '' });
    try {
      const boot = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8')) as { accessKeyId: string; secretAccessKey: string; managementAccountId: string };
      const env = cleanEnv(tempHome(), { AWS_ENDPOINT_URL: served.url, AWS_ACCESS_KEY_ID: boot.accessKeyId, AWS_SECRET_ACCESS_KEY: boot.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1' });
      const aws = (...args: string[]) => runAws(endpointUrlAws()!, args, env);
      const ok = (r: { code: number; stdout: string; stderr: string }) => assert.equal(r.code, 0, r.stderr + r.stdout);
      const account = boot.managementAccountId;
      const policy = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: 'arn:aws:s3:::timer-logs' },
          { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::timer-logs/AWSLogs/${account}/*` },
        ],
      };
      ok(await aws('s3api', 'create-bucket', '--bucket', 'timer-logs'));
      ok(await aws('s3api', 'put-bucket-policy', '--bucket', 'timer-logs', '--policy', JSON.stringify(policy)));
      ok(await aws('cloudtrail', 'create-trail', '--name', 'timer', '--s3-bucket-name', 'timer-logs', '--enable-log-file-validation'));
      ok(await aws('cloudtrail', 'start-logging', '--name', 'timer'));
      ok(await aws('iam', 'create-user', '--user-name', 'timed'));
      // Wait (bounded) until the server's own timer has delivered the call's log file and a digest.
      let keys: string[] = [];
      for (let i = 0; i < 60 && !(keys.some((k) => k.includes('/CloudTrail/')) && keys.some((k) => k.includes('/CloudTrail-Digest/'))); i++) {
        await new Promise((r) => setTimeout(r, 500));
        const listed = await aws('s3api', 'list-objects-v2', '--bucket', 'timer-logs');
        ok(listed);
        keys = ((listed.stdout ? listed.json().Contents : undefined) ?? []).map((c: { Key: string }) => c.Key);
      }
      assert.ok(keys.some((k) => k.startsWith(`AWSLogs/${account}/CloudTrail/us-east-1/`)), keys.join('\n'));
      assert.ok(keys.some((k) => k.startsWith(`AWSLogs/${account}/CloudTrail-Digest/us-east-1/`)), keys.join('\n'));
    } finally {
      await served.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

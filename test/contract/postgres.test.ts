/** Runs the Store contract against PostgreSQL: a throwaway cluster, one database for this file, a fresh schema per store. */
import { after, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { openStore } from '../../src/store/open.js';
import { clusterOrSkip } from '../helpers/postgres.js';
import { runStoreContract } from './store.contract.js';

const got = await clusterOrSkip();
if ('skip' in got) {
  it('PostgreSQL store contract', { skip: got.skip }, () => {});
} else {
  const { cluster } = got;
  after(() => cluster.stop());
  const url = await cluster.createDatabase('contract');
  let n = 0;
  runStoreContract('postgres', () => openStore({ url, schema: `s${++n}`, masterKey: randomBytes(32), poolSize: 4 }));
}

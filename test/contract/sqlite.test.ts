/** Runs the Store contract against SQLite in memory and on disk (a fresh temporary data dir per store). */
import { after } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/open.js';
import { runStoreContract } from './store.contract.js';

runStoreContract('sqlite in memory', () => openStore({ dataDir: ':memory:' }));

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-store-contract-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
runStoreContract('sqlite on disk', () => openStore({ dataDir: fs.mkdtempSync(path.join(root, 'd-')) }));

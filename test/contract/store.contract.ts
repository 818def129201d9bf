/** The one Store contract suite: every backend runs `runStoreContract` and must pass all of it. */
import { describe } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { organizationContract } from './sections/organizations.js';
import { principalsContract } from './sections/principals.js';
import { policiesContract } from './sections/policies.js';
import { credentialsContract } from './sections/credentials.js';
import { transactionsContract } from './sections/transactions.js';

/** Registers the whole contract for the backend `name`; `makeStore` must return a fresh, empty store each call. */
export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    organizationContract(makeStore);
    principalsContract(makeStore);
    policiesContract(makeStore);
    credentialsContract(makeStore);
    transactionsContract(makeStore);
  });
}

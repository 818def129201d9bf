/** The one Store contract suite: every backend runs `runStoreContract` and must pass all of it. */
import { describe } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { organizationContract } from './sections/organizations.js';
import { principalsContract } from './sections/principals.js';
import { policiesContract } from './sections/policies.js';
import { credentialsContract } from './sections/credentials.js';
import { transactionsContract } from './sections/transactions.js';
import { iamTagsConcurrencyContract } from './sections/iam-tags-concurrency.js';
import { iamRmwConcurrencyContract } from './sections/iam-rmw-concurrency.js';
import { principalBindingsContract } from './sections/principal-bindings.js';
import { userCredentialsContract } from './sections/user-credentials.js';
import { serverCertificatesContract } from './sections/server-certificates.js';
import { federationContract } from './sections/federation.js';
import { consoleSessionsContract } from './sections/console-sessions.js';
import { s3Contract, s3MultipartContract } from './sections/s3.js';
import { s3ConfigContract } from './sections/s3-config.js';
import { s3VersionsContract } from './sections/s3-versions.js';
import { paginationContract } from './sections/pagination.js';
import { policyPaginationContract } from './sections/policy-pagination.js';
import { snapshotContract } from './sections/snapshot.js';
import { secretSettingsContract } from './sections/secret-settings.js';
import { delegationsContract } from './sections/delegations.js';
import { trailsContract } from './sections/trails.js';
import { eventRetentionContract } from './sections/event-retention.js';

/** Registers the whole contract for the backend `name`; `makeStore` must return a fresh, empty store each call. */
export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    organizationContract(makeStore);
    principalsContract(makeStore);
    policiesContract(makeStore);
    credentialsContract(makeStore);
    transactionsContract(makeStore);
    iamTagsConcurrencyContract(makeStore);
    iamRmwConcurrencyContract(makeStore);
    principalBindingsContract(makeStore);
    userCredentialsContract(makeStore);
    serverCertificatesContract(makeStore);
    federationContract(makeStore);
    consoleSessionsContract(makeStore);
    s3Contract(makeStore);
    s3MultipartContract(makeStore);
    s3ConfigContract(makeStore);
    s3VersionsContract(makeStore);
    paginationContract(makeStore);
    policyPaginationContract(makeStore);
    snapshotContract(makeStore);
    secretSettingsContract(makeStore);
    delegationsContract(makeStore);
    trailsContract(makeStore);
    eventRetentionContract(makeStore);
  });
}

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ACCT, T0, env, type Env } from './helpers.js';

describe('IAM service-specific credentials', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
    await e.call('CreateUser', { UserName: 'git' });
  });
  afterEach(async () => {
    await e.close();
  });

  it('creates CodeCommit credentials named <user>-at-<account> with a 44-character password, lists without it', async () => {
    const cred = (await e.call('CreateServiceSpecificCredential', { UserName: 'git', ServiceName: 'codecommit.amazonaws.com' })).ServiceSpecificCredential;
    assert.equal(cred.ServiceUserName, `git-at-${ACCT}`);
    assert.match(cred.ServicePassword, /^[A-Za-z0-9+/]{43}=$/);
    assert.match(cred.ServiceSpecificCredentialId, /^ACCA[A-Z2-7]{17}$/);
    assert.equal(cred.Status, 'Active');
    const list = (await e.call('ListServiceSpecificCredentials', { UserName: 'git' })).ServiceSpecificCredentials;
    assert.equal(list.length, 1);
    assert.equal(list[0].ServicePassword, undefined);
    assert.equal(list[0].ServiceUserName, `git-at-${ACCT}`);
    const reset = (await e.call('ResetServiceSpecificCredential', { UserName: 'git', ServiceSpecificCredentialId: cred.ServiceSpecificCredentialId })).ServiceSpecificCredential;
    assert.notEqual(reset.ServicePassword, cred.ServicePassword);
    const stored = await e.store.getUserCredential(ACCT, 'service-specific-credential', cred.ServiceSpecificCredentialId);
    assert.equal(stored?.secret, reset.ServicePassword);
    await e.call('UpdateServiceSpecificCredential', { UserName: 'git', ServiceSpecificCredentialId: cred.ServiceSpecificCredentialId, Status: 'Inactive' });
    assert.equal((await e.call('ListServiceSpecificCredentials', { UserName: 'git', ServiceName: 'codecommit.amazonaws.com' })).ServiceSpecificCredentials[0].Status, 'Inactive');
    assert.deepEqual((await e.call('ListServiceSpecificCredentials', { UserName: 'git', ServiceName: 'cassandra.amazonaws.com' })).ServiceSpecificCredentials, []);
    await e.call('DeleteServiceSpecificCredential', { UserName: 'git', ServiceSpecificCredentialId: cred.ServiceSpecificCredentialId });
    await e.fails('DeleteServiceSpecificCredential', { UserName: 'git', ServiceSpecificCredentialId: cred.ServiceSpecificCredentialId }, 'ERR_NO_SUCH_ENTITY');
  });

  it('keeps 2 per service per user, refuses unknown services, and makes Bedrock API keys that expire', async () => {
    await e.call('CreateServiceSpecificCredential', { UserName: 'git', ServiceName: 'cassandra.amazonaws.com' });
    await e.call('CreateServiceSpecificCredential', { UserName: 'git', ServiceName: 'cassandra.amazonaws.com' });
    await e.fails('CreateServiceSpecificCredential', { UserName: 'git', ServiceName: 'cassandra.amazonaws.com' }, 'ERR_LIMIT_EXCEEDED', 'Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2');
    await e.call('CreateServiceSpecificCredential', { UserName: 'git', ServiceName: 'codecommit.amazonaws.com' });
    await e.fails('CreateServiceSpecificCredential', { UserName: 'git', ServiceName: 's3.amazonaws.com' }, 'ERR_SERVICE_NOT_SUPPORTED');
    await e.fails('CreateServiceSpecificCredential', { UserName: 'nobody', ServiceName: 'codecommit.amazonaws.com' }, 'ERR_NO_SUCH_ENTITY');
    const key = (await e.call('CreateServiceSpecificCredential', { UserName: 'git', ServiceName: 'bedrock.amazonaws.com', CredentialAgeDays: 30 })).ServiceSpecificCredential;
    assert.match(key.ServiceCredentialAlias, new RegExp(`^BedrockAPIKey-[a-z2-7]{4}-at-${ACCT}$`));
    assert.match(key.ServiceCredentialSecret, /^ABSK/);
    assert.equal(key.ExpirationDate.getTime(), T0 + 30 * 86_400_000);
    await e.call('CreateUser', { UserName: 'two' });
    await e.call('CreateServiceSpecificCredential', { UserName: 'two', ServiceName: 'codecommit.amazonaws.com' });
    assert.equal((await e.call('ListServiceSpecificCredentials', { AllUsers: true })).ServiceSpecificCredentials.length, 5);
    await e.store.deleteUser(ACCT, 'two', { cascade: true });
    assert.equal((await e.call('ListServiceSpecificCredentials', { AllUsers: true })).ServiceSpecificCredentials.length, 4);
  });
});

/** sts:GetDelegatedAccessToken refusals through the SDK v3: unknown tokens and the caller's own permissions. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as I from '@aws-sdk/client-iam';
import { GetDelegatedAccessTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { startKamen, type TestKamen } from '../../e2e/harness.js';
import { readVectors } from '../../helpers/paths.js';

const E = readVectors<Record<string, { name: string; message?: string; status: number }>>('iam', 'delegation-errors.json');

describe('GetDelegatedAccessToken refusals', () => {
  let k: TestKamen;
  const cfg = (credentials: { accessKeyId: string; secretAccessKey: string }) => ({ endpoint: k.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  before(async () => {
    k = await startKamen();
  });
  after(async () => {
    await k.stop();
  });

  it('answers ExpiredTradeInTokenException for a token kamen never issued', async () => {
    const sts = new STSClient(cfg({ accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey }));
    for (const token of ['not-a-token', 'A'.repeat(43)]) {
      await assert.rejects(sts.send(new GetDelegatedAccessTokenCommand({ TradeInToken: token })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(e.name, E['expiredTradeIn']!.name);
        assert.equal(e.message, E['expiredTradeIn']!.message);
        assert.equal(e.$metadata?.httpStatusCode, E['expiredTradeIn']!.status);
        return true;
      });
    }
  });

  it('needs sts:GetDelegatedAccessToken before it looks at the token', async () => {
    const iam = new I.IAMClient(cfg({ accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey }));
    await iam.send(new I.CreateUserCommand({ UserName: 'nobody' }));
    const key = (await iam.send(new I.CreateAccessKeyCommand({ UserName: 'nobody' }))).AccessKey!;
    const sts = new STSClient(cfg({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    await assert.rejects(sts.send(new GetDelegatedAccessTokenCommand({ TradeInToken: 'not-a-token' })), (e: Error) => {
      assert.equal(e.name, 'AccessDenied');
      assert.match(e.message, /is not authorized to perform: sts:GetDelegatedAccessToken/);
      return true;
    });
  });
});

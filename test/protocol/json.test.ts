import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OrganizationsClient, ListAccountsCommand, DescribeAccountCommand, CreateOrganizationalUnitCommand, AccountNotFoundException, ListTagsForResourceCommand } from '@aws-sdk/client-organizations';
import { createCodec, loadServiceModel } from '../../src/protocol/index.js';
import { KamenError } from '../../src/errors.js';
import { readVectors } from '../helpers/paths.js';
import { clientConfig, startCodecServer } from './harness.js';

const codec = createCodec(loadServiceModel('organizations'));
const target = (op: string) => ({ 'x-amz-target': `AWSOrganizationsV20161128.${op}`, 'content-type': 'application/x-amz-json-1.1' });

describe('json codec: validation vectors', () => {
  for (const v of readVectors<Array<{ operation: string; body: string; code: string; status: number; message: string | null; reason?: string }>>('protocol', 'json-validation.json')) {
    it(`${v.operation} ${v.body}`, () => {
      const req = { method: 'POST', query: '', headers: target(v.operation), body: Buffer.from(v.body) };
      assert.equal(codec.operationName(req), v.operation);
      let caught: unknown;
      try {
        codec.parseInput(v.operation, req);
      } catch (e) {
        caught = e;
      }
      assert.ok(caught instanceof KamenError);
      if (v.message !== null) assert.equal(caught.message, v.message);
      const res = codec.renderError(caught, 'rid');
      assert.equal(res.status, v.status);
      const body = JSON.parse(res.body);
      assert.equal(body.__type, v.code);
      if (v.message !== null) assert.equal(body.Message, v.message);
      if (v.reason) assert.equal(body.Reason, v.reason);
      assert.equal(res.headers['x-amzn-requestid'], 'rid');
      assert.equal(res.headers['content-type'], 'application/x-amz-json-1.1');
    });
  }
  it('missing or foreign X-Amz-Target', () => {
    const req = { method: 'POST', query: '', headers: { 'x-amz-target': 'Other.ListAccounts' }, body: Buffer.from('{}') };
    assert.equal(codec.operationName(req), undefined);
    assert.throws(() => codec.parseInput('', req), (e: any) => e.code === 'ERR_UNKNOWN_OPERATION');
    const res = codec.renderError(new Error('boom'), 'r');
    assert.equal(res.status, 500);
    assert.deepEqual(JSON.parse(res.body).__type, 'InternalFailure');
  });
});

describe('json codec: AWS SDK round trips', () => {
  let server: Awaited<ReturnType<typeof startCodecServer>>;
  let handler: (op: string, input: Record<string, unknown>) => unknown = () => ({});
  let org: OrganizationsClient;
  before(async () => {
    server = await startCodecServer(codec, (op, input) => handler(op, input));
    org = new OrganizationsClient(clientConfig(server.endpoint));
  });
  after(() => server.close());

  it('ListAccounts: timestamps as epoch seconds, NextToken', async () => {
    const joined = new Date('2023-08-19T01:33:23.500Z');
    handler = () => ({ Accounts: [{ Id: '111111111111', Arn: 'arn:aws:organizations::111111111111:account/o-abc/111111111111', Name: 'a', Email: 'a@example.com', Status: 'ACTIVE', JoinedMethod: 'CREATED', JoinedTimestamp: joined }], NextToken: 'n1' });
    const out = await org.send(new ListAccountsCommand({ MaxResults: 10 }));
    assert.deepEqual(server.last.input, { MaxResults: 10 });
    assert.equal(out.Accounts?.[0]?.Id, '111111111111');
    assert.equal(out.Accounts?.[0]?.JoinedTimestamp?.getTime(), joined.getTime());
    assert.equal(out.NextToken, 'n1');
    assert.equal(out.$metadata.requestId, 'c0ffee00-0000-4000-8000-000000000001');
  });

  it('rendered JSON uses epoch seconds numbers', () => {
    const res = codec.renderResult('DescribeAccount', { Account: { Id: '111111111111', JoinedTimestamp: new Date(1692408803000) } }, 'r');
    assert.equal(res.body, '{"Account":{"Id":"111111111111","JoinedTimestamp":1692408803}}');
  });

  it('CreateOrganizationalUnit with tags', async () => {
    handler = (_op, input) => ({ OrganizationalUnit: { Id: 'ou-abcd-12345678', Arn: 'arn:aws:organizations::111111111111:ou/o-abc/ou-abcd-12345678', Name: input.Name } });
    const out = await org.send(new CreateOrganizationalUnitCommand({ ParentId: 'r-abcd', Name: 'Dev', Tags: [{ Key: 'k', Value: 'v' }] }));
    assert.deepEqual(server.last.input, { ParentId: 'r-abcd', Name: 'Dev', Tags: [{ Key: 'k', Value: 'v' }] });
    assert.equal(out.OrganizationalUnit?.Name, 'Dev');
  });

  it('AccountNotFoundException: class, status, message', async () => {
    handler = () => {
      throw new KamenError('ERR_ORG_ACCOUNT_NOT_FOUND', "You specified an account that doesn't exist.");
    };
    await assert.rejects(org.send(new DescribeAccountCommand({ AccountId: '222222222222' })), (err: any) => {
      assert.ok(err instanceof AccountNotFoundException);
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, "You specified an account that doesn't exist.");
      return true;
    });
  });

  it('AccessDenied renders as AccessDeniedException', async () => {
    handler = () => {
      throw new KamenError('ERR_ACCESS_DENIED', 'You don\'t have permissions to access this resource.');
    };
    await assert.rejects(org.send(new ListTagsForResourceCommand({ ResourceId: '222222222222' })), (err: any) => {
      assert.equal(err.name, 'AccessDeniedException');
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
  });

  it('validation error reaches the SDK as InvalidInputException', async () => {
    await assert.rejects(org.send(new DescribeAccountCommand({ AccountId: 'x' })), (err: any) => {
      assert.equal(err.name, 'InvalidInputException');
      assert.equal(err.message, 'You provided a value that does not match the required pattern.');
      assert.equal(err.Reason, 'INVALID_PATTERN');
      return true;
    });
  });
});

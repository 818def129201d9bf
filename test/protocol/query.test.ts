import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { IAMClient, GetAccountSummaryCommand, CreateUserCommand, ListUsersCommand, GetUserCommand, DeleteUserCommand, TagUserCommand, NoSuchEntityException, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { createCodec, loadServiceModel, requestParams, type Codec } from '../../src/protocol/index.js';
import { KamenError } from '../../src/errors.js';
import { readVectors } from '../helpers/paths.js';
import { clientConfig, formRequest, startCodecServer } from './harness.js';

interface ParseVector { service: 'iam' | 'sts' | 'ec2'; operation: string; body?: string; query?: string; method?: string; input: Record<string, unknown> }
interface ErrorVector { service: 'iam' | 'sts'; body: string; code: string; status: number; message: string }

const codecs = { iam: createCodec(loadServiceModel('iam')), sts: createCodec(loadServiceModel('sts')), ec2: createCodec(loadServiceModel('ec2')) };

describe('query codec: parsing vectors', () => {
  for (const v of readVectors<ParseVector[]>('protocol', 'query-parse.json')) {
    it(`${v.service} ${v.operation} ${v.method ?? 'POST'}`, () => {
      const req = v.method === 'GET' ? { method: 'GET', query: v.query ?? '', headers: {}, body: Buffer.alloc(0) } : formRequest(v.body ?? '');
      const codec = codecs[v.service];
      assert.equal(codec.operationName(req), v.operation);
      assert.deepEqual(codec.parseInput(v.operation, req), v.input);
    });
  }
});

describe('query codec: validation and action errors', () => {
  for (const v of readVectors<ErrorVector[]>('protocol', 'query-validation.json')) {
    it(`${v.service}: ${v.message.slice(0, 60)}`, () => {
      const codec = codecs[v.service];
      const req = formRequest(v.body);
      const op = codec.operationName(req) ?? '';
      let caught: unknown;
      try {
        codec.parseInput(op, req);
      } catch (err) {
        caught = err;
      }
      assert.ok(caught instanceof KamenError, 'expected a KamenError');
      assert.equal(caught.message, v.message);
      const res = codec.renderError(caught, 'rid-1');
      assert.equal(res.status, v.status);
      assert.match(res.body, new RegExp(`<Code>${v.code}</Code>`));
      assert.equal(res.headers['content-type'], 'text/xml');
    });
  }
});

describe('query codec: body is parsed once', () => {
  it('caches parameters on the request object', () => {
    const req = formRequest('Action=GetUser&Version=2010-05-08&UserName=bob');
    assert.equal(codecs.iam.operationName(req), 'GetUser');
    const params = requestParams(req);
    assert.equal(requestParams(req), params, 'the same parse, not a second one');
    assert.deepEqual(codecs.iam.parseInput('GetUser', req), { UserName: 'bob' });
  });
  it('never serves a copy of the request with another body the cached parse', () => {
    const req = formRequest('Action=GetUser&Version=2010-05-08&UserName=bob');
    assert.equal(codecs.iam.operationName(req), 'GetUser');
    const copy = { ...req, body: Buffer.from('Action=ListUsers&Version=2010-05-08') };
    assert.equal(codecs.iam.operationName(copy), 'ListUsers');
    assert.equal(codecs.iam.operationName(req), 'GetUser');
  });
});

describe('query codec: rendering', () => {
  it('renders no-output operations, escaping and timestamps', () => {
    const del = codecs.iam.renderResult('DeleteUser', undefined, 'r-1');
    assert.equal(del.body, '<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DeleteUserResponse>');
    const res = codecs.iam.renderResult('GetUser', { User: { Path: '/', UserName: 'a<b>&"', UserId: 'AIDA', Arn: 'arn', CreateDate: new Date('2023-08-19T01:33:23.000Z') } }, 'r-2');
    assert.match(res.body, /<GetUserResult><User><Path>\/<\/Path><UserName>a&lt;b&gt;&amp;&quot;<\/UserName>/);
    assert.match(res.body, /<CreateDate>2023-08-19T01:33:23Z<\/CreateDate>/);
  });
  it('renders an unexpected error as InternalFailure 500 without leaking', () => {
    const res = codecs.iam.renderError(new Error('secret db path'), 'r-3');
    assert.equal(res.status, 500);
    assert.match(res.body, /<Type>Receiver<\/Type><Code>InternalFailure<\/Code>/);
    assert.doesNotMatch(res.body, /secret/);
  });
});

describe('query codec: AWS SDK round trips', () => {
  let server: Awaited<ReturnType<typeof startCodecServer>>;
  let handler: (op: string, input: Record<string, unknown>) => unknown = () => ({});
  before(async () => {
    server = await startCodecServer(codecs.iam, (op, input) => handler(op, input));
  });
  after(() => server.close());

  it('CreateUser: SDK request parses, SDK parses the result', async () => {
    const created = new Date('2023-08-19T01:33:23Z');
    handler = (op, input) => ({ User: { Path: input.Path, UserName: input.UserName, UserId: 'AIDAEXAMPLE1234567890', Arn: `arn:aws:iam::123456789012:user/dev/${String(input.UserName)}`, CreateDate: created, Tags: input.Tags } });
    const iam = new IAMClient(clientConfig(server.endpoint));
    const out = await iam.send(new CreateUserCommand({ UserName: 'bob', Path: '/dev/', Tags: [{ Key: 'k 1', Value: 'v=1 x' }] }));
    assert.equal(server.last.operation, 'CreateUser');
    assert.deepEqual(server.last.input, { UserName: 'bob', Path: '/dev/', Tags: [{ Key: 'k 1', Value: 'v=1 x' }] });
    assert.equal(out.User?.UserName, 'bob');
    assert.equal(out.User?.Arn, 'arn:aws:iam::123456789012:user/dev/bob');
    assert.equal(out.User?.CreateDate?.getTime(), created.getTime());
    assert.deepEqual(out.User?.Tags, [{ Key: 'k 1', Value: 'v=1 x' }]);
    assert.equal(out.$metadata.requestId, 'c0ffee00-0000-4000-8000-000000000001');
  });

  it('ListUsers: lists, IsTruncated and Marker', async () => {
    handler = () => ({
      Users: [
        { Path: '/', UserName: 'a', UserId: 'AIDA1', Arn: 'arn:aws:iam::123456789012:user/a', CreateDate: '2020-01-01T00:00:00Z' },
        { Path: '/', UserName: 'b', UserId: 'AIDA2', Arn: 'arn:aws:iam::123456789012:user/b', CreateDate: new Date(0), PasswordLastUsed: new Date('2021-02-03T04:05:06Z') },
      ],
      IsTruncated: true,
      Marker: 'next&page',
    });
    const iam = new IAMClient(clientConfig(server.endpoint));
    const out = await iam.send(new ListUsersCommand({ MaxItems: 2 }));
    assert.deepEqual(server.last.input, { MaxItems: 2 });
    assert.deepEqual(out.Users?.map((u) => u.UserName), ['a', 'b']);
    assert.equal(out.IsTruncated, true);
    assert.equal(out.Marker, 'next&page');
    assert.equal(out.Users?.[1]?.PasswordLastUsed?.toISOString(), '2021-02-03T04:05:06.000Z');
  });

  it('ListUserTags with empty list and TagUser (no output)', async () => {
    handler = (op) => (op === 'ListUserTags' ? { Tags: [], IsTruncated: false } : undefined);
    const iam = new IAMClient(clientConfig(server.endpoint));
    const tags = await iam.send(new ListUserTagsCommand({ UserName: 'bob' }));
    assert.equal(tags.IsTruncated, false);
    assert.ok(tags.Tags === undefined || tags.Tags.length === 0);
    const r = await iam.send(new TagUserCommand({ UserName: 'bob', Tags: [{ Key: 'a', Value: 'b' }] }));
    assert.equal(r.$metadata.httpStatusCode, 200);
    await iam.send(new DeleteUserCommand({ UserName: 'bob' }));
    assert.deepEqual(server.last.input, { UserName: 'bob' });
  });

  it('GetAccountSummary: maps render as <entry><key/><value/>', async () => {
    handler = () => ({ SummaryMap: { Users: 5, Groups: 0, AccountMFAEnabled: 1 } });
    const iam = new IAMClient(clientConfig(server.endpoint));
    const out = await iam.send(new GetAccountSummaryCommand({}));
    assert.deepEqual(out.SummaryMap, { Users: 5, Groups: 0, AccountMFAEnabled: 1 });
  });

  it('NoSuchEntity: exception class, status and message', async () => {
    handler = () => {
      throw new KamenError('ERR_NO_SUCH_ENTITY', 'The user with name nobody cannot be found.');
    };
    const iam = new IAMClient(clientConfig(server.endpoint));
    await assert.rejects(iam.send(new GetUserCommand({ UserName: 'nobody' })), (err: any) => {
      assert.ok(err instanceof NoSuchEntityException);
      assert.equal(err.name, 'NoSuchEntityException');
      assert.equal(err.$metadata.httpStatusCode, 404);
      assert.equal(err.message, 'The user with name nobody cannot be found.');
      assert.equal(err.$fault, 'client');
      return true;
    });
  });

  it('ValidationError surfaces through the SDK', async () => {
    const iam = new IAMClient(clientConfig(server.endpoint));
    await assert.rejects(iam.send(new CreateUserCommand({ UserName: 'a b' })), (err: any) => {
      assert.equal(err.name, 'ValidationError');
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.match(err.message, /^1 validation error detected: Value at 'userName'/);
      return true;
    });
  });
});

describe('STS via the SDK', () => {
  let server: Awaited<ReturnType<typeof startCodecServer>>;
  let sts: STSClient;
  before(async () => {
    server = await startCodecServer(codecs.sts, (op, input) => {
      if (op === 'GetCallerIdentity') return { UserId: 'AIDAEXAMPLE', Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/bob' };
      if (op === 'AssumeRole')
        return {
          Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'tok', Expiration: new Date('2030-01-01T00:00:00Z') },
          AssumedRoleUser: { AssumedRoleId: `AROAEXAMPLE:${String(input.RoleSessionName)}`, Arn: `arn:aws:sts::123456789012:assumed-role/r/${String(input.RoleSessionName)}` },
          PackedPolicySize: 6,
        };
      throw new KamenError('ERR_ACCESS_DENIED', 'denied');
    });
    sts = new STSClient(clientConfig(server.endpoint));
  });
  after(() => server.close());

  it('GetCallerIdentity', async () => {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(out.Account, '123456789012');
    assert.equal(out.Arn, 'arn:aws:iam::123456789012:user/bob');
    assert.match(server.last.raw!.body.toString(), /Action=GetCallerIdentity/);
  });

  it('AssumeRole with tags and policy ARNs', async () => {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/r', RoleSessionName: 'sess', Tags: [{ Key: 'a', Value: 'b' }], PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/X' }], DurationSeconds: 900 }));
    assert.deepEqual(server.last.input, { RoleArn: 'arn:aws:iam::123456789012:role/r', RoleSessionName: 'sess', Tags: [{ Key: 'a', Value: 'b' }], PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/X' }], DurationSeconds: 900 });
    assert.equal(out.Credentials?.AccessKeyId, 'ASIAEXAMPLE');
    assert.equal(out.Credentials?.Expiration?.toISOString(), '2030-01-01T00:00:00.000Z');
    assert.equal(out.AssumedRoleUser?.Arn, 'arn:aws:sts::123456789012:assumed-role/r/sess');
    assert.equal(out.PackedPolicySize, 6);
  });

  it('AccessDenied is 403 with the STS namespace', () => {
    const res = (codecs.sts as Codec).renderError(new KamenError('ERR_ACCESS_DENIED', 'User: x is not authorized'), 'r');
    assert.equal(res.status, 403);
    assert.equal(res.body, '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: x is not authorized</Message></Error><RequestId>r</RequestId></ErrorResponse>');
  });
});

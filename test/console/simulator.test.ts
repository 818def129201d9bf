/** The console's policy simulator panel API: results with matched statements, context keys, errors. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { consoleClient, consoleWorld, type ConsoleWorld } from './world.js';

let w: ConsoleWorld;
before(async () => {
  w = await consoleWorld();
  await w.asRoot('mgmt', 'iam', 'CreateUser', { UserName: 'simmed' });
  const doc = { Version: '2012-10-17', Statement: [{ Sid: 'Reads', Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }, { Sid: 'NoDeletes', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }] };
  await w.asRoot('mgmt', 'iam', 'PutUserPolicy', { UserName: 'simmed', PolicyName: 'inline', PolicyDocument: JSON.stringify(doc, null, 2) });
});
after(async () => {
  await w.close();
});

describe('console policy simulator', () => {
  test('simulates a user with actions, resources and context entries; results carry matched statements', async () => {
    const c = consoleClient(w.console.url);
    await c.signIn('user01');
    const principalArn = `arn:aws:iam::${w.mgmt}:user/simmed`;
    const r = await c.send('POST', '/policy/simulate', {
      principalArn,
      actions: ['s3:GetObject', 's3:DeleteObject', 's3:PutObject'],
      resources: ['arn:aws:s3:::bucket/key'],
      context: [{ name: 'aws:SourceIp', type: 'ip', values: ['10.1.2.3'] }],
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const by = Object.fromEntries(r.json.results.map((x: any) => [x.EvalActionName, x]));
    assert.equal(by['s3:GetObject'].EvalDecision, 'allowed');
    // JSON.stringify(doc, null, 2): the first statement's "{" is on line 4.
    assert.deepEqual(by['s3:GetObject'].MatchedStatements.map((m: any) => [m.SourcePolicyId, m.SourcePolicyType, m.StartPosition.Line]), [['inline', 'user', 4]]);
    assert.equal(by['s3:DeleteObject'].EvalDecision, 'explicitDeny');
    assert.equal(by['s3:PutObject'].EvalDecision, 'implicitDeny');
    const keys = await c.send('GET', `/policy/context-keys?principalArn=${encodeURIComponent(principalArn)}`);
    assert.deepEqual(keys.json.keys, ['aws:SourceIp']);
    // A pasted policy is simulated on its own.
    const custom = await c.send('POST', '/policy/simulate', { actions: ['sqs:SendMessage'], customPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }) });
    assert.equal(custom.json.results[0].EvalDecision, 'allowed');
  });

  test('bad input gets the API error, not a 500', async () => {
    const c = consoleClient(w.console.url);
    await c.signIn('user01');
    const none = await c.send('POST', '/policy/simulate', { principalArn: `arn:aws:iam::${w.mgmt}:user/ghost`, actions: ['s3:GetObject'] });
    assert.equal(none.status, 404);
    assert.equal(none.json.code, 'NoSuchEntity');
    const badType = await c.send('POST', '/policy/simulate', { principalArn: `arn:aws:iam::${w.mgmt}:user/simmed`, actions: ['s3:GetObject'], context: [{ name: 'aws:SourceIp', type: 'ipAddress', values: ['1.2.3.4'] }] });
    assert.equal(badType.status, 400);
    const noActions = await c.send('POST', '/policy/simulate', { principalArn: `arn:aws:iam::${w.mgmt}:user/simmed`, actions: [] });
    assert.equal(noActions.status, 400);
  });
});

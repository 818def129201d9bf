import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { readVectors } from '../../helpers/paths.js';
import { ACCT, env, type Env } from './helpers.js';

interface Vectors {
  roles: Array<{ service: string; roleName: string; policyArn: string; customSuffix: boolean }>;
  messages: Record<string, string>;
  protectedCalls: Array<{ op: string; input: Record<string, unknown> }>;
}
const v = readVectors<Vectors>('iam', 'service-linked-roles.json');
const text = (key: string, vars: Record<string, string>) => v.messages[key]!.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');

describe('IAM service-linked roles', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
  });
  afterEach(async () => {
    await e.close();
  });

  for (const r of v.roles) {
    it(`creates ${r.roleName} for ${r.service} with its path, trust and policy`, async () => {
      const out = (await e.call('CreateServiceLinkedRole', { AWSServiceName: r.service })).Role;
      assert.equal(out.RoleName, r.roleName);
      assert.equal(out.Path, `/aws-service-role/${r.service}/`);
      assert.equal(out.Arn, `arn:aws:iam::${ACCT}:role/aws-service-role/${r.service}/${r.roleName}`);
      assert.match(out.RoleId, /^AROA/);
      const trust = JSON.parse(decodeURIComponent(out.AssumeRolePolicyDocument));
      assert.deepEqual(trust.Statement, [{ Effect: 'Allow', Principal: { Service: r.service }, Action: 'sts:AssumeRole' }]);
      const attached = await e.call('ListAttachedRolePolicies', { RoleName: r.roleName });
      assert.deepEqual(attached.AttachedPolicies.map((p: any) => p.PolicyArn), [r.policyArn]);
      await e.fails('CreateServiceLinkedRole', { AWSServiceName: r.service }, 'ERR_INVALID_INPUT', text('taken', { name: r.roleName }));
      if (r.customSuffix) {
        const second = (await e.call('CreateServiceLinkedRole', { AWSServiceName: r.service, CustomSuffix: 'blue', Description: 'd' })).Role;
        assert.equal(second.RoleName, `${r.roleName}_blue`);
        assert.equal(second.Description, 'd');
      } else {
        await e.fails('CreateServiceLinkedRole', { AWSServiceName: r.service, CustomSuffix: 'blue' }, 'ERR_INVALID_INPUT', text('noSuffix', { service: r.service }));
      }
    });
  }

  it('refuses an unknown service', async () => {
    await e.fails('CreateServiceLinkedRole', { AWSServiceName: 'nothing.amazonaws.com' }, 'ERR_INVALID_INPUT');
  });

  it('protects the role from every edit but its description', async () => {
    const name = (await e.call('CreateServiceLinkedRole', { AWSServiceName: 'ecs.amazonaws.com' })).Role.RoleName;
    for (const c of v.protectedCalls) {
      await e.fails(c.op, { RoleName: name, ...c.input }, 'ERR_UNMODIFIABLE_ENTITY', text('protected', { name }));
    }
    await e.call('UpdateRoleDescription', { RoleName: name, Description: 'mine' });
    await e.call('UpdateRole', { RoleName: name, Description: 'again' });
    assert.equal((await e.call('GetRole', { RoleName: name })).Role.Description, 'again');
    await e.fails('CreateRole', { RoleName: 'Fake', Path: '/aws-service-role/ecs.amazonaws.com/', AssumeRolePolicyDocument: v.protectedCalls[1]!.input['PolicyDocument'] }, 'ERR_INVALID_INPUT');
    // an ordinary role is still editable through the same operations
    await e.call('CreateRole', { RoleName: 'plain', AssumeRolePolicyDocument: v.protectedCalls[1]!.input['PolicyDocument'] });
    await e.call('PutRolePolicy', { RoleName: 'plain', ...v.protectedCalls[2]!.input });
    await e.call('DeleteRolePolicy', { RoleName: 'plain', PolicyName: 'p' });
    await e.call('DeleteRole', { RoleName: 'plain' });
  });

  it('deletes the role with its policies and reports the task as SUCCEEDED', async () => {
    const name = (await e.call('CreateServiceLinkedRole', { AWSServiceName: 'autoscaling.amazonaws.com' })).Role.RoleName;
    const { DeletionTaskId } = await e.call('DeleteServiceLinkedRole', { RoleName: name });
    assert.match(DeletionTaskId, /^task\/aws-service-role\/autoscaling\.amazonaws\.com\/AWSServiceRoleForAutoScaling\/[0-9a-f-]{36}$/);
    assert.equal(await e.store.getRole(ACCT, name), undefined);
    assert.deepEqual(await e.store.listAttachedPolicies(ACCT, 'role', name), []);
    assert.deepEqual(await e.call('GetServiceLinkedRoleDeletionStatus', { DeletionTaskId }), { Status: 'SUCCEEDED' });
    await e.fails('DeleteServiceLinkedRole', { RoleName: name }, 'ERR_NO_SUCH_ENTITY');
    await e.fails('GetServiceLinkedRoleDeletionStatus', { DeletionTaskId: 'nonsense' }, 'ERR_INVALID_INPUT');
    await e.fails('GetServiceLinkedRoleDeletionStatus', { DeletionTaskId: DeletionTaskId.replace(/.{4}$/, '0000') }, 'ERR_NO_SUCH_ENTITY');
    // another account does not see the task
    await e.fails('GetServiceLinkedRoleDeletionStatus', { DeletionTaskId }, 'ERR_NO_SUCH_ENTITY', undefined, { kind: 'root', accountId: '210987654321', arn: 'arn:aws:iam::210987654321:root', userId: '210987654321', accessKeyId: 'AKIAOTHER' });
    await e.call('CreateRole', { RoleName: 'plain', AssumeRolePolicyDocument: v.protectedCalls[1]!.input['PolicyDocument'] });
    await e.fails('DeleteServiceLinkedRole', { RoleName: 'plain' }, 'ERR_INVALID_INPUT');
  });
});

/** AssumeRoleWithSAML against legitimate responses and the attack suite (test/vectors/federation/saml-attacks.json). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readVectors } from '../helpers/paths.js';
import { T0 } from '../authz/world.js';
import { ATTACKS } from './attacks.js';
import { A, ANONYMOUS, ENTITY_ID, PROVIDER_ARN, ROLE_ARN, awsError, samlWorld, type SamlWorld } from './fixture.js';
import { b64, newSigner, responseXml, sign, type ResponseSpec } from './idp.js';

interface Case {
  name: string;
  sign: 'Assertion' | 'Response' | 'both';
  sha1?: boolean;
  attack?: string;
  spec?: Partial<ResponseSpec> & { roleOrder?: 'provider-first'; notBeforeOffsetMs?: number };
  input?: Record<string, string>;
  verifyAfterMs?: number;
  replay?: boolean;
  raw?: string;
  expect: 'ok' | { code: string; status: number; message: string };
}

const fill = (s: string): string => s.replace(/\$\{A\}/g, A);
let world: SamlWorld;
const attacker = newSigner('attacker');

before(async () => {
  world = await samlWorld();
});
after(() => world.close());

test('AssumeRoleWithSAML: legitimate responses pass and every attack gets AWS\'s error', async (t) => {
  const { cases } = readVectors<{ cases: Case[] }>('federation', 'saml-attacks.json');
  let n = 0;
  for (const c of cases) {
    await t.test(c.name, async () => {
      const now = T0 + ++n * 3_600_000; // each case at its own hour: assertion IDs and windows never overlap
      world.w.clock.set(now);
      const { roleOrder, notBeforeOffsetMs, ...spec } = c.spec ?? {};
      const pair = roleOrder === 'provider-first' ? `${PROVIDER_ARN},${ROLE_ARN}` : `${ROLE_ARN},${PROVIDER_ARN}`;
      const full: ResponseSpec = { issuer: ENTITY_ID, now, roles: [pair], ...spec };
      if (notBeforeOffsetMs !== undefined) full.notBefore = now + notBeforeOffsetMs;
      const unsigned = responseXml(full);
      let xml = c.sign === 'Response' ? sign(unsigned, 'Response', world.idp, { sha1: c.sha1 }) : sign(unsigned, 'Assertion', world.idp, { sha1: c.sha1 });
      if (c.sign === 'both') xml = sign(xml, 'Response', world.idp);
      if (c.attack) xml = ATTACKS[c.attack]!(xml, { attacker, unsignedXml: unsigned });
      if (c.verifyAfterMs) world.w.clock.set(now + c.verifyAfterMs);
      const input = { RoleArn: ROLE_ARN, PrincipalArn: PROVIDER_ARN, SAMLAssertion: c.raw ?? b64(xml), ...Object.fromEntries(Object.entries(c.input ?? {}).map(([k, v]) => [k, fill(v)])) };
      const call = () => world.h.call(ANONYMOUS, 'sts', 'AssumeRoleWithSAML', input);
      if (c.replay) await call();
      if (c.expect === 'ok') {
        const out = await call();
        assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${A}:assumed-role/Bastion/alice@example.com`);
        assert.equal(out.Subject, 'alice@example.com');
        assert.equal(out.Issuer, ENTITY_ID);
        assert.match(out.Credentials.AccessKeyId, /^ASIA/);
        return;
      }
      await assert.rejects(call(), (err) => {
        assert.deepEqual(awsError(err), c.expect);
        return true;
      });
    });
  }
});

/** Contract: secret settings round-trip exactly, are stored encrypted (never as plaintext) and replace on set. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { withStore } from '../fixtures.js';

/** Registers the secret settings contract tests. */
export function secretSettingsContract(makeStore: () => Promise<Store>): void {
  describe('secret settings', () => {
    it('round-trips a secret, keeps it encrypted at rest and replaces it', () =>
      withStore(makeStore, async (s) => {
        const key = 'test.secret.ü';
        assert.equal(await s.getSecretSetting(key), undefined);
        const value = JSON.stringify({ d: 'private-part', note: 'ü€' });
        await s.setSecretSetting(key, value);
        assert.equal(await s.getSecretSetting(key), value);
        const atRest = await s.getSetting(key);
        assert.ok(atRest !== undefined && atRest.startsWith('v1:'), 'stored as an encrypted envelope');
        assert.ok(!atRest.includes('private-part'), 'no plaintext at rest');
        await s.transaction(async () => s.setSecretSetting(key, 'second'));
        assert.equal(await s.getSecretSetting(key), 'second');
      }));
  });
}

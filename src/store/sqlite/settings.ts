/** Settings family: kamen's own key/value settings. */
import type { SettingsStore } from '../store.js';
import type { SqliteContext } from './db.js';

/** Prepares the settings statements once for this connection and returns the family's methods. */
export function settingsFamily(ctx: SqliteContext): SettingsStore {
  const { db, run, cipher } = ctx;
  const get = db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
  const set = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  return {
    getSetting: (key) => run(() => (get.get(key) as string | undefined) ?? undefined),
    setSetting: (key, value) => run(() => {
      set.run(key, value);
    }),
    getSecretSetting: (key) => run(() => {
      const v = get.get(key) as string | undefined;
      return v === undefined ? undefined : cipher.decrypt(v);
    }),
    setSecretSetting: (key, value) => run(() => {
      set.run(key, cipher.encrypt(value));
    }),
  };
}

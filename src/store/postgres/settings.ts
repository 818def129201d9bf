/** Settings family (PostgreSQL): kamen's own key/value settings. */
import type { SettingsStore } from '../store.js';
import type { PgContext } from './db.js';

/** The settings family's methods over the context. */
export function settingsFamily(ctx: PgContext): SettingsStore {
  const { conn, write, cipher } = ctx;
  return {
    getSetting: async (key) => (await conn().rows<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]))[0]?.value,
    setSetting: (key, value) =>
      write(async (c) => {
        await c.run('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
      }),
    getSecretSetting: async (key) => {
      const v = (await conn().rows<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]))[0]?.value;
      return v === undefined ? undefined : cipher.decrypt(v);
    },
    setSecretSetting: (key, value) =>
      write(async (c) => {
        await c.run('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, cipher.encrypt(value)]);
      }),
  };
}

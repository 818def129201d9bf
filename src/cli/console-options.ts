/** What `kamen serve` hands the console beyond the pipeline (stored sessions, TLS from kamen's CA), and the package version. */
import fs from 'node:fs';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { Kamen } from '../app.js';
import type { ConsoleOptions } from '../console/server.js';
import { cookieSecretFromMasterKey, createSessionStore } from '../console/session.js';
import { parseMasterKeyText } from '../store/crypto.js';
import { loadOrCreateMasterKey } from '../store/open.js';
import { CliError } from './cli-error.js';

/** The version in kamen's package.json (found above this compiled file). */
export function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kamen' && pkg.version) return pkg.version;
    }
    const up = path.dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

/** The console's TLS options: a leaf certificate from kamen's CA for each name the browser asks for (localhost by default). */
export async function consoleTls(kamen: Kamen): Promise<NonNullable<ConsoleOptions['tls']>> {
  const ca = kamen.ca;
  if (!ca) throw new CliError('--console-tls needs kamen\'s CA in the data dir');
  const fallback = await ca.certFor('localhost');
  return {
    ...fallback,
    SNICallback: (name, cb) => {
      ca.certFor(name).then(
        (c) => cb(null, createSecureContext(c)),
        (err: unknown) => cb(err as Error),
      );
    },
  };
}

/**
 * Options for startConsole from the running kamen: sessions kept in the Store (encrypted under the master key, cookies
 * signed with a key derived from it, so a restart signs nobody out) and TLS when asked.
 */
export async function consoleStartOptions(kamen: Kamen, dataDir: string, tls: boolean): Promise<Pick<ConsoleOptions, 'tls' | 'sessions'>> {
  const envKey = process.env['KAMEN_MASTER_KEY'];
  const masterKey = envKey ? parseMasterKeyText(envKey) : loadOrCreateMasterKey(dataDir);
  const sessions = createSessionStore({ clock: kamen.clock, secret: cookieSecretFromMasterKey(masterKey), persist: kamen.store });
  return tls ? { sessions, tls: await consoleTls(kamen) } : { sessions };
}

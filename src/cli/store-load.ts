/** `kamen store load`: bulk-loads a get-account-authorization-details JSON file into a data dir's store (or PostgreSQL). */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadManagedPolicyCatalog } from '../services/iam/managed-catalog.js';
import { parseMasterKeyText } from '../store/crypto.js';
import { loadAuthorizationDetails } from '../store/load/index.js';
import { isPostgresUrl } from '../store/open.js';
import { CliError } from './cli-error.js';
import { checkMasterKeyPresent, holdsKamenState, readServeRecord } from './data-dir.js';

/** Adds `load` to the `store` command. */
export function registerStoreLoad(storeCmd: Command): void {
  storeCmd
    .command('load')
    .description('load a get-account-authorization-details JSON file (users, groups, roles, customer managed policies) into the store, all of it or nothing')
    .requiredOption('--file <file>', 'the JSON file (`aws iam get-account-authorization-details` output)')
    .option('--data-dir <dir>', 'where kamen keeps its data', './.kamen')
    .option('--account <id>', 'load into this account (default: the account the file\'s ARNs name)')
    .option('--store <url>', 'the PostgreSQL store (default: KAMEN_DATABASE_URL, else SQLite in the data dir)')
    .action(async (o: { file: string; dataDir: string; account?: string; store?: string }) => {
      const url = o.store ?? (process.env.KAMEN_DATABASE_URL || undefined);
      if (url !== undefined && !isPostgresUrl(url)) throw new CliError('--store / KAMEN_DATABASE_URL must be a postgres:// URL');
      const dataDir = path.resolve(o.dataDir);
      if (url === undefined) {
        if (!holdsKamenState(dataDir)) throw new CliError(`${dataDir} holds no kamen data: start \`kamen serve --data-dir ${o.dataDir}\` once first, or pass the --data-dir your server uses`);
        checkMasterKeyPresent(dataDir, Boolean(process.env.KAMEN_MASTER_KEY));
        const running = readServeRecord(dataDir);
        if (running) throw new CliError(`kamen serve (pid ${running.pid}) is using ${dataDir}: stop it before loading`);
      }
      let details: unknown;
      try {
        details = JSON.parse(fs.readFileSync(o.file, 'utf8'));
      } catch (err) {
        throw new CliError(`cannot read ${o.file} as JSON: ${err instanceof Error ? err.message : String(err)}`);
      }
      const catalog = loadManagedPolicyCatalog();
      const masterKey = process.env.KAMEN_MASTER_KEY ? parseMasterKeyText(process.env.KAMEN_MASTER_KEY) : undefined;
      const report = await loadAuthorizationDetails({
        dataDir,
        ...(url ? { url } : {}),
        ...(masterKey ? { masterKey } : {}),
        ...(o.account ? { accountId: o.account } : {}),
        details,
        isAwsManaged: (arn) => catalog.get(arn) !== undefined,
      });
      console.log(
        `kamen: loaded into account ${report.accountId}: ${report.users} users, ${report.groups} groups, ${report.roles} roles, ${report.policies} policies ` +
          `in ${report.seconds.toFixed(2)} s (${Math.round(report.rate)} ${report.roles > 0 ? 'roles' : 'entities'}/s)`,
      );
    });
}

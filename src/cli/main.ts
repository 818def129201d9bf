/** The `kamen` command: serve, env, account create, store copy. */
import { Command } from 'commander';
import path from 'node:path';
import { openRequestLog } from '../audit/request-log.js';
import { openKamen, readBootstrap } from '../app.js';
import { startServer } from '../http/server.js';
import { startConsole } from '../console/server.js';
import { envExports, configSnippet } from './snippets.js';
import { createMemberAccount } from '../services/accounts/index.js';
import { createStandaloneAccount } from '../services/accounts/standalone.js';
import { parseRetentionHours } from '../authz/sweep-expired.js';
import { DEFAULT_EVENT_RETENTION_DAYS, parseEventRetentionDays } from '../audit/event-retention.js';
import { parseIssueRate } from '../authz/issue-rate.js';
import { isPostgresUrl } from '../store/open.js';
import { parseMasterKeyText } from '../store/crypto.js';
import { copySqliteToPostgres } from '../store/postgres/copy.js';
import { CliError } from './cli-error.js';
import { bootstrapSummaryPending, checkDataDir, checkMasterKeyPresent, holdsKamenState, lockDataDir, markBootstrapSummaryShown, readServeRecord } from './data-dir.js';
import { reportError } from './operator-errors.js';
import { registerSso } from './sso.js';
import { registerStoreLoad } from './store-load.js';
import { bindApi, bindConsole, parsePort } from './ports.js';
import { drain, onShutdownSignals } from './shutdown.js';
import { consoleStartOptions, packageVersion } from './console-options.js';

const DEFAULT_PORT = 4600;
const DEFAULT_CONSOLE_PORT = 4601;

/** The PostgreSQL URL chosen by --store or KAMEN_DATABASE_URL, or undefined for SQLite in the data dir. */
function kamenStoreUrl(o: { store?: string }): string | undefined {
  const url = o.store ?? (process.env.KAMEN_DATABASE_URL || undefined);
  if (url !== undefined && !isPostgresUrl(url)) throw new Error('--store / KAMEN_DATABASE_URL must be a postgres:// URL');
  return url;
}

/** openKamen's store options from --store / KAMEN_DATABASE_URL and --pool-size. */
function storeOptions(o: { store?: string; poolSize?: string }): { storeUrl?: string; poolSize?: number } {
  const storeUrl = kamenStoreUrl(o);
  if (storeUrl === undefined) return {};
  const poolSize = o.poolSize === undefined ? undefined : Number(o.poolSize);
  if (poolSize !== undefined && (!Number.isInteger(poolSize) || poolSize < 2 || poolSize > 1000)) throw new Error('--pool-size must be an integer from 2 to 1000');
  return poolSize === undefined ? { storeUrl } : { storeUrl, poolSize };
}

/** Parses argv and runs the chosen command. */
export async function main(rawArgv: string[]): Promise<void> {
  const debug = rawArgv.includes('--debug');
  const argv = rawArgv.filter((a) => a !== '--debug');
  const program = new Command();
  program.name('kamen').description('An AWS-compatible identity plane: IAM, STS, Organizations, SigV4, policy evaluation');
  program.version(packageVersion(), '-V, --version', 'print the kamen version');
  program.addHelpText('after', '\nAny command also takes --debug: print the stack trace of an error.');
  let errorDataDir: string | undefined;

  program
    .command('serve')
    .description('run the server (creates an organization on first start)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', String(DEFAULT_PORT))
    .option('--data-dir <dir>', 'where kamen keeps its data', './.kamen')
    .option('--console-port <port>', `port of the web console (default ${DEFAULT_CONSOLE_PORT}, or the next free one when it is busy; 0 = any free port)`, String(DEFAULT_CONSOLE_PORT))
    .option('--no-console', 'do not serve the web console')
    .option('--quiet', 'do not print the bootstrap snippet')
    .option('--store <url>', 'keep the store in PostgreSQL (postgres://user:pass@host:port/db[?schema=name]; default: KAMEN_DATABASE_URL, else SQLite in the data dir)')
    .option('--pool-size <n>', 'PostgreSQL: maximum pooled connections', '10')
    .option('--object-store <files|postgres>', "where S3 object bytes live: 'files' (<data-dir>/objects) or 'postgres' (the store's database, shared by every node)", 'files')
    .option('--temporary-credential-retention <hours>', 'hours expired temporary credentials are kept before they are deleted (valid ones are always kept)', '36')
    .option('--sts-issue-rate <rate[:burst]>', "temporary credentials one principal may be issued per second, and in a burst (AssumeRole, GetSessionToken, GetFederationToken; over it: Throttling); 'off' for no limit", '100:200')
    .option('--max-connections <n>', 'API port: most open connections (more are dropped at accept)', '4096')
    .option('--console-tls', 'serve the console over https with a certificate from kamen\'s CA (ca.pem in the data dir); session cookies are then Secure')
    .option('--no-organization', 'first start: create a standalone account (outside any organization) instead of an organization')
    .option('--accept-any-credentials', 'drop-in mode for suites written for other emulators: an unknown access key acts as the default account\'s root user (its signature is NOT verified) and POST /_kamen/reset restores the bootstrapped store')
    .option('--default-account <id>', 'drop-in mode: the 12-digit account unknown access keys act in (default: the first account)')
    .option('--log <file|->', "write one JSON line per API request (request ID, account, principal, operation, decision, status, latency) to a file, or '-' for standard output")
    .option('--trail-delivery-seconds <n>', 'seconds between CloudTrail trail deliveries (log files and, with log file validation, digest files)', '300')
    .option('--event-retention-days <n>', 'days stored CloudTrail events are kept (a decimal number > 0); older ones are deleted unless a logging trail has not delivered them yet', String(DEFAULT_EVENT_RETENTION_DAYS))
    .option('--s3-multipart-expiry-days <n>', 'days after which an S3 multipart upload that was neither completed nor aborted is aborted and its parts deleted', '7')
    .action(async (o: { log?: string; trailDeliverySeconds: string; s3MultipartExpiryDays: string; host: string; port: string; consolePort: string; console: boolean; consoleTls?: boolean; dataDir: string; quiet?: boolean; store?: string; poolSize: string; objectStore: string; temporaryCredentialRetention: string; eventRetentionDays: string; stsIssueRate: string; maxConnections: string; organization: boolean; acceptAnyCredentials?: boolean; defaultAccount?: string }, cmd: Command) => {
      if (o.objectStore !== 'files' && o.objectStore !== 'postgres') throw new CliError("--object-store must be 'files' or 'postgres'");
      const objectStore: 'files' | 'postgres' = o.objectStore;
      const dataDir = path.resolve(o.dataDir);
      errorDataDir = dataDir;
      const port = parsePort(o.port, '--port');
      const consolePort = parsePort(o.consolePort, '--console-port');
      const temporaryCredentialRetentionMs = parseRetentionHours(o.temporaryCredentialRetention);
      const eventRetentionMs = parseEventRetentionDays(o.eventRetentionDays);
      const stsIssueRate = o.stsIssueRate.trim() === 'off' ? undefined : parseIssueRate(o.stsIssueRate);
      const maxConnections = Number(o.maxConnections);
      const trailDeliverySeconds = Number(o.trailDeliverySeconds);
      const s3MultipartExpiryDays = Number(o.s3MultipartExpiryDays);
      if (!Number.isFinite(s3MultipartExpiryDays) || s3MultipartExpiryDays <= 0 || s3MultipartExpiryDays > 36_500) throw new CliError('--s3-multipart-expiry-days must be a number of days greater than 0');
      if (!Number.isInteger(trailDeliverySeconds) || trailDeliverySeconds < 1 || trailDeliverySeconds > 86_400) throw new CliError('--trail-delivery-seconds must be an integer from 1 to 86400');
      if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new CliError('--max-connections must be a positive integer');
      if (o.defaultAccount !== undefined && !o.acceptAnyCredentials) throw new CliError('--default-account needs --accept-any-credentials');
      if (o.defaultAccount !== undefined && !/^[1-9]\d{11}$/.test(o.defaultAccount)) throw new CliError('--default-account must be 12 digits, not starting with 0');
      const dropIn = o.acceptAnyCredentials ? { acceptAnyCredentials: o.defaultAccount ? { defaultAccountId: o.defaultAccount } : {} } : {};
      const storeOpts = storeOptions(o);
      checkDataDir(dataDir);
      if (storeOpts.storeUrl === undefined) checkMasterKeyPresent(dataDir, Boolean(process.env.KAMEN_MASTER_KEY));
      const lock = lockDataDir(dataDir);
      const requestLog = o.log !== undefined ? openRequestLog(o.log === '-' ? '-' : path.resolve(o.log)) : undefined;
      let kamen: Awaited<ReturnType<typeof openKamen>> | undefined;
      let running: Awaited<ReturnType<typeof startServer>> | undefined;
      let web: Awaited<ReturnType<typeof startConsole>> | undefined;
      try {
        kamen = await openKamen({ dataDir, masterKey: process.env.KAMEN_MASTER_KEY, ...storeOpts, objectStore, temporaryCredentialRetentionMs, eventRetentionMs, trailDeliverySeconds, s3MultipartExpiryMs: Math.round(s3MultipartExpiryDays * 86_400_000), ...(stsIssueRate ? { stsIssueRate } : {}), organization: o.organization, ...dropIn, ...(requestLog ? { requestLog: requestLog.write } : {}) });
        const k = kamen;
        running = await bindApi((p) => startServer({ host: o.host, port: p, pipeline: k.pipeline, ca: k.ca, limits: { maxConnections }, ...(k.reset ? { reset: k.reset } : {}) }), o.host, port);
        const extra = o.console ? await consoleStartOptions(k, dataDir, o.consoleTls === true) : {};
        web = o.console ? await bindConsole((p) => startConsole({ host: o.host, port: p, pipeline: k.pipeline, ...extra }), o.host, consolePort, cmd.getOptionValueSource('consolePort') !== 'default') : undefined;
      } catch (err) {
        await web?.close();
        await running?.close();
        await kamen?.close();
        await requestLog?.close();
        lock.release();
        throw err;
      }
      // Signal handlers go in before anything is printed: whoever reads the output may stop the server at once.
      const k = kamen;
      const api = running;
      const ui = web;
      onShutdownSignals(async (signal) => {
        const drained = Promise.all([drain(api.server), ui ? drain(ui.server) : Promise.resolve()]);
        console.log(`kamen: ${signal}: shutting down (no new connections; finishing in-flight requests)`);
        await drained;
        await ui?.close();
        await api.close();
        await k.close();
        await requestLog?.close();
        lock.release();
        console.log('kamen: stopped; store flushed and closed');
      }, (line) => console.error(line));
      const boot = readBootstrap(dataDir);
      const endpoint = running.url;
      lock.publish({ endpoint, ...(web ? { console: web.url } : {}), caPath: kamen.caPath });
      if (!o.quiet && boot) {
        const pending = bootstrapSummaryPending(dataDir);
        if (pending) {
          if (boot.organizationId) console.log(`kamen: ${kamen.createdNow ? 'created' : 'the'} organization ${boot.organizationId}; management account ${boot.managementAccountId}`);
          else console.log(`kamen: ${kamen.createdNow ? 'created' : 'the'} standalone account ${boot.managementAccountId} (no organization: CreateOrganization makes one)`);
          console.log(`kamen: root user ${boot.rootEmail} / password ${boot.rootPassword} (also in ${path.join(dataDir, 'bootstrap.json')})\n`);
        }
        console.log(configSnippet(boot, endpoint));
        console.log(envExports(boot, endpoint, kamen.caPath));
        if (pending) markBootstrapSummaryShown(dataDir);
      }
      console.log(`kamen: listening on ${endpoint} (data in ${dataDir}${kamenStoreUrl(o) ? ', store in PostgreSQL' : ''})`);
      if (kamen.reset) {
        console.error('kamen: WARNING: drop-in mode (--accept-any-credentials) is ON');
        console.error(`kamen: WARNING: any access key kamen does not know acts as the root user of account ${kamen.defaultAccountId}, and its signature is NOT verified`);
        console.error(`kamen: WARNING: POST ${endpoint}/_kamen/reset returns the store to its state at this start; never use this mode outside tests`);
      }
      if (web) console.log(`kamen: web console at ${web.url}${web.port !== consolePort && consolePort !== 0 ? ` (port ${consolePort} was in use)` : ''}`);
    });

  program
    .command('env')
    .description('print the environment exports for clients')
    .option('--data-dir <dir>', 'where kamen keeps its data', './.kamen')
    .option('--endpoint <url>', `the server URL (default: the URL of the kamen serve running on the data dir, else http://127.0.0.1:${DEFAULT_PORT})`)
    .action((o: { dataDir: string; endpoint?: string }) => {
      const dataDir = path.resolve(o.dataDir);
      const boot = readBootstrap(dataDir);
      if (!boot) throw new CliError(`no bootstrap.json in ${dataDir}: run \`kamen serve --data-dir ${o.dataDir}\` once first`);
      const running = readServeRecord(dataDir);
      const endpoint = o.endpoint ?? running?.endpoint ?? `http://127.0.0.1:${DEFAULT_PORT}`;
      if (o.endpoint === undefined && !running) console.error(`kamen: no kamen serve is running on ${dataDir}; assuming ${endpoint} (pass --endpoint to choose)`);
      console.log(envExports(boot, endpoint, path.join(dataDir, 'ca.pem')));
    });

  const account = program.command('account').description('manage member accounts');
  account
    .command('create')
    .description('add a member account to the organization (or, with --standalone, an account outside it) and print its root access key')
    .requiredOption('--name <name>', 'account name')
    .option('--id <id>', '12-digit account ID (e.g. 111111111111)')
    .option('--email <email>', 'root user email')
    .option('--data-dir <dir>', 'where kamen keeps its data', './.kamen')
    .option('--json', 'print JSON')
    .option('--store <url>', 'the PostgreSQL store (default: KAMEN_DATABASE_URL, else SQLite in the data dir)')
    .option('--standalone', 'create the account outside any organization (it may then create or be invited to one)')
    .action(async (o: { name: string; id?: string; email?: string; dataDir: string; json?: boolean; store?: string; standalone?: boolean }) => {
      if (o.id !== undefined && !/^\d{12}$/.test(o.id)) throw new CliError('--id must be 12 digits');
      const dataDir = path.resolve(o.dataDir);
      errorDataDir = dataDir;
      const storeOpts = storeOptions(o);
      if (storeOpts.storeUrl === undefined && !holdsKamenState(dataDir)) throw new CliError(`${dataDir} holds no kamen data: start \`kamen serve --data-dir ${o.dataDir}\` once first, or pass the --data-dir your server uses`);
      if (storeOpts.storeUrl === undefined) checkMasterKeyPresent(dataDir, Boolean(process.env.KAMEN_MASTER_KEY));
      const kamen = await openKamen({ dataDir, masterKey: process.env.KAMEN_MASTER_KEY, withCa: false, bootstrap: false, ...storeOpts });
      try {
        const r = o.standalone
          ? await createStandaloneAccount(kamen.store, kamen.clock, { name: o.name, ...(o.email ? { email: o.email } : {}), ...(o.id ? { accountId: o.id } : {}) })
          : await createMemberAccount(kamen.store, kamen.clock, { name: o.name, email: o.email, accountId: o.id });
        if (o.json) {
          console.log(JSON.stringify({ AccountId: r.account.id, Name: r.account.name, Email: r.account.email, AccessKeyId: r.accessKeyId, SecretAccessKey: r.secretAccessKey }, null, 2));
        } else {
          console.log(`account ${r.account.id} (${r.account.name}) created`);
          console.log(`[${o.name}]\naws_access_key_id = ${r.accessKeyId}\naws_secret_access_key = ${r.secretAccessKey}`);
        }
      } finally {
        await kamen.close();
      }
    });

  registerSso(program);

  const storeCmd = program.command('store').description('manage the store');
  storeCmd
    .command('copy')
    .description('copy a SQLite data dir\'s store into an empty PostgreSQL schema, then verify counts and a sample of reads')
    .requiredOption('--from <dir>', 'the SQLite data dir (kamen.db and master.key)')
    .requiredOption('--to <url>', 'postgres://user:pass@host:port/db[?schema=name]')
    .option('--object-store <files|postgres>', "S3 object bytes: 'postgres' copies them into the target database (for serve --object-store postgres); 'files' leaves them in <from>/objects", 'files')
    .action(async (o: { from: string; to: string; objectStore: string }) => {
      if (!isPostgresUrl(o.to)) throw new Error('--to must be a postgres:// URL');
      if (o.objectStore !== 'files' && o.objectStore !== 'postgres') throw new CliError("--object-store must be 'files' or 'postgres'");
      const masterKey = process.env.KAMEN_MASTER_KEY ? parseMasterKeyText(process.env.KAMEN_MASTER_KEY) : undefined;
      const report = await copySqliteToPostgres({ fromDataDir: path.resolve(o.from), toUrl: o.to, objectStore: o.objectStore, ...(masterKey ? { masterKey } : {}) });
      for (const [table, n] of Object.entries(report.tables)) console.log(`${table}: ${n} rows`);
      console.log(`kamen: copied ${Object.values(report.tables).reduce((a, b) => a + b, 0)} rows; counts match; ${report.sampled} sampled reads agree`);
      const ob = report.objects;
      console.log(
        ob.where === 'postgres'
          ? `kamen: copied ${ob.blobs} S3 objects' bytes (${ob.bytes} bytes) into PostgreSQL; count matches; ${ob.sampled} sampled objects read back identical (serve with --object-store postgres)`
          : `kamen: ${ob.blobs} S3 objects' bytes (${ob.bytes} bytes) stay in ${ob.where}: serve with --object-store files and that directory mounted as <data-dir>/objects on every node, or copy again with --object-store postgres`,
      );
    });
  registerStoreLoad(storeCmd);

  try {
    await program.parseAsync(argv);
  } catch (err) {
    reportError(err, { debug, ...(errorDataDir ? { dataDir: errorDataDir } : {}) });
    process.exit(1);
  }
}

/** The `kamen` command: serve, env, account create. */
import { Command } from 'commander';
import path from 'node:path';
import { openKamen, readBootstrap } from '../app.js';
import { startServer } from '../http/server.js';
import { startConsole } from '../console/server.js';
import { envExports, configSnippet } from './snippets.js';
import { createMemberAccount } from '../services/accounts/index.js';

const DEFAULT_PORT = 4600;
const DEFAULT_CONSOLE_PORT = 4601;

/** Parses argv and runs the chosen command. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('kamen').description('An AWS-compatible identity plane: IAM, STS, Organizations, SigV4, policy evaluation');

  program
    .command('serve')
    .description('run the server (creates an organization on first start)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', String(DEFAULT_PORT))
    .option('--data-dir <dir>', 'where kamen keeps its data', './.kamen')
    .option('--console-port <port>', 'port of the web console (0 = any free port)', String(DEFAULT_CONSOLE_PORT))
    .option('--no-console', 'do not serve the web console')
    .option('--quiet', 'do not print the bootstrap snippet')
    .action(async (o: { host: string; port: string; consolePort: string; console: boolean; dataDir: string; quiet?: boolean }) => {
      const dataDir = path.resolve(o.dataDir);
      const kamen = await openKamen({ dataDir, masterKey: process.env.KAMEN_MASTER_KEY });
      const running = await startServer({ host: o.host, port: Number(o.port), pipeline: kamen.pipeline, ca: kamen.ca });
      const web = o.console ? await startConsole({ host: o.host, port: Number(o.consolePort), pipeline: kamen.pipeline }) : undefined;
      const boot = readBootstrap(dataDir);
      const endpoint = running.url;
      if (!o.quiet && boot) {
        if (kamen.createdNow) {
          console.log(`kamen: created organization ${boot.organizationId}; management account ${boot.managementAccountId}`);
          console.log(`kamen: root user ${boot.rootEmail} / password ${boot.rootPassword} (also in ${path.join(dataDir, 'bootstrap.json')})\n`);
        }
        console.log(configSnippet(boot, endpoint));
        console.log(envExports(boot, endpoint, kamen.caPath));
      }
      console.log(`kamen: listening on ${endpoint} (data in ${dataDir})`);
      if (web) console.log(`kamen: web console at ${web.url}`);
      const stop = async () => {
        await web?.close();
        await running.close();
        await kamen.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  program
    .command('env')
    .description('print the environment exports for clients')
    .option('--data-dir <dir>', 'where kamen keeps its data', './.kamen')
    .option('--endpoint <url>', 'the server URL', `http://127.0.0.1:${DEFAULT_PORT}`)
    .action((o: { dataDir: string; endpoint: string }) => {
      const dataDir = path.resolve(o.dataDir);
      const boot = readBootstrap(dataDir);
      if (!boot) throw new Error(`no bootstrap.json in ${dataDir}: run \`kamen serve --data-dir ${o.dataDir}\` once first`);
      console.log(envExports(boot, o.endpoint, path.join(dataDir, 'ca.pem')));
    });

  const account = program.command('account').description('manage member accounts');
  account
    .command('create')
    .description('add a member account to the organization and print its root access key')
    .requiredOption('--name <name>', 'account name')
    .option('--id <id>', '12-digit account ID (e.g. 111111111111)')
    .option('--email <email>', 'root user email')
    .option('--data-dir <dir>', 'where kamen keeps its data', './.kamen')
    .option('--json', 'print JSON')
    .action(async (o: { name: string; id?: string; email?: string; dataDir: string; json?: boolean }) => {
      if (o.id !== undefined && !/^\d{12}$/.test(o.id)) throw new Error('--id must be 12 digits');
      const kamen = await openKamen({ dataDir: path.resolve(o.dataDir), masterKey: process.env.KAMEN_MASTER_KEY, withCa: false });
      try {
        const r = await createMemberAccount(kamen.store, kamen.clock, { name: o.name, email: o.email, accountId: o.id });
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

  await program.parseAsync(argv);
}

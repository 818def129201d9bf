/**
 * A kamen server process for the scale benches: BENCH_DATA_DIR (and BENCH_STORE_URL for PostgreSQL); prints
 * {"port":N,"boot":…} once listening. BENCH_EVENT_RETENTION_DAYS / BENCH_TEMP_CRED_RETENTION_HOURS set the retentions. The STS issue-rate limit is lifted. SIGTERM closes it cleanly (so `--cpu-prof` can write its profile).
 */
import { openKamen } from '../src/app.js';
import { startServer } from '../src/http/server.js';
import { parseEventRetentionDays } from '../src/audit/event-retention.js';
import { parseRetentionHours } from '../src/authz/sweep-expired.js';

const dataDir = process.env.BENCH_DATA_DIR!;
const storeUrl = process.env.BENCH_STORE_URL || undefined;
// Retention as `serve --event-retention-days` / `--temporary-credential-retention` (hours) take it, when set (the soak).
const retention = {
  ...(process.env.BENCH_EVENT_RETENTION_DAYS ? { eventRetentionMs: parseEventRetentionDays(process.env.BENCH_EVENT_RETENTION_DAYS) } : {}),
  ...(process.env.BENCH_TEMP_CRED_RETENTION_HOURS ? { temporaryCredentialRetentionMs: parseRetentionHours(process.env.BENCH_TEMP_CRED_RETENTION_HOURS) } : {}),
};
// The STS issue-rate limit (100 a second per principal by default) is lifted: the benches drive one principal hard.
const kamen = await openKamen({ dataDir, withCa: false, log: () => {}, stsIssueRate: { perSecond: 1e9, burst: 1e9 }, ...retention, ...(storeUrl ? { storeUrl, poolSize: 8 } : {}) });
const running = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
process.once('SIGTERM', () => {
  const hold = setInterval(() => {}, 1000);
  void running.close().then(() => kamen.close()).finally(() => {
    clearInterval(hold);
    process.exit(0);
  });
});
console.log(JSON.stringify({ port: running.port, boot: kamen.bootstrap }));

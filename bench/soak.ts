/**
 * `npm run soak -- --minutes 10 [--event-retention-minutes R] [--no-warmup]`: a mixed workload (GetRole/GetUser reads,
 * AssumeRole, CreateUser/DeleteUser writes) against a kamen child on SQLite with 1,000 bulk-loaded roles: a warm-up at
 * full speed until the event retention deletes as fast as requests append (skipped with --no-warmup), then full speed
 * for two sweep intervals (a few seconds without warm-up) to find the maximum, then paced at 80% of it. The child keeps CloudTrail events for R minutes (default a
 * third of the run, from 0.5 to 2) and expired temporary credentials for 0 hours (AssumeRole asks for the shortest
 * lifetime, 15 minutes). Prints per minute the errors, p99, RSS, data dir size (WAL apart) and events kept, then a
 * verdict line (errors 0; p99 and RSS flat: the last minute within 1.5× of the first; data dir flat once the event
 * retention has passed: the growth per minute after it at most 25% of the per-minute growth of the first retention period;
 * what remains is mostly temporary credentials, which live 15 minutes at least).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadManagedPolicyCatalog } from '../src/services/iam/managed-catalog.js';
import { loadAuthorizationDetails } from '../src/store/load/index.js';
import { syntheticDetails, syntheticRoleName } from '../src/store/load/synthetic.js';
import { benchUser } from './datasize.js';
import Database from 'better-sqlite3';
import { closedLoop, dirBytes, rssMiB, signedQuery, startKamen, type Creds, type LoopResult } from './scale-kit.js';
import { sweepIntervalMs } from '../src/audit/event-retention.js';

const CLIENTS = 16;

/** The --minutes argument (default 10). */
function minutesArg(argv: string[]): number {
  const i = argv.indexOf('--minutes');
  const n = i >= 0 ? Number(argv[i + 1]) : 10;
  if (!Number.isFinite(n) || n <= 0) throw new Error('--minutes must be a positive number');
  return n;
}

/** The --event-retention-minutes argument (default: a third of the run, from 0.5 to 2 minutes). */
function retentionArg(argv: string[], minutes: number): number {
  const i = argv.indexOf('--event-retention-minutes');
  const n = i >= 0 ? Number(argv[i + 1]) : Math.min(2, Math.max(0.5, minutes / 3));
  if (!Number.isFinite(n) || n <= 0) throw new Error('--event-retention-minutes must be a positive number');
  return n;
}

/** Bytes of the WAL file, the events the store keeps and its free pages (read through a short-lived read-only connection). */
function storeFacts(dir: string): { walBytes: number; events: number; freePages: number } {
  const file = path.join(dir, 'kamen.db');
  let walBytes = 0;
  try {
    walBytes = fs.statSync(file + '-wal').size;
  } catch {
    // no WAL file right now
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return { walBytes, events: db.prepare('SELECT coalesce(sum(count), 0) FROM event_blocks').pluck().get() as number, freePages: db.pragma('freelist_count', { simple: true }) as number };
  } finally {
    db.close();
  }
}

/** A shared pacer: at most `rate` ops/s across every client. */
function pacer(rate: number): () => Promise<void> {
  let next = performance.now();
  return async () => {
    const now = performance.now();
    next = Math.max(next, now - 100) + 1000 / rate;
    const wait = next - now;
    if (wait > 1) await sleep(wait);
  };
}

/** The mixed workload's op: 13 of 20 reads, 5 AssumeRole, 2 writes (a user created by root, then deleted by the next op). */
function mixed(port: number, creds: Creds, root: Creds, acct: string): { op: Parameters<typeof closedLoop>[3]; resign(): Promise<void> } {
  let signed: Buffer[] = [];
  // Each run of the loop (the maximum, then every minute) restarts `seq`: a run's own tag keeps a user created just
  // before a run ended (its DeleteUser never sent) from being created again by the next run.
  let run = 0;
  const resign = async (): Promise<void> => {
    run++;
    const role = (i: number): string => syntheticRoleName(i * 37 % 1000);
    signed = [];
    for (let i = 0; i < 8; i++) {
      signed.push(await signedQuery(port, 'iam', `Action=GetRole&Version=2010-05-08&RoleName=${role(i)}`, creds));
      signed.push(await signedQuery(port, 'iam', 'Action=GetUser&Version=2010-05-08', creds));
      signed.push(await signedQuery(port, 'sts', `Action=AssumeRole&Version=2011-06-15&DurationSeconds=900&RoleSessionName=soak&RoleArn=${encodeURIComponent(`arn:aws:iam::${acct}:role/${role(i)}`)}`, creds));
    }
  };
  const op: Parameters<typeof closedLoop>[3] = async (send, client, seq) => {
    const k = seq % 20;
    const name = `soak-${run}-${client}-${Math.floor(seq / 20)}`;
    if (k < 12) await send(signed[(k % 2) + 3 * (seq % 8)]!);
    else if (k < 17) await send(signed[2 + 3 * (seq % 8)]!);
    else if (k === 17) await send(await signedQuery(port, 'iam', `Action=CreateUser&Version=2010-05-08&UserName=${name}`, root));
    else if (k === 18) await send(await signedQuery(port, 'iam', `Action=DeleteUser&Version=2010-05-08&UserName=${name}`, root));
    else await send(signed[3 * (seq % 8)]!);
  };
  return { op, resign };
}

/** Runs the soak for `minutes`. */
export async function soak(minutes: number, retentionMinutes: number, warmup = true): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-soak-'));
  try {
    const first = await startKamen(dir);
    const acct = first.boot.managementAccountId;
    const creds = await benchUser(first);
    await first.stop();
    const catalog = loadManagedPolicyCatalog();
    await loadAuthorizationDetails({ dataDir: dir, details: syntheticDetails(acct, 1000), accountId: acct, isAwsManaged: (a) => catalog.get(a) !== undefined });
    const retentionDays = retentionMinutes / 1440;
    const k = await startKamen(dir, undefined, { BENCH_EVENT_RETENTION_DAYS: String(retentionDays), BENCH_TEMP_CRED_RETENTION_HOURS: '0' });
    try {
      const w = mixed(k.port, creds, { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey }, acct);
      await w.resign();
      const sweepMs = sweepIntervalMs(retentionDays * 86_400_000);
      const warmStartBytes = dirBytes(dir);
      const warmStart = performance.now();
      if (warmup) {
        // Steady state first: at full speed until the data dir holds one retention period and the sweeper deletes as fast
        // as requests append, so the maximum below is the server's with its deletes running, not an empty store's.
        const warmSecs = Math.ceil((retentionMinutes * 60_000 + sweepMs) / 1000);
        for (let left = warmSecs; left > 0; left -= 60) {
          await w.resign();
          const r = await closedLoop(k.port, CLIENTS, Math.min(60, left), w.op);
          if (r.errors) throw new Error(`errors while warming up: ${r.firstError}`);
        }
        await w.resign();
      }
      // Two sweep intervals when warmed up (so the maximum includes the sweeps), else a few seconds.
      const max = await closedLoop(k.port, CLIENTS, warmup ? Math.max(5, Math.ceil((2 * sweepMs) / 1000)) : 5, w.op);
      if (max.errors) throw new Error(`errors while measuring the maximum: ${max.firstError}`);
      const rate = 0.8 * max.opsPerSecond;
      console.log(
        `soak: maximum ${Math.round(max.opsPerSecond)} ops/s (mixed, ${CLIENTS} clients${warmup ? `, measured after a ${((retentionMinutes * 60_000 + sweepMs) / 60_000).toFixed(1)}-minute warm-up at full speed: events already swept as fast as they are appended` : ', on a fresh store'}); ` +
          `driving ${Math.round(rate)} ops/s for ${minutes} minute(s)`,
      );
      console.log(
        `soak: retention: CloudTrail events ${retentionMinutes} minute(s) (--event-retention-days ${retentionDays.toPrecision(3)}, swept every ${(sweepIntervalMs(retentionDays * 86_400_000) / 1000).toFixed(0)} s); ` +
          'temporary credentials 0 h after expiry (--temporary-credential-retention 0; AssumeRole DurationSeconds=900, swept every 10 minutes)',
      );
      const startBytes = dirBytes(dir);
      const pace = pacer(rate);
      const per: Array<LoopResult & { rss: number; bytes: number; walBytes: number; events: number; freePages: number }> = [];
      const whole = Math.ceil(minutes);
      for (let m = 0; m < whole; m++) {
        await w.resign(); // signatures stay valid for 15 minutes
        const secs = Math.min(60, (minutes - m) * 60);
        const r = await closedLoop(k.port, CLIENTS, secs, w.op, pace);
        const row = { ...r, rss: rssMiB(k.pid), bytes: dirBytes(dir), ...storeFacts(dir) };
        per.push(row);
        console.log(
          `soak minute ${m + 1}: ${Math.round(r.opsPerSecond)} ops/s, errors ${r.errors}${r.firstError ? ` (${r.firstError})` : ''}, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, RSS ${row.rss.toFixed(0)} MiB, data dir ${(row.bytes / 2 ** 20).toFixed(1)} MiB (WAL ${(row.walBytes / 2 ** 20).toFixed(1)} MiB), events kept ${row.events} (${(row.events / Math.max(r.opsPerSecond, 1)).toFixed(0)} s of requests), free pages ${row.freePages}`,
        );
      }
      const errors = per.reduce((n, r) => n + r.errors, 0);
      const p99Flat = per[per.length - 1]!.p99 <= 1.5 * Math.max(per[0]!.p99, 5);
      const rssFlat = per[per.length - 1]!.rss <= 1.5 * per[0]!.rss;
      const growth = (per[per.length - 1]!.bytes - startBytes) / 2 ** 20 / minutes;
      // The data dir fills during the first retention period (plus a sweep interval), then stays flat: the minutes after
      // it may grow by at most 25% of that period's growth per minute (temporary credentials live 15 minutes at least,
      // about 5% of the mix's bytes).
      // Warmed up, that first period was the warm-up: the whole paced run is "after".
      const settle = warmup ? 0 : Math.ceil(retentionMinutes + sweepIntervalMs(retentionDays * 86_400_000) / 60_000);
      const mib = (b: number): number => b / 2 ** 20;
      const warmMinutes = (performance.now() - warmStart) / 60_000;
      const firstGrowth = warmup ? mib(startBytes - warmStartBytes) / Math.max(warmMinutes - minutes, 1e-9) : per.length > settle ? mib(per[settle - 1]!.bytes - startBytes) / settle : undefined;
      const lastGrowth = warmup ? mib(per[per.length - 1]!.bytes - startBytes) / minutes : per.length > settle ? mib(per[per.length - 1]!.bytes - per[settle - 1]!.bytes) / (per.length - settle) : undefined;
      const dirFlat = firstGrowth === undefined || lastGrowth === undefined ? undefined : lastGrowth <= 0.25 * Math.max(firstGrowth, 1);
      const ok = errors === 0 && p99Flat && rssFlat && dirFlat !== false;
      console.log(
        `soak verdict: ${ok ? 'PASS' : 'FAIL'} — errors ${errors} (goal 0); p99 ${per[0]!.p99.toFixed(1)} → ${per[per.length - 1]!.p99.toFixed(1)} ms (${p99Flat ? 'flat' : 'grew'}); ` +
          `RSS ${per[0]!.rss.toFixed(0)} → ${per[per.length - 1]!.rss.toFixed(0)} MiB (${rssFlat ? 'flat' : 'grew'}); data dir +${growth.toFixed(1)} MiB/minute overall; ` +
          (dirFlat === undefined
            ? `data dir flatness not judged (the run must outlast the first ${settle} minute(s) of retention)`
            : `data dir +${firstGrowth!.toFixed(1)} MiB/minute over the first ${warmup ? 'warm-up' : `${settle} minute(s)`} → +${lastGrowth!.toFixed(1)} MiB/minute after (${dirFlat ? 'flat' : 'grew'}; goal ≤ 25%)`),
      );
      return ok;
    } finally {
      await k.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Entry point of `npm run soak`. */
export async function run(argv: string[] = process.argv.slice(2)): Promise<void> {
  const minutes = minutesArg(argv);
  const ok = await soak(minutes, retentionArg(argv, minutes), !argv.includes('--no-warmup'));
  if (!ok) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === new URL(process.argv[1], 'file:').href) await run();

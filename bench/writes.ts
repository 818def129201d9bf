/**
 * Write throughput: CreateUser + DeleteUser pairs over SigV4 at 1, 8 and 32 concurrent clients (one keep-alive
 * connection each) against a kamen child on an on-disk SQLite store; prints pairs/s, p50/p99 per request, and the
 * ratios the goals name (32 clients ≥ 3× 1 client; p99 < 50 ms at 32); then GetUser p50/p99 from 4 reader clients while
 * 32 clients write (reads must not wait behind the writes' WAL syncs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_FILE } from '../src/store/open.js';
import { closedLoop, once, signedQuery, startKamen, type Creds, type LoopResult } from './scale-kit.js';

const SECONDS = Number(process.env.BENCH_WRITE_SECONDS ?? 5);
const CLIENTS = [1, 8, 32];

/** Runs CreateUser+DeleteUser pairs at each client count on one server. */
export async function measureWrites(port: number, creds: Creds, label: string): Promise<Map<number, LoopResult>> {
  const out = new Map<number, LoopResult>();
  for (const clients of CLIENTS) {
    const r = await closedLoop(port, clients, SECONDS, async (send, client, seq) => {
      const name = `w-${clients}-${client}-${seq}`;
      await send(await signedQuery(port, 'iam', `Action=CreateUser&Version=2010-05-08&UserName=${name}`, creds));
      await send(await signedQuery(port, 'iam', `Action=DeleteUser&Version=2010-05-08&UserName=${name}`, creds));
    });
    out.set(clients, r);
    console.log(
      `writes ${label}: ${clients} client(s): ${(r.opsPerSecond / 2).toFixed(0)} CreateUser+DeleteUser pairs/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors}` +
        (r.firstError ? ` (${r.firstError})` : ''),
    );
  }
  const one = out.get(1)!;
  const many = out.get(32)!;
  console.log(`writes ${label}: 32 clients / 1 client = ${(many.opsPerSecond / one.opsPerSecond).toFixed(2)}× (goal ≥ 3×); p99 at 32 clients ${many.p99.toFixed(1)} ms (goal < 50 ms)`);
  return out;
}

/** GetUser latency from `readers` clients while 32 clients run CreateUser+DeleteUser pairs (which empty the user cache). */
export async function measureReadsUnderWrites(port: number, creds: Creds, label: string, readers = 4): Promise<LoopResult> {
  const target = 'bench-read-target';
  const created = await once(port, await signedQuery(port, 'iam', `Action=CreateUser&Version=2010-05-08&UserName=${target}`, creds));
  if (created.status !== 200) throw new Error(`could not create ${target}: ${created.status} ${created.body.slice(0, 200)}`);
  const get = await signedQuery(port, 'iam', `Action=GetUser&Version=2010-05-08&UserName=${target}`, creds);
  const [reads, writes] = await Promise.all([
    closedLoop(port, readers, SECONDS, async (send) => {
      await send(get);
    }),
    closedLoop(port, 32, SECONDS, async (send, client, seq) => {
      const name = `rw-${client}-${seq}`;
      await send(await signedQuery(port, 'iam', `Action=CreateUser&Version=2010-05-08&UserName=${name}`, creds));
      await send(await signedQuery(port, 'iam', `Action=DeleteUser&Version=2010-05-08&UserName=${name}`, creds));
    }),
  ]);
  console.log(
    `writes ${label}: GetUser from ${readers} clients under 32 writing clients: ${reads.opsPerSecond.toFixed(0)}/s, p50 ${reads.p50.toFixed(2)} ms, p99 ${reads.p99.toFixed(2)} ms, errors ${reads.errors}` +
      (reads.firstError ? ` (${reads.firstError})` : '') +
      `; writes meanwhile ${(writes.opsPerSecond / 2).toFixed(0)} pairs/s, p99 ${writes.p99.toFixed(1)} ms`,
  );
  return reads;
}

/** The write benchmark on SQLite. */
export async function run(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-bench-writes-'));
  const k = await startKamen(tmp);
  try {
    const creds = { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey };
    await measureWrites(k.port, creds, 'sqlite');
    await measureReadsUnderWrites(k.port, creds, 'sqlite');
    // The WAL is rewound once it passes ~16 MiB; its file keeps its largest size, so this bounds its growth.
    const wal = fs.statSync(path.join(tmp, `${DB_FILE}-wal`), { throwIfNoEntry: false });
    console.log(`writes sqlite: WAL file after the write runs ${wal ? (wal.size / 2 ** 20).toFixed(1) : 0} MiB`);
  } finally {
    await k.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

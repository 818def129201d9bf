/**
 * Write throughput: CreateUser + DeleteUser pairs over SigV4 at 1, 8 and 32 concurrent clients (one keep-alive
 * connection each) against a kamen child on an on-disk SQLite store; prints pairs/s, p50/p99 per request, and the
 * ratios the goals name (32 clients ≥ 3× 1 client; p99 < 50 ms at 32).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closedLoop, signedQuery, startKamen, type Creds, type LoopResult } from './scale-kit.js';

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

/** The write benchmark on SQLite. */
export async function run(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-bench-writes-'));
  const k = await startKamen(tmp);
  try {
    await measureWrites(k.port, { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey }, 'sqlite');
  } finally {
    await k.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** A server process for the HTTP benchmark: `kamen <dataDir>` or `bare <responseJsonFile>`; prints {"port":N} when ready. */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openKamen } from '../src/app.js';
import { startServer } from '../src/http/server.js';

const [mode, arg] = process.argv.slice(2);
// A normal exit on SIGTERM, so `--cpu-prof` can write its profile.
process.once('SIGTERM', () => process.exit(0));
if (mode === 'kamen') {
  const kamen = await openKamen({ dataDir: arg!, withCa: false, log: () => {}, audit: process.env.BENCH_AUDIT !== 'off' });
  // BENCH_DETACHED=off: queued events are stored on the serving connection (as without the event writer thread).
  if (process.env.BENCH_DETACHED === 'off') delete (kamen.store as { appendEventsDetached?: unknown }).appendEventsDetached;
  const running = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
  // Over the IPC channel, {audit: false} detaches the auditor from the request path (once what it queued is stored)
  // and {audit: true} attaches it again, each answered {audit}: one process measured both ways (bench/http.ts).
  const auditor = kamen.pipeline.auditor;
  process.on('message', (msg: { audit?: boolean }) => {
    void (async () => {
      if (msg.audit === false && kamen.pipeline.auditor) {
        delete kamen.pipeline.auditor;
        await auditor!.sink.flush();
      } else if (msg.audit === true && auditor) kamen.pipeline.auditor = auditor;
      process.send!({ audit: kamen.pipeline.auditor !== undefined });
    })();
  });
  console.log(JSON.stringify({ port: running.port, boot: kamen.bootstrap }));
} else if (mode === 'bare') {
  const canned = JSON.parse(fs.readFileSync(arg!, 'utf8')) as { status: number; headers: Record<string, string>; body: string };
  const body = Buffer.from(canned.body);
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(canned.status, { ...canned.headers, 'content-length': body.length });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
} else {
  console.error('usage: server-child kamen <dataDir> | bare <responseFile>');
  process.exit(2);
}

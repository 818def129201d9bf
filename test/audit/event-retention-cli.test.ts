/** `kamen serve --event-retention-days`: a bad value is one sentence and exit 1 before anything is written; a good one serves. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runKamen, serveKamen } from '../e2e/cli-run.js';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-retention-cli-'));
}

test('a bad --event-retention-days is one sentence naming the flag, exit 1, and the data dir stays empty', () => {
  for (const bad of ['0', '-1', 'abc', '7d']) {
    const dir = tmpDir();
    try {
      const r = runKamen(['serve', '--port', '0', '--console-port', '0', '--data-dir', dir, '--event-retention-days', bad]);
      assert.equal(r.status, 1, bad);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /--event-retention-days must be a number of days greater than 0/);
      assert.deepEqual(fs.readdirSync(dir), [], bad);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('serve --help names the flag and its default of 90 days; a fractional retention serves', async () => {
  const help = runKamen(['serve', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout.replace(/\s+/g, ' '), /--event-retention-days <n> .*\(default: "90"\)/);
  const dir = tmpDir();
  try {
    const k = await serveKamen(['--port', '0', '--no-console', '--quiet', '--data-dir', dir, '--event-retention-days', '0.002']);
    assert.equal(await k.stop(), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

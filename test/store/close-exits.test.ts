/**
 * Closing an on-disk SQLite store after writes and detached event appends resolves by itself: the store's helper
 * threads (checkpointer, event writer) are unreferenced while idle, so a process whose only work is the close must not
 * exit with the close still pending (node exits with code 13 on an unsettled top-level await).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const openUrl = new URL('../../src/store/open.js', import.meta.url).href;

test('a script that writes, appends events off the loop and closes exits 0 after the close', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-close-'));
  try {
    const script = `
      import { openStore } from ${JSON.stringify(openUrl)};
      const s = await openStore({ dataDir: ${JSON.stringify(dir)} });
      await s.setSetting('k', 'v');
      const ev = (i) => ({ accountId: '111111111111', eventId: '00000000-0000-4000-8000-' + String(i).padStart(12, '0'),
        eventTime: new Date(), eventName: 'GetUser', eventSource: 'iam.amazonaws.com', readOnly: true, username: 'u',
        accessKeyId: 'AKIA', resources: [], record: '{}' });
      const append = s.appendEventsDetached ? (e) => s.appendEventsDetached(e) : (e) => s.transaction(() => s.appendEvents(e));
      await Promise.all([append([ev(1)]), append([ev(2)]), s.setSetting('k2', 'v2')]);
      void append([ev(3)]);
      await s.close();
      console.log('closed');
    `;
    for (let round = 0; round < 3; round++) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, cwd: path.dirname(fileURLToPath(import.meta.url)) });
      assert.equal(r.stderr, '', `round ${round}: ${r.stderr}`);
      assert.equal(r.status, 0, `round ${round}: exit ${r.status}`);
      assert.equal(r.stdout.trim(), 'closed');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

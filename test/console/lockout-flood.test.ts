/**
 * The sign-in lockout under a flood: made-up users cannot push a real user's lockout out of the table. Memory stays
 * bounded per source and per account+user, and a full table refuses sign-ins it does not know ("too many attempts").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frozenClock } from '../../src/clock.js';
import { createLockout, DEFAULT_LOCKOUT, DEFAULT_LOCKOUT_LIMITS, type Lockout } from '../../src/console/lockout.js';

const REAL = '111111111111|alice';
const FLOOD = 100_000;

/** What the sign-in flow does with a wrong password: ask the gate, and count the failure only when let through. */
function attempt(l: Lockout, key: string, source: string): boolean {
  if (!l.check(key, source).allowed) return false;
  l.fail(key, source);
  return true;
}

/** Locks the real user out with its own wrong passwords. */
function lockReal(l: Lockout, source: string): void {
  for (let i = 0; i < DEFAULT_LOCKOUT.maxFailures; i++) l.fail(REAL, source);
  const gate = l.check(REAL);
  assert.equal(gate.allowed, false);
  assert.equal(gate.allowed === false && gate.locked, true, 'the real user is locked out');
}

test(`${FLOOD} made-up users from one address: the source is locked out, the real user stays locked`, () => {
  const clock = frozenClock(Date.UTC(2026, 11, 3, 12, 0, 0));
  const l = createLockout(clock);
  lockReal(l, '198.51.100.7');
  let through = 0;
  for (let i = 0; i < FLOOD; i++) if (attempt(l, `111111111111|fake${i}`, '203.0.113.66')) through++;
  assert.equal(through, DEFAULT_LOCKOUT_LIMITS.sourceMaxFailures, 'the source is stopped after its failures in the window');
  const src = l.check('111111111111|someone-else', '203.0.113.66');
  assert.deepEqual(src, { allowed: false, locked: true, retryAfterMs: DEFAULT_LOCKOUT.lockMs });
  const real = l.check(REAL, '198.51.100.7');
  assert.equal(real.allowed, false);
  assert.equal(real.allowed === false && real.locked, true);
  assert.ok(l.size.keys <= DEFAULT_LOCKOUT_LIMITS.sourceMaxFailures + 1, `keys remembered: ${l.size.keys}`);
  // A success elsewhere does not reset the source's count.
  l.succeed('111111111111|fake0', '203.0.113.66');
  assert.equal(l.check('111111111111|fake0', '203.0.113.66').allowed, false);
});

test(`${FLOOD} made-up users from ${FLOOD} addresses: the tables stay bounded and fail closed, no lockout is evicted`, () => {
  const clock = frozenClock(Date.UTC(2026, 11, 3, 12, 0, 0));
  const l = createLockout(clock, DEFAULT_LOCKOUT, { maxKeys: 1000, maxSources: 2000 });
  lockReal(l, '198.51.100.7');
  let through = 0;
  for (let i = 0; i < FLOOD; i++) if (attempt(l, `111111111111|fake${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)) through++;
  assert.ok(l.size.keys <= 1000, `keys: ${l.size.keys}`);
  assert.ok(l.size.sources <= 2000, `sources: ${l.size.sources}`);
  assert.ok(through < 2000, `attempts let through: ${through}`);
  const real = l.check(REAL, '198.51.100.7');
  assert.equal(real.allowed === false && real.locked, true, 'the real user stays locked');
  // A user the full table does not know is refused with "wait", not let through.
  const unknown = l.check('111111111111|bob', '198.51.100.7');
  assert.equal(unknown.allowed, false);
  assert.equal(unknown.allowed === false && unknown.locked, false);
  assert.ok(unknown.allowed === false && unknown.retryAfterMs > 0);
  // Without a source (the table of users alone) it is the same.
  assert.equal(l.check('111111111111|carol').allowed, false);
  // Once the flood's failures run out of the window, the table has room again; the real lock has run out with them.
  clock.advance(DEFAULT_LOCKOUT.windowMs + 1);
  assert.deepEqual(l.check('111111111111|bob', '198.51.100.8'), { allowed: true });
});

test('a full table still counts failures of the users it knows, and their locks hold', () => {
  const clock = frozenClock(Date.UTC(2026, 11, 3, 12, 0, 0));
  const l = createLockout(clock, DEFAULT_LOCKOUT, { maxKeys: 3 });
  l.fail('a');
  l.fail('b');
  l.fail('c');
  l.fail('d'); // no room: not recorded, and nothing evicted
  assert.equal(l.size.keys, 3);
  for (let i = 0; i < 4; i++) {
    clock.advance(60_000);
    l.fail('a');
  }
  const a = l.check('a');
  assert.equal(a.allowed === false && a.locked, true);
  assert.equal(l.check('d').allowed, false);
  l.succeed('b'); // a success frees its place
  assert.deepEqual(l.check('d'), { allowed: true });
});

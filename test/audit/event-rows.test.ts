/**
 * Rows of facts (event-row.ts): what the sink queues and the writer thread stores. A batch's "as above" values must
 * render exactly the records each call renders alone; damaged batches are refused; the sink holds callers back once the
 * store falls behind; and on a SQLite file the rows are stored by the writer thread (read back as the same records),
 * which (with the checkpointer) runs at a lower CPU priority while every other thread keeps its own.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { EventRowBatch, ID_SEED_BYTES, SEGMENT_BYTES, SEGMENT_ROWS, SEGMENT_SPAN_MS, eventsFromRows, factsFromRows, storedEventOf } from '../../src/audit/event-row.js';
import { BLOCK_EVENTS, BLOCK_SPAN_MS, FORMAT_FACTS, FORMAT_FACTS_JOINED, FORMAT_ROWS, encodeRowBlocks, keysOf, readBlock, storedEvent, type EncodedBlock } from '../../src/store/sqlite/event-block.js';
import { eventIdSecond } from '../../src/store/rows/events.js';
import { buildEvents, createIdentityCache, pushEventRows } from '../../src/audit/record.js';
import { BATCH_INTERVAL_MS, createEventSink, MAX_QUEUED_EVENTS, type EventSink } from '../../src/audit/sink.js';
import type { CallFacts } from '../../src/audit/types.js';
import type { Caller } from '../../src/services/types.js';
import { openStore } from '../../src/store/open.js';
import { readVectors } from '../helpers/paths.js';
import { BACKGROUND_NICE } from '../../src/store/sqlite/background-priority.js';
import type { Store, StoredEvent } from '../../src/store/store.js';

const T = Date.UTC(2026, 11, 4, 12, 0, 0);
const alice: Caller = { kind: 'user', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:user/alice', userId: 'AIDAALICE', accessKeyId: 'AKIAALICE', userName: 'alice' };
const bob: Caller = { kind: 'user', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:user/bob', userId: 'AIDABOB', accessKeyId: 'AKIABOB', userName: 'bob' };

function facts(i: number, over: Partial<CallFacts> = {}): CallFacts {
  return { requestId: `req-${i}`, eventTimeMs: T + i * 10, service: 'iam', operation: 'GetUser', region: 'us-east-1', sourceIp: '203.0.113.9', userAgent: 'aws-cli/2.9.19', secureTransport: false, caller: alice, input: { UserName: 'alice' }, ...over };
}

/** A run of calls whose facts repeat, change, and change back, with every optional part somewhere. */
const CALLS: CallFacts[] = [
  facts(0),
  facts(1),
  facts(2, { caller: bob, input: { UserName: 'carol' } }),
  facts(3, { operation: 'CreateUser', input: { UserName: 'dave' }, error: { code: 'AccessDenied', message: 'no "way"' } }),
  facts(4, { error: { code: '', message: 'failed' } }),
  facts(5, { secureTransport: true, tlsVersion: 'TLSv1.3', tlsHost: 'iam.amazonaws.com', userAgent: 'other ü' }),
  facts(6, { service: 'signin', operation: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'Yes' }, input: undefined }),
  facts(7, { service: 'sts', operation: 'AssumeRole', input: { RoleArn: 'arn:aws:iam::222222222222:role/r', RoleSessionName: 's' }, output: { Credentials: { AccessKeyId: 'ASIAX', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(T) } } }),
  facts(8, { service: 's3', operation: 'ListObjects', requestParameters: { bucketName: 'b' }, resources: [{ accountId: '111111111111', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::b' }], fromConsole: true }),
  facts(9),
  facts(10),
  facts(11, { eventTimeMs: T + 110.5 }),
];

/** A stored event with its generated IDs replaced, for comparing two renderings. */
function comparable(e: StoredEvent): unknown {
  const record = JSON.parse(e.record) as Record<string, unknown>;
  assert.match(String(record['eventID']), /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(record['eventID'], e.eventId);
  delete record['eventID'];
  if (record['sharedEventID'] !== undefined) record['sharedEventID'] = 'shared';
  return { ...e, eventId: 'id', record };
}

describe('event rows', () => {
  it('render, batched with "as above" values, exactly the records each call renders alone', () => {
    const identities = createIdentityCache();
    const batch = new EventRowBatch();
    for (const f of CALLS) pushEventRows(batch, f, identities);
    const together = eventsFromRows(batch.bytes());
    const alone = CALLS.flatMap((f) => buildEvents(f).map((e) => e.stored));
    assert.equal(batch.rows, alone.length);
    assert.deepEqual(together.map(comparable), alone.map(comparable));
    // the cross-account pair shares one sharedEventID, and no other event has one
    const shared = together.map((e) => (JSON.parse(e.record) as { sharedEventID?: string }).sharedEventID).filter((s) => s !== undefined);
    assert.equal(shared.length, 2);
    assert.equal(shared[0], shared[1]);
    // a repeated call sends little: only what differs from the row above it
    const first = new EventRowBatch();
    pushEventRows(first, CALLS[0]!, identities);
    const before = first.bytes().length;
    pushEventRows(first, CALLS[1]!, identities);
    // its mask, flags and time (13 bytes) and its request ID ('req-1', after its length)
    const added = first.bytes().length - before;
    assert.equal(added, 13 + 4 + 'req-1'.length, `a repeat adds ${added} bytes`);
  });

  it('carry what a repeated AssumeRole answers besides its new credentials once, and render it whole', () => {
    const assume = (i: number): CallFacts =>
      facts(20 + i, {
        service: 'sts',
        operation: 'AssumeRole',
        input: { RoleArn: 'arn:aws:iam::111111111111:role/r', RoleSessionName: 's' },
        output: { Credentials: { AccessKeyId: `ASIAKEY${i}`, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(T + i * 1000) }, AssumedRoleUser: { AssumedRoleId: 'AROAROLE:s', Arn: 'arn:aws:sts::111111111111:assumed-role/r/s' } },
      });
    const identities = createIdentityCache();
    const batch = new EventRowBatch();
    pushEventRows(batch, assume(0), identities);
    const before = batch.bytes().length;
    pushEventRows(batch, assume(1), identities);
    const added = Buffer.from(batch.bytes().subarray(before)).toString('latin1');
    assert.ok(!added.includes('assumedRoleUser'), 'the session is sent once');
    assert.ok(added.includes('ASIAKEY1'));
    const together = eventsFromRows(batch.bytes());
    const alone = [assume(0), assume(1)].flatMap((f) => buildEvents(f).map((e) => e.stored));
    assert.deepEqual(together.map(comparable), alone.map(comparable));
    const second = JSON.parse(together[1]!.record) as { responseElements: unknown };
    assert.deepEqual(second.responseElements, { credentials: { accessKeyId: 'ASIAKEY1', expiration: 'Dec 4, 2026, 12:00:01 PM' }, assumedRoleUser: { assumedRoleId: 'AROAROLE:s', arn: 'arn:aws:sts::111111111111:assumed-role/r/s' } });
  });

  it('refuse a damaged batch instead of storing other events', () => {
    const batch = new EventRowBatch();
    pushEventRows(batch, CALLS[0]!);
    const firstRow = batch.bytes().length;
    pushEventRows(batch, CALLS[1]!);
    const bytes = Buffer.from(batch.bytes());
    const changed = (at: number, write: (b: Buffer) => void): Buffer => {
      const b = Buffer.from(bytes);
      write(b.subarray(at));
      return b;
    };
    // A row is its u32 mask, u8 flags and f64 time, then each string not "as above" as a u32 length and its text.
    const damaged: Buffer[] = [
      bytes.subarray(0, bytes.length - 1),
      Buffer.concat([bytes, Buffer.from([0])]),
      // the second row alone: its "as above" strings have no row above them
      bytes.subarray(firstRow),
      changed(0, (b) => b.writeUInt32LE(1, 0)),
      // shared 3 (a pair's place is 0, 1 or 2)
      changed(0, (b) => (b[4] = 3 << 2)),
      changed(0, (b) => b.writeDoubleLE(Number.NaN, 5)),
      // the first string (the account) as none, or as above, or longer than the batch
      changed(13, (b) => b.writeUInt32LE(0xffffffff, 0)),
      changed(13, (b) => b.writeUInt32LE(0xfffffffe, 0)),
      changed(13, (b) => b.writeUInt32LE(bytes.length, 0)),
      // UTF-16 text of an odd byte length
      changed(13, (b) => b.writeUInt32LE((0x80000000 | 1) >>> 0, 0)),
      // a mask bit past the resources' (EventRowBatch never sets one)
      changed(firstRow, (b) => b.writeUInt32LE((b.readUInt32LE(0) | (1 << 25)) >>> 0, 0)),
      // a row that starts a segment yet has strings "as above"; a flag no row has
      changed(firstRow, (b) => (b[4] = b[4]! | 16)),
      changed(0, (b) => (b[4] = b[4]! | 32)),
      // the first of a pair without its second
      changed(0, (b) => (b[4] = (b[4]! & ~12) | (1 << 2))),
    ];
    for (const d of damaged) {
      assert.throws(() => eventsFromRows(d), /not a batch of event rows/, d.toString('hex'));
      assert.throws(() => encodeRowBlocks(d), /not a batch of event rows/);
    }
    assert.equal(eventsFromRows(bytes).length, 2);
    assert.deepEqual(eventsFromRows(new Uint8Array(0)), []);
  });

  it('read back every string as it was pushed: non-ASCII, long, and with lone surrogates (which UTF-8 cannot hold)', () => {
    const texts = ['ü', 'x'.repeat(65) + 'é', '\ud800', 'a\udc00b', 'z'.repeat(70) + '\ud83d', '😀', '\u0000', 'é'.repeat(200)];
    for (const t of texts) {
      const batch = new EventRowBatch();
      pushEventRows(batch, facts(0, { userAgent: t, error: { code: 'NoSuchEntity', message: `The user with name ${t} cannot be found.` } }));
      const alone = buildEvents(facts(0, { userAgent: t, error: { code: 'NoSuchEntity', message: `The user with name ${t} cannot be found.` } })).map((e) => e.stored);
      const together = eventsFromRows(batch.bytes());
      assert.deepEqual(together.map(comparable), alone.map(comparable), JSON.stringify(t));
      assert.equal((JSON.parse(together[0]!.record) as { userAgent: string }).userAgent, t);
    }
  });
});

/** A stored event with its event ID (in the event and its record) and its sharedEventID replaced by placeholders. */
function withoutId(e: StoredEvent): StoredEvent {
  return { ...e, eventId: 'ID', record: e.record.replace(`"eventID":"${e.eventId}"`, '"eventID":"ID"').replace(/"sharedEventID":"[0-9a-f-]{36}"/, '"sharedEventID":"S"') };
}

const byRecord = (a: StoredEvent, b: StoredEvent): number => (a.record < b.record ? -1 : a.record > b.record ? 1 : 0);

describe('facts blocks (what the writer thread stores)', () => {
  it('read back the facts they encode: the same records and lookup keys, each event with a new ID led by its millisecond', () => {
    const batch = new EventRowBatch();
    for (const f of CALLS) pushEventRows(batch, f);
    const blocks = encodeRowBlocks(batch.bytes());
    assert.ok(blocks.length >= 2, 'one block per account and region');
    // the rows name two accounts (a call into another one records a pair): their facts are written per account
    assert.ok(blocks.every((b) => b.format === FORMAT_FACTS));
    const back = blocks.flatMap((b, n) => {
      // the keys gathered while encoding are those of the events read back, each once
      assert.deepEqual([...b.keys].sort(), keysOf(readBlock(FORMAT_FACTS, b.data), false).sort());
      assert.equal(new Set(b.keys.map(([k, v]) => `${k} ${v}`)).size, b.keys.length);
      return readBlock(FORMAT_FACTS, b.data).map((e) => {
        const { seq: _, ...stored } = storedEvent(n + 1, b.accountId, b.awsRegion, b.data, e);
        return stored;
      });
    });
    const ids = back.map((e) => e.eventId);
    assert.equal(new Set(ids).size, ids.length);
    for (const e of back) {
      assert.equal(eventIdSecond(e.eventId), e.eventTime.getTime(), e.eventId);
      assert.equal((JSON.parse(e.record) as { eventID: string }).eventID, e.eventId);
    }
    // the two records of a call into another account share one sharedEventID
    const shared = back.map((e) => (JSON.parse(e.record) as { sharedEventID?: string }).sharedEventID).filter((id) => id !== undefined);
    assert.equal(shared.length, 2);
    assert.equal(shared[0], shared[1]);
    // the same events as the rows' facts rendered alone, but for the IDs each reading draws
    const expected = factsFromRows(batch.bytes()).map(storedEventOf);
    assert.deepEqual(back.map(withoutId).sort(byRecord), expected.map(withoutId).sort(byRecord));
    for (const e of back) assert.doesNotThrow(() => JSON.parse(e.record));
  });

  it('cost a repeated call its differences, not its record', () => {
    const batch = new EventRowBatch();
    for (let i = 0; i < 200; i++) pushEventRows(batch, facts(i));
    const [block] = encodeRowBlocks(batch.bytes());
    const record = eventsFromRows(batch.bytes())[0]!.record.length;
    assert.equal(block!.count, 200);
    assert.equal(block!.format, FORMAT_ROWS);
    assert.ok(block!.data.length / 200 < 40, `${block!.data.length / 200} bytes an event (a record is ${record})`);
  });

  it('cost a repeated AssumeRole its new credentials and IDs, not its session and resources again', () => {
    const batch = new EventRowBatch();
    const assume = (i: number): CallFacts =>
      facts(i, {
        service: 'sts',
        operation: 'AssumeRole',
        requestId: `0d6c3a37-7a44-4d3c-9c1a-${String(i).padStart(12, '0')}`,
        input: { RoleArn: 'arn:aws:iam::111111111111:role/deploy-from-ci', RoleSessionName: 'pipeline-session' },
        output: {
          Credentials: { AccessKeyId: `ASIAQZ7KX4BQNWM3${String(1000 + i)}`, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(T + 3_600_000 + i * 10) },
          AssumedRoleUser: { AssumedRoleId: 'AROAQZ7KX4BQNWM3ROLE1:pipeline-session', Arn: 'arn:aws:sts::111111111111:assumed-role/deploy-from-ci/pipeline-session' },
        },
      });
    for (let i = 0; i < 200; i++) pushEventRows(batch, assume(i));
    const facts200 = factsFromRows(batch.bytes());
    const [block] = encodeRowBlocks(batch.bytes());
    const record = storedEventOf(facts200[1]!).record;
    assert.ok(record.includes('"assumedRoleUser"') && record.includes('ASIAQZ7KX4BQNWM31001'));
    // a request ID (36 characters), the credentials (about 90), the new key as a resource: not the session (120) nor
    // the role's resources (150) again, and no event ID (made from the block's seed when read)
    assert.equal(block!.format, FORMAT_ROWS);
    assert.ok(block!.data.length / 200 < 220, `${block!.data.length / 200} bytes an event (a record is ${record.length})`);
    const back = readBlock(FORMAT_ROWS, block!.data).map((e) => withoutId(storedEvent(1, block!.accountId, block!.awsRegion, block!.data, e)).record);
    assert.deepEqual(back, facts200.map((f) => withoutId(storedEventOf(f)).record));
  });

  it('read blocks written in the earlier facts format (responseElements in one string) as they were written', () => {
    const v = readVectors<{ format: number; data: string; records: string[] }>('cloudtrail', 'event-block-facts-v3.json');
    assert.equal(v.format, FORMAT_FACTS_JOINED);
    const data = Buffer.from(v.data, 'base64');
    const events = readBlock(FORMAT_FACTS_JOINED, data);
    assert.deepEqual(
      events.map((e) => storedEvent(1, '111111111111', 'us-east-1', data, e).record),
      v.records,
    );
    assert.ok(events.some((e) => e.resources.some((r) => r.ResourceName === 'ASIAKEY3')));
    assert.throws(() => readBlock(FORMAT_FACTS, data), /corrupt event block/, 'one string fewer a row than the current format');
  });

  it('refuse bytes that are not a facts block', () => {
    const batch = new EventRowBatch();
    pushEventRows(batch, CALLS[0]!);
    pushEventRows(batch, CALLS[3]!);
    // a call into another account in the same segment: its rows are written as facts, per account
    pushEventRows(batch, CALLS[7]!);
    const [block] = encodeRowBlocks(batch.bytes());
    assert.equal(block!.format, FORMAT_FACTS);
    assert.equal(block!.accountId, '111111111111');
    const data = Buffer.from(block!.data);
    const first = 4 + data.readUInt32LE(0);
    const broken = [data.subarray(0, data.length - 1), Buffer.concat([data, Buffer.from([1])]), data.subarray(first)];
    const mask = Buffer.from(data);
    mask.writeUInt32LE(1, 4 + 8 + 1);
    broken.push(mask);
    const flags = Buffer.from(data);
    flags[4 + 8] = 3 << 2;
    broken.push(flags);
    for (const b of broken) assert.throws(() => readBlock(FORMAT_FACTS, b), /corrupt event block/);
    assert.equal(readBlock(FORMAT_FACTS, data).length, 3);
  });
});

/** CALLS but within one account and region: the AssumeRole of a role of the caller's own account. */
const ONE_ACCOUNT: CallFacts[] = CALLS.map((f) => (f.operation === 'AssumeRole' ? { ...f, input: { RoleArn: 'arn:aws:iam::111111111111:role/r', RoleSessionName: 's' } } : f));

/** Every event of `blocks` (as stored at positions 1, 2, …), in order. */
function eventsOf(blocks: readonly EncodedBlock[]): StoredEvent[] {
  return blocks.flatMap((b, n) =>
    readBlock(b.format, b.data).map((e) => {
      const { seq: _, ...stored } = storedEvent(n + 1, b.accountId, b.awsRegion, b.data, e);
      return stored;
    }),
  );
}

describe('rows blocks (a segment of one account and region, stored as the event loop wrote it)', () => {
  it('hold the rows as they are, and read back the same records and lookup keys, each event with an ID made from the block\'s seed', () => {
    const batch = new EventRowBatch();
    for (const f of ONE_ACCOUNT) pushEventRows(batch, f);
    const blocks = encodeRowBlocks(batch.bytes());
    assert.equal(blocks.length, 1);
    const [b] = blocks;
    assert.equal(b!.format, FORMAT_ROWS);
    assert.equal(b!.count, ONE_ACCOUNT.length);
    assert.equal(b!.accountId, '111111111111');
    assert.equal(b!.awsRegion, 'us-east-1');
    assert.equal(Buffer.compare(b!.data.subarray(ID_SEED_BYTES), batch.bytes()), 0, 'the rows, copied');
    // the keys, read off only the texts they come from, are those of the events read back, each once
    assert.deepEqual([...b!.keys].sort(), keysOf(readBlock(FORMAT_ROWS, b!.data), false).sort());
    assert.equal(new Set(b!.keys.map(([k, v]) => `${k} ${v}`)).size, b!.keys.length);
    const back = eventsOf(blocks);
    assert.deepEqual(back.map(withoutId), factsFromRows(batch.bytes()).map(storedEventOf).map(withoutId));
    // IDs: distinct, led by their millisecond, in their records, and the same whenever the block is read
    const ids = back.map((e) => e.eventId);
    assert.equal(new Set(ids).size, ids.length);
    for (const e of back) {
      assert.match(e.eventId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(eventIdSecond(e.eventId), e.eventTime.getTime(), e.eventId);
      assert.equal((JSON.parse(e.record) as { eventID: string }).eventID, e.eventId);
    }
    assert.deepEqual(eventsOf(blocks).map((e) => e.eventId), ids);
    // another block of the same rows has other IDs (its own seed)
    const again = eventsOf(encodeRowBlocks(batch.bytes())).map((e) => e.eventId);
    assert.equal(new Set([...ids, ...again]).size, 2 * ids.length);
  });

  it('are cut every SEGMENT_ROWS rows and within SEGMENT_SPAN_MS, each within a block\'s bounds; a segment naming two accounts is stored as facts', () => {
    const batch = new EventRowBatch();
    const calls: CallFacts[] = [];
    // hundreds of calls a millisecond (their IDs differ in their random bits only)
    for (let i = 0; i < 2 * SEGMENT_ROWS + 100; i++) calls.push(facts(i, { eventTimeMs: T + (i >> 9) }));
    // a minute later, and a minute after that: each starts a segment
    for (let i = 0; i < 3; i++) calls.push(facts(3000 + i, { eventTimeMs: T + 100_000 + i }));
    for (let i = 0; i < 3; i++) calls.push(facts(4000 + i, { eventTimeMs: T + 100_000 + SEGMENT_SPAN_MS + 1 + i }));
    // then a call into another account among calls of the caller's own
    calls.push(facts(5000, { eventTimeMs: T + 300_000 }), { ...CALLS[7]!, eventTimeMs: T + 300_001 }, facts(5001, { eventTimeMs: T + 300_002 }));
    for (const f of calls) pushEventRows(batch, f);
    const blocks = encodeRowBlocks(batch.bytes());
    assert.deepEqual(
      blocks.map((b) => [b.format, b.count]),
      [
        [FORMAT_ROWS, SEGMENT_ROWS],
        [FORMAT_ROWS, SEGMENT_ROWS],
        [FORMAT_ROWS, 100],
        [FORMAT_ROWS, 3],
        [FORMAT_ROWS, 3],
        [FORMAT_FACTS, 3],
        [FORMAT_FACTS, 1],
      ],
    );
    for (const b of blocks) {
      assert.ok(b.count <= BLOCK_EVENTS && b.maxTime - b.minTime <= BLOCK_SPAN_MS);
      assert.deepEqual([...b.keys].sort(), keysOf(readBlock(b.format, b.data), false).sort());
    }
    const back = eventsOf(blocks);
    assert.deepEqual(back.map(withoutId).sort(byRecord), factsFromRows(batch.bytes()).map(storedEventOf).map(withoutId).sort(byRecord));
    assert.equal(new Set(back.map((e) => e.eventId)).size, back.length);
  });

  it('are cut once a segment holds SEGMENT_BYTES: calls with large parameters make blocks of a bounded size', () => {
    const batch = new EventRowBatch();
    // 100 calls whose parameters differ, 50 KB each: about five segments
    const big = (i: number): CallFacts => facts(i, { operation: 'SimulatePrincipalPolicy', input: { PolicySourceArn: 'arn:aws:iam::111111111111:user/alice', PolicyInputList: [`${i}`.padEnd(50_000, 'x')] } });
    for (let i = 0; i < 100; i++) pushEventRows(batch, big(i));
    const blocks = encodeRowBlocks(batch.bytes());
    assert.ok(blocks.length >= 4 && blocks.length <= 6, `${blocks.length} blocks`);
    for (const b of blocks) {
      assert.equal(b.format, FORMAT_ROWS);
      assert.ok(b.data.length <= ID_SEED_BYTES + SEGMENT_BYTES + 60_000, `${b.data.length} bytes`);
    }
    assert.equal(eventsOf(blocks).length, 100);
  });

  it('read back, over any calls of a few accounts and regions, the records their rows render and the keys of their events', () => {
    const call = fc.record({
      caller: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(alice, bob) }, { weight: 1, arbitrary: fc.constant({ ...alice, accountId: '222222222222', arn: 'arn:aws:iam::222222222222:user/alice' }) }),
      region: fc.oneof({ weight: 8, arbitrary: fc.constant('us-east-1') }, { weight: 1, arbitrary: fc.constant('eu-west-1') }),
      operation: fc.constantFrom('GetUser', 'CreateUser', 'ListRoles'),
      user: fc.constantFrom('alice', 'carol', 'ü'),
      error: fc.option(fc.constantFrom({ code: 'AccessDenied', message: 'no' }, { code: 'NoSuchEntity', message: 'gone' }), { nil: undefined }),
      assume: fc.option(fc.constantFrom('111111111111', '222222222222'), { nil: undefined, freq: 2 }),
      gapMs: fc.constantFrom(0, 1, 900, 20_000),
      readOnly: fc.boolean(),
    });
    const formats = new Map<number, number>();
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 40 }), (calls) => {
        const batch = new EventRowBatch();
        let t = T;
        calls.forEach((c, i) => {
          t += c.gapMs;
          const base = facts(i, { caller: c.caller, region: c.region, eventTimeMs: t, operation: c.readOnly ? 'GetUser' : c.operation, input: { UserName: c.user }, error: c.error });
          const f: CallFacts = c.assume
            ? { ...base, service: 'sts', operation: 'AssumeRole', input: { RoleArn: `arn:aws:iam::${c.assume}:role/r`, RoleSessionName: 's' }, output: c.error ? undefined : { Credentials: { AccessKeyId: `ASIAQZ7KX4BQNWM3${String(1000 + i)}`, SecretAccessKey: 'x', SessionToken: 'y', Expiration: new Date(t) } } }
            : base;
          pushEventRows(batch, f);
        });
        const blocks = encodeRowBlocks(batch.bytes());
        for (const b of blocks) {
          formats.set(b.format, (formats.get(b.format) ?? 0) + 1);
          assert.ok(b.count <= BLOCK_EVENTS && b.maxTime - b.minTime <= BLOCK_SPAN_MS);
          assert.deepEqual([...b.keys].sort(), keysOf(readBlock(b.format, b.data), false).sort());
          for (const e of readBlock(b.format, b.data)) assert.equal(e.facts!.strings[0], b.accountId);
        }
        const back = eventsOf(blocks);
        assert.deepEqual(back.map(withoutId).sort(byRecord), factsFromRows(batch.bytes()).map(storedEventOf).map(withoutId).sort(byRecord));
        assert.equal(new Set(back.map((e) => e.eventId)).size, back.length);
      }),
      { numRuns: 150 },
    );
    // both kinds of block were made: segments of one account and region, and others
    assert.ok((formats.get(FORMAT_ROWS) ?? 0) > 20 && (formats.get(FORMAT_FACTS) ?? 0) > 20, JSON.stringify([...formats]));
  });

  it('refuse bytes that are not a rows block', () => {
    const batch = new EventRowBatch();
    pushEventRows(batch, ONE_ACCOUNT[0]!);
    const firstRow = batch.bytes().length;
    pushEventRows(batch, ONE_ACCOUNT[3]!);
    const [b] = encodeRowBlocks(batch.bytes());
    assert.equal(b!.format, FORMAT_ROWS);
    const data = Buffer.from(b!.data);
    const rows = data.subarray(ID_SEED_BYTES);
    const flags = (at: number, v: number): Buffer => {
      const d = Buffer.from(data);
      d[ID_SEED_BYTES + at + 4] = v;
      return d;
    };
    const broken = [
      data.subarray(0, ID_SEED_BYTES),
      data.subarray(0, data.length - 1),
      // two segments in one block
      Buffer.concat([data, rows]),
      // the second row alone
      Buffer.concat([data.subarray(0, ID_SEED_BYTES), rows.subarray(firstRow)]),
      // the second row marked as a segment's first, or as the second of a pair
      flags(firstRow, rows[firstRow + 4]! | 16),
      flags(0, (rows[4]! & ~12) | (1 << 2)),
    ];
    for (const d of broken) assert.throws(() => readBlock(FORMAT_ROWS, d), /corrupt event block/, d.toString('hex'));
    assert.equal(readBlock(FORMAT_ROWS, data).length, 2);
  });
});

/**
 * Queues one call per turn of the event loop, at most `perInterval` calls per batch interval (so no batch nears
 * MAX_QUEUED_EVENTS, even one gathering while a slow store holds the last), for `intervals` batch intervals (none
 * waits: the store keeps up), then flushes; returns how many calls were queued (request IDs req-0 onwards).
 */
async function streamCalls(sink: EventSink, intervals: number, perInterval = 1000): Promise<number> {
  const start = performance.now();
  const end = start + intervals * BATCH_INTERVAL_MS;
  let n = 0;
  while (performance.now() < end) {
    assert.equal(sink.enqueue(facts(n++)), undefined);
    const ahead = start + (n / perInterval) * BATCH_INTERVAL_MS - performance.now();
    await new Promise((r) => (ahead > 1 ? setTimeout(r, ahead) : setImmediate(r)));
  }
  await sink.flush();
  return n;
}

describe('the event sink', () => {
  it('hands a steady stream of calls to the store one batch per BATCH_INTERVAL_MS at most, in order, losing none', async () => {
    const store = await openStore({ dataDir: ':memory:' });
    try {
      const batches: Array<{ at: number; requestIds: string[] }> = [];
      const timed: Store = Object.assign(Object.create(store) as Store, {
        appendEventRows: async (rows: Uint8Array) => {
          batches.push({ at: performance.now(), requestIds: eventsFromRows(rows).map((e) => (JSON.parse(e.record) as { requestID: string }).requestID) });
        },
      });
      const sink = createEventSink(timed, (err) => assert.fail(String(err)));
      const n = await streamCalls(sink, 8);
      assert.deepEqual(
        batches.flatMap((b) => b.requestIds),
        Array.from({ length: n }, (_, i) => `req-${i}`),
      );
      assert.ok(batches.length >= 2 && batches.length <= 10, `${batches.length} batches for ${n} calls`);
      // The sink stamps a batch just before it calls the store: a collection, or the thread losing the CPU on a loaded
      // machine, can fall between the two and make a gap read a few milliseconds short. A sink that sent a batch every
      // turn of the event loop would show gaps of well under one.
      for (let i = 1; i < batches.length; i++) assert.ok(batches[i]!.at - batches[i - 1]!.at >= BATCH_INTERVAL_MS - 5, `gap ${batches[i]!.at - batches[i - 1]!.at} ms`);
    } finally {
      await store.close();
    }
  });

  it('waits the whole BATCH_INTERVAL_MS between batches even when a timer fires early (an event-loop clock that lags)', async () => {
    const store = await openStore({ dataDir: ':memory:' });
    const realSetTimeout = globalThis.setTimeout;
    try {
      const at: number[] = [];
      const timed: Store = Object.assign(Object.create(store) as Store, {
        appendEventRows: async () => {
          at.push(performance.now());
        },
      });
      const sink = createEventSink(timed, (err) => assert.fail(String(err)));
      // every timer fires after half the time it was asked for
      globalThis.setTimeout = ((fn: () => void, ms?: number) => realSetTimeout(fn, (ms ?? 0) / 2)) as typeof setTimeout;
      await streamCalls(sink, 6);
      assert.ok(at.length >= 2, `${at.length} batches`);
      // The sink reads its clock just before it calls the store; a collection can fall between the two (seen: 80 µs),
      // so a gap may look that much shorter here. A sink that trusted the early timers would show gaps of half.
      for (let i = 1; i < at.length; i++) assert.ok(at[i]! - at[i - 1]! >= BATCH_INTERVAL_MS - 0.5, `gap ${at[i]! - at[i - 1]!} ms`);
    } finally {
      globalThis.setTimeout = realSetTimeout;
      await store.close();
    }
  });

  it('writes over a batch only once the store is done with it: the batches take turns with two buffers of shared memory', async () => {
    const store = await openStore({ dataDir: ':memory:' });
    try {
      const buffers: ArrayBufferLike[] = [];
      const requestIds: string[] = [];
      const lagging: Store = Object.assign(Object.create(store) as Store, {
        appendEventRows: async (rows: Uint8Array) => {
          buffers.push(rows.buffer);
          // the rows are read only after the next batch has gathered for a while
          await new Promise((r) => setTimeout(r, 2 * BATCH_INTERVAL_MS));
          requestIds.push(...eventsFromRows(rows).map((e) => (JSON.parse(e.record) as { requestID: string }).requestID));
        },
      });
      const sink = createEventSink(lagging, (err) => assert.fail(String(err)));
      const n = await streamCalls(sink, 12);
      assert.deepEqual(
        requestIds,
        Array.from({ length: n }, (_, i) => `req-${i}`),
      );
      assert.ok(buffers.length >= 3, `${buffers.length} batches`);
      assert.ok(
        buffers.every((b) => b instanceof SharedArrayBuffer),
        'handed over in shared memory',
      );
      assert.ok(new Set(buffers).size < buffers.length, `${new Set(buffers).size} buffers for ${buffers.length} batches: reused`);
    } finally {
      await store.close();
    }
  });

  it('holds callers back once MAX_QUEUED_EVENTS wait for a store that fell behind, and loses none', async () => {
    const store = await openStore({ dataDir: ':memory:' });
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const stored: number[] = [];
      const slow: Store = Object.assign(Object.create(store) as Store, {
        appendEventRows: async (rows: Uint8Array) => {
          await gate;
          stored.push(eventsFromRows(rows).length);
        },
      });
      const sink = createEventSink(slow, (err) => assert.fail(String(err)));
      let held: Promise<void> | undefined;
      let n = 0;
      while (!held && n < MAX_QUEUED_EVENTS + 10) held = sink.enqueue(facts(n++));
      assert.ok(held, 'a promise once the bound is reached');
      assert.equal(n, MAX_QUEUED_EVENTS, 'not before it');
      let done = false;
      void held.then(() => (done = true));
      await new Promise((r) => setImmediate(r));
      assert.equal(done, false, 'the caller waits while the store is behind');
      release();
      await held;
      await sink.flush();
      assert.equal(stored.reduce((a, b) => a + b, 0), n, 'every queued event stored');
      assert.equal(sink.enqueue(facts(n)), undefined, 'no waiting once the store caught up');
      await sink.flush();
    } finally {
      await store.close();
    }
  });
});

/** The nice value of each thread of this process (Linux). */
function threadNice(): number[] {
  return fs.readdirSync('/proc/self/task').map((t) => {
    const stat = fs.readFileSync(`/proc/self/task/${t}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('rows on a SQLite file', { skip: process.platform !== 'linux' ? 'thread priorities are read from /proc' : false }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-event-rows-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are stored by the writer thread and read back as the same records; it runs at a lower priority with the checkpointer', async () => {
    assert.ok(BACKGROUND_NICE > 0);
    const lowBefore = threadNice().filter((n) => n === BACKGROUND_NICE).length;
    const store = await openStore({ dataDir: dir });
    try {
      const sink = createEventSink(store, (err) => assert.fail(String(err)));
      for (const f of CALLS) assert.equal(sink.enqueue(f), undefined);
      await sink.flush();
      const page = await store.lookupEvents({ accountId: '111111111111', region: 'us-east-1', startMs: T - 1000, endMs: T + 60_000, limit: 50 });
      const alone = CALLS.flatMap((f) => buildEvents(f).map((e) => e.stored)).filter((e) => e.accountId === '111111111111' && e.awsRegion === 'us-east-1');
      assert.deepEqual(
        page.map(({ seq: _, ...e }) => comparable(e)),
        alone.map(comparable).reverse(),
      );
      // give the threads a moment to lower themselves (after their first file system call)
      for (let i = 0; i < 50 && threadNice().filter((n) => n === BACKGROUND_NICE).length < lowBefore + 2; i++) await new Promise((r) => setTimeout(r, 20));
      const nice = threadNice();
      assert.equal(nice.filter((n) => n === BACKGROUND_NICE).length, lowBefore + 2, 'the writer and the checkpointer');
      assert.equal(nice.filter((n) => n !== BACKGROUND_NICE && n !== 0).length, 0, 'every other thread keeps its priority');
    } finally {
      await store.close();
    }
  });
});

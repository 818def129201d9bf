/**
 * Property: requestParameters / responseElements are written as JSON text directly (elements.ts); for any model-shaped
 * value (nested members, lists, dates, bytes, secrets at any depth, maps with any keys) the text is exactly the JSON of
 * the plainly built element object: lowerCamelCase names, CloudTrail's dates, no secret member, no bytes; and the
 * responseElements text in the two parts event rows carry (its first member, the rest) joins into the same text; and
 * the texts a sink reuses from an operation's last call (ElementsMemo) are always those the value renders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ElementsMemo, eventDate, headText, headTemplate, isSecretMember, requestParametersJson, responseElementsJson, responseElementsParts } from '../../src/audit/elements.js';

/** The element object built the plain way: the specification the direct writer is held to. */
function plain(value: unknown, depth = 0): unknown {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return eventDate(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return undefined;
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1)).filter((v) => v !== undefined);
  if (typeof value === 'object') {
    if (depth > 16) return undefined;
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const name = k.length === 0 ? k : k[0]!.toLowerCase() + k.slice(1);
      if (isSecretMember(name)) continue;
      const e = plain(v, depth + 1);
      if (e !== undefined) out[name] = e;
    }
    return out;
  }
  return value;
}

function plainJson(value: unknown): string {
  const e = plain(value);
  return e && typeof e === 'object' && !Array.isArray(e) && Object.keys(e).length > 0 ? JSON.stringify(e) : 'null';
}

const key = fc.oneof(fc.constantFrom('UserName', 'Password', 'SecretAccessKey', 'SessionToken', 'Tags', 'Key', 'Value', 'PrivateKey', 'A', '', '0', '__proto__x', 'ünï "q"'), fc.string({ maxLength: 8 }));
const leaf = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }),
  fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b)),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('list'), tie('object')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
}));

test('property: the JSON text written directly is the JSON of the plain element object', () => {
  fc.assert(
    fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (input) => {
      assert.equal(requestParametersJson(input), plainJson(input));
      assert.equal(responseElementsJson(input, false), plainJson(input));
      // the two parts a row carries join into the same text; the head ends after a whole first member
      const [head, rest] = responseElementsParts(input, false);
      assert.equal(head + rest, plainJson(input));
      if (rest !== '') assert.ok(rest.startsWith(',"') && rest.endsWith('}') && head.startsWith('{"'), `${head} | ${rest}`);
    }),
    { numRuns: 2000 },
  );
});

test('members whose names differ only in case record once; such an object is not split into parts', () => {
  const clashing = { Tags: ['t'], Key: 1, key: 2 };
  assert.equal(responseElementsJson(clashing, false), '{"tags":["t"],"key":2}');
  assert.deepEqual(responseElementsParts(clashing, false), ['{"tags":["t"],"key":2}', '']);
  assert.deepEqual(responseElementsParts({ Credentials: { AccessKeyId: 'ASIAX' }, AssumedRoleUser: { Arn: 'a' } }, true), ['{"credentials":{"accessKeyId":"ASIAX"}', ',"assumedRoleUser":{"arn":"a"}}']);
  assert.deepEqual(responseElementsParts(['a'], false), ['null', '']);
});

test('deeply nested values stop at the depth a record keeps, as the plain object does', () => {
  let deep: Record<string, unknown> = { Leaf: 'x' };
  for (let i = 0; i < 30; i++) deep = { Next: deep, List: [deep] };
  assert.equal(requestParametersJson(deep), plainJson(deep));
  assert.equal(requestParametersJson(undefined), 'null');
  assert.equal(requestParametersJson({ Password: 'p' }), 'null');
  assert.equal(responseElementsJson({ User: { UserName: 'u' } }, true), 'null', 'reads have no responseElements');
  for (const notAnObject of ['text', 5, true, ['a'], new Date(0), new Uint8Array([1]), null, undefined, {}, { Password: 'p' }]) {
    assert.equal(responseElementsJson(notAnObject, false), 'null', `responseElements of ${JSON.stringify(notAnObject)}`);
  }
});

/** `base` with its first member's value replaced by `value` (the members keep their order). */
function withFirst(base: Record<string, unknown>, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let first = true;
  for (const [k, v] of Object.entries(base)) {
    out[k] = first ? value : v;
    first = false;
  }
  return out;
}

test('property: the texts ElementsMemo reuses are those the values render, for any sequence of calls', () => {
  const issued = fc.record({ Credentials: value, AssumedRoleUser: fc.oneof(value, fc.constant({ Arn: 'a', AssumedRoleId: 'AROA:s' })), SourceIdentity: value }, { requiredKeys: ['Credentials'] });
  const pool = fc.array(fc.oneof(fc.dictionary(key, value, { maxKeys: 4 }), issued), { minLength: 1, maxLength: 3 });
  // each call repeats a value of the pool, alone or with another first member (an issuing call's new credentials)
  // new first members: any value, or credentials (plain texts, texts to escape, dates, secrets, members left out,
  // added or reordered, names that clash in case), which a repeated response's head is made of by template
  const credentials = fc.dictionary(
    fc.constantFrom('AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration', 'accessKeyId', 'Note'),
    fc.oneof(fc.stringMatching(/^[A-Z0-9]{0,20}$/), fc.string({ maxLength: 6 }), fc.date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)) }), fc.constant(undefined), fc.integer(), fc.constant({ A: 'b' })),
    { maxKeys: 4 },
  );
  const calls = fc.array(fc.tuple(fc.nat(), fc.constantFrom('GetUser', 'AssumeRole'), fc.boolean(), fc.oneof(value, credentials)), { maxLength: 12 });
  fc.assert(
    fc.property(pool, calls, (values, steps) => {
      const memo = new ElementsMemo();
      for (const [n, operation, replace, first] of steps) {
        const base = values[n % values.length]!;
        const v = replace ? withFirst(base, first) : base;
        const readOnly = operation === 'AssumeRole';
        assert.equal(memo.requestParameters(operation, v), requestParametersJson(v));
        assert.deepEqual(memo.responseParts(operation, v, readOnly), responseElementsParts(v, readOnly));
        // a copy (new objects, same values) is told equal by its values, not by being the same object
        const copy = structuredClone(v);
        assert.equal(memo.requestParameters(operation, copy), requestParametersJson(copy));
        assert.deepEqual(memo.responseParts(operation, copy, readOnly), responseElementsParts(copy, readOnly));
      }
    }),
    { numRuns: 1500 },
  );
});

test('ElementsMemo: a repeated call\'s parameters are compared, not written again; a changed or secret member is told', () => {
  let reads = 0;
  const input = (session: string, token: string): Record<string, unknown> => {
    const o: Record<string, unknown> = { RoleArn: 'arn:aws:iam::111111111111:role/r', TokenCode: token };
    Object.defineProperty(o, 'RoleSessionName', { enumerable: true, get: () => (reads++, session) });
    return o;
  };
  const memo = new ElementsMemo();
  const text = '{"roleArn":"arn:aws:iam::111111111111:role/r","roleSessionName":"s"}';
  assert.equal(memo.requestParameters('AssumeRole', input('s', '123456')), text);
  const firstReads = reads;
  reads = 0;
  // only the MFA code (a secret, never recorded) differs: the last text, the member read once to compare it
  assert.equal(memo.requestParameters('AssumeRole', input('s', '654321')), text);
  assert.equal(reads, 1);
  assert.ok(firstReads > reads, `rendering reads the member again (${firstReads} reads)`);
  assert.equal(memo.requestParameters('AssumeRole', input('t', '654321')), text.replace('"s"', '"t"'));
  // an issuing call's response: the rest is reused while the session is the same, the first member always written
  const out = (key: string, arn: string) => ({ Credentials: { AccessKeyId: key, SecretAccessKey: 'x', SessionToken: 'y', Expiration: new Date(0) }, AssumedRoleUser: { AssumedRoleId: 'AROA:s', Arn: arn } });
  assert.deepEqual(memo.responseParts('AssumeRole', out('ASIA1', 'a'), true), responseElementsParts(out('ASIA1', 'a'), true));
  assert.deepEqual(memo.responseParts('AssumeRole', out('ASIA2', 'a'), true), responseElementsParts(out('ASIA2', 'a'), true));
  assert.deepEqual(memo.responseParts('AssumeRole', out('ASIA4', 'a'), true), responseElementsParts(out('ASIA4', 'a'), true));
  assert.deepEqual(memo.responseParts('AssumeRole', out('ASIA3', 'b'), true), responseElementsParts(out('ASIA3', 'b'), true));
  // a repeated head is made by its template, which asks nothing of the value but its members (the JSON writer asks
  // whether a member differing only in case is there too)
  const asked: string[] = [];
  const watched = (key: string) => ({ ...out(key, 'b'), Credentials: new Proxy(out(key, 'b').Credentials, { getOwnPropertyDescriptor: (o, k) => (asked.push(String(k)), Reflect.getOwnPropertyDescriptor(o, k)) }) });
  assert.deepEqual(memo.responseParts('AssumeRole', watched('ASIA6'), true), responseElementsParts(out('ASIA6', 'b'), true));
  assert.ok(asked.length > 0 && !asked.includes('accessKeyId'), `made by template: ${asked}`);
  assert.deepEqual(memo.responseParts('GetUser', { User: { UserName: 'u' } }, true), ['null', '']);
});

test('property: a head template makes the head of every value with its members as the value renders it, and no other', () => {
  const plainText = fc.stringMatching(/^[A-Za-z0-9/+=:-]{0,24}$/);
  // a key that needs escaping (or is past ASCII) is written by the JSON writer instead
  const keyText = fc.oneof(plainText, plainText, fc.string({ maxLength: 6 }), fc.constantFrom('a"b', 'c\\d', 'é', '\u2028', '\n'));
  const date = fc.date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)) });
  const creds = fc.record({ AccessKeyId: keyText, SecretAccessKey: fc.string(), SessionToken: fc.string(), Expiration: date });
  // other objects: members missing, added, reordered, of other kinds, or clashing in case
  const other = fc.dictionary(fc.constantFrom('AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration', 'accessKeyId', 'Note'), fc.oneof(plainText, date, fc.integer(), fc.constant(undefined), fc.constant({ A: 'b' })), { maxKeys: 5 });
  const isPlain = (x: string): boolean => /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(x);
  const head = (value: unknown): string => responseElementsParts({ Credentials: value, AssumedRoleUser: { Arn: 'a' } }, true)[0];
  fc.assert(
    fc.property(fc.oneof(creds, other), fc.array(fc.oneof(creds, creds, other, fc.constant('text'), fc.constant(['x'])), { minLength: 1, maxLength: 6 }), (first, later) => {
      const t = headTemplate('Credentials', first);
      if (t === undefined) return;
      for (const v of later) {
        const made = headText(t, v);
        if (made !== undefined) assert.equal(made, head(v));
        // the values the template is for: the same members, each key plain
        const same = typeof v === 'object' && !Array.isArray(v) && Object.keys(v).join() === Object.keys(first as object).join() && Object.entries(v).every(([k, x]) => (typeof (first as Record<string, unknown>)[k] === 'string' ? typeof x === 'string' : (first as Record<string, unknown>)[k] instanceof Date ? x instanceof Date : true));
        const secret = (k: string): boolean => isSecretMember(k[0]!.toLowerCase() + k.slice(1));
        if (same && Object.entries(v as object).every(([k, x]) => secret(k) || typeof x !== 'string' || isPlain(x))) assert.notEqual(made, undefined, `made by template: ${JSON.stringify(v)}`);
      }
    }),
    { numRuns: 1000 },
  );
  // a repeated AssumeRole's credentials: made by the template of the last
  const c = (key: string): Record<string, unknown> => ({ AccessKeyId: key, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(0) });
  assert.equal(headText(headTemplate('Credentials', c('ASIA1'))!, c('ASIA2')), '{"credentials":{"accessKeyId":"ASIA2","expiration":"Jan 1, 1970, 12:00:00 AM"}');
});

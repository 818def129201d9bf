/** Output shapes: each operation answers with exactly the fields AWS returns (test/vectors/protocol/output-fields.json). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCodec, loadServiceModel, type Codec } from '../../src/protocol/index.js';
import { readVectors } from '../helpers/paths.js';
import { env as iamEnv } from '../services/iam/helpers.js';
import { addAccount, addRole, addUser, allow, callerFor, inline, newWorld } from '../authz/world.js';
import { harness } from '../authz/setup.js';
import { orgWorld } from '../services/organizations/setup.js';

interface Step {
  op: string;
  input: Record<string, unknown>;
  /** Keeps the step's output for "{save.Path.To.Field}" placeholders in later inputs. */
  save?: string;
}
interface Case extends Step {
  service: 'iam' | 'sts' | 'organizations';
  name: string;
  setup?: Step[];
  path: string[];
  fields: string[];
  omits: string[];
  /** Fields AWS returns that kamen cannot produce yet: asserted absent, so producing one forces the vector to change. */
  missingInKamen?: string[];
  source: string;
}
interface Vectors {
  trust: string;
  policy: string;
  cases: Case[];
}

const V = readVectors<Vectors>('protocol', 'output-fields.json');
const codecs: Record<string, Codec> = {
  iam: createCodec(loadServiceModel('iam')),
  sts: createCodec(loadServiceModel('sts')),
  organizations: createCodec(loadServiceModel('organizations')),
};

/** Replaces "{trust}" / "{policy}" with the vector file's documents and "{name.A.B}" with a saved output's field. */
function fill(input: Record<string, unknown>, saved: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === '{root}') {
      out[k] = saved['root'];
      continue;
    }
    const ref = typeof v === 'string' ? /^\{(\w+)\.([\w.]+)\}$/.exec(v) : null;
    if (ref) out[k] = ref[2]!.split('.').reduce<any>((o, seg) => o?.[seg], saved[ref[1]!]);
    else out[k] = v === '{trust}' ? V.trust : v === '{policy}' ? V.policy : v;
  }
  return out;
}

interface Node {
  name: string;
  children: Node[];
}

/** A minimal XML reader for kamen's own answers (elements and text; no attributes besides the root's xmlns). */
function parseXml(xml: string): Node {
  const root: Node = { name: '#document', children: [] };
  const stack: Node[] = [root];
  for (const m of xml.matchAll(/<(\/?)([A-Za-z0-9_]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (closing) {
      stack.pop();
      continue;
    }
    const node: Node = { name: name!, children: [] };
    stack[stack.length - 1]!.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  return root;
}

/** The element names directly under `path` of the operation's result element (first list member for "member"). */
function fieldsAt(body: string, operation: string, path: string[]): string[] {
  const doc = parseXml(body);
  const response = doc.children.find((n) => n.name === `${operation}Response`);
  assert.ok(response, `${operation}Response element`);
  let node = response.children.find((n) => n.name === `${operation}Result`);
  assert.ok(node, `${operation}Result element`);
  for (const seg of path) {
    const next: Node | undefined = node!.children.find((n) => n.name === seg);
    assert.ok(next, `element ${seg} under ${node!.name}`);
    node = next;
  }
  return node!.children.map((n) => n.name).sort();
}

/** The keys of the JSON object at `path` (a numeric segment picks a list element). */
function jsonFieldsAt(body: string, path: string[]): string[] {
  let node: any = JSON.parse(body);
  for (const seg of path) {
    assert.ok(node && typeof node === 'object' && seg in node, `key ${seg}`);
    node = node[seg];
  }
  return Object.keys(node as object).sort();
}

/** Runs a case's setup and operation and returns the rendered body. */
type Runner = (op: string, input: Record<string, unknown>) => Promise<unknown>;

async function check(c: Case, run: Runner, saved: Record<string, unknown> = {}): Promise<void> {
  for (const s of c.setup ?? []) {
    const out = await run(s.op, fill(s.input, saved));
    if (s.save) saved[s.save] = out;
  }
  const output = await run(c.op, fill(c.input, saved));
  const body = codecs[c.service]!.renderResult(c.op, output, 'c0ffee00-0000-4000-8000-000000000001').body;
  const got = c.service === 'organizations' ? jsonFieldsAt(body, c.path) : fieldsAt(body, c.op, c.path);
  const missing = new Set(c.missingInKamen ?? []);
  assert.deepEqual(got, c.fields.filter((f) => !missing.has(f)).sort(), `${c.name}: fields at ${c.path.join('.') || '(result)'}`);
  for (const f of c.omits) assert.ok(!got.includes(f), `${c.name}: AWS leaves out ${f}`);
}

test('IAM outputs carry exactly the fields AWS returns', async (t) => {
  for (const c of V.cases.filter((x) => x.service === 'iam')) {
    await t.test(c.name, async () => {
      const e = await iamEnv();
      try {
        await check(c, (op, input) => e.call(op, input));
      } finally {
        await e.close();
      }
    });
  }
});

test('STS outputs carry exactly the fields AWS returns', async (t) => {
  const A = '222222222222';
  for (const c of V.cases.filter((x) => x.service === 'sts')) {
    await t.test(c.name, async () => {
      const w = await newWorld();
      try {
        await addAccount(w, A);
        await addRole(w, A, 'R', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: A }, Action: 'sts:AssumeRole' }] });
        const alice = await addUser(w, A, 'alice');
        await inline(w, A, 'user', 'alice', allow('sts:*'));
        const caller = await callerFor(w, alice);
        const h = harness(w);
        await check(c, (op, input) => h.call(caller, 'sts', op, input));
      } finally {
        await w.store.close();
      }
    });
  }
});

test('Organizations outputs carry exactly the fields AWS returns', async (t) => {
  for (const c of V.cases.filter((x) => x.service === 'organizations')) {
    await t.test(c.name, async () => {
      const w = await orgWorld();
      try {
        await check(c, (op, input) => w.call(op, input), { root: w.rootId });
      } finally {
        await w.close();
      }
    });
  }
});

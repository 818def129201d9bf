/** Shared pieces of the STS operations: deps, input validation with AWS's wording, minting and persisting credentials. */
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { isKamenError, KamenError } from '../../errors.js';
import { createAuthorizer, type Authorizer } from '../../authz/authorizer.js';
import type { RandomSource } from '../../random.js';
import type { ManagedPolicyCatalog } from '../../authz/policies.js';
import { createPolicyCache } from '../../policy/index.js';
import { loadManagedPolicyCatalog } from '../iam/managed-catalog.js';
import { packSession } from '../../authz/session.js';
import { createSealedKeyIds, createTemporaryKeyIds, type SealedKeyIds, type TemporaryKeyIds } from '../../authz/temporary-keys.js';
import { createSessionSealer, type SessionSealer } from '../../authz/sealed-session.js';
import type { IssueRateLimiter } from '../../authz/issue-rate.js';
import type { Caller, OperationContext, SessionInfo } from '../types.js';

/** What the STS service needs besides the OperationContext. */
export interface StsDeps {
  authorizer: Authorizer;
}

/** Finds the authorizer for a request. */
export type AuthorizerSource = (ctx: OperationContext) => Authorizer;

/**
 * The authorizer from the service's deps, else from the context's shared deps, else one built on first use from the
 * context's store and clock (so a server wired without one still evaluates trust policies).
 */
export function authorizerSource(deps: Partial<StsDeps> | undefined): AuthorizerSource {
  let fallback: Authorizer | undefined;
  return (ctx) => {
    const given = deps?.authorizer ?? (ctx.deps['authorizer'] as Authorizer | undefined);
    if (given) return given;
    const catalog = (ctx.deps['managedPolicies'] as ManagedPolicyCatalog | undefined) ?? loadManagedPolicyCatalog();
    fallback ??= createAuthorizer({ store: ctx.store, clock: ctx.clock, managedPolicies: catalog, policyCache: createPolicyCache(1000) });
    return fallback;
  };
}

/** "1 validation error detected: Value 'v' at 'member' failed to satisfy constraint: …" */
export function validationError(value: unknown, member: string, constraint: string): KamenError {
  return new KamenError('ERR_VALIDATION', `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

/** Checks an optional integer DurationSeconds against [min, max] and returns it (or the default). */
export function durationSeconds(input: Record<string, unknown>, min: number, max: number, dflt: number): number {
  const v = input['DurationSeconds'];
  if (v === undefined || v === null) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n)) throw validationError(v, 'durationSeconds', 'Member must be an integer');
  if (n < min) throw validationError(n, 'durationSeconds', `Member must have value greater than or equal to ${min}`);
  if (n > max) throw validationError(n, 'durationSeconds', `Member must have value less than or equal to ${max}`);
  return n;
}

const NAME_PATTERN = /^[\w+=,.@-]*$/;

/** A session/federated-user name: [\w+=,.@-]*, min..max characters. */
export function checkName(value: unknown, member: string, min: number, max: number): string {
  if (typeof value !== 'string') throw new KamenError('ERR_VALIDATION', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  if (value.length < min) throw validationError(value, member, `Member must have length greater than or equal to ${min}`);
  if (value.length > max) throw validationError(value, member, `Member must have length less than or equal to ${max}`);
  if (!NAME_PATTERN.test(value)) throw validationError(value, member, 'Member must satisfy regular expression pattern: [\\w+=,.@-]*');
  return value;
}

/** AWS's text refusing a session tag key that begins with the reserved `aws:` prefix (IAM User Guide, "Naming tags"). */
export const RESERVED_SESSION_TAG_KEY = "Tag keys starting with 'aws:' are reserved for internal use.";

/** Refuses a session tag key or transitive tag key beginning with `aws:`, matched without case (InvalidParameterValue). */
export function checkSessionTagKey(key: string): void {
  if (key.slice(0, 4).toLowerCase() === 'aws:') throw new KamenError('ERR_INVALID_PARAMETER_VALUE', RESERVED_SESSION_TAG_KEY);
}

/** Session tags from input Tags (at most 50, no reserved `aws:` key), keyed by tag key. */
export function sessionTags(input: Record<string, unknown>): Record<string, string> | undefined {
  const tags = input['Tags'];
  if (!Array.isArray(tags) || tags.length === 0) return undefined;
  if (tags.length > 50) throw validationError('[...]', 'tags', 'Member must have length less than or equal to 50');
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const t of tags as Array<{ Key?: unknown; Value?: unknown }>) {
    if (typeof t?.Key !== 'string' || typeof t.Value !== 'string') throw new KamenError('ERR_VALIDATION', 'Tag keys and values are required.');
    checkSessionTagKey(t.Key);
    const low = t.Key.toLowerCase();
    if (seen.has(low)) throw new KamenError('ERR_INVALID_PARAMETER_VALUE', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(low);
    out[t.Key] = t.Value;
  }
  return out;
}

/** PolicyArns input → the ARN list (at most 10). */
export function policyArns(input: Record<string, unknown>): string[] | undefined {
  const list = input['PolicyArns'];
  if (!Array.isArray(list) || list.length === 0) return undefined;
  if (list.length > 10) throw validationError('[...]', 'policyArns', 'Member must have length less than or equal to 10');
  return (list as Array<{ arn?: unknown }>).map((p) => {
    if (typeof p?.arn !== 'string' || p.arn.length < 20) throw validationError(p?.arn, 'policyArns.member.arn', 'Member must have length greater than or equal to 20');
    return p.arn;
  });
}

/** Bytes of packed space AWS allots to session policies and tags (kamen's model of the packed binary format). */
export const PACKED_LIMIT_BYTES = 1024;

/** The packed size (percent of the allotted space) of session policies and tags; PackedPolicyTooLarge above 100%. */
export function packedPolicySize(policy: string | undefined, arns: string[] | undefined, tags: Record<string, string> | undefined): number {
  let text = '';
  if (policy) {
    try {
      text += JSON.stringify(JSON.parse(policy));
    } catch {
      text += policy;
    }
  }
  for (const a of arns ?? []) text += a;
  for (const [k, v] of Object.entries(tags ?? {})) text += `${k}\u0000${v}\u0000`;
  if (!text) return 0;
  const pct = Math.ceil((deflateRawSync(Buffer.from(text, 'utf8')).length * 100) / PACKED_LIMIT_BYTES);
  if (pct > 100) throw new KamenError('ERR_PACKED_POLICY_TOO_LARGE', `Packed policy consumes ${pct}% of allotted space`);
  return pct;
}

/** The server's key ID source (ServiceDeps.temporaryKeyIds), else a fresh one over the context's random source. */
export function temporaryKeyIds(ctx: OperationContext): TemporaryKeyIds {
  const k = ctx.deps['temporaryKeyIds'];
  return typeof k === 'function' ? (k as TemporaryKeyIds) : createTemporaryKeyIds(randomSource(ctx));
}

/** The server's sealed key ID source (ServiceDeps.sealedKeyIds), else a fresh one over the context's random source. */
function sealedKeyIds(ctx: OperationContext): SealedKeyIds {
  const k = ctx.deps['sealedKeyIds'];
  return typeof k === 'function' ? (k as SealedKeyIds) : createSealedKeyIds(randomSource(ctx));
}

/** Expiration (whole seconds, as AWS prints it) of credentials issued now for `seconds`. */
export function expirationFor(nowMs: number, seconds: number): Date {
  return new Date(Math.floor(nowMs / 1000) * 1000 + seconds * 1000);
}

/** The server's pooled random source (ServiceDeps.random), else crypto.randomBytes. */
export function randomSource(ctx: OperationContext): RandomSource {
  const r = ctx.deps['random'];
  return typeof r === 'function' ? (r as RandomSource) : randomBytes;
}

/**
 * Mints temporary credentials for `principal`, persists them (they survive a restart) and returns the wire shape; the
 * calling principal's rate of issuance (ServiceDeps.stsIssueRate) is checked first: Throttling when it is exceeded.
 * `sealed`: the session is sealed into the token instead of a row (it survives a restart just the same).
 */
export async function issueCredentials(
  ctx: OperationContext,
  principalAccount: string,
  principal: { kind: Caller['kind']; arn: string; userId: string; userName?: string },
  info: SessionInfo,
  seconds: number,
  opts: { sealed?: boolean } = {},
) {
  (ctx.deps['stsIssueRate'] as IssueRateLimiter | undefined)?.take(ctx.caller.arn);
  const now = ctx.clock.now();
  const expiration = expirationFor(now, seconds);
  const createDate = new Date(now);
  const session = packSession(principal, info);
  if (opts.sealed) {
    // The session travels in the token (authz/sealed-session.ts): no row, no commit to wait for; a session too large
    // for a token is stored as below.
    const random = randomSource(ctx);
    const sealer = (ctx.deps['sessionSealer'] as SessionSealer | undefined) ?? createSessionSealer(ctx.store);
    const cred = await sealer.seal({ accessKeyId: sealedKeyIds(ctx)(principalAccount, now), accountId: principalAccount, expiration, createDate, session }, random);
    if (cred) return { AccessKeyId: cred.accessKeyId, SecretAccessKey: cred.secretAccessKey, SessionToken: cred.sessionToken, Expiration: cred.expiration };
  }
  const nextKeyId = temporaryKeyIds(ctx);
  for (let attempt = 1; ; attempt++) {
    try {
      // Durable when it resolves; concurrent issues share one commit (the store's group commit). The store derives
      // the secret and token from the key ID.
      const cred = await ctx.store.putTemporaryCredential({ accessKeyId: nextKeyId(now), accountId: principalAccount, expiration, createDate, session });
      return { AccessKeyId: cred.accessKeyId, SecretAccessKey: cred.secretAccessKey, SessionToken: cred.sessionToken, Expiration: cred.expiration };
    } catch (err) {
      // A key ID drawn twice is drawn again, never overwritten.
      if (attempt < 3 && isKamenError(err, 'ERR_ENTITY_ALREADY_EXISTS')) continue;
      throw err;
    }
  }
}

/** ISO time without milliseconds (aws:TokenIssueTime form): the policy engine's, one implementation for both. */
export { isoSeconds } from '../../policy/index.js';

/**
 * Trust-policy principals bound by unique ID, as IAM binds them (IAM User Guide, "AWS JSON policy elements: Principal"):
 * when a trust policy is saved, every IAM user or role ARN it names must name an existing identity and is bound to
 * that identity's unique ID; a bare account ID is stored as the account's root ARN. The stored text keeps the ARN while
 * the bound identity lives under it, so the engine matches ARNs exactly as written: deleting the identity rewrites
 * the ARN to the unique ID (which no later identity can have), renaming a user rewrites it to the new ARN (the trust
 * follows the user, as IAM updates policies naming a renamed user as a principal). Every rewrite runs inside the
 * store transaction of the write that causes it. S3 bucket policies are bound the same way (policy ID = bucket ARN).
 */
import { KamenError } from '../../errors.js';
import type { PrincipalBinding, Store } from '../../store/store.js';

/** One "AWS" principal string of a document: its text range (quotes included) and its value. */
interface PrincipalToken {
  start: number;
  end: number;
  value: string;
}

const ACCOUNT_ID = /^\d{12}$/;
// Any partition: kamen's identities are all in `aws`, so an ARN of another partition names nobody and is refused.
const USER_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;
const UNIQUE_ID = /^A(IDA|ROA)[A-Z0-9]{13,}$/;

/** MalformedPolicyDocument for a principal IAM cannot resolve, in IAM's words. */
export function invalidPrincipal(value: string): KamenError {
  return new KamenError('ERR_MALFORMED_POLICY_DOCUMENT', `Invalid principal in policy: "AWS":${JSON.stringify(value)}`);
}

/** True for a path Statement[n]?.(Not)Principal.AWS[n]? — where an "AWS" principal string sits. */
function isAwsPrincipalPath(path: ReadonlyArray<string | number>): boolean {
  if (path[0] !== 'Statement') return false;
  let k = typeof path[1] === 'number' ? 2 : 1;
  if (path[k] !== 'Principal' && path[k] !== 'NotPrincipal') return false;
  if (path[++k] !== 'AWS') return false;
  return path.length === k + 1 || (path.length === k + 2 && typeof path[k + 1] === 'number');
}

/**
 * The "AWS" principal strings of a policy document with their positions (the text must already be valid JSON:
 * callers validate first). Throws MalformedPolicyDocument when the text cannot be walked.
 */
export function awsPrincipalTokens(text: string): PrincipalToken[] {
  const out: PrincipalToken[] = [];
  let i = 0;
  const fail = (): never => {
    throw new KamenError('ERR_MALFORMED_POLICY_DOCUMENT', 'This policy contains invalid Json');
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r' || text[i] === '\ufeff')) i++;
  };
  const str = (): PrincipalToken => {
    const start = i;
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i++;
    return { start, end: i, value: JSON.parse(text.slice(start, i)) as string };
  };
  const expect = (c: string): void => {
    ws();
    if (text[i] !== c) fail();
    i++;
  };
  const value = (path: Array<string | number>, depth: number): void => {
    if (depth > 64) fail();
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        const key = str().value;
        expect(':');
        value([...path, key], depth + 1);
        ws();
        if (text[i] === ',') i++;
        else return expect('}');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value([...path, n], depth + 1);
        ws();
        if (text[i] === ',') i++;
        else return expect(']');
      }
    }
    if (c === '"') {
      const t = str();
      if (isAwsPrincipalPath(path)) out.push(t);
      return;
    }
    const from = i;
    while (i < text.length && !',}] \t\n\r'.includes(text[i]!)) i++;
    if (i === from) fail();
  };
  value([], 0);
  return out;
}

/** Replaces the tokens `replace` maps to a new value (undefined keeps a token), leaving every other byte as written. */
function rewriteTokens(text: string, tokens: PrincipalToken[], replace: (value: string) => string | undefined): string {
  let out = text;
  for (let k = tokens.length - 1; k >= 0; k--) {
    const t = tokens[k]!;
    const next = replace(t.value);
    if (next !== undefined && next !== t.value) out = out.slice(0, t.start) + JSON.stringify(next) + out.slice(t.end);
  }
  return out;
}

/** A trust policy ready to save: its stored text and the identities it binds. */
export interface BoundTrustPolicy {
  text: string;
  bindings: Array<Omit<PrincipalBinding, 'policyId'>>;
}

/**
 * Resolves the principals of a (validated) trust policy for saving: a bare account ID becomes the account's root ARN;
 * an IAM user or role ARN must be the exact ARN of an existing user or role (in any account kamen holds: kamen holds
 * every account there is, so an ARN in any other account names nobody) and is bound to its unique ID; a unique ID of a
 * live user or role is stored as its ARN and bound (IAM shows it that way); a unique ID no identity has is kept as
 * written and can never match. Anything else is left to the engine. Throws `Invalid principal in policy` for the
 * first principal that names nobody.
 */
export async function bindTrustPrincipals(store: Store, text: string): Promise<BoundTrustPolicy> {
  const tokens = awsPrincipalTokens(text);
  const resolved = new Map<string, string | undefined>();
  const bindings = new Map<string, string>();
  for (const t of tokens) {
    const v = t.value;
    if (resolved.has(v)) continue;
    if (ACCOUNT_ID.test(v)) {
      resolved.set(v, `arn:aws:iam::${v}:root`);
      continue;
    }
    const user = USER_ARN.exec(v);
    const role = user ? undefined : ROLE_ARN.exec(v);
    if (user || role) {
      const found = user ? await store.getUser(user[1]!, user[2]!) : await store.getRole(role![1]!, role![2]!);
      // The principal part of an ARN is case sensitive and carries the path: only the identity's exact ARN names it.
      if (!found || found.arn !== v) throw invalidPrincipal(v);
      bindings.set('userId' in found ? found.userId : found.roleId, found.arn);
      resolved.set(v, undefined);
      continue;
    }
    if (UNIQUE_ID.test(v)) {
      const found = v.startsWith('AIDA') ? await store.getUserById(v) : await store.getRoleById(v);
      if (found) bindings.set(v, found.arn);
      resolved.set(v, found?.arn);
      continue;
    }
    resolved.set(v, undefined);
  }
  return {
    text: rewriteTokens(text, tokens, (v) => resolved.get(v)),
    bindings: [...bindings].map(([principalId, principalArn]) => ({ principalId, principalArn })),
  };
}

/** Saves a role's trust policy bindings (replacing the previous ones); call inside the transaction that saves the text. */
export async function saveTrustBindings(store: Store, roleId: string, bound: BoundTrustPolicy): Promise<void> {
  await store.setPrincipalBindings(roleId, bound.bindings);
}

/** Rewrites, in every trust policy bound to `principalId`, the bound ARN with `to(arn)`. */
async function rewriteBoundPolicies(store: Store, principalId: string, to: (arn: string) => string): Promise<void> {
  for (const b of await store.listPrincipalBindings(principalId)) {
    // An S3 bucket policy (bound by the bucket's ARN) is rewritten the same way.
    if (b.policyId.startsWith('arn:aws:s3:::')) {
      const bucket = await store.getS3Bucket(b.policyId.slice('arn:aws:s3:::'.length));
      if (!bucket?.policy) continue;
      const text = rewriteTokens(bucket.policy, awsPrincipalTokens(bucket.policy), (v) => (v === b.principalArn ? to(v) : undefined));
      if (text !== bucket.policy) await store.setS3BucketPolicy(bucket.name, text);
      continue;
    }
    const role = await store.getRoleById(b.policyId);
    if (!role) continue;
    const text = rewriteTokens(role.assumeRolePolicyDocument, awsPrincipalTokens(role.assumeRolePolicyDocument), (v) => (v === b.principalArn ? to(v) : undefined));
    if (text !== role.assumeRolePolicyDocument) await store.updateRole(role.accountId, role.roleName, { assumeRolePolicyDocument: text });
  }
}

/**
 * A user or role was deleted: every trust policy naming it now shows its unique ID instead of its ARN (so a later
 * identity of the same name is not trusted) and its bindings go. A deleted role's own bindings go too. Call inside
 * the delete's transaction.
 */
export async function unbindDeletedPrincipal(store: Store, principalId: string): Promise<void> {
  if (principalId.startsWith('AROA')) await store.setPrincipalBindings(principalId, []);
  await rewriteBoundPolicies(store, principalId, () => principalId);
  await store.deletePrincipalBindings(principalId);
}

/** A user was renamed or moved: every trust policy naming it follows it to its new ARN. Call inside the rename's transaction. */
export async function rebindRenamedPrincipal(store: Store, principalId: string, newArn: string): Promise<void> {
  await rewriteBoundPolicies(store, principalId, () => newArn);
  await store.renamePrincipalBindings(principalId, newArn);
}

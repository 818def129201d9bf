/** AWS's size limits per policy type ("IAM and AWS STS quotas", Organizations quotas) and how each is counted. */
import type { PolicyKind } from '../types.js';

/** A size limit: characters allowed, whether whitespace counts, and the problem message. */
export interface SizeLimit {
  chars: number;
  countWhitespace: boolean;
  message: (chars: number) => string;
}

/**
 * Default limits by kind (callers pass limitChars for inline policies: user 2048, group 5120, role 10240):
 *   identity / boundary (managed policy)  6144 characters, whitespace not counted
 *   trust (role trust policy)             2048 characters, whitespace not counted (quota raisable to 4096)
 *   resource                              20480 (S3 bucket policy size; services differ)
 *   scp, rcp                              5120 characters, whitespace counted
 *   session (inline session policy)       2048 characters (the plain-text parameter limit; the packed size is checked by STS)
 */
export const DEFAULT_LIMITS: Record<PolicyKind, SizeLimit> = {
  identity: { chars: 6144, countWhitespace: false, message: (n) => `Cannot exceed quota for PolicySize: ${n}` },
  boundary: { chars: 6144, countWhitespace: false, message: (n) => `Cannot exceed quota for PolicySize: ${n}` },
  trust: { chars: 2048, countWhitespace: false, message: (n) => `Cannot exceed quota for ACLSizePerRole: ${n}` },
  resource: { chars: 20480, countWhitespace: false, message: (n) => `Policy document exceeds the maximum size of ${n} characters` },
  scp: { chars: 5120, countWhitespace: true, message: (n) => `Policy document exceeds the maximum size of ${n} characters` },
  rcp: { chars: 5120, countWhitespace: true, message: (n) => `Policy document exceeds the maximum size of ${n} characters` },
  session: { chars: 2048, countWhitespace: true, message: (n) => `1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to ${n}` },
};

/** The number of characters a limit counts. */
export function policySize(text: string, countWhitespace: boolean): number {
  if (countWhitespace) return text.length;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) n++;
  }
  return n;
}

/** Aggregate inline-policy limits per principal type (whitespace not counted); pass as limitChars. */
export const INLINE_POLICY_LIMITS = { user: 2048, group: 5120, role: 10240 } as const;

/** IAM's LimitExceeded text when a principal's inline policies together exceed their limit. */
export function inlineLimitMessage(principal: keyof typeof INLINE_POLICY_LIMITS, name: string): string {
  return `Maximum policy size of ${INLINE_POLICY_LIMITS[principal]} bytes exceeded for ${principal} ${name}`;
}

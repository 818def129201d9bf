/**
 * EC2's "Encoded authorization failure message": AWS's decoded JSON (allowed, explicitDeny, matchedStatements,
 * failures, context{principal, action, resource, conditions}) sealed with AES-256-GCM under a server key, base64url.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KamenError } from '../errors.js';

/** The decoded form, as sts:DecodeAuthorizationMessage prints it. */
export interface AuthorizationMessage {
  allowed: boolean;
  explicitDeny: boolean;
  matchedStatements: { items: unknown[] };
  failures: { items: unknown[] };
  context: {
    principal: { id: string; name?: string; arn: string };
    action: string;
    resource: string;
    conditions: { items: Array<{ key: string; values: { items: Array<{ value: string }> } }> };
  };
}

/** The facts an authorization message is built from. */
export interface AuthorizationFailure {
  explicitDeny: boolean;
  matchedStatements?: unknown[];
  principal: { id: string; name?: string; arn: string };
  action: string;
  resource: string;
  conditions: Record<string, string | string[]>;
}

/** Builds AWS's JSON object for a failure (condition keys in a stable order). */
export function buildAuthorizationMessage(f: AuthorizationFailure): AuthorizationMessage {
  const items = Object.keys(f.conditions)
    .sort()
    .map((key) => {
      const v = f.conditions[key]!;
      const values = (Array.isArray(v) ? v : [v]).map((value) => ({ value }));
      return { key, values: { items: values } };
    });
  return {
    allowed: false,
    explicitDeny: f.explicitDeny,
    matchedStatements: { items: f.matchedStatements ?? [] },
    failures: { items: [] },
    context: { principal: f.principal, action: f.action, resource: f.resource, conditions: { items } },
  };
}

const VERSION = 'k1';

/** Seals a message: "k1" marker + base64url(iv ‖ tag ‖ ciphertext of the JSON). */
export function encodeAuthorizationMessage(key: Buffer, message: AuthorizationMessage): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(VERSION));
  const ct = Buffer.concat([cipher.update(JSON.stringify(message), 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url');
}

/** Opens a sealed message and returns the JSON text; anything we did not seal → InvalidAuthorizationMessageException. */
export function decodeAuthorizationMessage(key: Buffer, encoded: string): string {
  const bad = () => new KamenError('ERR_INVALID_AUTHORIZATION_MESSAGE', 'The message provided is not valid.');
  const text = encoded.trim();
  if (!text.startsWith(VERSION) || !/^[A-Za-z0-9_-]+$/.test(text.slice(VERSION.length))) throw bad();
  const raw = Buffer.from(text.slice(VERSION.length), 'base64url');
  if (raw.length < 12 + 16 + 2) throw bad();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(VERSION));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw bad();
  }
}

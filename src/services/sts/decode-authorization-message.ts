/** sts:DecodeAuthorizationMessage: opens an EC2 encoded authorization failure message (the authorizer checks the action). */
import { KamenError } from '../../errors.js';
import type { Operation } from '../types.js';
import type { AuthorizerSource } from './common.js';

/** Builds the DecodeAuthorizationMessage operation. */
export function decodeAuthorizationMessage(authorizerFor: AuthorizerSource): Operation {
  return async (ctx, input: Record<string, unknown>) => {
    const msg = input['EncodedMessage'];
    if (typeof msg !== 'string' || msg === '') throw new KamenError('ERR_VALIDATION', "1 validation error detected: Value null at 'encodedMessage' failed to satisfy constraint: Member must not be null");
    const text = authorizerFor(ctx).decodeMessage(msg);
    // A message only decodes in the account it was issued for.
    let arn = '';
    try {
      arn = String((JSON.parse(text) as { context?: { principal?: { arn?: unknown } } }).context?.principal?.arn ?? '');
    } catch {
      arn = '';
    }
    const acct = /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
    if (acct !== ctx.caller.accountId) throw new KamenError('ERR_INVALID_AUTHORIZATION_MESSAGE', 'The message provided is not valid.');
    return { DecodedMessage: text };
  };
}

/** CloudTrail's client errors (AWS JSON 1.1, HTTP 400) by their wire code. */
import { KamenError } from '../../errors.js';

/** A CloudTrail error: its wire code and AWS's message. */
export function ctError(wireCode: string, message: string): KamenError {
  return new KamenError('ERR_INVALID_INPUT', message, { wireCode });
}

/** TrailNotFoundException for a trail ARN, as CloudTrail words it. */
export function trailNotFound(arn: string, accountId: string): KamenError {
  return ctError('TrailNotFoundException', `Unknown trail: ${arn} for the user: ${accountId}`);
}

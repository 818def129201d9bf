/** ListPublicKeys: the calling region's digest signing public keys whose validity overlaps the asked time range. */
import type { OperationContext } from '../types.js';
import { ctError } from './errors.js';

/** The ListPublicKeys operation (StartTime and EndTime default to now). */
export function listPublicKeys() {
  return async (ctx: OperationContext, input: { StartTime?: Date; EndTime?: Date; NextToken?: string }) => {
    const now = ctx.clock.now();
    const start = input.StartTime?.getTime() ?? now;
    const end = input.EndTime?.getTime() ?? now;
    if (start > end) throw ctError('InvalidTimeRangeException', 'Start time must be before end time.');
    const keys = (await ctx.store.listTrailSigningKeys(ctx.region)).filter((k) => k.validFrom.getTime() <= end && k.validTo.getTime() >= start);
    return {
      PublicKeyList: keys.map((k) => ({
        // The DER PKCS #1 key (base64 on the wire, as every JSON blob).
        Value: Buffer.from(k.publicKey, 'base64'),
        ValidityStartTime: k.validFrom,
        ValidityEndTime: k.validTo,
        Fingerprint: k.fingerprint,
      })),
    };
  };
}

/** MFA for STS: the caller's enabled device must match the serial, and the code must be valid and not yet used. */
import { KamenError } from '../../errors.js';
import { verifyTotp } from '../iam/totp.js';
import type { Caller, OperationContext } from '../types.js';

/** AWS's text when the code is wrong (or reused). */
export const MFA_INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';
/** AWS's text when the serial is not an MFA device of the caller. */
export const MFA_UNKNOWN_DEVICE = 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.';

/**
 * Verifies SerialNumber + TokenCode for `caller` and records the step so the code cannot be used again.
 * Returns true when MFA was presented and valid; false when no SerialNumber was given.
 */
export async function verifyCallerMfa(ctx: OperationContext, caller: Caller, input: Record<string, unknown>): Promise<boolean> {
  const serial = input['SerialNumber'];
  const code = input['TokenCode'];
  if (serial === undefined || serial === null || serial === '') {
    if (code !== undefined && code !== null && code !== '') throw new KamenError('ERR_VALIDATION', 'SerialNumber is required when TokenCode is provided.');
    return false;
  }
  if (typeof code !== 'string' || code === '') throw new KamenError('ERR_ACCESS_DENIED', MFA_INVALID_CODE);
  if (!/^\d*$/.test(code)) throw validation(code, 'Member must satisfy regular expression pattern: [\\d]*');
  if (code.length !== 6) throw validation(code, `Member must have length ${code.length < 6 ? 'greater' : 'less'} than or equal to 6`);
  // One transaction: two requests racing with the same code cannot both pass.
  return ctx.store.transaction(async () => {
    const device = await ctx.store.getMfaDevice(String(serial));
    // The device must be enabled and assigned to the caller: an IAM user's by name, the root user's unassigned to any user.
    const mine =
      device !== undefined &&
      device.accountId === caller.accountId &&
      device.enableDate !== undefined &&
      (caller.kind === 'user' ? device.userName?.toLowerCase() === caller.userName?.toLowerCase() : caller.kind === 'root' && device.userName === undefined);
    if (!device || !mine) throw new KamenError('ERR_ACCESS_DENIED', MFA_UNKNOWN_DEVICE);
    const step = verifyTotp(device.seedBase32, code, ctx.clock.now());
    if (step === undefined || (device.lastUsedStep !== undefined && step <= device.lastUsedStep)) throw new KamenError('ERR_ACCESS_DENIED', MFA_INVALID_CODE);
    await ctx.store.updateMfaDevice(device.serialNumber, { lastUsedStep: step });
    return true;
  });
}

function validation(code: string, constraint: string): KamenError {
  return new KamenError('ERR_VALIDATION', `1 validation error detected: Value '${code}' at 'tokenCode' failed to satisfy constraint: ${constraint}`);
}

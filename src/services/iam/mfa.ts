/**
 * Virtual MFA devices: create (seed + QR PNG), enable/resync with two consecutive TOTP codes, deactivate, delete, list.
 * Each check-then-write (device state, its user, the last accepted code) runs in one store transaction.
 */
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { KamenError } from '../../errors.js';
import type { MfaDevice } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { account, createTags, listOpts, mustUser, pageFields, paginate, pathOf, targetUserName, userOut, type Input } from './common.js';
import { tagOperations } from './tagging.js';
import { totpCodeAt, totpStepAt } from './totp.js';

export const INVALID_CODE_MESSAGE = 'Authentication code for device is not valid.';

function noDevice(serial: string): KamenError {
  return new KamenError('ERR_NO_SUCH_ENTITY', `VirtualMFADevice with serial number ${serial} does not exist.`);
}

/**
 * The base step b with code1 = TOTP(b) and code2 = TOTP(b + 1), b + 1 within one step of now (IAM's enable/resync
 * check); undefined when the codes do not match.
 */
export function consecutiveCodesStep(seedBase32: string, code1: string, code2: string, nowMs: number): number | undefined {
  const now = totpStepAt(nowMs);
  for (let b = now - 2; b <= now; b++) {
    if (totpCodeAt(seedBase32, b) === code1 && totpCodeAt(seedBase32, b + 1) === code2) return b;
  }
  return undefined;
}

/** The otpauth:// URI a virtual MFA device's QR code holds. */
export function otpauthUri(name: string, accountId: string, seedBase32: string): string {
  const issuer = 'Amazon Web Services';
  return `otpauth://totp/${encodeURIComponent(`${issuer}:${name}@${accountId}`)}?secret=${seedBase32}&issuer=${encodeURIComponent(issuer)}`;
}

async function mustDevice(ctx: OperationContext, serial: string): Promise<MfaDevice> {
  const d = await ctx.store.getMfaDevice(serial);
  if (!d || d.accountId !== account(ctx)) throw noDevice(serial);
  return d;
}

function checkCodes(ctx: OperationContext, d: MfaDevice, input: Input): number {
  const b = consecutiveCodesStep(d.seedBase32, String(input['AuthenticationCode1']), String(input['AuthenticationCode2']), ctx.clock.now());
  if (b === undefined) throw new KamenError('ERR_INVALID_AUTHENTICATION_CODE', INVALID_CODE_MESSAGE);
  return b;
}

function sameUser(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** The MFA operations. */
export function mfaOperations(): Record<string, Operation> {
  return {
    CreateVirtualMFADevice: async (ctx, input: Input) => {
      const acct = account(ctx);
      const name = String(input['VirtualMFADeviceName']);
      const path = pathOf(input);
      const serial = `arn:aws:iam::${acct}:mfa${path}${name}`;
      const tags = createTags(input['Tags'], 'sensitive');
      const seed = new OTPAuth.Secret({ size: 20 }).base32;
      const device: MfaDevice = { accountId: acct, serialNumber: serial, path, name, seedBase32: seed, tags };
      await ctx.store.transaction(async () => {
        const existing = await ctx.store.listMfaDevices(acct);
        if (existing.some((d) => d.serialNumber.toLowerCase() === serial.toLowerCase())) {
          throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', 'MFADevice entity at the same path and name already exists.');
        }
        await ctx.store.createMfaDevice(device);
      });
      const png = await QRCode.toBuffer(otpauthUri(name, acct, seed), { type: 'png' });
      const out: Input = { SerialNumber: serial, Base32StringSeed: Buffer.from(seed, 'ascii'), QRCodePNG: png };
      if (tags.length > 0) out['Tags'] = tags;
      return { VirtualMFADevice: out };
    },

    EnableMFADevice: async (ctx, input: Input) => {
      return ctx.store.transaction(async () => {
        const user = await mustUser(ctx, String(input['UserName']));
        const d = await mustDevice(ctx, String(input['SerialNumber']));
        if (d.enableDate !== undefined) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', 'MFA Device is already in use.');
        const b = checkCodes(ctx, d, input);
        await ctx.store.updateMfaDevice(d.serialNumber, { userName: user.userName, enableDate: new Date(ctx.clock.now()), lastUsedStep: b + 1 });
        return {};
      });
    },

    ResyncMFADevice: async (ctx, input: Input) => {
      return ctx.store.transaction(async () => {
        const user = await mustUser(ctx, String(input['UserName']));
        const d = await mustDevice(ctx, String(input['SerialNumber']));
        if (!sameUser(d.userName, user.userName)) throw noDevice(d.serialNumber);
        const b = checkCodes(ctx, d, input);
        await ctx.store.updateMfaDevice(d.serialNumber, { lastUsedStep: b + 1 });
        return {};
      });
    },

    DeactivateMFADevice: async (ctx, input: Input) => {
      const name = targetUserName(ctx, input, false) as string;
      await ctx.store.transaction(async () => {
        const user = await mustUser(ctx, name);
        const d = await mustDevice(ctx, String(input['SerialNumber']));
        if (!sameUser(d.userName, user.userName)) throw new KamenError('ERR_NO_SUCH_ENTITY', 'MFA Device invalid for user.');
        await ctx.store.updateMfaDevice(d.serialNumber, { userName: undefined, enableDate: undefined, lastUsedStep: undefined });
      });
      return {};
    },

    DeleteVirtualMFADevice: async (ctx, input: Input) => {
      // One transaction: a concurrent EnableMFADevice cannot enable the device between the check and the delete.
      await ctx.store.transaction(async () => {
        const d = await mustDevice(ctx, String(input['SerialNumber']));
        if (d.enableDate !== undefined) throw new KamenError('ERR_DELETE_CONFLICT', 'MFA VirtualDevice in use. Must deactivate first.');
        await ctx.store.deleteMfaDevice(d.serialNumber);
      });
      return {};
    },

    ListMFADevices: async (ctx, input: Input) => {
      const name = targetUserName(ctx, input);
      const userName = name === undefined ? undefined : (await mustUser(ctx, name)).userName;
      const devices = (await ctx.store.listMfaDevices(account(ctx))).filter(
        (d) => d.enableDate !== undefined && (userName === undefined ? d.userName === undefined : sameUser(d.userName, userName)),
      );
      const page = paginate(devices, input);
      return {
        MFADevices: page.items.map((d) => ({ ...(d.userName ? { UserName: d.userName } : {}), SerialNumber: d.serialNumber, EnableDate: d.enableDate })),
        IsTruncated: page.IsTruncated,
        ...(page.Marker ? { Marker: page.Marker } : {}),
      };
    },

    GetMFADevice: async (ctx, input: Input) => {
      const d = await mustDevice(ctx, String(input['SerialNumber']));
      if (input['UserName'] !== undefined && !sameUser(d.userName, String(input['UserName']))) throw noDevice(d.serialNumber);
      const out: Input = {};
      if (d.userName) out['UserName'] = d.userName;
      out['SerialNumber'] = d.serialNumber;
      if (d.enableDate) out['EnableDate'] = d.enableDate;
      return out;
    },

    ...tagOperations({ tag: 'TagMFADevice', untag: 'UntagMFADevice', list: 'ListMFADeviceTags' }, (ctx, input) => mustDevice(ctx, String(input['SerialNumber'])), (ctx, d, tags) => ctx.store.updateMfaDevice(d.serialNumber, { tags }), 'sensitive'),

    ListVirtualMFADevices: async (ctx, input: Input) => {
      const acct = account(ctx);
      const status = input['AssignmentStatus'];
      const assignment = status === 'Assigned' || status === 'Unassigned' ? status : 'Any';
      const page = await ctx.store.listVirtualMfaDevices(acct, assignment, listOpts(input));
      const items: Input[] = [];
      for (const d of page.items) {
        const o: Input = { SerialNumber: d.serialNumber };
        if (d.enableDate !== undefined) {
          if (d.userName) {
            const u = await ctx.store.getUser(acct, d.userName);
            if (u) o['User'] = userOut(u, false);
          } else {
            const root = await ctx.store.getRootUser(acct);
            o['User'] = { UserId: acct, Arn: `arn:aws:iam::${acct}:root`, CreateDate: root?.createDate ?? new Date(0) };
          }
          o['EnableDate'] = d.enableDate;
        }
        items.push(o);
      }
      return { VirtualMFADevices: items, ...pageFields(page) };
    },
  };
}

/** MFA family (PostgreSQL): virtual MFA devices (seeds encrypted at rest), their assignment, and the last used TOTP step. */
import { KamenError } from '../../errors.js';
import type { PgContext } from './db.js';
import { fold, nul, same, setList, tagsConv, tagsJson, ms } from './rows.js';
import { pageRequest, toPage, type Paging } from '../markers.js';
import { deviceMapper, type MfaRow, type MfaMethods } from '../rows/mfa.js';

/** The MFA family's methods over the context. */
export function mfaFamily(ctx: PgContext & Paging): MfaMethods {
  const { conn, write, cipher } = ctx;

  const toDevice = deviceMapper(cipher);

  return {
    createMfaDevice: (device) =>
      write(async (c) => {
        const n = await c.run(
          `INSERT INTO mfa_devices (serial_number, account_id, path, name, seed_enc, user_name, enable_date, tags, last_used_step)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
          [
            device.serialNumber,
            device.accountId,
            device.path,
            device.name,
            cipher.encrypt(device.seedBase32),
            nul(device.userName),
            device.enableDate ? device.enableDate.getTime() : null,
            tagsJson(device.tags),
            nul(device.lastUsedStep),
          ],
        );
        if (n === 0) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `MFA device ${device.serialNumber} already exists.`);
      }),
    getMfaDevice: async (serialNumber) => {
      const [r] = await conn().rows<MfaRow>('SELECT * FROM mfa_devices WHERE lower(serial_number) = $1', [fold(serialNumber)]);
      return r ? toDevice(r) : undefined;
    },
    updateMfaDevice: (serialNumber, patch) =>
      write(async (c) => {
        const set = setList(
          patch,
          { userName: ['user_name', same], enableDate: ['enable_date', ms], lastUsedStep: ['last_used_step', same], tags: ['tags', tagsConv] },
          2,
        );
        if (set) await c.run(`UPDATE mfa_devices SET ${set.sql} WHERE lower(serial_number) = $1`, [fold(serialNumber), ...set.params]);
      }),
    deleteMfaDevice: (serialNumber) =>
      write(async (c) => {
        await c.run('DELETE FROM mfa_devices WHERE lower(serial_number) = $1', [fold(serialNumber)]);
      }),
    listMfaDevices: async (accountId) =>
      (await conn().rows<MfaRow>('SELECT * FROM mfa_devices WHERE account_id = $1 ORDER BY lower(name), lower(serial_number)', [accountId])).map(toDevice),
    listVirtualMfaDevices: async (accountId, assignment, opts) => {
      const p = pageRequest(ctx, ['iam:virtual-mfa-devices', accountId, assignment], opts, ['string', 'string']);
      const assigned = assignment === 'Any' ? null : assignment === 'Assigned';
      const rows = await conn().rows<MfaRow>(
        `SELECT * FROM mfa_devices WHERE account_id = $1 AND (lower(name), lower(serial_number)) > ($2::text, $3::text)
         AND ($4::boolean IS NULL OR (enable_date IS NOT NULL) = $4::boolean)
         ORDER BY lower(name), lower(serial_number) LIMIT $5`,
        [accountId, p.after?.[0] ?? '', p.after?.[1] ?? '', assigned, p.limit + 1],
      );
      return toPage(ctx, p, rows, toDevice, (r) => [fold(r.name), fold(r.serial_number)]);
    },
  };
}

/** MFA family: virtual MFA devices (seeds encrypted at rest), their assignment to users, and the last used TOTP step. */
import { fromDate, nul, tagsJson, unique, type SqliteContext } from './db.js';
import { pageRequest, toPage, type Paging } from '../markers.js';
import { deviceMapper, type MfaRow, type MfaMethods } from '../rows/mfa.js';

/** Prepares the MFA statements once for this connection and returns the family's methods. */
export function mfaFamily(ctx: SqliteContext & Paging): MfaMethods {
  const { db, run, cipher } = ctx;
  const s = {
    insert: db.prepare(`INSERT INTO mfa_devices (serial_number, account_id, path, name, seed_enc, user_name, enable_date,
      tags, last_used_step) VALUES (@serial_number, @account_id, @path, @name, @seed_enc, @user_name, @enable_date,
      @tags, @last_used_step)`),
    get: db.prepare('SELECT * FROM mfa_devices WHERE serial_number = ?'),
    update: db.prepare(`UPDATE mfa_devices SET
      user_name = CASE WHEN @has_userName THEN @userName ELSE user_name END,
      enable_date = CASE WHEN @has_enableDate THEN @enableDate ELSE enable_date END,
      last_used_step = CASE WHEN @has_lastUsedStep THEN @lastUsedStep ELSE last_used_step END,
      tags = CASE WHEN @has_tags THEN @tags ELSE tags END
      WHERE serial_number = @serial_number`),
    delete: db.prepare('DELETE FROM mfa_devices WHERE serial_number = ?'),
    list: db.prepare('SELECT * FROM mfa_devices WHERE account_id = ? ORDER BY name, serial_number'),
    page: db.prepare(`SELECT * FROM mfa_devices WHERE account_id = @account_id AND (name, serial_number) > (@after_name, @after_serial)
      AND (@assigned IS NULL OR (enable_date IS NOT NULL) = @assigned) ORDER BY name, serial_number LIMIT @limit`),
  };

  const toDevice = deviceMapper(cipher);

  const has = (o: object, k: string): number => (Object.prototype.hasOwnProperty.call(o, k) ? 1 : 0);

  return {
    createMfaDevice: (device) => run(() => {
      unique(`MFA device ${device.serialNumber} already exists.`, () =>
        s.insert.run({
          serial_number: device.serialNumber,
          account_id: device.accountId,
          path: device.path,
          name: device.name,
          seed_enc: cipher.encrypt(device.seedBase32),
          user_name: nul(device.userName),
          enable_date: fromDate(device.enableDate),
          tags: tagsJson(device.tags),
          last_used_step: nul(device.lastUsedStep),
        }),
      );
    }),
    getMfaDevice: (serialNumber) => run(() => {
      const r = s.get.get(serialNumber) as MfaRow | undefined;
      return r ? toDevice(r) : undefined;
    }),
    updateMfaDevice: (serialNumber, patch) => run(() => {
      s.update.run({
        serial_number: serialNumber,
        has_userName: has(patch, 'userName'),
        userName: nul(patch.userName),
        has_enableDate: has(patch, 'enableDate'),
        enableDate: fromDate(patch.enableDate),
        has_lastUsedStep: has(patch, 'lastUsedStep'),
        lastUsedStep: nul(patch.lastUsedStep),
        has_tags: has(patch, 'tags'),
        tags: tagsJson(patch.tags),
      });
    }),
    deleteMfaDevice: (serialNumber) => run(() => {
      s.delete.run(serialNumber);
    }),
    listMfaDevices: (accountId) => run(() => (s.list.all(accountId) as MfaRow[]).map(toDevice)),
    listVirtualMfaDevices: (accountId, assignment, opts) => run(() => {
      const p = pageRequest(ctx, ['iam:virtual-mfa-devices', accountId, assignment], opts, ['string', 'string']);
      const assigned = assignment === 'Any' ? null : assignment === 'Assigned' ? 1 : 0;
      const rows = s.page.all({
        account_id: accountId,
        after_name: p.after?.[0] ?? '',
        after_serial: p.after?.[1] ?? '',
        assigned,
        limit: p.limit + 1,
      }) as MfaRow[];
      return toPage(ctx, p, rows, toDevice, (r) => [r.name, r.serial_number]);
    }),
  };
}

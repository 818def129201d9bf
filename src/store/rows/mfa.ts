/** Row type and row → entity mapper of the mfa_devices table, shared by the SQLite and PostgreSQL stores. */
import type { SecretCipher } from '../crypto.js';
import type { IdentityStore, MfaDevice } from '../store.js';
import { parseTags } from './tags.js';

/** An mfa_devices row (enable_date as epoch ms, seed encrypted). */
export interface MfaRow {
  serial_number: string;
  account_id: string;
  path: string;
  name: string;
  seed_enc: string;
  user_name: string | null;
  enable_date: number | null;
  tags: string;
  last_used_step: number | null;
}

/** The mfa_devices row → MFA device mapper that decrypts seeds with `cipher`. */
export function deviceMapper(cipher: SecretCipher): (r: MfaRow) => MfaDevice {
  return (r) => {
    const d: MfaDevice = {
      accountId: r.account_id,
      serialNumber: r.serial_number,
      path: r.path,
      name: r.name,
      seedBase32: cipher.decrypt(r.seed_enc),
      tags: parseTags(r.tags),
    };
    if (r.user_name !== null) d.userName = r.user_name;
    if (r.enable_date !== null) d.enableDate = new Date(r.enable_date);
    if (r.last_used_step !== null) d.lastUsedStep = r.last_used_step;
    return d;
  };
}

/** The MFA family's slice of the Store, implemented by both backends. */
export type MfaMethods = Pick<IdentityStore, 'createMfaDevice' | 'getMfaDevice' | 'updateMfaDevice' | 'deleteMfaDevice' | 'listMfaDevices' | 'listVirtualMfaDevices'>;

/** Migration 009: indexes that make every page of a listing an index seek (keyset pagination). */
import type { Migration } from './index.js';

// ListVirtualMFADevices seeks (account, name, serial number).
// ListGroupsForUser seeks (account, user) and walks the user's groups in name order; this index replaces the one on
// (account, user), which it extends. The other listings already seek their unique (account, name) indexes, OUs and
// accounts their (parent, sort key) indexes.
const sqlite = `
CREATE INDEX group_members_user_group ON group_members (account_id, user_name, group_name);
CREATE INDEX mfa_devices_account_name ON mfa_devices (account_id, name, serial_number);
DROP INDEX group_members_user;
`;

const postgres = `
CREATE INDEX group_members_user_group ON group_members (account_id, lower(user_name), lower(group_name));
CREATE INDEX mfa_devices_account_name ON mfa_devices (account_id, lower(name), lower(serial_number));
DROP INDEX group_members_user;
`;

export const migration: Migration = { version: 9, name: 'keyset_indexes', sqlite, postgres };

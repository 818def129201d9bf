/** Migration 005: web console sessions, so a restart does not sign everyone out (the session itself is encrypted). */
import type { Migration } from './index.js';

// `id` is the SHA-256 of the session ID (the cookie's secret part is never stored); `data_enc` is the session as JSON,
// encrypted under the master key; `expires_at` (ms) lets expired sessions be swept.
const sqlite = `
CREATE TABLE console_sessions (
  id         TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL,
  data_enc   TEXT NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
`;

const postgres = `
CREATE TABLE console_sessions (
  id         text COLLATE "C" PRIMARY KEY,
  expires_at bigint NOT NULL,
  data_enc   text NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
`;

export const migration: Migration = { version: 5, name: 'console_sessions', sqlite, postgres };

/**
 * Credential reports: GenerateCredentialReport (STARTED when a new report is made, COMPLETE while one younger than
 * four hours exists) and GetCredentialReport (the CSV, Base64 on the wire), with AWS's columns and cell values.
 */
import { KamenError } from '../../errors.js';
import type { AccessKey, User } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { account, listAll } from './common.js';
import { getPasswordPolicy } from './password-policy.js';

/** A report is reused for four hours, then GetCredentialReport answers ReportExpired until a new one is made. */
export const REPORT_LIFETIME_MS = 4 * 3600_000;

/** The report's columns, in AWS's order. */
export const REPORT_COLUMNS: readonly string[] = [
  'user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed', 'password_next_rotation', 'mfa_active',
  'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_1_last_used_region', 'access_key_1_last_used_service',
  'access_key_2_active', 'access_key_2_last_rotated', 'access_key_2_last_used_date', 'access_key_2_last_used_region', 'access_key_2_last_used_service',
  'cert_1_active', 'cert_1_last_rotated', 'cert_2_active', 'cert_2_last_rotated',
];

const NA = 'N/A';
const NOT_SUPPORTED = 'not_supported';
const NO_INFORMATION = 'no_information';

/** ISO 8601 as the report writes it: seconds and an explicit +00:00 offset. */
export function reportTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

const bool = (b: boolean): string => (b ? 'true' : 'false');

/** The four cells of an access key slot (active, last rotated, last used date / region / service). */
function keyCells(k: AccessKey | undefined): string[] {
  if (!k) return ['false', NA, NA, NA, NA];
  const used = k.lastUsed;
  return [
    bool(k.status === 'Active'),
    k.status === 'Active' ? reportTime(k.createDate) : NA,
    used ? reportTime(used.date) : NA,
    used && used.region ? used.region : NA,
    used ? used.serviceName : NA,
  ];
}

function certCells(c: { status: string; createDate: Date } | undefined): string[] {
  if (!c) return ['false', NA];
  return [bool(c.status === 'Active'), c.status === 'Active' ? reportTime(c.createDate) : NA];
}

/** A CSV cell, quoted only when it has to be (commas, quotes or line breaks). */
function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Builds the report's CSV text for the caller's account as the store holds it now. */
export async function buildCredentialReport(ctx: OperationContext): Promise<string> {
  const acct = account(ctx);
  const store = ctx.store;
  const policy = await getPasswordPolicy(ctx, acct);
  const devices = await store.listMfaDevices(acct);
  const rows: string[][] = [];

  const root = await store.getRootUser(acct);
  const rootKeys = (await store.listAccessKeys(acct, undefined)).sort((a, b) => a.createDate.getTime() - b.createDate.getTime());
  rows.push([
    '<root_account>',
    `arn:aws:iam::${acct}:root`,
    root ? reportTime(root.createDate) : NO_INFORMATION,
    NOT_SUPPORTED,
    NO_INFORMATION,
    NOT_SUPPORTED,
    NOT_SUPPORTED,
    bool(devices.some((d) => d.enableDate !== undefined && d.userName === undefined)),
    ...keyCells(rootKeys[0]),
    ...keyCells(rootKeys[1]),
    ...certCells(undefined),
    ...certCells(undefined),
  ]);

  const users: User[] = await listAll((o) => store.listUsers(acct, o));
  for (const u of users) {
    const profile = await store.getLoginProfile(acct, u.userName);
    const keys = (await store.listAccessKeys(acct, u.userName)).sort((a, b) => a.createDate.getTime() - b.createDate.getTime());
    const certs = await store.listUserCredentials(acct, 'signing-certificate', u.userId);
    const maxAge = policy?.MaxPasswordAge ?? 0;
    rows.push([
      u.userName,
      u.arn,
      reportTime(u.createDate),
      bool(profile !== undefined),
      profile ? (u.passwordLastUsed ? reportTime(u.passwordLastUsed) : NO_INFORMATION) : NA,
      profile ? reportTime(profile.createDate) : NA,
      profile && maxAge > 0 ? reportTime(new Date(profile.createDate.getTime() + maxAge * 86_400_000)) : NA,
      bool(devices.some((d) => d.enableDate !== undefined && d.userName !== undefined && d.userName.toLowerCase() === u.userName.toLowerCase())),
      ...keyCells(keys[0]),
      ...keyCells(keys[1]),
      ...certCells(certs[0]),
      ...certCells(certs[1]),
    ]);
  }
  return [REPORT_COLUMNS.join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n');
}

interface StoredReport {
  generatedAt: number;
  csv: string;
}

function reportKey(accountId: string): string {
  return `iam.credential-report:${accountId}`;
}

async function readReport(ctx: OperationContext): Promise<StoredReport | undefined> {
  const text = await ctx.store.getSetting(reportKey(account(ctx)));
  return text === undefined ? undefined : (JSON.parse(text) as StoredReport);
}

/** The credential report operations. */
export function credentialReportOperations(): Record<string, Operation> {
  return {
    GenerateCredentialReport: async (ctx) => {
      const now = ctx.clock.now();
      return ctx.store.transaction(async () => {
        const current = await readReport(ctx);
        if (current && now - current.generatedAt < REPORT_LIFETIME_MS) return { State: 'COMPLETE' };
        const csv = await buildCredentialReport(ctx);
        await ctx.store.setSetting(reportKey(account(ctx)), JSON.stringify({ generatedAt: now, csv } satisfies StoredReport));
        return { State: 'STARTED', Description: 'No report exists. Starting a new report generation task' };
      });
    },

    GetCredentialReport: async (ctx) => {
      const report = await readReport(ctx);
      if (!report) {
        throw new KamenError('ERR_REPORT_NOT_PRESENT', 'Unable to find a credential report for this account. Use GenerateCredentialReport to generate one.');
      }
      if (ctx.clock.now() - report.generatedAt >= REPORT_LIFETIME_MS) {
        throw new KamenError('ERR_REPORT_EXPIRED', 'The most recent credential report has expired. Use GenerateCredentialReport to generate a new one.');
      }
      return { Content: Buffer.from(report.csv, 'utf8'), ReportFormat: 'text/csv', GeneratedTime: new Date(report.generatedAt) };
    },
  };
}

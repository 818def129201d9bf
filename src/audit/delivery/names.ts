/** Where CloudTrail puts a trail's files in its bucket: log file and digest file keys, and CloudTrail's time texts. */
import { randomBytes } from 'node:crypto';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `YYYY/MM/DD` of an instant (UTC). */
export function ymd(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
}

/** `YYYYMMDDTHHmmZ` (log file names). */
export function minuteStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`;
}

/** `YYYYMMDDTHHmmssZ` (digest file names: the digest's end time). */
export function secondStamp(ms: number): string {
  return minuteStamp(ms).slice(0, -1) + pad(new Date(ms).getUTCSeconds()) + 'Z';
}

/** `YYYY-MM-DDTHH:mm:ssZ` (digest times). */
export function isoSecond(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The folder of one account's files: `[prefix/]AWSLogs/[org-id/]<account>/`. */
export function accountRoot(prefix: string | undefined, accountId: string, orgId?: string): string {
  return `${prefix ? `${prefix}/` : ''}AWSLogs/${orgId ? `${orgId}/` : ''}${accountId}/`;
}

/** A log file key: `…/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 random>.json.gz`. */
export function logFileKey(root: string, accountId: string, region: string, ms: number, random = randomSuffix()): string {
  return `${root}CloudTrail/${region}/${ymd(ms)}/${accountId}_CloudTrail_${region}_${minuteStamp(ms)}_${random}.json.gz`;
}

/** A digest file key: `…/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail>_<home region>_<end>.json.gz`. */
export function digestFileKey(root: string, accountId: string, region: string, trailName: string, homeRegion: string, endMs: number): string {
  return `${root}CloudTrail-Digest/${region}/${ymd(endMs)}/${accountId}_CloudTrail-Digest_${region}_${trailName}_${homeRegion}_${secondStamp(endMs)}.json.gz`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The 16 random letters and digits that end a log file name. */
export function randomSuffix(): string {
  const b = randomBytes(16);
  let s = '';
  for (const x of b) s += ALNUM[x % ALNUM.length];
  return s;
}

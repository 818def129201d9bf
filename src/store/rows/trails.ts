/** Trail rows shared by both backends: the row shapes and their mapping to and from TrailRecord / TrailSigningKey. */
import type { SecretCipher } from '../crypto.js';
import type { TrailDelivery, TrailRecord, TrailSigningKey } from '../store.js';

export interface TrailRow {
  account_id: string;
  home_region: string;
  name: string;
  arn: string;
  config: string;
  created_at: number | string;
  position: number | string;
  delivery: string;
}

export interface SigningKeyRow {
  region: string;
  fingerprint: string;
  public_key: string;
  private_key_enc: string;
  valid_from: number | string;
  valid_to: number | string;
}

/** The configuration and logging state kept as JSON in the `config` column. */
interface TrailConfig {
  s3BucketName: string;
  s3KeyPrefix?: string;
  snsTopicName?: string;
  includeGlobalServiceEvents: boolean;
  isMultiRegionTrail: boolean;
  isOrganizationTrail: boolean;
  logFileValidationEnabled: boolean;
  isLogging: boolean;
  startLoggingTime?: number;
  stopLoggingTime?: number;
  eventSelectors?: string;
}

interface DeliveryJson extends Omit<TrailDelivery, 'lastDeliveryTime' | 'lastDigestDeliveryTime'> {
  lastDeliveryTime?: number;
  lastDigestDeliveryTime?: number;
}

const ms = (d: Date | undefined): number | undefined => (d ? d.getTime() : undefined);

/** The columns of a trail, in the order account, region, name, arn, config, created_at, position, delivery. */
export function trailColumns(t: TrailRecord): [string, string, string, string, string, number, number, string] {
  const config: TrailConfig = {
    s3BucketName: t.s3BucketName,
    s3KeyPrefix: t.s3KeyPrefix,
    snsTopicName: t.snsTopicName,
    includeGlobalServiceEvents: t.includeGlobalServiceEvents,
    isMultiRegionTrail: t.isMultiRegionTrail,
    isOrganizationTrail: t.isOrganizationTrail,
    logFileValidationEnabled: t.logFileValidationEnabled,
    isLogging: t.isLogging,
    startLoggingTime: ms(t.startLoggingTime),
    stopLoggingTime: ms(t.stopLoggingTime),
    eventSelectors: t.eventSelectors,
  };
  const d = t.delivery;
  const delivery: DeliveryJson = { ...d, lastDeliveryTime: ms(d.lastDeliveryTime), lastDigestDeliveryTime: ms(d.lastDigestDeliveryTime) };
  return [t.accountId, t.homeRegion, t.name, t.arn, JSON.stringify(config), t.createdAt.getTime(), t.position, JSON.stringify(delivery)];
}

/** Converts a row to the trail it stores. */
export function trailFromRow(r: TrailRow): TrailRecord {
  const c = JSON.parse(r.config) as TrailConfig;
  const d = JSON.parse(r.delivery) as DeliveryJson;
  const t: TrailRecord = {
    accountId: r.account_id,
    homeRegion: r.home_region,
    name: r.name,
    arn: r.arn,
    s3BucketName: c.s3BucketName,
    includeGlobalServiceEvents: c.includeGlobalServiceEvents,
    isMultiRegionTrail: c.isMultiRegionTrail,
    isOrganizationTrail: c.isOrganizationTrail,
    logFileValidationEnabled: c.logFileValidationEnabled,
    isLogging: c.isLogging,
    createdAt: new Date(Number(r.created_at)),
    position: Number(r.position),
    delivery: { chains: d.chains ?? {} },
  };
  if (c.s3KeyPrefix !== undefined) t.s3KeyPrefix = c.s3KeyPrefix;
  if (c.snsTopicName !== undefined) t.snsTopicName = c.snsTopicName;
  if (c.startLoggingTime !== undefined) t.startLoggingTime = new Date(c.startLoggingTime);
  if (c.stopLoggingTime !== undefined) t.stopLoggingTime = new Date(c.stopLoggingTime);
  if (c.eventSelectors !== undefined) t.eventSelectors = c.eventSelectors;
  if (d.lastDeliveryTime !== undefined) t.delivery.lastDeliveryTime = new Date(d.lastDeliveryTime);
  if (d.lastDeliveryError !== undefined) t.delivery.lastDeliveryError = d.lastDeliveryError;
  if (d.lastDigestDeliveryTime !== undefined) t.delivery.lastDigestDeliveryTime = new Date(d.lastDigestDeliveryTime);
  if (d.lastDigestDeliveryError !== undefined) t.delivery.lastDigestDeliveryError = d.lastDigestDeliveryError;
  return t;
}

/** The columns of a signing key (private key encrypted), in table order. */
export function signingKeyColumns(k: TrailSigningKey, cipher: SecretCipher): [string, string, string, string, number, number] {
  return [k.region, k.fingerprint, k.publicKey, cipher.encrypt(k.privateKey), k.validFrom.getTime(), k.validTo.getTime()];
}

/** Converts a row to the signing key (private key decrypted). */
export function signingKeyFromRow(r: SigningKeyRow, cipher: SecretCipher): TrailSigningKey {
  return {
    region: r.region,
    fingerprint: r.fingerprint,
    publicKey: r.public_key,
    privateKey: cipher.decrypt(r.private_key_enc),
    validFrom: new Date(Number(r.valid_from)),
    validTo: new Date(Number(r.valid_to)),
  };
}

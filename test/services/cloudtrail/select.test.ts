/** Which events a trail delivers and into which region folder: account / organization, region, global events, selectors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliverable, regionFor } from '../../../src/audit/delivery/select.js';
import type { TrailRecord } from '../../../src/store/store.js';
import { readVectors } from '../../helpers/paths.js';

interface Case {
  name: string;
  trail: Partial<TrailRecord>;
  event: { accountId: string; region: string; source: string; readOnly?: boolean };
  folder: string | null;
}

const base: TrailRecord = {
  accountId: '111111111111',
  homeRegion: 'eu-west-1',
  name: 't',
  arn: 'arn:aws:cloudtrail:eu-west-1:111111111111:trail/t',
  s3BucketName: 'b',
  includeGlobalServiceEvents: true,
  isMultiRegionTrail: false,
  isOrganizationTrail: false,
  logFileValidationEnabled: false,
  isLogging: true,
  createdAt: new Date(0),
  position: 0,
  delivery: { chains: {} },
};
const org = new Set(['111111111111', '222222222222']);

test('regionFor follows the trail\'s scope and selectors', () => {
  for (const c of readVectors<Case[]>('cloudtrail', 'select.json')) {
    const record = JSON.stringify({ awsRegion: c.event.region, eventSource: c.event.source, managementEvent: true });
    const e = deliverable({ accountId: c.event.accountId, eventId: 'x', eventTime: new Date(0), eventName: 'X', eventSource: c.event.source, readOnly: c.event.readOnly ?? true, resources: [], record });
    assert.equal(regionFor({ ...base, ...c.trail }, e, org) ?? null, c.folder, c.name);
  }
});

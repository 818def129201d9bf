/** The CloudTrail service (AWS JSON 1.1): the account's event history (LookupEvents), trails and their public keys. */
import type { ServiceDefinition, ServiceDeps } from '../types.js';
import { lookupEvents } from './lookup-events.js';
import { createTrail, deleteTrail, updateTrail } from './trails.js';
import { describeTrails, getTrail, listTrails } from './trail-queries.js';
import { getTrailStatus, startLogging, stopLogging } from './logging.js';
import { listPublicKeys } from './public-keys.js';
import { getEventSelectors, putEventSelectors } from './event-selectors.js';

export { HISTORY_DAYS } from './lookup-events.js';

/** Builds the CloudTrail ServiceDefinition. */
export function createCloudTrailService(_deps: ServiceDeps = {}): ServiceDefinition {
  return {
    name: 'cloudtrail',
    protocol: 'json',
    operations: {
      LookupEvents: lookupEvents(),
      CreateTrail: createTrail(),
      UpdateTrail: updateTrail(),
      DeleteTrail: deleteTrail(),
      DescribeTrails: describeTrails(),
      GetTrail: getTrail(),
      ListTrails: listTrails(),
      GetTrailStatus: getTrailStatus(),
      StartLogging: startLogging(),
      StopLogging: stopLogging(),
      ListPublicKeys: listPublicKeys(),
      PutEventSelectors: putEventSelectors(),
      GetEventSelectors: getEventSelectors(),
    },
  };
}

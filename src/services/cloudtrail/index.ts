/** The CloudTrail service (AWS JSON 1.1): the account's event history (LookupEvents). */
import type { ServiceDefinition, ServiceDeps } from '../types.js';
import { lookupEvents } from './lookup-events.js';

export { HISTORY_DAYS } from './lookup-events.js';

/** Builds the CloudTrail ServiceDefinition. */
export function createCloudTrailService(_deps: ServiceDeps = {}): ServiceDefinition {
  return {
    name: 'cloudtrail',
    protocol: 'json',
    operations: {
      LookupEvents: lookupEvents(),
    },
  };
}

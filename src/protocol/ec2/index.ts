/** The EC2 Query dialect codec: capitalized locationName/queryName inputs, flattened lists, `<item>` outputs. */
import type { Codec } from '../index.js';
import type { ServiceModel } from '../model.js';
import { createXmlCodec } from '../query/index.js';

/** Builds the EC2 codec for `model`. */
export function createEc2Codec(model: ServiceModel): Codec {
  return createXmlCodec(model, 'ec2');
}

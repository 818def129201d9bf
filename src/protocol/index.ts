/** The protocol layer: model-driven wire codecs (Query, EC2, JSON 1.1) behind one Codec interface. */
import { createEc2Codec } from './ec2/index.js';
import { createJsonCodec } from './json/index.js';
import type { ServiceModel } from './model.js';
import { createQueryCodec } from './query/index.js';

export type { ServiceModel, ServiceId, Shape, ShapeRef, OperationModel } from './model.js';
export { loadServiceModel } from './model.js';
export { wireError, WIRE_ERROR_CODES } from './wire-errors.js';
export { requestParams, parseUrlEncoded } from './form.js';

/** An HTTP request as the codecs see it. */
export interface WireRequest {
  method: string;
  /** raw query string (with or without the leading '?') */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** An HTTP response a codec produced. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One service's wire format. */
export interface Codec {
  protocol: 'query' | 'ec2' | 'json';
  /** The operation name without parsing the input (for routing/authorization before validation); undefined if absent. */
  operationName(req: WireRequest): string | undefined;
  /** Parses and validates input for an operation; throws KamenError. */
  parseInput(operation: string, req: WireRequest): Record<string, unknown>;
  renderResult(operation: string, output: unknown, requestId: string): WireResponse;
  /** KamenError → its wire form; anything else → InternalFailure 500 (message not leaked). */
  renderError(err: unknown, requestId: string): WireResponse;
  /** True when the operation is in the model. */
  hasOperation(operation: string): boolean;
}

/** Builds the codec for a model's protocol. */
export function createCodec(model: ServiceModel): Codec {
  switch (model.metadata.protocol) {
    case 'query':
      return createQueryCodec(model);
    case 'ec2':
      return createEc2Codec(model);
    case 'json':
      return createJsonCodec(model);
    default:
      throw new Error(`unsupported protocol ${String(model.metadata.protocol)}`);
  }
}

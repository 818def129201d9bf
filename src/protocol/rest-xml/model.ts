/** The REST-XML view of a generated model (src/protocol/models/s3.json): HTTP bindings of operations and members. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A member reference with its HTTP binding. */
export interface RestRef {
  shape: string;
  locationName?: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  flattened?: boolean;
  xmlAttribute?: boolean;
  streaming?: boolean;
  timestampFormat?: string;
  xmlNamespace?: { uri?: string; prefix?: string };
}

/** A shape of the REST-XML model. */
export interface RestShape {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'blob' | 'double' | 'float';
  members?: Record<string, RestRef>;
  required?: string[];
  member?: RestRef;
  key?: RestRef;
  value?: RestRef;
  locationName?: string;
  flattened?: boolean;
  timestampFormat?: string;
  payload?: string;
  streaming?: boolean;
  enum?: string[];
  min?: number;
  max?: number;
}

/** An operation's HTTP binding and shapes. */
export interface RestOperation {
  http: { method: string; requestUri: string; responseCode?: number };
  input?: string;
  output?: string;
  errors?: string[];
}

/** A REST-XML service model. */
export interface RestModel {
  metadata: { apiVersion: string; protocol: 'rest-xml'; signingName?: string; endpointPrefix?: string; serviceId?: string };
  operations: Record<string, RestOperation>;
  shapes: Record<string, RestShape>;
}

/** Reads the generated REST-XML model `name` (call once at start-up). */
export function loadRestModel(name: 's3'): RestModel {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, '..', 'models'), path.resolve(here, '..', '..', '..', '..', 'src', 'protocol', 'models')];
  for (const c of candidates) {
    const file = path.join(c, `${name}.json`);
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as RestModel;
  }
  throw new Error(`protocol model ${name} not found (run npm run gen:models)`);
}

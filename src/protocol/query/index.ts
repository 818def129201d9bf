/** The AWS Query protocol codec (IAM, STS) and its EC2 dialect, driven by the service model. */
import { KamenError } from '../../errors.js';
import { requestParams } from '../form.js';
import type { Codec, WireRequest, WireResponse } from '../index.js';
import type { ServiceModel } from '../model.js';
import { arnParamsOf, checkArnParams } from '../arn-params.js';
import { iamPathRules } from '../iam-paths.js';
import { PatternCache, showsValues, validateValue, validationMessage } from '../validate.js';
import { wireError } from '../wire-errors.js';
import { type Dialect, ParamDecoder, XmlRenderer, missingAction, xmlEscape } from '../xml.js';

const INTERNAL_MESSAGE = 'The request processing has failed because of an unknown error, exception or failure.';

/** Builds a Query (IAM/STS) or EC2 codec for `model`. */
export function createXmlCodec(model: ServiceModel, dialect: Dialect): Codec {
  const decoder = new ParamDecoder(model, dialect);
  const renderer = new XmlRenderer(model);
  const patterns = new PatternCache();
  const showValues = showsValues(model.metadata.endpointPrefix);
  const paths = iamPathRules(model);
  const ns = dialect === 'ec2' ? model.metadata.xmlNamespace!.replace(/\/?$/, '/') : model.metadata.xmlNamespace!;
  const version = model.metadata.apiVersion;
  const xmlHeaders = (requestId: string): Record<string, string> => ({ 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
  const openTags = new Map<string, { head: string; tail: string }>();

  function envelope(operation: string): { head: string; tail: string } {
    let t = openTags.get(operation);
    if (!t) {
      const op = model.operations[operation];
      if (dialect === 'ec2') t = { head: `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${ns}">`, tail: `</${operation}Response>` };
      else {
        const rw = op?.output ? (op.resultWrapper ?? `${operation}Result`) : undefined;
        t = {
          head: `<${operation}Response xmlns="${ns}">` + (rw ? `<${rw}>` : ''),
          tail: (rw ? `</${rw}>` : '') + `<ResponseMetadata><RequestId>`,
        };
      }
      openTags.set(operation, t);
    }
    return t;
  }

  return {
    protocol: dialect,
    operationName(req: WireRequest): string | undefined {
      return requestParams(req)['Action'];
    },
    hasOperation(operation: string): boolean {
      return Object.prototype.hasOwnProperty.call(model.operations, operation);
    },
    parseInput(operation: string, req: WireRequest): Record<string, unknown> {
      const params = requestParams(req);
      const action = params['Action'];
      if (action === undefined || action === '') missingAction();
      if (!Object.prototype.hasOwnProperty.call(model.operations, operation) || action !== operation) {
        throw new KamenError('ERR_INVALID_ACTION', dialect === 'ec2' ? `The action ${action} is not valid for this web service.` : `Could not find operation ${action} for version ${params['Version'] ?? version}`);
      }
      const op = model.operations[operation]!;
      if (!op.input) return {};
      const errors: string[] = [];
      const input = decoder.decode(op.input, params, errors);
      if (dialect === 'ec2') {
        if (errors.length) throw new KamenError('ERR_INVALID_PARAMETER_VALUE', errors[0]!.replace(/^Value '(.*)' at '(.*)' failed.*$/s, 'Invalid value \'$1\' for $2'));
        const shape = model.shapes[op.input]!;
        for (const r of shape.required ?? []) {
          if (input[r] === undefined) {
            const ref = shape.members![r]!;
            throw new KamenError('ERR_MISSING_PARAMETER', `The request must contain the parameter ${ref.queryName ?? ref.locationName ?? r}`);
          }
        }
        return input;
      }
      validateValue(paths.model, patterns, paths.model.shapes[op.input]!, input, '', errors, showValues);
      if (errors.length) throw new KamenError('ERR_VALIDATION', validationMessage(errors));
      paths.check(operation, input);
      // ARN members AWS parses before it authorizes (malformed → 400, never NoSuchEntity/AccessDenied).
      const arnMembers = arnParamsOf(model.metadata.endpointPrefix, operation);
      if (arnMembers) checkArnParams(arnMembers, input);
      return input;
    },
    renderResult(operation: string, output: unknown, requestId: string): WireResponse {
      const op = model.operations[operation];
      const t = envelope(operation);
      const body = op?.output ? renderer.content(op.output, output ?? {}) : '';
      if (dialect === 'ec2') return { status: 200, headers: xmlHeaders(requestId), body: `${t.head}<requestId>${xmlEscape(requestId)}</requestId>${body}${t.tail}` };
      return {
        status: 200,
        headers: xmlHeaders(requestId),
        body: `${t.head}${body}${t.tail}${xmlEscape(requestId)}</RequestId></ResponseMetadata></${operation}Response>`,
      };
    },
    renderError(err: unknown, requestId: string): WireResponse {
      const known = err instanceof KamenError;
      const w = wireError(known ? err.code : 'ERR_INTERNAL', dialect, known ? err.extra : undefined);
      const message = xmlEscape(known ? err.message : INTERNAL_MESSAGE);
      const rid = xmlEscape(requestId);
      if (dialect === 'ec2') {
        return {
          status: w.status,
          headers: xmlHeaders(requestId),
          body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${w.code}</Code><Message>${message}</Message></Error></Errors><RequestID>${rid}</RequestID></Response>`,
        };
      }
      return {
        status: w.status,
        headers: xmlHeaders(requestId),
        body: `<ErrorResponse xmlns="${ns}"><Error><Type>${w.type}</Type><Code>${w.code}</Code><Message>${message}</Message></Error><RequestId>${rid}</RequestId></ErrorResponse>`,
      };
    },
  };
}

/** The Query protocol codec (IAM, STS). */
export function createQueryCodec(model: ServiceModel): Codec {
  return createXmlCodec(model, 'query');
}

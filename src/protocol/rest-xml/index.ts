/** The REST-XML protocol (S3): operation resolution, input parsing and output rendering, all driven by the model. */
export { loadRestModel, type RestModel, type RestShape, type RestRef, type RestOperation } from './model.js';
export { createOperationResolver, type OperationResolver, type PathKind } from './resolve.js';
export { parseRestInput, malformed, type RestRequestParts } from './parse.js';
export { renderRestOutput, xmlDocument, errorDocument, S3_XMLNS, type RestResponse } from './render.js';
export { parseXml, XmlSyntaxError, type XmlElement } from './xml-parse.js';

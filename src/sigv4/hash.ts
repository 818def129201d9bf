/** SHA-256 hex digests via node's one-shot crypto.hash (about 3x cheaper than createHash for small inputs). */
import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string | Buffer, encoding: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** Lowercase hex SHA-256 of a UTF-8 string or bytes; falls back to createHash on Node < 20.12. */
export const sha256Hex: (data: string | Buffer) => string =
  typeof oneShot === 'function'
    ? (data) => oneShot('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

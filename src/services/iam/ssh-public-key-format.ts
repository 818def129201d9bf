/**
 * SSH public keys as IAM accepts them: ssh-rsa (OpenSSH) or PEM (SPKI or PKCS#1) RSA keys of 2048 to 16384 bits,
 * parsed into one form that renders both encodings and the MD5 colon-hex fingerprint of the SSH key blob.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { KamenError } from '../../errors.js';

/** A parsed RSA public key. */
export interface ParsedSshKey {
  /** The SSH wire blob: string "ssh-rsa", mpint e, mpint n. */
  blob: Buffer;
  bits: number;
  /** `ssh-rsa <base64>` (no comment). */
  ssh: string;
  /** The SPKI PEM text. */
  pem: string;
  /** MD5 of the blob, lower-case hex pairs joined by ':'. */
  fingerprint: string;
}

export const MIN_BITS = 2048;
export const MAX_BITS = 16384;

function unrecognized(): KamenError {
  return new KamenError('ERR_UNRECOGNIZED_PUBLIC_KEY_ENCODING', 'The public key encoding format is unsupported or unrecognized.');
}

function invalid(message = 'The public key is not valid.'): KamenError {
  return new KamenError('ERR_INVALID_PUBLIC_KEY', message);
}

/** Reads the length-prefixed fields of an SSH wire blob. */
function sshFields(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < blob.length) {
    if (i + 4 > blob.length) throw invalid();
    const n = blob.readUInt32BE(i);
    if (i + 4 + n > blob.length) throw invalid();
    out.push(blob.subarray(i + 4, i + 4 + n));
    i += 4 + n;
  }
  return out;
}

function field(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** An unsigned big-endian integer as an SSH mpint (a leading zero byte when the top bit is set). */
function mpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return field(v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function unsigned(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function fromModulus(n: Buffer, e: Buffer): ParsedSshKey {
  const nn = unsigned(n);
  const bits = nn.length === 0 ? 0 : (nn.length - 1) * 8 + (32 - Math.clz32(nn[0]!));
  if (bits < MIN_BITS || bits > MAX_BITS) throw invalid(`The public key must be an RSA key of ${MIN_BITS} to ${MAX_BITS} bits.`);
  const blob = Buffer.concat([field(Buffer.from('ssh-rsa')), mpint(e), mpint(nn)]);
  let pem: string;
  try {
    const key = createPublicKey({ key: { kty: 'RSA', n: nn.toString('base64url'), e: unsigned(e).toString('base64url') }, format: 'jwk' });
    pem = String(key.export({ type: 'spki', format: 'pem' }));
  } catch {
    throw invalid();
  }
  const fingerprint = createHash('md5').update(blob).digest('hex').replace(/(..)(?!$)/g, '$1:');
  return { blob, bits, ssh: `ssh-rsa ${blob.toString('base64')}`, pem, fingerprint };
}

/** Parses an SSH public key body (ssh-rsa or PEM); throws UnrecognizedPublicKeyEncoding / InvalidPublicKey. */
export function parseSshPublicKey(body: string): ParsedSshKey {
  const text = body.trim();
  if (text.startsWith('-----BEGIN')) {
    let jwk: { kty?: string; n?: string; e?: string };
    try {
      jwk = createPublicKey({ key: text, format: 'pem' }).export({ format: 'jwk' }) as typeof jwk;
    } catch {
      throw unrecognized();
    }
    if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw unrecognized();
    return fromModulus(Buffer.from(jwk.n, 'base64url'), Buffer.from(jwk.e, 'base64url'));
  }
  const m = /^(\S+)\s+([A-Za-z0-9+/]+={0,2})(\s.*)?$/s.exec(text);
  if (!m || m[1] !== 'ssh-rsa') throw unrecognized();
  const blob = Buffer.from(m[2]!, 'base64');
  const [type, e, n, ...rest] = sshFields(blob);
  if (!type || type.toString() !== 'ssh-rsa' || !e || !n || rest.length > 0) throw invalid();
  return fromModulus(n, e);
}

/** A buffered source of cryptographically secure random bytes: one CSPRNG draw serves many small requests. */
import { randomBytes } from 'node:crypto';

/** `n` fresh random bytes (a copy the caller owns). */
export type RandomSource = (n: number) => Buffer;

/**
 * A pool refilled from crypto.randomBytes `size` bytes at a time (each draw costs a few microseconds however small,
 * as node's randomUUID also avoids); every byte is handed out once and wiped from the pool.
 */
export function createRandomPool(size = 16 * 1024): RandomSource {
  let pool = Buffer.alloc(0);
  let pos = 0;
  return (n) => {
    if (n > size / 4) return randomBytes(n);
    if (pos + n > pool.length) {
      pool = randomBytes(size);
      pos = 0;
    }
    const out = Buffer.from(pool.subarray(pos, pos + n));
    pool.fill(0, pos, pos + n);
    pos += n;
    return out;
  };
}

/**
 * AES-256-CTR keystream drawn from one long-lived cipher in large chunks: each draw XORs fresh keystream into the
 * caller's bytes and answers the counter block its first byte was made with, so a new AES-256-CTR decipher with that
 * counter block as its IV opens them. Node's cipher objects cost several microseconds to create, far more than the
 * few hundred bytes a sealed token encrypts; one cipher per chunk of many tokens pays that once. No keystream byte is
 * handed out twice: draws start on a block boundary past every earlier one, and what is drawn is wiped.
 */
import * as crypto from 'node:crypto';

const BLOCK = 16;
/** Blocks drawn from one random start before the stream starts again from a new one (far from any wrap of the space). */
const BLOCKS_PER_START = 2 ** 40;

/** A keystream source (one per sealer). */
export interface CtrKeystream {
  /** XORs `target[start, end)` with keystream never used before and returns the counter block of its first byte. */
  xorInto(target: Buffer, start: number, end: number): Buffer;
}

/** The 16-byte big-endian counter `start + blocks`, modulo 2^128 (as AES-CTR counts). */
export function addToCounter(start: Buffer, blocks: number): Buffer {
  const out = Buffer.from(start);
  let carry = blocks;
  for (let i = BLOCK - 1; i >= 0 && carry > 0; i--) {
    const sum = out[i]! + (carry % 256);
    out[i] = sum & 0xff;
    carry = Math.floor(carry / 256) + (sum >> 8);
  }
  return out;
}

/**
 * A keystream under `key` (32 bytes) from a random 16-byte start (`random`), drawn `chunkBytes` at a time (a multiple
 * of 16, at least the longest draw).
 */
export function createCtrKeystream(key: Buffer, random: (n: number) => Buffer, chunkBytes = 64 * 1024): CtrKeystream {
  if (chunkBytes % BLOCK !== 0 || chunkBytes <= 0) throw new RangeError('chunkBytes must be a positive multiple of 16');
  const zeros = Buffer.alloc(chunkBytes);
  let start = random(BLOCK);
  let cipher = crypto.createCipheriv('aes-256-ctr', key, start);
  // The chunk and a scratch for the caller's bytes, both as 32-bit words (XOR four bytes at a time: half the cost of a
  // byte loop): the scratch is aligned, where the caller's bytes need not be.
  const words = new Uint32Array(chunkBytes / 4);
  const chunk = Buffer.from(words.buffer);
  const scratchWords = new Uint32Array(chunkBytes / 4);
  const scratch = Buffer.from(scratchWords.buffer);
  /** The block index (from `start`) of the chunk's first byte, and the next unused byte in it (chunkBytes: none left). */
  let chunkBlock = -chunkBytes / BLOCK;
  let pos = chunkBytes;
  const nextChunk = (): void => {
    chunkBlock += chunkBytes / BLOCK;
    if (chunkBlock + chunkBytes / BLOCK > BLOCKS_PER_START) {
      start = random(BLOCK);
      cipher = crypto.createCipheriv('aes-256-ctr', key, start);
      chunkBlock = 0;
    }
    const fresh = cipher.update(zeros);
    fresh.copy(chunk);
    fresh.fill(0);
    pos = 0;
  };
  return {
    xorInto(target, from, to) {
      const n = to - from;
      if (n < 0 || n > chunkBytes) throw new RangeError(`a keystream draw is 0..${chunkBytes} bytes`);
      if (pos + n > chunkBytes) nextChunk();
      const counter = addToCounter(start, chunkBlock + pos / BLOCK);
      const used = Math.ceil(n / BLOCK) * BLOCK;
      target.copy(scratch, 0, from, to);
      const k = pos / 4;
      for (let i = 0, w = used / 4; i < w; i++) scratchWords[i]! ^= words[k + i]!;
      scratch.copy(target, from, 0, n);
      words.fill(0, k, k + used / 4);
      scratch.fill(0, 0, used);
      pos += used;
      return counter;
    },
  };
}

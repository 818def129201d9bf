/** The Range header of GetObject: one byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`); others are ignored as S3 does. */
import { KamenError } from '../../errors.js';

/** The inclusive byte range `header` asks of an object of `size` bytes; undefined = the whole object. */
export function parseRange(header: string, size: number): { start: number; end: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) throw unsatisfiable(header, size);
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size || size === 0) throw unsatisfiable(header, size);
  return { start, end };
}

function unsatisfiable(header: string, size: number): KamenError {
  return new KamenError('ERR_S3_INVALID_RANGE', 'The requested range is not satisfiable', { RangeRequested: header, ActualObjectSize: String(size) });
}

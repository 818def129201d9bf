/** IP operators: IpAddress and NotIpAddress, IPv4 and IPv6 CIDR blocks, parsed once. */
import type { OperatorDef, CompiledValues } from './types.js';

/** A parsed address: version and 128-bit value (IPv4 in the low 32 bits). */
interface Addr {
  v6: boolean;
  n: bigint;
}

function parseV4(s: string): bigint | undefined {
  const p = s.split('.');
  if (p.length !== 4) return undefined;
  let n = 0n;
  for (const x of p) {
    if (!/^\d{1,3}$/.test(x) || Number(x) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(x));
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  let str = s;
  let tail: bigint | undefined;
  let tailGroups = 0;
  const lastColon = str.lastIndexOf(':');
  if (str.includes('.') && lastColon >= 0) {
    tail = parseV4(str.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    str = str.slice(0, lastColon + 1) + '0:0';
    tailGroups = 2;
  }
  const halves = str.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string) => (h === '' ? [] : h.split(':'));
  const a = parse(halves[0]!);
  const b = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - a.length - b.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...a, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...b];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail !== undefined && tailGroups) n = (n & ~0xffffffffn) | tail;
  return n;
}

/** Parses an IPv4 or IPv6 address. */
export function parseIp(s: string): Addr | undefined {
  const t = s.trim();
  if (t.includes(':')) {
    const n = parseV6(t);
    return n === undefined ? undefined : { v6: true, n };
  }
  const n = parseV4(t);
  return n === undefined ? undefined : { v6: false, n };
}

/** A CIDR block as (version, network, mask). */
interface Cidr {
  v6: boolean;
  net: bigint;
  mask: bigint;
}

/** Parses "a.b.c.d/n", "x::/n" or a bare address (a /32 or /128). */
export function parseCidr(s: string): Cidr | undefined {
  const [addr, bits, extra] = s.trim().split('/');
  if (extra !== undefined) return undefined;
  const a = parseIp(addr ?? '');
  if (!a) return undefined;
  const width = a.v6 ? 128 : 32;
  const len = bits === undefined ? width : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(len >= 0 && len <= width)) return undefined;
  const all = (1n << BigInt(width)) - 1n;
  const mask = len === 0 ? 0n : (all >> BigInt(width - len)) << BigInt(width - len);
  return { v6: a.v6, net: a.n & mask, mask };
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is compared as IPv4. */
function normalize(a: Addr): Addr {
  if (a.v6 && a.n >> 32n === 0xffffn) return { v6: false, n: a.n & 0xffffffffn };
  return a;
}

function ip(values: string[]): CompiledValues | string {
  const cidrs: Cidr[] = [];
  for (const v of values) {
    const c = parseCidr(v);
    if (!c) return `Invalid IP address in condition: ${v}`;
    cidrs.push(c);
  }
  return {
    test: (v) => {
      const raw = parseIp(v);
      if (!raw) return false;
      const a = normalize(raw);
      for (const c of cidrs) if (c.v6 === a.v6 && (a.n & c.mask) === c.net) return true;
      return false;
    },
  };
}

/** The IP address operator family. */
export const ipOperators: OperatorDef[] = [
  { name: 'IpAddress', negated: false, compile: ip },
  { name: 'NotIpAddress', negated: true, compile: ip },
];

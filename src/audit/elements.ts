/**
 * requestParameters and responseElements as CloudTrail writes them: API member names in lowerCamelCase, the result
 * wrapper dropped, dates as IAM prints them in events ("Oct 6, 2021, 10:18:50 PM"), and every secret omitted where AWS
 * omits it: secret access keys, session tokens, passwords, MFA seeds and codes, SAML assertions and web identity tokens,
 * private keys and service passwords never reach a record.
 */

/** Member names (lowerCamelCase, compared in lower case) whose values are secrets: dropped from every record. */
const SECRET_MEMBERS: ReadonlySet<string> = new Set(
  [
    'secretAccessKey',
    'sessionToken',
    'password',
    'newPassword',
    'oldPassword',
    'base32StringSeed',
    'qRCodePNG',
    'authenticationCode1',
    'authenticationCode2',
    'tokenCode',
    'sAMLAssertion',
    'samlAssertion',
    'webIdentityToken',
    'privateKey',
    'servicePassword',
    'servicePasswordValue',
    'serviceSpecificCredential.servicePassword',
  ].map((s) => s.toLowerCase()),
);

/** True when a member of this name holds a secret. */
export function isSecretMember(name: string): boolean {
  return SECRET_MEMBERS.has(name.toLowerCase());
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A date as CloudTrail prints dates inside IAM/STS responseElements: `Oct 6, 2021, 10:18:50 PM` (UTC). */
export function eventDate(d: Date): string {
  const h = d.getUTCHours();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** `UserName` → `userName`. */
function lowerCamel(name: string): string {
  return name.length === 0 ? name : name[0]!.toLowerCase() + name.slice(1);
}

/** How a member is recorded: its JSON name and colon, and the name that differs only in its first letter's case. */
interface RecordName {
  prefix: string;
  /** The member name recorded the same way (undefined when the first character has no case). */
  variant: string | undefined;
}

/** Member names seen so far → how they are recorded, or null for a secret (bounded: map keys can be anyone's). */
const RECORD_NAMES = new Map<string, RecordName | null>();
const RECORD_NAMES_MAX = 4096;

/** How a member is recorded, or null when its value is a secret. */
function recordName(member: string): RecordName | null {
  const hit = RECORD_NAMES.get(member);
  if (hit !== undefined) return hit;
  const camel = lowerCamel(member);
  let name: RecordName | null = null;
  if (!isSecretMember(camel)) {
    const first = member.slice(0, 1);
    const swapped = first === first.toLowerCase() ? first.toUpperCase() : first.toLowerCase();
    name = { prefix: JSON.stringify(camel) + ':', variant: swapped === first ? undefined : swapped + member.slice(1) };
  }
  if (RECORD_NAMES.size < RECORD_NAMES_MAX) RECORD_NAMES.set(member, name);
  return name;
}

/** Characters a JSON string holds as they are: printable ASCII but the quote and the backslash. */
const PLAIN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A string as JSON text (most are plain ASCII, quoted without JSON.stringify's call). */
function quote(s: string): string {
  return PLAIN_JSON.test(s) ? '"' + s + '"' : JSON.stringify(s);
}

/** The second of the last date eventDate printed, and its text (a response's times repeat within a second). */
let lastDate = { second: NaN, text: '', raw: '' };

/** A date's text as eventDate prints it, remembered for its second as elementsJson remembers it. */
function dateText(d: Date): { text: string; raw: string } {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastDate.second) {
    const raw = eventDate(d);
    lastDate = { second, text: quote(raw), raw };
  }
  return lastDate;
}

/**
 * A model-shaped value in CloudTrail's form as JSON text, secrets omitted; undefined when nothing is left. Written
 * directly, without an intermediate object: recording a call's parameters is on every request's path.
 */
function elementsJson(value: unknown, depth: number): string | undefined {
  if (typeof value === 'string') return quote(value);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') return JSON.stringify(value);
  // The text shows the second: every date within it prints the same.
  if (value instanceof Date) return dateText(value).text;
  if (value instanceof Uint8Array) return undefined;
  if (Array.isArray(value)) {
    let s = '[';
    for (const v of value) {
      const e = elementsJson(v, depth + 1);
      if (e !== undefined) s += s.length > 1 ? ',' + e : e;
    }
    return s + ']';
  }
  if (depth > 16) return undefined;
  return objectJson(value as Record<string, unknown>, depth);
}

/** An object's JSON text (elementsJson); `first.end` is set to where its first member ends, when it has one. */
function objectJson(o: Record<string, unknown>, depth: number, first?: { end: number }): string {
  let s = '';
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    const name = recordName(k);
    if (name === null) continue;
    if (name.variant !== undefined && Object.hasOwn(o, name.variant)) {
      // Written member by member again: no first member is marked (the object stays in one part).
      if (first) first.end = -1;
      return clashingObjectJson(o, depth);
    }
    const e = elementsJson(o[k], depth + 1);
    if (e === undefined) continue;
    if (s === '') {
      s = name.prefix + e;
      if (first) first.end = s.length + 1;
    } else s += ',' + name.prefix + e;
  }
  return '{' + s + '}';
}

/**
 * An object two of whose members differ only in their first letter's case, so they record under one name: the later
 * value, in the earlier's place (as assigning both to one object would).
 */
function clashingObjectJson(o: Record<string, unknown>, depth: number): string {
  const names: string[] = [];
  const parts: string[] = [];
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    const name = recordName(k);
    if (name === null) continue;
    const e = elementsJson(o[k], depth + 1);
    if (e === undefined) continue;
    const at = names.indexOf(name.prefix);
    if (at >= 0) parts[at] = name.prefix + e;
    else {
      names.push(name.prefix);
      parts.push(name.prefix + e);
    }
  }
  return '{' + parts.join(',') + '}';
}

/** requestParameters as JSON text: the parsed input in CloudTrail's form, or null when the call had none. */
export function requestParametersJson(input: Record<string, unknown> | undefined): string {
  if (!input) return 'null';
  return objectOrNull(input, elementsJson(input, 0));
}

/**
 * responseElements as JSON text: the operation's output in CloudTrail's form (null for reads and for outputs with
 * nothing to show).
 */
export function responseElementsJson(output: unknown, readOnly: boolean): string {
  const [head, rest] = responseElementsParts(output, readOnly);
  return head + rest;
}

/**
 * responseElementsJson in two parts, `[head, rest]`, whose concatenation it is: the head ends with the object's first
 * member (an issuing call's credentials: a new key and expiration each call), the rest ('' when nothing follows) is
 * what a client's repeated calls repeat (the role session), so a batch of rows carries it once (event-row.ts).
 */
export function responseElementsParts(output: unknown, readOnly: boolean): [string, string] {
  if (readOnly && !ISSUES_CREDENTIALS_OUTPUT(output)) return ['null', ''];
  const first = { end: -1 };
  const e = objectOrNull(output, isRecord(output) ? objectJson(output, 0, first) : undefined);
  return first.end < 0 || first.end >= e.length - 1 ? [e, ''] : [e.slice(0, first.end), e.slice(first.end)];
}

/**
 * An element's JSON text `e` when `value` is an object with members, else null: what a record shows for nothing.
 * Told from the value, not from the text's first character: reading that flattens the text, which was built by
 * concatenation, on the event loop.
 */
function objectOrNull(value: unknown, e: string | undefined): string {
  return e === undefined || e === '{}' || !isRecord(value) ? 'null' : e;
}

/** True for an object with members of its own (not a list, a date or bytes). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}

/** STS issuing calls are read-only in CloudTrail, yet record their credentials (access key ID and expiration). */
function ISSUES_CREDENTIALS_OUTPUT(output: unknown): boolean {
  return typeof output === 'object' && output !== null && 'Credentials' in output;
}

/** Markers in a value's tokens (see tokensOf): objects of their own, so no member value is one of them. */
const OPEN_OBJECT = {};
const OPEN_LIST = {};
const CLOSE = {};
const DATE = {};
/** Stands for a member whose value is not compared: a secret (never recorded), or the first member (ElementsMemo). */
const NOT_COMPARED = {};

/**
 * Appends to `out` what `value`'s JSON text (elementsJson) is made of: its member names in order, its scalars, its
 * dates' times, and a marker for each secret member (its value is never recorded, so it is not kept either) and for the
 * top-level member named `skip`. Two values with the same tokens have the same text but for `skip`'s member. False
 * for a value whose text is not told by its tokens (bytes, or nested deeper than elementsJson writes).
 */
function tokensOf(value: unknown, out: Tokens, depth: number, skip?: string): boolean {
  if (value === null || typeof value !== 'object') {
    out.push(value);
    return true;
  }
  if (value instanceof Date) {
    out.push(DATE);
    out.push(value.getTime());
    return true;
  }
  if (value instanceof Uint8Array || depth > 16) return false;
  if (Array.isArray(value)) {
    out.push(OPEN_LIST);
    for (const v of value) if (!tokensOf(v, out, depth + 1)) return false;
    out.push(CLOSE);
    return true;
  }
  out.push(OPEN_OBJECT);
  const o = value as Record<string, unknown>;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    out.push(k);
    if (k === skip || recordName(k) === null) out.push(NOT_COMPARED);
    else if (!tokensOf(o[k], out, depth + 1)) return false;
  }
  out.push(CLOSE);
  return true;
}

/**
 * Where tokensOf writes a call's tokens: one array written over from its start each call (its room kept), so comparing
 * a call's tokens with the last call's allocates nothing; they are copied out only to be kept (kept()).
 */
class Tokens {
  readonly #items: unknown[] = [];
  length = 0;

  /** Starts the list afresh. */
  clear(): this {
    this.length = 0;
    return this;
  }

  push(v: unknown): void {
    this.#items[this.length++] = v;
  }

  /** True when the list holds the tokens `kept`. */
  same(kept: readonly unknown[]): boolean {
    if (this.length !== kept.length) return false;
    const items = this.#items;
    for (let i = 0; i < kept.length; i++) if (items[i] !== kept[i]) return false;
    return true;
  }

  /** A copy of the list, to keep. */
  kept(): unknown[] {
    return this.#items.slice(0, this.length);
  }
}

/** One operation's last rendered elements (ElementsMemo). */
interface MemoEntry {
  params: unknown[] | undefined;
  paramsJson: string;
  /** The tokens of the last response split in two, but for its first member, and its rest. */
  rest: unknown[] | undefined;
  restJson: string;
  /** How the first member's text is made, when it is an object of plain texts and dates (headTemplate). */
  head: HeadTemplate | undefined;
}

/** How a head template's member is written: left out (a secret), a plain text, or a date. */
const SECRET_MEMBER = 0;
const PLAIN_MEMBER = 1;
const DATE_MEMBER = 2;

/**
 * The text of a response's head, `{"<first member>":{…}` (responseElementsParts), for a first member whose value is an
 * object of secrets, plain texts and dates, as the last call's was: its members' names in order, how each is written,
 * and the text between their values. An issuing call's credentials are such an object, new every call, and making
 * their text from the template's pieces (headText) writes no JSON on the event loop.
 */
export interface HeadTemplate {
  /** The first member's name. */
  member: string;
  keys: string[];
  kinds: number[];
  /** The text before the first written value, between each two, and after the last. */
  pieces: string[];
}

/** The head template of a first member `member` whose value is `value`, if it can have one (exported for its tests). */
export function headTemplate(member: string, value: unknown): HeadTemplate | undefined {
  const name = recordName(member);
  if (name === null) return undefined;
  if (!isRecord(value)) return undefined;
  const keys: string[] = [];
  const kinds: number[] = [];
  const pieces: string[] = [];
  let text = '{' + name.prefix + '{';
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    keys.push(k);
    const n = recordName(k);
    if (n === null) {
      kinds.push(SECRET_MEMBER);
      continue;
    }
    if (n.variant !== undefined && Object.hasOwn(value, n.variant)) return undefined;
    const v = value[k];
    // Whether a text needs escaping is told per call (headText).
    if (typeof v === 'string') kinds.push(PLAIN_MEMBER);
    else if (v instanceof Date) kinds.push(DATE_MEMBER);
    else return undefined;
    pieces.push(text + (pieces.length > 0 ? ',' : '') + n.prefix + '"');
    text = '"';
  }
  pieces.push(text + '}');
  return { member, keys, kinds, pieces };
}

/**
 * The head's text for `value` by template `t` (as objectJson writes it: '{', the member's name, the value's members but
 * its secrets), or undefined when `value`'s members are not the template's (by name, in order) or one is not written
 * as the template's is. A few pieces joined: flattening them to write the row costs far less than a text written
 * member by member.
 */
export function headText(t: HeadTemplate, value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  let text = t.pieces[0]!;
  let i = 0;
  let written = 0;
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    if (k !== t.keys[i]) return undefined;
    const kind = t.kinds[i++];
    if (kind === SECRET_MEMBER) continue;
    const v = value[k];
    if (kind === PLAIN_MEMBER) {
      if (typeof v !== 'string' || !PLAIN_JSON.test(v)) return undefined;
      text += v;
    } else {
      if (!(v instanceof Date)) return undefined;
      const raw = dateText(v).raw;
      if (!PLAIN_JSON.test(raw)) return undefined;
      text += raw;
    }
    text += t.pieces[++written]!;
  }
  return i === t.keys.length ? text : undefined;
}

/** Operations an ElementsMemo remembers at most (it starts afresh past this). */
const MEMO_OPERATIONS = 512;

/**
 * requestParametersJson and responseElementsParts, remembering each operation's last text: a client's repeated calls
 * repeat their parameters, and an issuing call's response differs from the last only in its first member (the new
 * credentials), so an equal value (by tokensOf) reuses the text, and the rows that carry it (event-row.ts) see the same
 * string as the row before. Secrets are neither compared nor kept: they are never in the text.
 */
export class ElementsMemo {
  readonly #entries = new Map<string, MemoEntry>();
  /** Each call's tokens, compared with the last call's. */
  readonly #tokens = new Tokens();

  #entry(operation: string): MemoEntry {
    let e = this.#entries.get(operation);
    if (e === undefined) {
      if (this.#entries.size >= MEMO_OPERATIONS) this.#entries.clear();
      this.#entries.set(operation, (e = { params: undefined, paramsJson: '', rest: undefined, restJson: '', head: undefined }));
    }
    return e;
  }

  /** requestParametersJson(input), for a call of `operation`. */
  requestParameters(operation: string, input: Record<string, unknown> | undefined): string {
    if (!input) return 'null';
    const e = this.#entry(operation);
    const t = this.#tokens.clear();
    const told = tokensOf(input, t, 0);
    if (told && e.params !== undefined && t.same(e.params)) return e.paramsJson;
    e.paramsJson = requestParametersJson(input);
    e.params = told ? t.kept() : undefined;
    return e.paramsJson;
  }

  /**
   * responseElementsParts(output, readOnly), for a call of `operation`; a repeated response's head is made from its
   * first member's template (headText).
   */
  responseParts(operation: string, output: unknown, readOnly: boolean): [string, string] {
    if (!isRecord(output) || (readOnly && !ISSUES_CREDENTIALS_OUTPUT(output))) return responseElementsParts(output, readOnly);
    // The first member, when it is recorded (then the response's text is it, and the rest).
    let first: string | undefined;
    for (const k in output) {
      if (!Object.hasOwn(output, k)) continue;
      first = k;
      break;
    }
    const name = first === undefined ? null : recordName(first);
    const value = first === undefined ? undefined : output[first];
    if (name === null || value === undefined || value === null || value instanceof Uint8Array) return responseElementsParts(output, readOnly);
    const e = this.#entry(operation);
    const t = this.#tokens.clear();
    const told = tokensOf(output, t, 0, first);
    if (told && e.rest !== undefined && t.same(e.rest)) {
      const head = e.head !== undefined && e.head.member === first ? headText(e.head, value) : undefined;
      if (head !== undefined) return [head, e.restJson];
      e.head = headTemplate(first!, value);
      return ['{' + name.prefix + elementsJson(value, 1)!, e.restJson];
    }
    const parts = responseElementsParts(output, readOnly);
    // Only a response split in two is remembered (one with members that clash in case stays whole).
    e.rest = told && parts[1] !== '' ? t.kept() : undefined;
    e.restJson = parts[1];
    return parts;
  }
}

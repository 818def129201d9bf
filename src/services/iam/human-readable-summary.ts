/**
 * IAM GetHumanReadableSummary for delegation requests: AWS writes the text with a language model; kamen answers a
 * deterministic English paragraph built from the request (who asks, which account, what the policy grants, for how
 * long, its state and expiry), authorized and scoped exactly as GetDelegationRequest.
 */
import { KamenError } from '../../errors.js';
import type { Operation } from '../types.js';
import { effectiveState, noDelegation, readableDelegation, type Delegation, type DelegationState } from './delegation-model.js';

/** The locales of the AWS Management Console's supported languages (Locale's accepted values). */
export const SUMMARY_LOCALES: ReadonlySet<string> = new Set(['en-US', 'de-DE', 'es-ES', 'fr-FR', 'id-ID', 'it-IT', 'ja-JP', 'ko-KR', 'pt-BR', 'tr-TR', 'zh-CN', 'zh-TW']);
/** The only language kamen writes summaries in (the Locale it answers). */
export const SUMMARY_LOCALE = 'en-US';
/** The longest SummaryContent the model allows. */
const MAX_SUMMARY = 10_000;

/**
 * What the summary is authorized on: GetDelegationRequest's permission suffices (the API reference: whoever may get a
 * request may get its summary), and an explicit Deny of either action refuses.
 */
const SUMMARY_ACTIONS = ['iam:GetHumanReadableSummary', 'iam:GetDelegationRequest'] as const;

const DELEGATION_ARN = /^arn:aws:iam::(\d{12}):delegation-request\/([\w-]{16,128})$/;

/** The delegation request an EntityArn names ({account, id}), or undefined for any other entity. */
export function parseDelegationRequestArn(arn: string): { account: string; id: string } | undefined {
  const m = DELEGATION_ARN.exec(arn);
  return m ? { account: m[1]!, id: m[2]! } : undefined;
}

const STATE_TEXT: Record<DelegationState, string> = {
  UNASSIGNED: 'has not been associated with an owner yet',
  ASSIGNED: 'is assigned to an owner and awaits review',
  PENDING_APPROVAL: 'is pending approval',
  ACCEPTED: 'has been approved, and its token has not been sent to the requester yet',
  FINALIZED: 'has been approved and its token sent to the requester',
  REJECTED: 'has been rejected',
  EXPIRED: 'has expired',
};

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "1 hour 30 minutes", "15 minutes", "45 seconds". */
function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const parts = [h ? part(h, 'hour') : '', m ? part(m, 'minute') : '', s ? part(s, 'second') : ''].filter(Boolean);
  return parts.length ? parts.join(' ') : '0 seconds';
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Actions grouped by service prefix: "ec2 (DescribeRegions, DescribeVpcs)"; "*" is every action of every service. */
function actionsText(actions: readonly string[]): string {
  if (actions.includes('*')) return 'every action of every service';
  const bySvc = new Map<string, string[]>();
  for (const a of actions) {
    const i = a.indexOf(':');
    const svc = i > 0 ? a.slice(0, i).toLowerCase() : a;
    const name = i > 0 ? a.slice(i + 1) : a;
    bySvc.set(svc, [...(bySvc.get(svc) ?? []), name === '*' ? 'every action' : name]);
  }
  return list([...bySvc].map(([svc, names]) => `${svc} (${names.join(', ')})`));
}

function resourcesText(resources: readonly string[]): string {
  return resources.includes('*') ? 'all resources' : list(resources);
}

/** One sentence per policy statement. */
function statementText(st: Record<string, unknown>): string {
  const allow = st['Effect'] === 'Allow';
  const act = st['NotAction'] !== undefined ? `every action except ${actionsText(strings(st['NotAction']))}` : actionsText(strings(st['Action']));
  const res = st['NotResource'] !== undefined ? `every resource except ${resourcesText(strings(st['NotResource']))}` : resourcesText(strings(st['Resource']));
  const cond = st['Condition'] && typeof st['Condition'] === 'object' ? Object.values(st['Condition'] as Record<string, Record<string, unknown>>).flatMap((o) => Object.keys(o ?? {})) : [];
  const when = cond.length ? `, when ${list([...new Set(cond)])} match${cond.length === 1 ? 'es' : ''} the policy's conditions` : '';
  return `${allow ? 'It allows' : 'It denies'} ${act} on ${res}${when}.`;
}

/** The paragraph summarizing request `d` as seen at `nowMs`. */
export function summarizeDelegation(d: Delegation, nowMs: number): string {
  const x = d.data;
  const state = effectiveState(d, nowMs);
  const target = d.row.ownerAccountId !== undefined ? `account ${d.row.ownerAccountId}` : 'any AWS account that associates it';
  const out: string[] = [`AWS account ${d.row.requestorAccountId} requests temporary delegated access to ${target}: "${x.description}".`];
  if (x.requestMessage !== undefined) out.push(`Its message: "${x.requestMessage}".`);
  let statements: Record<string, unknown>[] = [];
  try {
    const doc = JSON.parse(x.permissionPolicy) as { Statement?: unknown };
    statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]).filter((s): s is Record<string, unknown> => !!s && typeof s === 'object');
  } catch {
    statements = [];
  }
  out.push(`If approved, the requester receives credentials valid for ${duration(x.sessionDuration)} that act as the approver, limited to the request's policy.`);
  for (const st of statements) out.push(statementText(st));
  out.push(`The request ${STATE_TEXT[state]} (state ${state}).`);
  if (d.row.ownerId !== undefined) out.push(`Its owner is ${d.row.ownerId}.`);
  if (x.approver) out.push(`It was approved by ${x.approver.arn}.`);
  if (x.onlySendByOwner) out.push('Only its owner can send the token to the requester.');
  if (state !== 'FINALIZED' && state !== 'EXPIRED') out.push(`It expires at ${isoSeconds(x.expirationTime)}.`);
  const text = out.join(' ');
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text;
}

/** The GetHumanReadableSummary operation. */
export function humanReadableSummaryOperations(): Record<string, Operation> {
  return {
    GetHumanReadableSummary: async (ctx, input: Record<string, unknown>) => {
      const arn = String(input['EntityArn']);
      const named = parseDelegationRequestArn(arn);
      const locale = input['Locale'] === undefined ? SUMMARY_LOCALE : String(input['Locale']);
      const d = await readableDelegation(ctx, 'GetHumanReadableSummary', input, named?.id, SUMMARY_ACTIONS, () => {
        if (!named) throw new KamenError('ERR_INVALID_INPUT', `Unsupported entity ARN: ${arn}. At this time, the only supported entity type is delegation-request.`);
        if (!SUMMARY_LOCALES.has(locale)) throw new KamenError('ERR_INVALID_INPUT', `Unsupported locale: ${locale}.`);
      });
      // The ARN's account is the requesting account (or, once named, the owner's); any other names nothing.
      if (named!.account !== d.row.requestorAccountId && named!.account !== d.row.ownerAccountId) throw noDelegation(named!.id);
      return { SummaryContent: summarizeDelegation(d, ctx.clock.now()), Locale: SUMMARY_LOCALE, SummaryState: 'AVAILABLE' };
    },
  };
}

/**
 * IAM delegation requests as kamen keeps them: the stored record, the state machine's effective state (expiry), the
 * policy template rendering (`@{name}` parameters), who may see and read a request (its owner's default permission),
 * and its model-shaped output.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { KamenError } from '../../errors.js';
import { assertValidSessionPolicy, decide, deniedMessage, type Decision } from '../../authz/engine.js';
import { sessionRestrictions, type Authorizer } from '../../authz/authorizer.js';
import type { PrincipalPolicies } from '../../authz/policies.js';
import type { DelegationRequestRow, Store } from '../../store/store.js';
import type { Caller, OperationContext } from '../types.js';

/** The states of a delegation request (stateType). */
export type DelegationState = 'UNASSIGNED' | 'ASSIGNED' | 'PENDING_APPROVAL' | 'FINALIZED' | 'ACCEPTED' | 'REJECTED' | 'EXPIRED';

/** One policy parameter (PolicyParameter). */
export interface PolicyParameter {
  Name?: string;
  Values?: string[];
  Type?: 'string' | 'stringList';
}

/** The identity that accepted a request: the delegated credentials act as it, bounded by the accepted policy. */
export interface Approver {
  kind: Caller['kind'];
  arn: string;
  userId: string;
  userName?: string;
  /** For a role session: the role's name, ID and ARN. */
  roleName?: string;
  roleId?: string;
  roleArn?: string;
  /** The approver's session tags and source identity, carried into the delegated session. */
  tags?: Record<string, string>;
  sourceIdentity?: string;
}

/** The fields of a request kept as JSON in the row's `data`. */
export interface DelegationData {
  description: string;
  requestMessage?: string;
  permissions: { PolicyTemplateArn?: string; Parameters?: PolicyParameter[] };
  permissionPolicy: string;
  requestorWorkflowId: string;
  redirectUrl?: string;
  notificationChannel: string;
  sessionDuration: number;
  onlySendByOwner: boolean;
  expirationTime: number;
  updatedTime: number;
  notes?: string;
  rejectionReason?: string;
  approver?: Approver;
  /** Set once the trade-in token was exchanged: a token is good for one exchange. */
  tokenUsed?: boolean;
}

/** A request: its row's columns and its data. */
export interface Delegation {
  row: DelegationRequestRow;
  data: DelegationData;
}

/** How long a request stays open, and how long a rejected one is kept, before it expires (7 days). */
export const DELEGATION_LIFETIME_MS = 7 * 24 * 3600 * 1000;
/** The largest rendered policy a request may carry (characters). */
export const MAX_RENDERED_POLICY = 2048;

/** The text of a request kamen does not hold or the caller may not see. */
export function noDelegation(id: string): KamenError {
  return new KamenError('ERR_NO_SUCH_ENTITY', `The delegation request with id ${id} cannot be found.`);
}

/** The text of a transition the request's state does not allow. */
export function wrongState(id: string, state: string): KamenError {
  return new KamenError('ERR_INVALID_INPUT', `The delegation request ${id} is in state ${state}, which does not allow this operation.`);
}

/** A new request ID (pattern [\w-]+, 16 to 128 characters). */
export function newDelegationId(): string {
  return randomUUID();
}

/** A new trade-in token and the hash the store keeps of it. */
export function newTradeInToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashTradeInToken(token) };
}

/** The SHA-256 (hex) of a trade-in token: what the store keeps and looks tokens up by. */
export function hashTradeInToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The state a request is in at `nowMs`: an open or rejected request past its expiration time is EXPIRED. */
export function effectiveState(d: Delegation, nowMs: number): DelegationState {
  const s = d.row.state as DelegationState;
  if (s === 'FINALIZED' || s === 'EXPIRED') return s;
  return nowMs >= d.data.expirationTime ? 'EXPIRED' : s;
}

/** Reads a request (undefined when there is none). */
export async function readDelegation(store: Store, id: string): Promise<Delegation | undefined> {
  const row = await store.getDelegationRequest(id);
  return row ? { row, data: JSON.parse(row.data) as DelegationData } : undefined;
}

/** Writes a request's changed row and data back; a request deleted meanwhile is NoSuchEntity. */
export async function writeDelegation(store: Store, d: Delegation): Promise<void> {
  if (!(await store.putDelegationRequest({ ...d.row, data: JSON.stringify(d.data) }))) throw noDelegation(d.row.id);
}

/**
 * Whether `caller` may read the request: the requesting (partner) account always; with no owner account, any account;
 * with an owner account, identities of that account.
 */
export function canSee(d: Delegation, caller: Caller): boolean {
  if (caller.accountId === d.row.requestorAccountId) return true;
  return d.row.ownerAccountId === undefined || d.row.ownerAccountId === caller.accountId;
}

/** Whether `caller` is the request's owner (the identity that associated it, by ARN, in the owner account). */
export function isOwner(d: Delegation, caller: Caller): boolean {
  return d.row.ownerId !== undefined && d.row.ownerId === caller.arn && d.row.ownerAccountId === caller.accountId;
}

/** The owner's default permission to read its request: an identity-side Allow of the read actions, nothing more. */
/**
 * The ARN a delegation request is authorized on (the Service Authorization Reference's `delegation-request` resource
 * type), in the caller's account as every IAM resource the caller acts on: a policy naming the request, Allow or Deny,
 * applies to it.
 */
export function delegationRequestArn(accountId: string, id: string): string {
  return `arn:aws:iam::${accountId}:delegation-request/${id}`;
}

const OWNER_DEFAULT_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'DelegationRequestOwnerDefault', Effect: 'Allow', Action: ['iam:GetDelegationRequest', 'iam:GetHumanReadableSummary'], Resource: '*' }],
});

/**
 * Authorizes a read of delegation request `d` (GetDelegationRequest, GetHumanReadableSummary; `d` undefined when kamen
 * holds none): each of `actions` is decided on the request's ARN (delegationRequestArn) by the caller's policies, to which the request's owner adds its
 * default permission (an identity-side Allow: an explicit Deny, an SCP, a permissions boundary or a session policy
 * still bounds it). An explicit Deny of any of `actions` refuses; otherwise one Allow suffices. A service built without
 * an authorizer in its deps has nothing to decide with and allows.
 */
export async function authorizeDelegationRead(ctx: OperationContext, operation: string, input: Record<string, unknown>, d: Delegation | undefined, actions: readonly [string, ...string[]], id?: string): Promise<void> {
  const authz = ctx.deps['authorizer'] as Authorizer | undefined;
  if (!authz) return;
  const caller = ctx.caller;
  const named = d?.row.id ?? id;
  const resource = named === undefined ? '*' : delegationRequestArn(caller.accountId, named);
  sessionRestrictions(caller, 'iam', operation, { action: actions[0], resources: [resource], check: 'in-operation' });
  const gathered: PrincipalPolicies = caller.kind === 'anonymous' ? { identity: [], principalTags: {} } : await authz.gatherPolicies(caller);
  const p: PrincipalPolicies = d && isOwner(d, caller) ? { ...gathered, identity: [...gathered.identity, authz.compile(OWNER_DEFAULT_POLICY, 'kamen:delegation-request-owner-default', 'identity')] } : gathered;
  const conditions = () => authz.conditionKeys(ctx, gathered, 'iam', operation, input);
  const decisions: Array<[string, Decision]> = actions.map((action) => [action, decide({ principalArn: caller.arn, principalAccount: caller.accountId, action, resource, conditions }, p, undefined, undefined, caller)]);
  const denied = decisions.find(([, x]) => x.decision === 'ExplicitDeny');
  if (denied) throw new KamenError('ERR_ACCESS_DENIED', deniedMessage(denied[1], caller.arn, denied[0], resource));
  if (decisions.some(([, x]) => x.decision === 'Allow')) return;
  throw new KamenError('ERR_ACCESS_DENIED', deniedMessage(decisions[0]![1], caller.arn, actions[0], resource));
}

/**
 * The request `id` (undefined: none named) for a read by the caller: authorized as authorizeDelegationRead says, then
 * the operation's own input checks (`validate`), then NoSuchEntity for a request kamen does not hold or the caller may
 * not see (canSee).
 */
export async function readableDelegation(ctx: OperationContext, operation: string, input: Record<string, unknown>, id: string | undefined, actions: readonly [string, ...string[]], validate?: () => void): Promise<Delegation> {
  const d = id === undefined ? undefined : await readDelegation(ctx.store, id);
  await authorizeDelegationRead(ctx, operation, input, d, actions, id);
  validate?.();
  if (!d || !canSee(d, ctx.caller)) throw noDelegation(id ?? '');
  return d;
}

/** Whether `caller` acts for the customer side of an owned request (an identity of the owner account, once owned). */
export function isOwnerSide(d: Delegation, caller: Caller): boolean {
  return d.row.ownerId !== undefined && d.row.ownerAccountId === caller.accountId;
}

/** The customer-side request `id` for a transition, or NoSuchEntity when the caller may not act on it. */
export async function ownedDelegation(store: Store, id: string, caller: Caller): Promise<Delegation> {
  const d = await readDelegation(store, id);
  if (!d || !isOwnerSide(d, caller)) throw noDelegation(id);
  return d;
}

const PLACEHOLDER = /@\{([^}]*)\}/g;

/** Replaces the parameters in one string; a whole-string `@{name}` of a stringList parameter becomes the list. */
function renderString(text: string, params: ReadonlyMap<string, PolicyParameter>): unknown {
  const whole = /^@\{([^}]*)\}$/.exec(text);
  if (whole) {
    const p = params.get(whole[1]!);
    if (p?.Type === 'stringList') return [...(p.Values ?? [])];
  }
  return text.replace(PLACEHOLDER, (_m, name: string) => {
    const p = params.get(name);
    if (!p) throw new KamenError('ERR_INVALID_INPUT', `The policy template requires a value for parameter ${name}.`);
    const values = p.Values ?? [];
    if (values.length !== 1) throw new KamenError('ERR_INVALID_INPUT', `Parameter ${name} must have exactly one value where the template uses it inside a string.`);
    return values[0]!;
  });
}

/** Replaces every parameter in a parsed policy document. */
function renderValue(v: unknown, params: ReadonlyMap<string, PolicyParameter>): unknown {
  if (typeof v === 'string') return renderString(v, params);
  if (Array.isArray(v)) return v.flatMap((x) => {
    const r = renderValue(x, params);
    return Array.isArray(r) && typeof x === 'string' ? r : [r];
  });
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderValue(x, params)]));
  return v;
}

/**
 * The policy a request grants: its template (kamen's stand-in for a registered template is a customer managed policy of
 * the requesting account, whose default version is the template) with the parameters substituted, at most 2048
 * characters and a valid session policy; InvalidInput otherwise.
 */
export async function renderDelegationPolicy(store: Store, requestorAccountId: string, permissions: DelegationData['permissions']): Promise<string> {
  const arn = permissions.PolicyTemplateArn;
  if (!arn) throw new KamenError('ERR_INVALID_INPUT', 'A policy template ARN is required.');
  const own = arn.startsWith(`arn:aws:iam::${requestorAccountId}:policy/`);
  const pol = own ? await store.getPolicy(arn) : undefined;
  const text = pol ? (await store.getPolicyVersion(arn, pol.defaultVersionId))?.document : undefined;
  if (text === undefined) throw new KamenError('ERR_INVALID_INPUT', `Policy template ${arn} does not exist or is not registered for this account.`);
  const params = new Map<string, PolicyParameter>();
  for (const p of permissions.Parameters ?? []) {
    if (!p.Name) throw new KamenError('ERR_INVALID_INPUT', 'Every policy parameter needs a name.');
    if (params.has(p.Name)) throw new KamenError('ERR_INVALID_INPUT', `Duplicate policy parameter ${p.Name}.`);
    params.set(p.Name, p);
  }
  const rendered = JSON.stringify(renderValue(JSON.parse(text), params));
  if (rendered.length > MAX_RENDERED_POLICY) throw new KamenError('ERR_INVALID_INPUT', `The rendered policy exceeds ${MAX_RENDERED_POLICY} characters.`);
  try {
    assertValidSessionPolicy(rendered);
  } catch (err) {
    throw new KamenError('ERR_INVALID_INPUT', `The rendered policy is not a valid policy: ${(err as Error).message}`);
  }
  return rendered;
}

/** The model's DelegationRequest structure of a request as seen at `nowMs`. */
export function delegationOut(d: Delegation, nowMs: number): Record<string, unknown> {
  const x = d.data;
  const out: Record<string, unknown> = {
    DelegationRequestId: d.row.id,
    Description: x.description,
    Permissions: x.permissions,
    PermissionPolicy: x.permissionPolicy,
    State: effectiveState(d, nowMs),
    ExpirationTime: new Date(x.expirationTime),
    RequestorId: d.row.requestorAccountId,
    CreateDate: d.row.createdAt,
    SessionDuration: x.sessionDuration,
    OnlySendByOwner: x.onlySendByOwner,
    UpdatedTime: new Date(x.updatedTime),
  };
  if (d.row.ownerAccountId !== undefined) out['OwnerAccountId'] = d.row.ownerAccountId;
  if (d.row.ownerId !== undefined) out['OwnerId'] = d.row.ownerId;
  if (x.requestMessage !== undefined) out['RequestMessage'] = x.requestMessage;
  if (x.approver) out['ApproverId'] = x.approver.arn;
  if (x.redirectUrl !== undefined) out['RedirectUrl'] = x.redirectUrl;
  if (x.notes !== undefined) out['Notes'] = x.notes;
  if (x.rejectionReason !== undefined) out['RejectionReason'] = x.rejectionReason;
  return out;
}

/**
 * Service-specific credentials of IAM users (CodeCommit Git, Amazon Keyspaces, Bedrock API keys): Create/List/Reset/
 * Update/Delete ServiceSpecificCredential, at most 2 per service per user; the password is returned only on create/reset.
 */
import { randomBytes } from 'node:crypto';
import { KamenError } from '../../errors.js';
import { randomBase32 } from '../../ids.js';
import type { UserCredential } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { account, paginate, type Input } from './common.js';
import { credentialUser, mustCredential, statusOf, userCredentials } from './user-credential-common.js';

/** IAM's quota of service-specific credentials per user and service. */
export const CREDENTIALS_PER_SERVICE = 2;

/** The services that accept service-specific credentials; bedrock's are API keys (an alias and a secret). */
export const SUPPORTED_SERVICES: ReadonlySet<string> = new Set(['codecommit.amazonaws.com', 'cassandra.amazonaws.com', 'bedrock.amazonaws.com']);

const KIND = 'service-specific-credential';
const DAY_MS = 86_400_000;
const missing = (id: string) => `No such credential ${id} exists`;

function notSupported(service: string): KamenError {
  return new KamenError('ERR_SERVICE_NOT_SUPPORTED', `Service ${service} is not supported for service-specific credentials.`);
}

/** A fresh secret: a 44-character Base64 password, or a Bedrock API key (ABSK + Base64). */
function newSecret(service: string, alias: string): string {
  if (service === 'bedrock.amazonaws.com') return 'ABSK' + Buffer.from(`${alias}:${randomBytes(32).toString('base64')}`).toString('base64');
  return randomBytes(32).toString('base64');
}

/** The metadata shape (ListServiceSpecificCredentials). */
function metadataOut(c: UserCredential): Input {
  const o: Input = { UserName: c.userName, Status: c.status };
  if (c.data['serviceUserName']) o['ServiceUserName'] = c.data['serviceUserName'];
  if (c.data['alias']) o['ServiceCredentialAlias'] = c.data['alias'];
  o['CreateDate'] = c.createDate;
  if (c.data['expiration']) o['ExpirationDate'] = new Date(Number(c.data['expiration']));
  o['ServiceSpecificCredentialId'] = c.id;
  o['ServiceName'] = c.data['serviceName'];
  return o;
}

/** The full shape with the secret (Create / Reset). */
function fullOut(c: UserCredential): Input {
  const o: Input = { CreateDate: c.createDate };
  if (c.data['expiration']) o['ExpirationDate'] = new Date(Number(c.data['expiration']));
  o['ServiceName'] = c.data['serviceName'];
  if (c.data['alias']) {
    o['ServiceCredentialAlias'] = c.data['alias'];
    o['ServiceCredentialSecret'] = c.secret;
  } else {
    o['ServiceUserName'] = c.data['serviceUserName'];
    o['ServicePassword'] = c.secret;
  }
  o['ServiceSpecificCredentialId'] = c.id;
  o['UserName'] = c.userName;
  o['Status'] = c.status;
  return o;
}

async function mustOwn(ctx: OperationContext, input: Input): Promise<UserCredential> {
  const user = await credentialUser(ctx, input);
  return mustCredential(ctx, user, KIND, String(input['ServiceSpecificCredentialId']), missing);
}

/** The service-specific credential operations. */
export function serviceSpecificCredentialOperations(): Record<string, Operation> {
  return {
    CreateServiceSpecificCredential: async (ctx, input: Input) => {
      const service = String(input['ServiceName']);
      if (!SUPPORTED_SERVICES.has(service)) throw notSupported(service);
      const days = input['CredentialAgeDays'] === undefined ? undefined : Number(input['CredentialAgeDays']);
      if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 36600)) {
        throw new KamenError('ERR_INVALID_INPUT', 'CredentialAgeDays must be between 1 and 36600.');
      }
      const acct = account(ctx);
      return ctx.store.transaction(async () => {
        const user = await credentialUser(ctx, input);
        const mine = (await userCredentials(ctx, user, KIND)).filter((c) => c.data['serviceName'] === service);
        if (mine.length >= CREDENTIALS_PER_SERVICE) {
          throw new KamenError('ERR_LIMIT_EXCEEDED', `Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: ${CREDENTIALS_PER_SERVICE}`);
        }
        const now = ctx.clock.now();
        const data: Record<string, string> = { serviceName: service };
        if (service === 'bedrock.amazonaws.com') data['alias'] = `BedrockAPIKey-${randomBase32(4).toLowerCase()}-at-${acct}`;
        else data['serviceUserName'] = `${user.userName}-at-${acct}`;
        if (days !== undefined) data['expiration'] = String(now + days * DAY_MS);
        const cred: UserCredential = {
          kind: KIND,
          id: 'ACCA' + randomBase32(17),
          accountId: acct,
          userName: user.userName,
          userId: user.userId,
          status: 'Active',
          createDate: new Date(now),
          data,
          secret: newSecret(service, data['alias'] ?? ''),
        };
        await ctx.store.createUserCredential(cred);
        return { ServiceSpecificCredential: fullOut(cred) };
      });
    },

    ListServiceSpecificCredentials: async (ctx, input: Input) => {
      const service = input['ServiceName'] === undefined ? undefined : String(input['ServiceName']);
      if (service !== undefined && !SUPPORTED_SERVICES.has(service)) throw notSupported(service);
      const acct = account(ctx);
      let all: UserCredential[];
      if (input['AllUsers'] === true) {
        // Only credentials of users that still exist (a user removed with its dependents leaves no visible rows).
        all = [];
        for (const c of await ctx.store.listAccountUserCredentials(acct, KIND)) {
          const owner = await ctx.store.getUserById(c.userId);
          if (owner && owner.accountId === acct) all.push({ ...c, userName: owner.userName });
        }
      } else all = await userCredentials(ctx, await credentialUser(ctx, input), KIND);
      const page = paginate(all.filter((c) => service === undefined || c.data['serviceName'] === service), input);
      return { ServiceSpecificCredentials: page.items.map(metadataOut), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
    },

    ResetServiceSpecificCredential: async (ctx, input: Input) => {
      return ctx.store.transaction(async () => {
        const c = await mustOwn(ctx, input);
        const secret = newSecret(c.data['serviceName']!, c.data['alias'] ?? '');
        await ctx.store.updateUserCredential(account(ctx), KIND, c.id, { secret });
        return { ServiceSpecificCredential: fullOut({ ...c, secret }) };
      });
    },

    UpdateServiceSpecificCredential: async (ctx, input: Input) => {
      const status = statusOf(input);
      await ctx.store.transaction(async () => {
        const c = await mustOwn(ctx, input);
        await ctx.store.updateUserCredential(account(ctx), KIND, c.id, { status });
      });
      return {};
    },

    DeleteServiceSpecificCredential: async (ctx, input: Input) => {
      await ctx.store.transaction(async () => {
        const c = await mustOwn(ctx, input);
        await ctx.store.deleteUserCredential(account(ctx), KIND, c.id);
      });
      return {};
    },
  };
}

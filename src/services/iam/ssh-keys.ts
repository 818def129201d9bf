/** SSH public keys of IAM users (CodeCommit): Upload/Get/List/Update/Delete SSHPublicKey, at most 5 per user. */
import { KamenError } from '../../errors.js';
import { randomBase32 } from '../../ids.js';
import type { UserCredential } from '../../store/store.js';
import type { Operation } from '../types.js';
import { account, paginate, type Input } from './common.js';
import { parseSshPublicKey } from './ssh-public-key-format.js';
import { credentialUser, mustCredential, statusOf, userCredentials } from './user-credential-common.js';

/** IAM's quota of SSH public keys per user. */
export const SSH_KEYS_PER_USER = 5;

const KIND = 'ssh-public-key';
const missing = (id: string) => `The Public Key with id ${id} cannot be found.`;

/** The SSHPublicKey shape in the requested encoding (SSH or PEM). */
function keyOut(c: UserCredential, encoding: string): Input {
  return {
    UserName: c.userName,
    SSHPublicKeyId: c.id,
    Fingerprint: c.data['fingerprint'],
    SSHPublicKeyBody: encoding === 'PEM' ? c.data['pem'] : c.data['ssh'],
    Status: c.status,
    UploadDate: c.createDate,
  };
}

/** The SSH public key operations. */
export function sshKeyOperations(): Record<string, Operation> {
  return {
    UploadSSHPublicKey: async (ctx, input: Input) => {
      const parsed = parseSshPublicKey(String(input['SSHPublicKeyBody']));
      return ctx.store.transaction(async () => {
        const user = await credentialUser(ctx, input);
        const keys = await userCredentials(ctx, user, KIND);
        if (keys.some((k) => k.data['fingerprint'] === parsed.fingerprint)) {
          throw new KamenError('ERR_DUPLICATE_SSH_PUBLIC_KEY', 'The public key is already associated with this user.');
        }
        if (keys.length >= SSH_KEYS_PER_USER) throw new KamenError('ERR_LIMIT_EXCEEDED', `Cannot exceed quota for PublicKeysPerUser: ${SSH_KEYS_PER_USER}`);
        const cred: UserCredential = {
          kind: KIND,
          id: 'APKA' + randomBase32(16),
          accountId: account(ctx),
          userName: user.userName,
          userId: user.userId,
          status: 'Active',
          createDate: new Date(ctx.clock.now()),
          data: { fingerprint: parsed.fingerprint, ssh: parsed.ssh, pem: parsed.pem },
        };
        await ctx.store.createUserCredential(cred);
        return { SSHPublicKey: keyOut(cred, 'SSH') };
      });
    },

    GetSSHPublicKey: async (ctx, input: Input) => {
      const encoding = String(input['Encoding']);
      if (encoding !== 'SSH' && encoding !== 'PEM') throw new KamenError('ERR_UNRECOGNIZED_PUBLIC_KEY_ENCODING', 'The public key encoding format is unsupported or unrecognized.');
      const user = await credentialUser(ctx, input);
      const c = await mustCredential(ctx, user, KIND, String(input['SSHPublicKeyId']), missing);
      return { SSHPublicKey: keyOut(c, encoding) };
    },

    ListSSHPublicKeys: async (ctx, input: Input) => {
      const user = await credentialUser(ctx, input);
      const page = paginate(await userCredentials(ctx, user, KIND), input);
      return {
        SSHPublicKeys: page.items.map((c) => ({ UserName: c.userName, SSHPublicKeyId: c.id, Status: c.status, UploadDate: c.createDate })),
        IsTruncated: page.IsTruncated,
        ...(page.Marker ? { Marker: page.Marker } : {}),
      };
    },

    UpdateSSHPublicKey: async (ctx, input: Input) => {
      const status = statusOf(input);
      await ctx.store.transaction(async () => {
        const user = await credentialUser(ctx, input);
        const c = await mustCredential(ctx, user, KIND, String(input['SSHPublicKeyId']), missing);
        await ctx.store.updateUserCredential(account(ctx), KIND, c.id, { status });
      });
      return {};
    },

    DeleteSSHPublicKey: async (ctx, input: Input) => {
      await ctx.store.transaction(async () => {
        const user = await credentialUser(ctx, input);
        const c = await mustCredential(ctx, user, KIND, String(input['SSHPublicKeyId']), missing);
        await ctx.store.deleteUserCredential(account(ctx), KIND, c.id);
      });
      return {};
    },
  };
}

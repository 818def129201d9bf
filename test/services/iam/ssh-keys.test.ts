import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { parseSshPublicKey } from '../../../src/services/iam/ssh-public-key-format.js';
import { readVectors } from '../../helpers/paths.js';
import { env, userCaller, type Env } from './helpers.js';

const m = readVectors<{ ssh: Record<string, string> }>('iam', 'credential-material.json').ssh;

describe('SSH public key format', () => {
  it('fingerprints the key blob as ssh-keygen -E md5 does, in every encoding', () => {
    const fromSsh = parseSshPublicKey(m['rsa2048']!);
    assert.equal(fromSsh.fingerprint, m['rsa2048Md5']);
    assert.equal(fromSsh.bits, 2048);
    assert.equal(fromSsh.ssh, m['rsa2048']!.split(' ').slice(0, 2).join(' '));
    assert.equal(fromSsh.pem.trim(), m['rsa2048Spki']!.trim());
    assert.equal(parseSshPublicKey(m['rsa2048Spki']!).fingerprint, m['rsa2048Md5']);
    assert.equal(parseSshPublicKey(m['rsa2048Pkcs1']!).fingerprint, m['rsa2048Md5']);
  });
});

describe('IAM SSH public keys', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
    await e.call('CreateUser', { UserName: 'dev' });
  });
  afterEach(async () => {
    await e.close();
  });

  it('uploads, gets in both encodings, lists, updates and deletes', async () => {
    const up = (await e.call('UploadSSHPublicKey', { UserName: 'dev', SSHPublicKeyBody: m['rsa2048'] })).SSHPublicKey;
    assert.match(up.SSHPublicKeyId, /^APKA[A-Z2-7]{16}$/);
    assert.equal(up.Fingerprint, m['rsa2048Md5']);
    assert.equal(up.Status, 'Active');
    assert.equal(up.UserName, 'dev');
    const id = up.SSHPublicKeyId;
    const pem = (await e.call('GetSSHPublicKey', { UserName: 'dev', SSHPublicKeyId: id, Encoding: 'PEM' })).SSHPublicKey;
    assert.equal(pem.SSHPublicKeyBody.trim(), m['rsa2048Spki']!.trim());
    const ssh = (await e.call('GetSSHPublicKey', { UserName: 'dev', SSHPublicKeyId: id, Encoding: 'SSH' })).SSHPublicKey;
    assert.ok(m['rsa2048']!.startsWith(ssh.SSHPublicKeyBody));
    await e.fails('UploadSSHPublicKey', { UserName: 'dev', SSHPublicKeyBody: m['rsa2048Spki'] }, 'ERR_DUPLICATE_SSH_PUBLIC_KEY');
    await e.call('UpdateSSHPublicKey', { UserName: 'dev', SSHPublicKeyId: id, Status: 'Inactive' });
    const list = await e.call('ListSSHPublicKeys', {}, userCaller('dev'));
    assert.deepEqual(list.SSHPublicKeys.map((k: any) => [k.SSHPublicKeyId, k.Status]), [[id, 'Inactive']]);
    await e.fails('GetSSHPublicKey', { UserName: 'dev', SSHPublicKeyId: 'APKAAAAAAAAAAAAAAAAA', Encoding: 'SSH' }, 'ERR_NO_SUCH_ENTITY', 'The Public Key with id APKAAAAAAAAAAAAAAAAA cannot be found.');
    await e.call('CreateUser', { UserName: 'other' });
    await e.fails('DeleteSSHPublicKey', { UserName: 'other', SSHPublicKeyId: id }, 'ERR_NO_SUCH_ENTITY');
    await e.call('DeleteSSHPublicKey', { UserName: 'dev', SSHPublicKeyId: id });
    assert.deepEqual((await e.call('ListSSHPublicKeys', { UserName: 'dev' })).SSHPublicKeys, []);
    await e.fails('ListSSHPublicKeys', { UserName: 'ghost' }, 'ERR_NO_SUCH_ENTITY');
  });

  it('refuses short, non-RSA and unparseable keys', async () => {
    await e.fails('UploadSSHPublicKey', { UserName: 'dev', SSHPublicKeyBody: m['rsa1024'] }, 'ERR_INVALID_PUBLIC_KEY');
    await e.fails('UploadSSHPublicKey', { UserName: 'dev', SSHPublicKeyBody: m['ed25519'] }, 'ERR_UNRECOGNIZED_PUBLIC_KEY_ENCODING');
    await e.fails('UploadSSHPublicKey', { UserName: 'dev', SSHPublicKeyBody: 'hello' }, 'ERR_UNRECOGNIZED_PUBLIC_KEY_ENCODING');
    await e.fails('UploadSSHPublicKey', { UserName: 'dev', SSHPublicKeyBody: 'ssh-rsa AAAAB3NzaC1yc2E=' }, 'ERR_INVALID_PUBLIC_KEY');
  });

  it('keeps at most 5 keys per user and does not show a deleted user\'s keys to a new user of that name', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    for (let i = 0; i < 5; i++) {
      const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
      await e.call('UploadSSHPublicKey', { UserName: 'dev', SSHPublicKeyBody: pem });
    }
    await e.fails('UploadSSHPublicKey', { UserName: 'dev', SSHPublicKeyBody: m['rsa2048'] }, 'ERR_LIMIT_EXCEEDED', 'Cannot exceed quota for PublicKeysPerUser: 5');
    await e.store.deleteUser('123456789012', 'dev', { cascade: true });
    await e.call('CreateUser', { UserName: 'dev' });
    assert.deepEqual((await e.call('ListSSHPublicKeys', { UserName: 'dev' })).SSHPublicKeys, []);
  });

  it('DeleteUser is refused while the user holds an SSH key, and allowed once it is deleted', async () => {
    const id = (await e.call('UploadSSHPublicKey', { UserName: 'dev', SSHPublicKeyBody: m['rsa2048'] })).SSHPublicKey.SSHPublicKeyId;
    await e.fails('DeleteUser', { UserName: 'dev' }, 'ERR_DELETE_CONFLICT', 'Cannot delete entity, must delete SSH public keys first.');
    await e.call('DeleteSSHPublicKey', { UserName: 'dev', SSHPublicKeyId: id });
    await e.call('DeleteUser', { UserName: 'dev' });
  });

  it('a renamed user keeps its keys, shown under the new name', async () => {
    const id = (await e.call('UploadSSHPublicKey', { UserName: 'dev', SSHPublicKeyBody: m['rsa2048'] })).SSHPublicKey.SSHPublicKeyId;
    await e.call('UpdateUser', { UserName: 'dev', NewUserName: 'dev2' });
    const list = (await e.call('ListSSHPublicKeys', { UserName: 'dev2' })).SSHPublicKeys;
    assert.deepEqual(list.map((k: any) => [k.SSHPublicKeyId, k.UserName]), [[id, 'dev2']]);
    assert.equal((await e.call('GetSSHPublicKey', { UserName: 'dev2', SSHPublicKeyId: id, Encoding: 'SSH' })).SSHPublicKey.UserName, 'dev2');
  });
});

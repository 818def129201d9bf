import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import * as OTPAuth from 'otpauth';
import { verifyTotp } from '../../../src/services/iam/totp.js';
import { ACCT, T0, env, msg, rootCaller, userCaller, type Env } from './helpers.js';

/** The code a real authenticator shows at `ms`. */
function codeAt(seed: string, ms: number): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(seed), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: ms });
}

describe('verifyTotp', () => {
  const seed = new OTPAuth.Secret({ size: 20 }).base32;
  it('returns the matched step within the window and undefined otherwise', () => {
    const step = Math.floor(T0 / 30_000);
    assert.equal(verifyTotp(seed, codeAt(seed, T0), T0), step);
    assert.equal(verifyTotp(seed, codeAt(seed, T0 - 30_000), T0), step - 1);
    assert.equal(verifyTotp(seed, codeAt(seed, T0 + 30_000), T0), step + 1);
    assert.equal(verifyTotp(seed, codeAt(seed, T0 - 90_000), T0), undefined);
    assert.equal(verifyTotp(seed, codeAt(seed, T0 - 90_000), T0, { window: 3 }), step - 3);
    assert.equal(verifyTotp(seed, 'abcdef', T0), undefined);
    assert.equal(verifyTotp('not base32 !!', '123456', T0), undefined);
  });
});

describe('IAM virtual MFA devices', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
    await e.call('CreateUser', { UserName: 'mo' });
  });
  afterEach(async () => {
    await e.close();
  });

  async function create(name = 'mo-phone', path?: string) {
    const out = (await e.call('CreateVirtualMFADevice', { VirtualMFADeviceName: name, ...(path ? { Path: path } : {}) })).VirtualMFADevice;
    return { out, seed: (out.Base32StringSeed as Buffer).toString('ascii') };
  }

  it('creates a device with a Base32 seed and a PNG QR code', async () => {
    const { out, seed } = await create();
    assert.equal(out.SerialNumber, `arn:aws:iam::${ACCT}:mfa/mo-phone`);
    assert.match(seed, /^[A-Z2-7]{32}$/);
    assert.ok(Buffer.isBuffer(out.QRCodePNG));
    assert.deepEqual([...out.QRCodePNG.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await e.fails('CreateVirtualMFADevice', { VirtualMFADeviceName: 'mo-phone' }, 'ERR_ENTITY_ALREADY_EXISTS');
    const withPath = await create('other', '/team/');
    assert.equal(withPath.out.SerialNumber, `arn:aws:iam::${ACCT}:mfa/team/other`);
  });

  it('enables with two consecutive codes at the frozen time and rejects wrong codes', async () => {
    const { out, seed } = await create();
    const serial = out.SerialNumber;
    const bad = { UserName: 'mo', SerialNumber: serial, AuthenticationCode1: codeAt(seed, T0), AuthenticationCode2: codeAt(seed, T0) };
    await e.fails('EnableMFADevice', bad, 'ERR_INVALID_AUTHENTICATION_CODE', msg('invalidCode'));
    const stale = { UserName: 'mo', SerialNumber: serial, AuthenticationCode1: codeAt(seed, T0 - 300_000), AuthenticationCode2: codeAt(seed, T0 - 270_000) };
    await e.fails('EnableMFADevice', stale, 'ERR_INVALID_AUTHENTICATION_CODE', msg('invalidCode'));
    await e.call('EnableMFADevice', { UserName: 'mo', SerialNumber: serial, AuthenticationCode1: codeAt(seed, T0 - 30_000), AuthenticationCode2: codeAt(seed, T0) });
    const dev = await e.store.getMfaDevice(serial);
    assert.equal(dev!.userName, 'mo');
    assert.deepEqual(dev!.enableDate, new Date(T0));
    assert.equal(dev!.lastUsedStep, Math.floor(T0 / 30_000));
    const listed = (await e.call('ListMFADevices', { UserName: 'mo' })).MFADevices;
    assert.deepEqual(listed, [{ UserName: 'mo', SerialNumber: serial, EnableDate: new Date(T0) }]);
    assert.deepEqual((await e.call('ListMFADevices', {}, userCaller('mo'))).MFADevices.map((d: any) => d.SerialNumber), [serial]);
    assert.deepEqual((await e.call('ListMFADevices', {}, rootCaller())).MFADevices, []);
    await e.fails('EnableMFADevice', { UserName: 'mo', SerialNumber: serial, AuthenticationCode1: codeAt(seed, T0), AuthenticationCode2: codeAt(seed, T0 + 30_000) }, 'ERR_ENTITY_ALREADY_EXISTS', 'MFA Device is already in use.');
    await e.fails('DeleteVirtualMFADevice', { SerialNumber: serial }, 'ERR_DELETE_CONFLICT', 'MFA VirtualDevice in use. Must deactivate first.');
    await e.call('CreateUser', { UserName: 'other' });
    await e.fails('DeactivateMFADevice', { UserName: 'other', SerialNumber: serial }, 'ERR_NO_SUCH_ENTITY', 'MFA Device invalid for user.');
    await e.fails('DeleteUser', { UserName: 'mo' }, 'ERR_DELETE_CONFLICT', msg('deleteMfa'));
    // Resync with the next pair.
    e.clock.advance(60_000);
    await e.call('ResyncMFADevice', { UserName: 'mo', SerialNumber: serial, AuthenticationCode1: codeAt(seed, T0 + 30_000), AuthenticationCode2: codeAt(seed, T0 + 60_000) });
    assert.equal((await e.store.getMfaDevice(serial))!.lastUsedStep, Math.floor((T0 + 60_000) / 30_000));
    await e.fails('ResyncMFADevice', { UserName: 'mo', SerialNumber: serial, AuthenticationCode1: '000000', AuthenticationCode2: '000000' }, 'ERR_INVALID_AUTHENTICATION_CODE');
    await e.call('DeactivateMFADevice', { UserName: 'mo', SerialNumber: serial });
    assert.equal((await e.store.getMfaDevice(serial))!.enableDate, undefined);
    await e.call('DeleteVirtualMFADevice', { SerialNumber: serial });
    await e.fails('DeleteVirtualMFADevice', { SerialNumber: serial }, 'ERR_NO_SUCH_ENTITY', `VirtualMFADevice with serial number ${serial} does not exist.`);
    await e.call('DeleteUser', { UserName: 'mo' });
  });

  it('gets and tags a device', async () => {
    const { out, seed } = await create('t');
    const serial = out.SerialNumber;
    assert.deepEqual(await e.call('GetMFADevice', { SerialNumber: serial }), { SerialNumber: serial });
    await e.call('EnableMFADevice', { UserName: 'mo', SerialNumber: serial, AuthenticationCode1: codeAt(seed, T0), AuthenticationCode2: codeAt(seed, T0 + 30_000) });
    assert.deepEqual(await e.call('GetMFADevice', { SerialNumber: serial }), { UserName: 'mo', SerialNumber: serial, EnableDate: new Date(T0) });
    await e.call('TagMFADevice', { SerialNumber: serial, Tags: [{ Key: 'k', Value: 'v' }] });
    assert.deepEqual((await e.call('ListMFADeviceTags', { SerialNumber: serial })).Tags, [{ Key: 'k', Value: 'v' }]);
    // a virtual MFA device's tag keys are case sensitive (IAM User Guide, id_tags.md): K is not k
    await e.call('UntagMFADevice', { SerialNumber: serial, TagKeys: ['K'] });
    assert.deepEqual((await e.call('ListMFADeviceTags', { SerialNumber: serial })).Tags, [{ Key: 'k', Value: 'v' }]);
    await e.call('UntagMFADevice', { SerialNumber: serial, TagKeys: ['k'] });
    assert.deepEqual((await e.call('ListMFADeviceTags', { SerialNumber: serial })).Tags, []);
    const missing = `arn:aws:iam::${ACCT}:mfa/none`;
    await e.fails('GetMFADevice', { SerialNumber: missing }, 'ERR_NO_SUCH_ENTITY', `VirtualMFADevice with serial number ${missing} does not exist.`);
  });

  it('lists virtual devices by assignment status', async () => {
    const a = await create('a');
    await create('b');
    await e.call('EnableMFADevice', { UserName: 'mo', SerialNumber: a.out.SerialNumber, AuthenticationCode1: codeAt(a.seed, T0), AuthenticationCode2: codeAt(a.seed, T0 + 30_000) });
    const any = (await e.call('ListVirtualMFADevices', {})).VirtualMFADevices;
    assert.equal(any.length, 2);
    assert.equal(any.every((d: any) => d.Base32StringSeed === undefined && d.QRCodePNG === undefined), true);
    const assigned = (await e.call('ListVirtualMFADevices', { AssignmentStatus: 'Assigned' })).VirtualMFADevices;
    assert.deepEqual(assigned.map((d: any) => [d.SerialNumber, d.User.UserName]), [[a.out.SerialNumber, 'mo']]);
    const free = (await e.call('ListVirtualMFADevices', { AssignmentStatus: 'Unassigned' })).VirtualMFADevices;
    assert.deepEqual(free.map((d: any) => d.SerialNumber), [`arn:aws:iam::${ACCT}:mfa/b`]);
  });
});

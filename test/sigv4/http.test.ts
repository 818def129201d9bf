/** Real SDK clients (STS, IAM) over real node:http against parseSigV4/verifySigV4 — wire compatibility end to end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { IAMClient, GetUserCommand } from '@aws-sdk/client-iam';
import { createSigningKeyCache, parseSigV4, verifySigV4 } from '../../src/sigv4/index.js';
import { isKamenError } from '../../src/errors.js';

const KEY = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const CODES: Record<string, string> = {
  ERR_SIGNATURE_DOES_NOT_MATCH: 'SignatureDoesNotMatch',
  ERR_INCOMPLETE_SIGNATURE: 'IncompleteSignature',
  ERR_REQUEST_EXPIRED: 'RequestExpired',
  ERR_MALFORMED_QUERY_STRING: 'MalformedQueryString',
};

/** A minimal query-protocol server: verifies SigV4, then answers GetCallerIdentity / GetUser. */
async function startServer(secretFor: (akid: string) => string, now: () => number): Promise<{ url: string; close: () => Promise<void>; seen: string[] }> {
  const cache = createSigningKeyCache(16);
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const wire = { method: req.method ?? 'GET', path: q === -1 ? url : url.slice(0, q), query: q === -1 ? '' : url.slice(q + 1), headers: req.headersDistinct, body: Buffer.concat(chunks) };
      const reply = (status: number, xml: string) => {
        res.writeHead(status, { 'content-type': 'text/xml' });
        res.end(xml);
      };
      try {
        const auth = parseSigV4(wire);
        if (!auth) return reply(403, err('MissingAuthenticationToken', 'Request is missing Authentication Token'));
        verifySigV4(wire, auth, secretFor(auth.accessKeyId), now(), cache);
        seen.push(auth.service);
        const body = wire.body.toString();
        if (body.includes('Action=GetCallerIdentity')) {
          return reply(200, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
        }
        return reply(200, `<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User><Path>/</Path><UserName>alice</UserName><UserId>AIDAEXAMPLE</UserId><Arn>arn:aws:iam::123456789012:user/alice</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></User></GetUserResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></GetUserResponse>`);
      } catch (e) {
        if (!isKamenError(e)) return reply(500, err('InternalFailure', String(e)));
        return reply(403, err(CODES[e.code] ?? e.code, e.message));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function err(code: string, message: string): string {
  const esc = message.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc}</Message></Error><RequestId>r-e</RequestId></ErrorResponse>`;
}

test('real STS and IAM clients authenticate; a wrong secret gets SignatureDoesNotMatch', async () => {
  const srv = await startServer((akid) => (akid === KEY.accessKeyId ? KEY.secretAccessKey : 'nope'), () => Date.now());
  try {
    const sts = new STSClient({ region: 'us-east-1', endpoint: srv.url, credentials: KEY, maxAttempts: 1 });
    const who = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, '123456789012');
    const iam = new IAMClient({ region: 'us-east-1', endpoint: srv.url, credentials: KEY, maxAttempts: 1 });
    const user = await iam.send(new GetUserCommand({ UserName: 'alice+ü/ x' }));
    assert.equal(user.User?.UserName, 'alice');
    assert.deepEqual(srv.seen, ['sts', 'iam']);

    const bad = new STSClient({ region: 'us-east-1', endpoint: srv.url, credentials: { ...KEY, secretAccessKey: 'wrong' }, maxAttempts: 1 });
    await assert.rejects(bad.send(new GetCallerIdentityCommand({})), (e: Error) => {
      assert.equal(e.name, 'SignatureDoesNotMatch');
      assert.match(e.message, /^The request signature we calculated does not match/);
      return true;
    });
  } finally {
    await srv.close();
  }
});

test('a client clock 20 minutes behind gets AWS\'s "Signature expired" SignatureDoesNotMatch', async () => {
  const srv = await startServer(() => KEY.secretAccessKey, () => Date.now() + 20 * 60_000);
  try {
    const sts = new STSClient({ region: 'us-east-1', endpoint: srv.url, credentials: KEY, maxAttempts: 1 });
    await assert.rejects(sts.send(new GetCallerIdentityCommand({})), (e: Error) => {
      assert.equal(e.name, 'SignatureDoesNotMatch');
      assert.match(e.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
      return true;
    });
  } finally {
    await srv.close();
  }
});

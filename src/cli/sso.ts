/**
 * `kamen sso login`: completes an IdP-initiated SAML login without a browser (the IdP's page carries the
 * SAMLResponse form field, or the response is given in a file / on stdin), calls AssumeRoleWithSAML on kamen (unsigned,
 * as AWS's clients do) and writes the credentials to a profile of the shared credentials file, so that profiles with
 * `source_profile = <that profile>` chain from it unchanged; `--credential-process` prints the credential_process JSON
 * instead. It replaces tools like aws-google-auth against kamen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { XMLParser } from 'fast-xml-parser';
import { attributeMap, rolePair, type RolePair } from '../federation/saml/attributes.js';
import { decodeSamlResponse } from '../federation/saml/index.js';
import { locate } from '../federation/saml/locate.js';
import { malformed } from '../federation/saml/errors.js';
import { parseXml } from '../federation/saml/parse.js';
import { CliError } from './cli-error.js';

/** Temporary credentials as AssumeRoleWithSAML returns them. */
export interface SsoCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  assumedRoleArn: string;
}

/** The SAMLResponse field of an IdP's HTML form page, or undefined. */
export function samlResponseFromHtml(html: string): string | undefined {
  for (const m of html.matchAll(/<input\b[^>]*>/gi)) {
    const tag = m[0];
    if (!/\bname\s*=\s*["']?SAMLResponse["'\s>]/i.test(tag)) continue;
    const v = /\bvalue\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    if (v) return (v[1] ?? v[2] ?? '').replace(/&#x2B;|&#43;/gi, '+').replace(/&#x3D;|&#61;/gi, '=').replace(/&amp;/g, '&');
  }
  return undefined;
}

/** The role/provider pairs a response's Role attribute offers (read without verification: kamen verifies it). */
export function offeredRoles(samlResponse: string): RolePair[] {
  const loc = locate(parseXml(decodeSamlResponse(samlResponse), malformed));
  if (!loc.assertion) throw new CliError('the SAML response carries an encrypted assertion: pass --role-arn and --principal-arn');
  return (attributeMap(loc.assertion).get('https://aws.amazon.com/SAML/Attributes/Role') ?? []).map(rolePair).filter((p): p is RolePair => p !== undefined);
}

/** Calls AssumeRoleWithSAML at `endpoint` (unsigned query request) and returns the credentials, or throws AWS's error text. */
export async function assumeRoleWithSaml(endpoint: string, pair: RolePair, samlResponse: string, durationSeconds?: number): Promise<SsoCredentials> {
  const body = new URLSearchParams({ Action: 'AssumeRoleWithSAML', Version: '2011-06-15', RoleArn: pair.roleArn, PrincipalArn: pair.providerArn, SAMLAssertion: samlResponse });
  if (durationSeconds !== undefined) body.set('DurationSeconds', String(durationSeconds));
  const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body, signal: AbortSignal.timeout(30_000) });
  const doc = new XMLParser({ ignoreAttributes: true, parseTagValue: false }).parse(await res.text()) as Record<string, any>;
  if (!res.ok) {
    const e = doc['ErrorResponse']?.['Error'] ?? {};
    throw new CliError(`AssumeRoleWithSAML failed: ${e['Code'] ?? res.status}: ${e['Message'] ?? 'no message'}`);
  }
  const r = doc['AssumeRoleWithSAMLResponse']['AssumeRoleWithSAMLResult'];
  const c = r['Credentials'];
  return { accessKeyId: c['AccessKeyId'], secretAccessKey: c['SecretAccessKey'], sessionToken: c['SessionToken'], expiration: c['Expiration'], assumedRoleArn: r['AssumedRoleUser']['Arn'] };
}

/** Writes (or replaces) `[profile]` of an INI credentials file, keeping every other section as it was. */
export function writeCredentialsProfile(file: string, profile: string, c: SsoCredentials): void {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const out: string[] = [];
  let skipping = false;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) skipping = header[1]!.trim() === profile;
    if (!skipping) out.push(line);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  if (out.length) out.push('');
  out.push(`[${profile}]`, `aws_access_key_id = ${c.accessKeyId}`, `aws_secret_access_key = ${c.secretAccessKey}`, `aws_session_token = ${c.sessionToken}`, `# expires ${c.expiration} (${c.assumedRoleArn})`, '');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, out.join('\n'), { mode: 0o600 });
}

/** The shared credentials file the AWS CLI reads. */
export function credentialsFile(): string {
  return process.env['AWS_SHARED_CREDENTIALS_FILE'] || path.join(os.homedir(), '.aws', 'credentials');
}

interface LoginOptions {
  endpoint?: string;
  idp?: string;
  samlResponse?: string;
  roleArn?: string;
  principalArn?: string;
  profile: string;
  duration?: string;
  credentialProcess?: boolean;
}

async function readResponse(o: LoginOptions): Promise<string> {
  if (o.idp) {
    const res = await fetch(o.idp, { redirect: 'follow', signal: AbortSignal.timeout(30_000) });
    const html = await res.text();
    const found = samlResponseFromHtml(html);
    if (!found) throw new CliError(`${o.idp} answered ${res.status} without a SAMLResponse form field: is it your IdP's IdP-initiated sign-in URL?`);
    return found;
  }
  if (o.samlResponse) return (o.samlResponse === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(o.samlResponse, 'utf8')).trim();
  throw new CliError('pass --idp <url> (an IdP-initiated sign-in URL) or --saml-response <file|->');
}

/** Registers `kamen sso login`. */
export function registerSso(program: Command): void {
  const sso = program.command('sso').description('federated sign-in through a SAML identity provider');
  sso
    .command('login')
    .description('get role credentials from a SAML response (AssumeRoleWithSAML) and write them to a credentials profile')
    .option('--endpoint <url>', 'kamen\'s API URL (default: AWS_ENDPOINT_URL, else http://127.0.0.1:4600)')
    .option('--idp <url>', 'the IdP-initiated sign-in URL whose page carries the SAMLResponse form field')
    .option('--saml-response <file>', 'a base64 SAMLResponse in a file, or - for stdin')
    .option('--role-arn <arn>', 'the role to assume when the response offers several')
    .option('--principal-arn <arn>', 'the SAML provider ARN (default: the one paired with the role in the response)')
    .option('--profile <name>', 'the credentials profile to write', 'sts')
    .option('--duration <seconds>', 'DurationSeconds (900 to the role\'s MaxSessionDuration)')
    .option('--credential-process', 'print credential_process JSON instead of writing the credentials file')
    .action(async (o: LoginOptions) => {
      const endpoint = o.endpoint ?? process.env['AWS_ENDPOINT_URL'] ?? 'http://127.0.0.1:4600';
      const response = await readResponse(o);
      let pair: RolePair | undefined;
      if (o.roleArn && o.principalArn) pair = { roleArn: o.roleArn, providerArn: o.principalArn };
      else {
        const offered = offeredRoles(response);
        const matching = o.roleArn ? offered.filter((p) => p.roleArn === o.roleArn) : offered;
        if (matching.length !== 1) {
          const list = offered.map((p) => `  ${p.roleArn}`).join('\n');
          throw new CliError(matching.length === 0 ? `the SAML response offers no role${o.roleArn ? ` ${o.roleArn}` : ''}; it offers:\n${list}` : `the SAML response offers several roles; choose one with --role-arn:\n${list}`);
        }
        pair = matching[0]!;
      }
      const duration = o.duration === undefined ? undefined : Number(o.duration);
      if (duration !== undefined && (!Number.isInteger(duration) || duration < 900 || duration > 43200)) throw new CliError('--duration must be an integer from 900 to 43200');
      const c = await assumeRoleWithSaml(endpoint, pair, response, duration);
      if (o.credentialProcess) {
        console.log(JSON.stringify({ Version: 1, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: c.expiration }));
        return;
      }
      const file = credentialsFile();
      writeCredentialsProfile(file, o.profile, c);
      console.log(`kamen: assumed ${c.assumedRoleArn}; credentials in [${o.profile}] of ${file} until ${c.expiration}`);
    });
}

/** Text kamen prints for people to paste: ~/.aws files and environment exports. */
import type { BootstrapInfo } from '../app.js';

/** A ready-to-paste ~/.aws/credentials and ~/.aws/config for the management account's root key. */
export function configSnippet(boot: BootstrapInfo, endpoint: string): string {
  return [
    '# ~/.aws/credentials',
    '[kamen]',
    `aws_access_key_id = ${boot.accessKeyId}`,
    `aws_secret_access_key = ${boot.secretAccessKey}`,
    '',
    '# ~/.aws/config',
    '[profile kamen]',
    'region = us-east-1',
    `endpoint_url = ${endpoint}`,
    '',
  ].join('\n');
}

/** The line that sends a newcomer from the root keys to an IAM admin user, as AWS recommends. */
export const ROOT_KEYS_HINT = '# these are the root user\'s keys (root may not assume roles): create an IAM admin user as README.md shows ("From root keys to an IAM admin user")';

/** Shell exports for both ways of reaching kamen: AWS_ENDPOINT_URL, and proxy mode for older clients. */
export function envExports(boot: BootstrapInfo, endpoint: string, caPath: string): string {
  return [
    ROOT_KEYS_HINT,
    '# clients that honour AWS_ENDPOINT_URL (aws-cli >= 2.13 / 1.29, SDKs):',
    `export AWS_ENDPOINT_URL=${endpoint}`,
    `export AWS_ACCESS_KEY_ID=${boot.accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${boot.secretAccessKey}`,
    'export AWS_DEFAULT_REGION=us-east-1',
    '# proxy mode, for clients that ignore AWS_ENDPOINT_URL (e.g. Debian aws-cli 2.9.19, boto3 1.26):',
    `export HTTPS_PROXY=${endpoint}`,
    `export AWS_CA_BUNDLE=${caPath}`,
    '',
  ].join('\n');
}

/** Decrypts an EncryptedAssertion with the SAML provider's private keys (each tried in turn); the plaintext is parsed safely. */
import { XMLSerializer, type Element } from '@xmldom/xmldom';
import { decrypt } from 'xml-encryption';
import { cannotDecrypt } from './errors.js';

/** The decrypted assertion's XML text, or InvalidIdentityToken when no key decrypts it. */
export async function decryptAssertion(encrypted: Element, privateKeys: readonly string[]): Promise<string> {
  const xml = new XMLSerializer().serializeToString(encrypted);
  for (const key of privateKeys) {
    const plain = await new Promise<string | undefined>((resolve) => {
      decrypt(xml, { key, warnInsecureAlgorithm: false }, (err, result) => resolve(err ? undefined : result));
    });
    if (plain) return plain;
  }
  throw cannotDecrypt();
}

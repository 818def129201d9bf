/**
 * Local certificate authority for proxy mode: persists a CA in the data dir and mints per-hostname leaf certificates.
 * Minting never blocks the event loop: the one leaf key pair is generated in the thread pool on first use, and each
 * leaf's signature is made by node:crypto in the thread pool; only the small ASN.1 assembly runs on the loop.
 */
import { createPrivateKey, generateKeyPair, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { createLru } from './lru.js';

export interface CertificateAuthority {
  caPem: string;
  /** The key and certificate (PEM) for one host name; minted off the event loop, cached per name (bounded LRU). */
  certFor(servername: string): Promise<{ key: string; cert: string }>;
  /** How many names have a certificate cached (at most the cache bound). */
  cachedNames(): number;
}

export interface CaOptions {
  /** Most leaf certificates kept (least recently used dropped first); default 512. */
  maxCachedLeaves?: number;
}

const MAX_CACHED_LEAVES = 512;
const DAY_MS = 24 * 60 * 60 * 1000;

function rsaKeyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey };
}

function randomSerial(): string {
  // Positive 128-bit serial (leading nibble kept below 8 so DER INTEGER stays positive).
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x10;
  return b.toString('hex');
}

function createCa(): { certPem: string; keyPem: string } {
  const { privatePem, publicPem } = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = randomSerial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now + 3650 * DAY_MS);
  const attrs = [{ name: 'commonName', value: 'kamen local CA' }, { name: 'organizationName', value: 'kamen' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  const ski = cert.generateSubjectKeyIdentifier().getBytes();
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier', subjectKeyIdentifier: forge.util.bytesToHex(ski) },
    { name: 'authorityKeyIdentifier', keyIdentifier: ski },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privatePem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privatePem };
}

/** Loads `<dataDir>/ca.pem` + `ca-key.pem`, creating them on first use, and returns a leaf-minting CA. */
export function loadOrCreateCa(dataDir: string, opts: CaOptions = {}): CertificateAuthority {
  const certPath = join(dataDir, 'ca.pem');
  const keyPath = join(dataDir, 'ca-key.pem');
  let caPem: string;
  let caKeyPem: string;
  if (existsSync(certPath) && existsSync(keyPath)) {
    caPem = readFileSync(certPath, 'utf8');
    caKeyPem = readFileSync(keyPath, 'utf8');
  } else {
    mkdirSync(dataDir, { recursive: true });
    const created = createCa();
    caPem = created.certPem;
    caKeyPem = created.keyPem;
    writeFileSync(keyPath, caKeyPem, { mode: 0o600 });
    chmodSync(keyPath, 0o600);
    writeFileSync(certPath, caPem, { mode: 0o644 });
    chmodSync(certPath, 0o644);
  }
  const caCert = forge.pki.certificateFromPem(caPem);
  const caKey: KeyObject = createPrivateKey(caKeyPem);
  const caSki = caCert.generateSubjectKeyIdentifier().getBytes();
  // The leaf key pair is generated (in the thread pool) when the first certificate is asked for, then shared.
  let leafKey: ReturnType<typeof generateLeafKey> | undefined;
  const leafKeyPair = (): ReturnType<typeof generateLeafKey> => {
    if (!leafKey) {
      leafKey = generateLeafKey();
      leafKey.catch(() => (leafKey = undefined));
    }
    return leafKey;
  };
  const cache = createLru<Promise<{ key: string; cert: string }>>(opts.maxCachedLeaves ?? MAX_CACHED_LEAVES);

  async function mint(name: string): Promise<{ key: string; cert: string }> {
    const leaf = await leafKeyPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = leaf.forgePublic;
    cert.serialNumber = randomSerial();
    const now = Date.now();
    cert.validity.notBefore = new Date(now - DAY_MS);
    cert.validity.notAfter = new Date(now + 397 * DAY_MS);
    cert.setSubject([{ name: 'commonName', value: name }]);
    cert.setIssuer(caCert.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: name }] },
      { name: 'subjectKeyIdentifier', subjectKeyIdentifier: leaf.skiHex },
      { name: 'authorityKeyIdentifier', keyIdentifier: caSki },
    ]);
    cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids['sha256WithRSAEncryption']!;
    cert.tbsCertificate = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
    const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
    // The RSA signature runs in libuv's thread pool (the callback form of crypto.sign).
    const signature = await new Promise<Buffer>((resolve, reject) => sign('sha256', tbs, caKey, (err, sig) => (err ? reject(err) : resolve(sig))));
    cert.signature = signature.toString('binary');
    return { key: leaf.privatePem, cert: forge.pki.certificateToPem(cert) };
  }

  function certFor(servername: string): Promise<{ key: string; cert: string }> {
    const name = servername.toLowerCase();
    const hit = cache.get(name);
    if (hit) return hit;
    // The promise is cached at once, so a burst of CONNECTs to one new name mints it once.
    const minted = mint(name);
    cache.set(name, minted);
    minted.catch(() => cache.delete(name));
    return minted;
  }

  return { caPem, certFor, cachedNames: () => cache.size };
}

/** The one key pair every leaf certificate uses, generated in the thread pool. */
async function generateLeafKey(): Promise<{ privatePem: string; forgePublic: forge.pki.PublicKey; skiHex: string }> {
  const { privateKey, publicKey } = await new Promise<{ privateKey: string; publicKey: string }>((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } }, (err, pub, priv) => (err ? reject(err) : resolve({ privateKey: priv, publicKey: pub }))),
  );
  const forgePublic = forge.pki.publicKeyFromPem(publicKey);
  const skiHex = forge.util.bytesToHex(forge.pki.getPublicKeyFingerprint(forgePublic, { type: 'RSAPublicKey' }).getBytes());
  return { privatePem: privateKey, forgePublic, skiHex };
}

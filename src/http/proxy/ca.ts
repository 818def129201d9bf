/** Local certificate authority for proxy mode: persists a CA in the data dir and mints per-hostname leaf certificates. */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export interface CertificateAuthority {
  caPem: string;
  certFor(servername: string): { key: string; cert: string };
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
export function loadOrCreateCa(dataDir: string): CertificateAuthority {
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
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  const caSki = caCert.generateSubjectKeyIdentifier().getBytes();

  let leafKey: { privatePem: string; forgePublic: forge.pki.PublicKey } | undefined;
  const cache = new Map<string, { key: string; cert: string }>();

  function certFor(servername: string): { key: string; cert: string } {
    const name = servername.toLowerCase();
    const hit = cache.get(name);
    if (hit) return hit;
    if (!leafKey) {
      const kp = rsaKeyPair();
      leafKey = { privatePem: kp.privatePem, forgePublic: forge.pki.publicKeyFromPem(kp.publicPem) };
    }
    const cert = forge.pki.createCertificate();
    cert.publicKey = leafKey.forgePublic;
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
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: caSki },
    ]);
    cert.sign(caKey, forge.md.sha256.create());
    const out = { key: leafKey.privatePem, cert: forge.pki.certificateToPem(cert) };
    if (cache.size >= MAX_CACHED_LEAVES) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(name, out);
    return out;
  }

  return { caPem, certFor };
}

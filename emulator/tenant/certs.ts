// A local certificate authority and a localhost server certificate, so the emulator can speak HTTPS
// (the ARM SDK refuses bearer tokens over plain http) and every client can verify it through
// NODE_EXTRA_CA_CERTS instead of turning TLS verification off.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

export interface LocalCertificates {
  /** Give this path to NODE_EXTRA_CA_CERTS. */
  caCertPath: string;
  /** Server certificate (PEM) for localhost and 127.0.0.1. */
  cert: string;
  /** Server private key (PEM). */
  key: string;
}

const CA_CERT = 'ca.pem';
const CA_KEY = 'ca-key.pem';
const SERVER_CERT = 'server.pem';
const SERVER_KEY = 'server-key.pem';
const DAY_MS = 24 * 60 * 60 * 1000;
// Renew the server certificate well before it expires so a long-running dev setup never breaks mid-demo.
const RENEW_BEFORE_MS = 14 * DAY_MS;

export async function ensureLocalCertificates(dir: string): Promise<LocalCertificates> {
  const absDir = path.resolve(dir);
  await fs.mkdir(absDir, { recursive: true, mode: 0o700 });
  // Several processes (the test runner, the emulator, the bot) may start at once; only one may mint the CA,
  // or each would trust a different one.
  return withDirLock(absDir, async () => {
    const ca = await loadOrCreateCa(absDir);
    const server = await loadOrCreateServer(absDir, ca);
    return { caCertPath: path.join(absDir, CA_CERT), cert: server.certPem, key: server.keyPem };
  });
}

interface Pair {
  certPem: string;
  keyPem: string;
}

/** A new key and an unsigned certificate for it, valid from a day ago for `days` days; the caller names and signs it. */
function newKeyAndCertificate(days: number): { keyPem: string; key: forge.pki.rsa.PrivateKey; cert: forge.pki.Certificate } {
  const keyPem = newRsaKeyPem();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + days * DAY_MS);
  return { keyPem, key, cert };
}

async function loadOrCreateCa(dir: string): Promise<Pair> {
  const existing = await readPair(dir, CA_CERT, CA_KEY);
  if (existing && stillValid(existing.certPem, RENEW_BEFORE_MS)) return existing;

  const { keyPem, key, cert } = newKeyAndCertificate(3650);
  const subject = [
    { name: 'commonName', value: 'PIM bot local development CA' },
    { name: 'organizationName', value: 'pim-teams-bot (local only)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true, pathLenConstraint: 0 },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  // A new CA invalidates any server certificate signed by the old one.
  await fs.rm(path.join(dir, SERVER_CERT), { force: true });
  await writeAtomic(path.join(dir, CA_KEY), keyPem, 0o600);
  await writeAtomic(path.join(dir, CA_CERT), certPem, 0o644);
  return { certPem, keyPem };
}

async function loadOrCreateServer(dir: string, ca: Pair): Promise<Pair> {
  const existing = await readPair(dir, SERVER_CERT, SERVER_KEY);
  if (existing && stillValid(existing.certPem, RENEW_BEFORE_MS) && signedBy(existing.certPem, ca.certPem)) return existing;

  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const { keyPem, cert } = newKeyAndCertificate(365);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  await writeAtomic(path.join(dir, SERVER_KEY), keyPem, 0o600);
  await writeAtomic(path.join(dir, SERVER_CERT), certPem, 0o644);
  return { certPem, keyPem };
}

// Node's native generator is much faster than forge's pure-JS one.
function newRsaKeyPem(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

// Positive, random serials: browsers and OpenSSL reject duplicates from the same issuer.
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

async function readPair(dir: string, certFile: string, keyFile: string): Promise<Pair | undefined> {
  try {
    const [certPem, keyPem] = await Promise.all([
      fs.readFile(path.join(dir, certFile), 'utf8'),
      fs.readFile(path.join(dir, keyFile), 'utf8'),
    ]);
    return { certPem, keyPem };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function stillValid(certPem: string, marginMs: number): boolean {
  try {
    const x = new X509Certificate(certPem);
    return Date.parse(x.validTo) - marginMs > Date.now() && Date.parse(x.validFrom) <= Date.now();
  } catch {
    return false;
  }
}

function signedBy(certPem: string, caPem: string): boolean {
  try {
    return new X509Certificate(certPem).verify(new X509Certificate(caPem).publicKey);
  } catch {
    return false;
  }
}

async function writeAtomic(file: string, content: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, content, { mode });
  await fs.chmod(tmp, mode);
  await fs.rename(tmp, file);
}

// mkdir is atomic on every platform, so it serves as a cross-process lock without extra dependencies.
async function withDirLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, '.lock');
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await fs.mkdir(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const stat = await fs.stat(lock).catch(() => undefined);
      // A holder that died leaves the lock behind; generation takes well under 10 s.
      if (stat && Date.now() - stat.mtimeMs > 10_000) {
        await fs.rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for certificate lock ${lock}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lock, { recursive: true, force: true });
  }
}

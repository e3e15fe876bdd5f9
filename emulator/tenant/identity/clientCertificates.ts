// Certificate credentials of app registrations, as Entra checks them: the client sends a JWT
// (client_assertion) signed with the certificate's private key, naming the certificate by its
// thumbprint (x5t = SHA-1, x5t#S256 = SHA-256), with aud = the token endpoint and iss = sub = client id.
import {
  createHash,
  createPublicKey,
  createVerify,
  generateKeyPairSync,
  randomBytes,
  X509Certificate,
  constants,
  type KeyObject,
} from 'node:crypto';
import forge from 'node-forge';

export interface AppCertificate {
  readonly certPem: string;
  /** Hex thumbprints as the Azure portal (SHA-1) and msal-node (SHA-256) name them. */
  readonly thumbprint: string;
  readonly thumbprintSha256: string;
  readonly publicKey: KeyObject;
}

export function appCertificate(certPem: string): AppCertificate {
  const cert = new X509Certificate(certPem);
  return {
    certPem,
    thumbprint: createHash('sha1').update(cert.raw).digest('hex'),
    thumbprintSha256: createHash('sha256').update(cert.raw).digest('hex'),
    publicKey: createPublicKey(certPem),
  };
}

/** A self-signed certificate for an app registration ("Certificates & secrets" → upload). */
export function createAppCertificate(commonName: string): { certPem: string; privateKeyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(privateKeyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 2 * 365 * 86_400_000);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), privateKeyPem };
}

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type AssertionCheck = { ok: true } | { ok: false; code: number; description: string };

/** Verifies a client assertion for `clientId` against the app's registered certificates. */
export function verifyClientAssertion(
  assertion: string,
  clientId: string,
  certificates: readonly AppCertificate[],
  tokenEndpoints: readonly string[],
  nowSeconds = Math.floor(Date.now() / 1000),
): AssertionCheck {
  const bad = (code: number, description: string): AssertionCheck => ({ ok: false, code, description });
  const parts = assertion.split('.');
  if (parts.length !== 3) return bad(50027, 'JWT token is invalid or malformed.');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return bad(50027, 'JWT token is invalid or malformed.');
  }
  const x5t = typeof header.x5t === 'string' ? Buffer.from(header.x5t, 'base64url').toString('hex') : undefined;
  const x5tS256 = typeof header['x5t#S256'] === 'string' ? Buffer.from(header['x5t#S256'], 'base64url').toString('hex') : undefined;
  const cert = certificates.find((c) => c.thumbprint === x5t || c.thumbprintSha256 === x5tS256);
  if (!cert) {
    return bad(
      700027,
      `Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '${(x5t ?? x5tS256 ?? '').toUpperCase()}']`,
    );
  }
  const input = `${parts[0]}.${parts[1]}`;
  const signature = Buffer.from(parts[2]!, 'base64url');
  let valid = false;
  if (header.alg === 'RS256') valid = createVerify('RSA-SHA256').update(input).verify(cert.publicKey, signature);
  else if (header.alg === 'PS256') {
    valid = createVerify('RSA-SHA256')
      .update(input)
      .verify({ key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
  }
  if (!valid) return bad(700027, 'Client assertion failed signature validation.');
  if (claims.iss !== clientId || claims.sub !== clientId)
    return bad(700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
  if (typeof claims.aud !== 'string' || !tokenEndpoints.includes(claims.aud))
    return bad(700212, `No matching federated identity record found for presented assertion audience '${String(claims.aud)}'.`);
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds)
    return bad(700024, 'Client assertion is not within its valid time range.');
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + 300)
    return bad(700024, 'Client assertion is not within its valid time range.');
  return { ok: true };
}

// Minimal RS256 JWTs: exactly what Entra issues and what Graph checks, nothing more.
import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function signingKeyFromPem(kid: string, privateKeyPem: string): SigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  return { kid, privateKey, publicKey: createPublicKey(privateKey) };
}

export function jwk(key: SigningKey): Record<string, unknown> {
  const { n, e } = key.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { kty: 'RSA', use: 'sig', kid: key.kid, x5t: key.kid, n, e, alg: 'RS256' };
}

export type Claims = Record<string, unknown>;

export function signJwt(claims: Claims, key: SigningKey): string {
  const header = { typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid };
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

export type VerifyFailure = 'malformed' | 'signature' | 'expired' | 'notYetValid' | 'issuer' | 'audience';

export interface VerifyOptions {
  issuer: string;
  audiences: readonly string[];
  /** Wall-clock seconds; token lifetimes never follow the controllable PIM clock. */
  nowSeconds?: number;
  clockSkewSeconds?: number;
}

export function verifyJwt(
  token: string,
  key: SigningKey,
  opts: VerifyOptions,
): { ok: true; claims: Claims } | { ok: false; reason: VerifyFailure } {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return { ok: false, reason: 'malformed' };
  const [h, p, s] = parts as [string, string, string];
  let header: Claims;
  let claims: Claims;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Claims;
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Claims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return { ok: false, reason: 'malformed' };
  // Pin the algorithm: "alg: none" and HMAC-with-public-key tricks must never verify.
  if (header.alg !== 'RS256' || header.kid !== key.kid) return { ok: false, reason: 'signature' };
  const valid = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(key.publicKey, Buffer.from(s, 'base64url'));
  if (!valid) return { ok: false, reason: 'signature' };
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  const skew = opts.clockSkewSeconds ?? 0;
  if (typeof claims.exp !== 'number' || claims.exp + skew <= now) return { ok: false, reason: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf - skew > now) return { ok: false, reason: 'notYetValid' };
  if (claims.iss !== opts.issuer) return { ok: false, reason: 'issuer' };
  if (typeof claims.aud !== 'string' || !opts.audiences.includes(claims.aud)) return { ok: false, reason: 'audience' };
  return { ok: true, claims };
}

/** Reads claims without verifying; only for error messages and logs. */
export function peekClaims(token: string): Claims | undefined {
  try {
    const payload = token.split('.')[1];
    if (!payload) return undefined;
    const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return typeof c === 'object' && c !== null ? (c as Claims) : undefined;
  } catch {
    return undefined;
  }
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}

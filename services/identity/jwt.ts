// Reads a JWT's expiry for cache timing only. The signature is not checked here: whoever the
// token is presented to validates it; we only decide when to stop reusing it.

export function jwtExpiry(token: string): Date | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const exp = typeof claims === 'object' && claims !== null ? (claims as { exp?: unknown }).exp : undefined;
    return typeof exp === 'number' && Number.isFinite(exp) ? new Date(exp * 1000) : null;
  } catch {
    return null;
  }
}

/**
 * The token's tenant and object id (unverified): only to pick the caller's cache partition, so one
 * user's cached tokens are never looked up for another. The token service validates the assertion.
 */
export function jwtSubject(token: string): { tid: string; oid: string } | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { tid?: unknown; oid?: unknown };
    return typeof claims.tid === 'string' && typeof claims.oid === 'string' ? { tid: claims.tid, oid: claims.oid } : null;
  } catch {
    return null;
  }
}

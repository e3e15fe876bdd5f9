// Who is calling, as established from a verified bearer token.

export interface UserPrincipal {
  readonly kind: 'user';
  readonly oid: string;
  readonly scopes: readonly string[];
  readonly amr: readonly string[];
  readonly acrs: readonly string[];
  /** auth_time (seconds since the epoch) when the token carries it: when the user last signed in. */
  readonly authTime?: number;
  readonly appId: string | null;
  /** The token's `tid`: whose quotas the call counts against (Graph throttles per app and tenant). */
  readonly tenantId?: string | null;
}

export interface AppPrincipal {
  readonly kind: 'app';
  readonly appId: string;
  readonly oid: string;
  readonly roles: readonly string[];
  readonly tenantId?: string | null;
}

export type Principal = UserPrincipal | AppPrincipal;

export function principalFromClaims(claims: Record<string, unknown>): Principal | undefined {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const appId = typeof claims.azp === 'string' ? claims.azp : typeof claims.appid === 'string' ? claims.appid : null;
  const tenantId = typeof claims.tid === 'string' ? claims.tid : null;
  if (typeof claims.scp === 'string' && typeof claims.oid === 'string') {
    return {
      kind: 'user',
      oid: claims.oid,
      scopes: claims.scp.split(' ').filter(Boolean),
      amr: strings(claims.amr),
      acrs: strings(claims.acrs),
      ...(typeof claims.auth_time === 'number' && Number.isFinite(claims.auth_time) ? { authTime: claims.auth_time } : {}),
      appId,
      tenantId,
    };
  }
  if (claims.idtyp === 'app' && appId && typeof claims.oid === 'string') {
    return { kind: 'app', appId, oid: claims.oid, roles: strings(claims.roles), tenantId };
  }
  return undefined;
}

export function callerId(p: Principal): string {
  return p.kind === 'user' ? p.oid : p.appId;
}

/** Delegated scopes or application roles, whichever the token carries. */
export function hasAnyPermission(p: Principal, permissions: readonly string[]): boolean {
  const held = p.kind === 'user' ? p.scopes : p.roles;
  return permissions.some((x) => held.some((h) => h.toLowerCase() === x.toLowerCase()));
}

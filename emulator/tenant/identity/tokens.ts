// Issues and verifies the tenant's tokens. Lifetimes follow wall time, not the PIM clock, because
// msal-node caches tokens by wall time.
import { randomBytes, randomUUID } from 'node:crypto';
import type { UserRecord } from '../state/types';
import type { AppRegistration, ResourceApi } from './apps';
import { signJwt, verifyJwt, type Claims, type SigningKey, type VerifyFailure } from './jwt';

export const TOKEN_LIFETIME_SECONDS = 3600;
/** Teams' own client id: the azp of Teams SSO tokens. */
export const TEAMS_CLIENT_ID = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';

export interface UserTokenOptions {
  user: UserRecord;
  audience: string;
  scp: string;
  amr?: readonly string[];
  acrs?: readonly string[];
  /** auth_time, seconds since the epoch (when the user signed in); absent: the token does not say. */
  authTime?: number;
  azp?: string;
  /** Negative values make an already-expired token (for tests). */
  lifetimeSeconds?: number;
}

export class TokenService {
  constructor(
    readonly issuer: string,
    readonly tenantId: string,
    private readonly key: SigningKey,
  ) {}

  appToken(app: AppRegistration, resource: ResourceApi): string {
    return signJwt(
      {
        ...this.envelope(resource.audience),
        aio: randomBytes(12).toString('base64url'),
        app_displayname: app.displayName,
        ...confidentialClient(app),
        idp: this.issuer,
        idtyp: 'app',
        oid: app.servicePrincipalId,
        sub: app.servicePrincipalId,
        roles: [...(app.applicationPermissions[resource.name] ?? [])],
        tid: this.tenantId,
        uti: randomBytes(16).toString('base64url'),
        ver: '2.0',
      },
      this.key,
    );
  }

  /** On-behalf-of: the user's identity and authentication strength carry over to the downstream token. */
  delegatedToken(assertion: Claims, app: AppRegistration, resource: ResourceApi): string {
    const carried: Claims = {};
    for (const c of ['oid', 'sub', 'tid', 'name', 'preferred_username', 'given_name', 'family_name', 'amr', 'acrs', 'auth_time', 'upn']) {
      if (assertion[c] !== undefined) carried[c] = assertion[c];
    }
    return signJwt(
      {
        ...this.envelope(resource.audience),
        ...carried,
        ...confidentialClient(app),
        idtyp: 'user',
        // Entra puts the delegated permissions consented for the downstream API here, not the assertion's.
        scp: (app.delegatedPermissions[resource.name] ?? []).join(' '),
        uti: randomBytes(16).toString('base64url'),
        ver: '2.0',
      },
      this.key,
    );
  }

  idToken(user: Claims, app: AppRegistration): string {
    const claims: Claims = { ...this.envelope(app.clientId), tid: this.tenantId, ver: '2.0' };
    for (const c of ['oid', 'sub', 'name', 'preferred_username']) if (user[c] !== undefined) claims[c] = user[c];
    return signJwt(claims, this.key);
  }

  userToken(o: UserTokenOptions): string {
    const claims: Claims = {
      ...this.envelope(o.audience, o.lifetimeSeconds),
      aio: randomBytes(12).toString('base64url'),
      azp: o.azp ?? TEAMS_CLIENT_ID,
      azpacr: '0',
      name: o.user.displayName,
      oid: o.user.id,
      preferred_username: o.user.userPrincipalName,
      rh: randomBytes(8).toString('base64url'),
      scp: o.scp,
      sid: randomUUID(),
      sub: o.user.id,
      tid: this.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '2.0',
      amr: [...(o.amr ?? ['pwd', 'mfa'])],
    };
    if (o.acrs && o.acrs.length > 0) claims.acrs = [...o.acrs];
    if (o.authTime !== undefined) claims.auth_time = o.authTime;
    return signJwt(claims, this.key);
  }

  /** Who a token is for, who issued it and when it is good; an already-expired one starts in the past. */
  private envelope(aud: string, lifetime = TOKEN_LIFETIME_SECONDS): Claims {
    const now = nowSeconds();
    const from = Math.min(now, now + lifetime - 60);
    return { aud, iss: this.issuer, iat: from, nbf: from, exp: now + lifetime };
  }

  verify(token: string, audiences: readonly string[]): { ok: true; claims: Claims } | { ok: false; reason: VerifyFailure } {
    const result = verifyJwt(token, this.key, { issuer: this.issuer, audiences });
    if (result.ok && result.claims.tid !== this.tenantId) return { ok: false, reason: 'issuer' };
    return result;
  }
}

/** The app as the token's client, authenticated with its secret (acr '1'). */
function confidentialClient(app: AppRegistration): Claims {
  return { appid: app.clientId, azp: app.clientId, appidacr: '1', azpacr: '1' };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

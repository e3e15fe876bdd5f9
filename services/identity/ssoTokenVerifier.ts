// Production: who is acting is what the user's SSO token says, once its signature, issuer, audience
// and lifetime check out against the authority's published keys (OpenID metadata → jwks_uri). The
// activity's own fields (from.aadObjectId, conversation.tenantId) are then only compared with it.
// RS256 only, keys fetched from the authority over HTTPS and cached; an unknown key id refetches
// them at most once a minute, so a stream of forged key ids cannot hammer the authority.
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';

export interface VerifiedSsoIdentity {
  /** Entra object id (oid), lower case. */
  readonly userId: string;
  /** Entra tenant id (tid), lower case. */
  readonly tenantId: string;
}

export type SsoVerification =
  | { readonly ok: true; readonly identity: VerifiedSsoIdentity }
  | {
      readonly ok: false;
      readonly reason: 'malformed' | 'signature' | 'issuer' | 'audience' | 'expired' | 'tenant' | 'subject' | 'keysUnavailable';
    };

export interface SsoTokenVerifierOptions {
  /** https://login.microsoftonline.com/<tenant> (the emulator's https://localhost:PORT/<tenant> locally). */
  readonly authority: string;
  /** The bot's app id and its Application ID URI: Entra v2 tokens carry the first, v1 tokens the second. */
  readonly audiences: readonly string[];
  /** Tenants whose users the bot serves. */
  readonly allowedTenantIds: readonly string[];
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

/** Clock skew tolerated on exp / nbf, as Microsoft.IdentityModel does by default. */
const CLOCK_SKEW_S = 300;
const KEYS_TTL_MS = 24 * 60 * 60_000;
const UNKNOWN_KID_REFRESH_MS = 60_000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Keys {
  readonly issuer: string;
  readonly byKid: ReadonlyMap<string, KeyObject>;
  readonly fetchedAt: number;
}

export class SsoTokenVerifier {
  private keys: Keys | undefined;
  private loading: Promise<Keys> | undefined;
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;
  private readonly audiences: ReadonlySet<string>;
  private readonly tenants: ReadonlySet<string>;
  private readonly authorityTenant: string;

  constructor(private readonly options: SsoTokenVerifierOptions) {
    this.authorityTenant = options.authority.replace(/\/+$/, '').split('/').pop() ?? '';
    this.now = options.now ?? Date.now;
    this.fetchImpl = options.fetch ?? fetch;
    this.audiences = new Set(options.audiences.map((a) => a.toLowerCase()));
    this.tenants = new Set(options.allowedTenantIds.map((t) => t.toLowerCase()));
  }

  async verify(token: string): Promise<SsoVerification> {
    const parts = token.split('.');
    if (parts.length !== 3) return fail('malformed');
    const header = decodePart(parts[0]!);
    const claims = decodePart(parts[1]!);
    if (!header || !claims || header['alg'] !== 'RS256' || typeof header['kid'] !== 'string') return fail('malformed');
    let keys: Keys;
    try {
      keys = await this.keysFor(header['kid']);
    } catch {
      return fail('keysUnavailable');
    }
    const key = keys.byKid.get(header['kid']);
    if (!key) return fail('signature');
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`, 'utf8');
    if (!verifySignature('RSA-SHA256', signed, key, Buffer.from(parts[2]!, 'base64url'))) return fail('signature');

    const tid = typeof claims['tid'] === 'string' ? claims['tid'].toLowerCase() : '';
    const oid = typeof claims['oid'] === 'string' ? claims['oid'].toLowerCase() : '';
    if (!GUID.test(tid) || !GUID.test(oid)) return fail('subject');
    // Entra's issuer names the token's own tenant (v2: <login>/<tid>/v2.0, v1: sts.windows.net/<tid>/);
    // the metadata read from the bot's tenant names that tenant, and tid must be an allowed one.
    const issuers = new Set([
      keys.issuer.replace('{tenantid}', tid),
      keys.issuer.replace(this.authorityTenant, tid),
      `https://sts.windows.net/${tid}/`,
    ]);
    if (typeof claims['iss'] !== 'string' || !issuers.has(claims['iss'])) return fail('issuer');
    const aud = claims['aud'];
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.some((a) => typeof a === 'string' && this.audiences.has(a.toLowerCase()))) return fail('audience');
    const nowS = this.now() / 1000;
    if (typeof claims['exp'] !== 'number' || claims['exp'] + CLOCK_SKEW_S <= nowS) return fail('expired');
    if (typeof claims['nbf'] === 'number' && claims['nbf'] - CLOCK_SKEW_S > nowS) return fail('expired');
    if (!this.tenants.has(tid)) return fail('tenant');
    return { ok: true, identity: { userId: oid, tenantId: tid } };
  }

  private async keysFor(kid: string): Promise<Keys> {
    const current = this.keys;
    const age = current ? this.now() - current.fetchedAt : Infinity;
    if (current && age < KEYS_TTL_MS && (current.byKid.has(kid) || age < UNKNOWN_KID_REFRESH_MS)) return current;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    try {
      this.keys = await this.loading;
    } catch (error) {
      // Keys already known keep working while the authority is briefly unreachable.
      if (current) return current;
      throw error;
    }
    return this.keys;
  }

  private async load(): Promise<Keys> {
    const base = this.options.authority.replace(/\/+$/, '');
    const metadata = await this.getJson(`${base}/v2.0/.well-known/openid-configuration`);
    const issuer = metadata['issuer'];
    const jwksUri = metadata['jwks_uri'];
    if (typeof issuer !== 'string' || typeof jwksUri !== 'string' || !jwksUri.startsWith('https://'))
      throw new Error('OpenID metadata without issuer or https jwks_uri');
    const jwks = await this.getJson(jwksUri);
    const byKid = new Map<string, KeyObject>();
    for (const jwk of Array.isArray(jwks['keys']) ? jwks['keys'] : []) {
      const k = jwk as Record<string, unknown>;
      if (k['kty'] !== 'RSA' || typeof k['kid'] !== 'string' || typeof k['n'] !== 'string' || typeof k['e'] !== 'string') continue;
      if (k['use'] !== undefined && k['use'] !== 'sig') continue;
      try {
        byKid.set(k['kid'], createPublicKey({ key: { kty: 'RSA', n: k['n'], e: k['e'] }, format: 'jwk' }));
      } catch {
        // A key Node cannot read is skipped; the others still verify.
      }
    }
    return { issuer, byKid, fetchedAt: this.now() };
  }

  private async getJson(url: string): Promise<Record<string, unknown>> {
    const response = await this.fetchImpl(url, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${response.status} from the authority's metadata`);
    const body: unknown = await response.json();
    if (typeof body !== 'object' || body === null) throw new Error('metadata is not a JSON object');
    return body as Record<string, unknown>;
  }
}

function fail(reason: Extract<SsoVerification, { ok: false }>['reason']): SsoVerification {
  return { ok: false, reason };
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

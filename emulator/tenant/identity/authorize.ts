// The sign-in page of the local tenant: enough of Entra's /authorize for the authorization-code flow
// with PKCE that a step-up runs through. A browser (or a test with fetch) opens the URL msal-node
// built, sees the persona it signs in as, presses Continue, and is sent back to the redirect URI with
// `code` and `state`. The code is redeemed once at the token endpoint (grant_type=authorization_code,
// routes.ts) for an access token that carries the authentication context (acrs) the `claims`
// parameter asked for, as Entra's token does after a Conditional Access step-up.
import { createHash, randomBytes } from 'node:crypto';
import type { Router } from '../http/router';
import type { EmulatorRequest, EmulatorResponse } from '../http/types';
import type { UserRecord } from '../state/types';
import type { IdentityDeps } from './routes';
import { stepUpSettings } from './stepUpSettings';

/** Entra's authorization codes live about 10 minutes and are redeemed once. */
export const AUTH_CODE_LIFETIME_MS = 10 * 60_000;

/** What a code stands for; the token endpoint checks every field. */
export interface AuthorizationCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly acrs: readonly string[];
  /** amr of the sign-in made on the page (identity/stepUpSettings.ts signInAmr). */
  readonly amr: readonly string[];
  /** When the person pressed Continue: the token's auth_time (seconds since the epoch). */
  readonly authTime: number;
  /** PKCE (RFC 7636): S256 challenge; absent when the client sent none (confidential clients may omit it). */
  readonly codeChallenge?: string;
  readonly expiresAt: number;
}

/** Issued codes per tenant, in memory: a restart of the tenant voids them, as a lost session would. */
export class AuthorizationCodes {
  private readonly codes = new Map<string, AuthorizationCode>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(code: Omit<AuthorizationCode, 'expiresAt'>): string {
    for (const [id, c] of this.codes) if (c.expiresAt <= this.now()) this.codes.delete(id);
    const id = randomBytes(32).toString('base64url');
    this.codes.set(id, { ...code, expiresAt: this.now() + AUTH_CODE_LIFETIME_MS });
    return id;
  }

  /** The code's grant, used up: a second redemption finds nothing (Entra: AADSTS54005). */
  redeem(id: string): AuthorizationCode | undefined {
    const found = this.codes.get(id);
    this.codes.delete(id);
    return found && found.expiresAt > this.now() ? found : undefined;
  }
}

const issued = new WeakMap<object, AuthorizationCodes>();

/** The codes of one tenant (keyed by its store, so /authorize and /token of that tenant share them). */
export function authorizationCodes(deps: Pick<IdentityDeps, 'store'>): AuthorizationCodes {
  let found = issued.get(deps.store);
  if (!found) {
    found = new AuthorizationCodes();
    issued.set(deps.store, found);
  }
  return found;
}

/** RFC 7636 S256: BASE64URL(SHA256(verifier)) === challenge. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

export function registerAuthorizeRoutes(router: Router, deps: IdentityDeps): void {
  const path = new RegExp('^/(?<tenant>[^/]+)/oauth2/v2\\.0/authorize$');
  router.add('GET', path, (req) => page(req, new URLSearchParams(req.rawQuery), deps));
  router.add('POST', path, (req) => confirm(req, deps));
}

interface AuthorizeRequest {
  readonly user: UserRecord;
  readonly clientId: string;
  readonly redirectUri: URL;
  readonly state: string;
  readonly scopes: string[];
  readonly acrs: string[];
  /** The claims asked for amr "mfa" (an approver's fresh MFA). */
  readonly mfa: boolean;
  readonly codeChallenge?: string;
}

function parse(req: EmulatorRequest, params: URLSearchParams, deps: IdentityDeps): AuthorizeRequest | EmulatorResponse {
  if ((req.params.tenant ?? '').toLowerCase() !== deps.tenantId.toLowerCase())
    return problem(400, `Tenant '${req.params.tenant ?? ''}' not found.`);
  const app = deps.apps.find((a) => a.clientId.toLowerCase() === (params.get('client_id') ?? '').toLowerCase());
  if (!app)
    return problem(400, `AADSTS700016: Application with identifier '${params.get('client_id') ?? ''}' was not found in the directory.`);
  if (params.get('response_type') !== 'code')
    return problem(400, "AADSTS900144: The request body must contain the following parameter: 'response_type' (code).");
  let redirectUri: URL;
  try {
    redirectUri = new URL(params.get('redirect_uri') ?? '');
  } catch {
    return problem(400, "AADSTS900144: The request must contain a valid 'redirect_uri'.");
  }
  // The local tenant only sends people back to this machine.
  if (!['localhost', '127.0.0.1', '[::1]'].includes(redirectUri.hostname) || !['http:', 'https:'].includes(redirectUri.protocol)) {
    return problem(
      400,
      `AADSTS50011: The redirect URI '${redirectUri.href}' does not match the redirect URIs configured for the application.`,
    );
  }
  const state = params.get('state') ?? '';
  if (state === '' || state.length > 512) return problem(400, 'The request has no state.');
  const challenge = params.get('code_challenge') ?? undefined;
  if (challenge !== undefined && (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge))) {
    return problem(400, "AADSTS50148: The code_challenge_method must be 'S256' with a 43-character code_challenge.");
  }
  const hint = (params.get('login_hint') ?? '').toLowerCase();
  const user = deps.store.data.users.find((u) => u.id.toLowerCase() === hint || u.userPrincipalName.toLowerCase() === hint);
  if (!user) return problem(400, `AADSTS50034: The user account ${hint || '(none)'} does not exist in the ${deps.tenantId} directory.`);
  const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean);
  return {
    user,
    clientId: app.clientId,
    redirectUri,
    state,
    scopes,
    acrs: requestedAcrs(params.get('claims')),
    mfa: requestsMfa(params.get('claims')),
    ...(challenge ? { codeChallenge: challenge } : {}),
  };
}

function page(req: EmulatorRequest, params: URLSearchParams, deps: IdentityDeps): EmulatorResponse {
  const parsed = parse(req, params, deps);
  if (!('user' in parsed)) return parsed;
  const hidden = [...params.entries()].map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join('\n      ');
  const extra = [...parsed.acrs.map((a) => `authentication context ${escape(a)}`), ...(parsed.mfa ? ['a fresh sign-in with MFA'] : [])];
  const what = extra.length > 0 ? `an extra check (${extra.join(', ')})` : 'your sign-in';
  return {
    status: 200,
    headers: { 'cache-control': 'no-store' },
    html: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in – local tenant</title></head>
<body style="font-family: sans-serif; max-width: 32em; margin: 4em auto">
  <h1>${escape(parsed.user.displayName)}</h1>
  <p>Signed in as ${escape(parsed.user.userPrincipalName)}. The app asks for ${what}.</p>
  <form method="post" action="${escape(req.path)}">
      ${hidden}
      <button type="submit" name="confirm" value="yes">Continue</button>
  </form>
  <p><small>Local PIM emulator: no password is asked. Continue issues a one-time authorization code for this person.</small></p>
</body></html>`,
  };
}

function confirm(req: EmulatorRequest, deps: IdentityDeps): EmulatorResponse {
  if (
    !String(req.headers['content-type'] ?? '')
      .toLowerCase()
      .startsWith('application/x-www-form-urlencoded')
  ) {
    return problem(400, 'The form must be posted as application/x-www-form-urlencoded.');
  }
  const form = new URLSearchParams(req.body.toString('utf8'));
  const parsed = parse(req, form, deps);
  if (!('user' in parsed)) return parsed;
  const back = new URL(parsed.redirectUri.href);
  if (form.get('confirm') !== 'yes') {
    back.searchParams.set('error', 'access_denied');
    back.searchParams.set('state', parsed.state);
    return { status: 302, headers: { location: back.href } };
  }
  const code = authorizationCodes(deps).issue({
    clientId: parsed.clientId,
    redirectUri: parsed.redirectUri.href,
    userId: parsed.user.id,
    scopes: parsed.scopes,
    acrs: parsed.acrs,
    amr: [...stepUpSettings(deps.store).signIn.signInAmr],
    authTime: Math.floor(Date.now() / 1000),
    ...(parsed.codeChallenge ? { codeChallenge: parsed.codeChallenge } : {}),
  });
  back.searchParams.set('code', code);
  back.searchParams.set('state', parsed.state);
  return { status: 302, headers: { location: back.href, 'cache-control': 'no-store' } };
}

/** The acrs values of a claims request ({"access_token":{"acrs":{"essential":true,"value":"c1"}}}). */
function requestedAcrs(claims: string | null): string[] {
  if (!claims) return [];
  try {
    const acrs = (JSON.parse(claims) as { access_token?: { acrs?: { value?: unknown; values?: unknown } } } | null)?.access_token?.acrs;
    return [acrs?.value, ...(Array.isArray(acrs?.values) ? acrs.values : [])].filter(
      (v): v is string => typeof v === 'string' && /^c\d{1,2}$/.test(v),
    );
  } catch {
    return [];
  }
}

/** Whether a claims request asks for amr "mfa" ({"access_token":{"amr":{"essential":true,"values":["mfa"]}}}). */
export function requestsMfa(claims: string | null): boolean {
  if (!claims) return false;
  try {
    const amr = (JSON.parse(claims) as { access_token?: { amr?: { value?: unknown; values?: unknown } } } | null)?.access_token?.amr;
    return amr?.value === 'mfa' || (Array.isArray(amr?.values) && amr.values.includes('mfa'));
  } catch {
    return false;
  }
}

function problem(status: number, message: string): EmulatorResponse {
  return { status, html: `<!doctype html><html lang="en"><body><h1>Sign-in failed</h1><p>${escape(message)}</p></body></html>` };
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

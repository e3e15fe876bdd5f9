// The tenant's OpenID Connect / OAuth 2.0 endpoints: enough of Entra for msal-node's real code paths
// (discovery, client credentials, on-behalf-of with claims, authorization code with PKCE for a step-up)
// plus the local stand-in for Teams SSO.
import { isFederatedAssertion, verifyFederatedAssertion } from './managedIdentity';
import { timingSafeEqual } from 'node:crypto';
import type { Router } from '../http/router';
import type { EmulatorRequest, EmulatorResponse } from '../http/types';
import type { TenantStore } from '../state/store';
import { resourceForScope, type AppRegistration, type ResourceApi } from './apps';
import type { Claims } from './jwt';
import { jwk, type SigningKey } from './jwt';
import { CLIENT_ASSERTION_TYPE, verifyClientAssertion } from './clientCertificates';
import { oauthError } from './oauthErrors';
import { authorizationCodes, pkceMatches, registerAuthorizeRoutes, requestsMfa } from './authorize';
import { stepUpSettings } from './stepUpSettings';
import type { TokenService } from './tokens';
import { TOKEN_LIFETIME_SECONDS } from './tokens';

export interface IdentityDeps {
  readonly baseUrl: () => string;
  readonly tenantId: string;
  readonly tokens: TokenService;
  readonly key: SigningKey;
  readonly apps: readonly AppRegistration[];
  readonly store: TenantStore;
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export function registerIdentityRoutes(router: Router, deps: IdentityDeps): void {
  const tenant = '(?<tenant>[^/]+)';
  router.add('GET', new RegExp(`^/${tenant}/v2\\.0/\\.well-known/openid-configuration$`), (req) =>
    withTenant(req, deps, () => discovery(deps)),
  );
  router.add('GET', new RegExp(`^/${tenant}/discovery/v2\\.0/keys$`), (req) =>
    withTenant(req, deps, () => ({ status: 200, json: { keys: [jwk(deps.key)] } })),
  );
  router.add('POST', new RegExp(`^/${tenant}/oauth2/v2\\.0/token$`), (req) => withTenant(req, deps, () => token(req, deps)));
  router.add('POST', new RegExp(`^/${tenant}/emulator/sso$`), (req) => withTenant(req, deps, () => sso(req, deps)));
  registerAuthorizeRoutes(router, deps);
}

function withTenant(req: EmulatorRequest, deps: IdentityDeps, next: () => EmulatorResponse): EmulatorResponse {
  if ((req.params.tenant ?? '').toLowerCase() !== deps.tenantId.toLowerCase()) {
    return oauthError({
      status: 400,
      error: 'invalid_tenant',
      code: 90002,
      description: `Tenant '${req.params.tenant ?? ''}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    });
  }
  return next();
}

function discovery(deps: IdentityDeps): EmulatorResponse {
  const base = `${deps.baseUrl()}/${deps.tenantId}`;
  return {
    status: 200,
    json: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${deps.baseUrl()}/${deps.tenantId}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: deps.tokens.issuer,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'acr',
        'nonce',
        'preferred_username',
        'name',
        'tid',
        'ver',
        'at_hash',
        'c_hash',
        'email',
      ],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'localhost',
      cloud_graph_host_name: 'localhost',
      msgraph_host: new URL(deps.baseUrl()).host,
    },
  };
}

function token(req: EmulatorRequest, deps: IdentityDeps): EmulatorResponse {
  const contentType = String(req.headers['content-type'] ?? '');
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return oauthError({
      status: 400,
      error: 'invalid_request',
      code: 900144,
      description: "The request body must contain the following parameter: 'grant_type'.",
    });
  }
  const form = new URLSearchParams(req.body.toString('utf8'));
  const correlationId = form.get('client-request-id') ?? (req.headers['client-request-id'] as string | undefined);
  const fail = (status: number, error: string, code: number, description: string, extra?: Record<string, unknown>) =>
    oauthError({ status, error, code, description, correlationId, extra });

  const grantType = form.get('grant_type');
  if (!grantType) return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");

  const client = authenticateClient(req, form, deps);
  if ('error' in client) return fail(client.status, 'invalid_client', client.code, client.error);
  const app = client.app;

  const requested = (form.get('scope') ?? '').split(' ').filter((s) => s && !OIDC_SCOPES.has(s));
  if (requested.length !== 1) {
    return fail(
      400,
      'invalid_scope',
      70011,
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${requested.join(' ')} is not valid.`,
    );
  }
  const resource = resourceForScope(requested[0]!);
  if (!resource || !requested[0]!.endsWith('.default')) {
    return fail(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${requested[0]} is not valid. Client credential and on-behalf-of flows here must use a single scope ending in /.default.`,
    );
  }

  if (grantType === 'client_credentials') return tokenResponse(deps.tokens.appToken(app, resource), requested[0]!);
  if (grantType === JWT_BEARER) return onBehalfOf(form, app, resource, requested[0]!, deps, fail);
  if (grantType === 'authorization_code') return authorizationCode(form, app, resource, requested[0]!, deps, fail);
  return fail(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
}

type Fail = (status: number, error: string, code: number, description: string, extra?: Record<string, unknown>) => EmulatorResponse;

function onBehalfOf(
  form: URLSearchParams,
  app: AppRegistration,
  resource: ResourceApi,
  scope: string,
  deps: IdentityDeps,
  fail: Fail,
): EmulatorResponse {
  if (form.get('requested_token_use') !== 'on_behalf_of') {
    return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'requested_token_use'.");
  }
  const assertion = form.get('assertion');
  if (!assertion) return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'assertion'.");

  const verified = deps.tokens.verify(assertion, app.ownAudiences);
  if (!verified.ok) {
    switch (verified.reason) {
      case 'expired':
      case 'notYetValid':
        return fail(400, 'invalid_grant', 500133, 'Assertion is not within its valid time range.');
      case 'audience':
        return fail(
          400,
          'invalid_grant',
          50013,
          "Assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '']. Assertion audience does not match the Client app presenting the assertion.",
        );
      default:
        return fail(400, 'invalid_grant', 50013, 'Assertion failed signature validation.');
    }
  }
  const claims = verified.claims;
  const user = typeof claims.oid === 'string' ? deps.store.data.users.find((u) => u.id === claims.oid) : undefined;
  if (typeof claims.scp !== 'string' || !user) {
    return fail(400, 'invalid_grant', 50027, 'JWT token is invalid or malformed: the assertion is not a user token of this tenant.');
  }

  const challenge = unmetClaims(form.get('claims'), claims);
  if (challenge === 'malformed') return fail(400, 'invalid_request', 50005, "The 'claims' parameter is not valid JSON.");
  if (challenge) {
    return fail(
      400,
      'interaction_required',
      50076,
      `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resource.audience}'.`,
      { suberror: 'basic_action', claims: challenge },
    );
  }
  // The granted permissions plus the requested '/.default', so msal's cache lookup (by requested scopes) hits.
  const granted = (app.delegatedPermissions[resource.name] ?? []).map((s) => `${resource.audience}/${s}`);
  const response = tokenResponse(deps.tokens.delegatedToken(claims, app, resource), [...granted, scope].join(' '));
  // Like Entra, answer the OIDC scopes msal adds with an id token and client_info, so msal can key its cache by account.
  const json = response.json as Record<string, unknown>;
  json.id_token = deps.tokens.idToken(claims, app);
  if (form.get('client_info') === '1') {
    json.client_info = Buffer.from(JSON.stringify({ uid: claims.oid, utid: deps.tenantId })).toString('base64url');
  }
  return response;
}

/** Redeems a code from /authorize (authorize.ts): once, by the client it was issued to, with its redirect URI and PKCE verifier. */
function authorizationCode(
  form: URLSearchParams,
  app: AppRegistration,
  resource: ResourceApi,
  scope: string,
  deps: IdentityDeps,
  fail: Fail,
): EmulatorResponse {
  const code = form.get('code');
  if (!code) return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'code'.");
  const grant = authorizationCodes(deps).redeem(code);
  if (!grant || grant.clientId.toLowerCase() !== app.clientId.toLowerCase()) {
    return fail(
      400,
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity, was already redeemed, or was issued to another client.',
    );
  }
  if (form.get('redirect_uri') !== grant.redirectUri) {
    return fail(
      400,
      'invalid_grant',
      500112,
      'The reply address does not match the reply address provided when requesting the authorization code.',
    );
  }
  if (grant.codeChallenge !== undefined && !pkceMatches(form.get('code_verifier') ?? '', grant.codeChallenge)) {
    return fail(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
  }
  if (!grant.scopes.includes(scope)) {
    return fail(400, 'invalid_grant', 65001, `The authorization code was not issued for the scope ${scope}.`);
  }
  const user = deps.store.data.users.find((u) => u.id === grant.userId);
  if (!user) return fail(400, 'invalid_grant', 50034, 'The user account of this authorization code no longer exists.');
  // The sign-in just made satisfied what the claims asked (authentication context); its amr is what the
  // sign-in page did (stepUpSettings signInAmr) and its auth_time the moment it was made.
  const claims: Claims = {
    oid: user.id,
    sub: user.id,
    tid: deps.tenantId,
    name: user.displayName,
    preferred_username: user.userPrincipalName,
    amr: [...grant.amr],
    auth_time: grant.authTime,
    ...(grant.acrs.length > 0 ? { acrs: [...grant.acrs] } : {}),
  };
  const granted = (app.delegatedPermissions[resource.name] ?? []).map((s) => `${resource.audience}/${s}`);
  const response = tokenResponse(deps.tokens.delegatedToken(claims, app, resource), [...granted, scope].join(' '));
  const json = response.json as Record<string, unknown>;
  json.id_token = deps.tokens.idToken(claims, app);
  if (form.get('client_info') === '1')
    json.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: deps.tenantId })).toString('base64url');
  return response;
}

/**
 * Returns the claims challenge to send back when the request asks for authentication-context values (acrs)
 * the assertion does not carry; undefined when satisfied. Other requested claims (e.g. xms_cc from client
 * capabilities) need no interaction.
 */
export function unmetClaims(claimsParam: string | null, assertion: Claims): string | undefined | 'malformed' {
  if (!claimsParam) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(claimsParam);
  } catch {
    return 'malformed';
  }
  const acrs = (parsed as { access_token?: { acrs?: { essential?: boolean; value?: unknown; values?: unknown } } } | null)?.access_token
    ?.acrs;
  // An essential amr "mfa" (an approver's step-up) the assertion does not carry needs the sign-in too.
  if (!acrs) return requestsMfa(claimsParam) && !(Array.isArray(assertion.amr) && assertion.amr.includes('mfa')) ? claimsParam : undefined;
  const wanted = [acrs.value, ...(Array.isArray(acrs.values) ? acrs.values : [])].filter((v): v is string => typeof v === 'string');
  const held = Array.isArray(assertion.acrs) ? assertion.acrs : [];
  if (wanted.every((v) => held.includes(v))) return undefined;
  return JSON.stringify({
    access_token: { acrs: { essential: true, ...(wanted.length === 1 ? { value: wanted[0] } : { values: wanted }) } },
  });
}

function authenticateClient(
  req: EmulatorRequest,
  form: URLSearchParams,
  deps: IdentityDeps,
): { app: AppRegistration } | { status: number; code: number; error: string } {
  let clientId = form.get('client_id');
  let secret = form.get('client_secret');
  const basic = /^Basic (.+)$/i.exec(String(req.headers.authorization ?? ''));
  if (basic) {
    const [id, s] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    clientId = decodeURIComponent(id ?? '');
    secret = decodeURIComponent(s ?? '');
  }
  if (!clientId) return { status: 400, code: 900144, error: "The request body must contain the following parameter: 'client_id'." };
  const app = deps.apps.find((a) => a.clientId.toLowerCase() === clientId!.toLowerCase());
  if (!app) {
    return {
      status: 400,
      code: 700016,
      error: `Application with identifier '${clientId}' was not found in the directory '${deps.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    };
  }
  const clientAssertion = form.get('client_assertion');
  if (clientAssertion) {
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
      return { status: 400, code: 900144, error: "The request body must contain the following parameter: 'client_assertion_type'." };
    }
    if (app.federatedCredentials?.length && isFederatedAssertion(clientAssertion, app.clientId)) {
      const federated = verifyFederatedAssertion(clientAssertion, app.federatedCredentials, new Map([[deps.tokens.issuer, deps.key]]));
      return federated.ok ? { app } : { status: 401, code: federated.code, error: federated.description };
    }
    const tokenEndpoint = `${deps.baseUrl()}/${deps.tenantId}/oauth2/v2.0/token`;
    const check = verifyClientAssertion(clientAssertion, app.clientId, app.certificates ?? [], [tokenEndpoint]);
    return check.ok ? { app } : { status: 401, code: check.code, error: check.description };
  }
  if (!secret)
    return {
      status: 401,
      code: 7000218,
      error: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    };
  if (!sameSecret(secret, app.clientSecret)) {
    return {
      status: 401,
      code: 7000215,
      error: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
    };
  }
  return { app };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function tokenResponse(accessToken: string, scope: string): EmulatorResponse {
  return {
    status: 200,
    headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
    json: {
      token_type: 'Bearer',
      scope,
      expires_in: TOKEN_LIFETIME_SECONDS - 1,
      ext_expires_in: TOKEN_LIFETIME_SECONDS - 1,
      access_token: accessToken,
    },
  };
}

// The local stand-in for the Teams SSO token (getAuthToken); loopback only, users of this tenant only.
function sso(req: EmulatorRequest, deps: IdentityDeps): EmulatorResponse {
  if (!req.isLoopback)
    return oauthError({
      status: 403,
      error: 'access_denied',
      code: 50105,
      description: 'The emulated SSO endpoint only answers loopback callers.',
    });
  let body: { userId?: unknown; audience?: unknown };
  try {
    body = JSON.parse(req.body.toString('utf8')) as typeof body;
  } catch {
    return oauthError({
      status: 400,
      error: 'invalid_request',
      code: 900144,
      description: 'The body must be JSON {"userId": "<object id>", "audience": "<bot client id>"}.',
    });
  }
  const user =
    typeof body.userId === 'string'
      ? deps.store.data.users.find((u) => u.id.toLowerCase() === (body.userId as string).toLowerCase())
      : undefined;
  if (!user)
    return oauthError({
      status: 400,
      error: 'invalid_grant',
      code: 50034,
      description: `The user account ${String(body.userId)} does not exist in the ${deps.tenantId} directory.`,
    });
  const app = typeof body.audience === 'string' ? deps.apps.find((a) => a.ownAudiences.includes(body.audience as string)) : undefined;
  if (!app)
    return oauthError({
      status: 400,
      error: 'invalid_resource',
      code: 500011,
      description: `The resource principal named ${String(body.audience)} was not found in the tenant named ${deps.tenantId}.`,
    });
  // Like Teams' SSO token, it never carries an authentication context: a step-up is the authorization-code flow.
  // Its session signed in a while ago (stepUpSettings: sessionAgeSeconds), with the session's amr.
  const session = stepUpSettings(deps.store).signIn;
  const authTime = session.sessionSignedInAt ?? Math.floor(Date.now() / 1000) - session.sessionAgeSeconds;
  return {
    status: 200,
    json: {
      token: deps.tokens.userToken({
        user,
        audience: body.audience as string,
        scp: 'access_as_user',
        amr: [...session.sessionAmr],
        authTime,
      }),
    },
  };
}

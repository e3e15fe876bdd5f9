// Secretless app credentials, as Entra does them: a managed identity gets tokens from its host's
// identity endpoint (Container Apps / App Service form: GET IDENTITY_ENDPOINT?api-version=2019-08-01
// &resource=…&client_id=…, header X-IDENTITY-HEADER), and an app registration with a federated
// identity credential (issuer + subject + audience) accepts such a token as its client_assertion.
// Only tokens this tenant signed can match: a foreign issuer has no credential and no keys here.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Router } from '../http/router';
import type { EmulatorRequest, EmulatorResponse } from '../http/types';
import type { AssertionCheck } from './clientCertificates';
import { peekClaims, signJwt, verifyJwt, type SigningKey } from './jwt';

export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
export const MANAGED_IDENTITY_PATH = '/msi/token';
const LIFETIME_SECONDS = 3600;

export interface ManagedIdentityRecord {
  /** The user-assigned identity's client id (MANAGED_IDENTITY_CLIENT_ID). */
  readonly clientId: string;
  /** Its service principal's object id: the `sub` a federated credential names. */
  readonly principalId: string;
}

/** A federated identity credential on an app registration ("Certificates & secrets" → Federated credentials). */
export interface FederatedCredential {
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

export interface ManagedIdentityDeps {
  readonly issuer: string;
  readonly tenantId: string;
  readonly key: SigningKey;
  readonly identity: ManagedIdentityRecord;
  /** IDENTITY_HEADER: the host's proof that the caller runs on it. */
  readonly header: string;
}

export function newIdentityHeader(): string {
  return randomBytes(24).toString('base64url');
}

export function registerManagedIdentityRoutes(router: Router, deps: ManagedIdentityDeps): void {
  router.add('GET', new RegExp(`^${MANAGED_IDENTITY_PATH}$`), (req) => managedIdentityToken(req, deps));
}

function managedIdentityToken(req: EmulatorRequest, deps: ManagedIdentityDeps): EmulatorResponse {
  const sent = Buffer.from(String(req.headers['x-identity-header'] ?? ''));
  const expected = Buffer.from(deps.header);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    return { status: 401, json: { statusCode: 401, message: 'Unauthorized: the X-IDENTITY-HEADER is missing or wrong.' } };
  }
  const query = new URLSearchParams(req.rawQuery);
  if (query.get('api-version') !== '2019-08-01')
    return { status: 400, json: { statusCode: 400, message: 'api-version 2019-08-01 is required.' } };
  const clientId = query.get('client_id');
  if (clientId && clientId.toLowerCase() !== deps.identity.clientId) {
    return { status: 400, json: { statusCode: 400, message: `No managed identity with client id '${clientId}' is assigned to this app.` } };
  }
  // Only the audience federated credentials use; Graph and ARM tokens come from the app registration.
  if (query.get('resource') !== TOKEN_EXCHANGE_AUDIENCE) {
    return {
      status: 400,
      json: { statusCode: 400, message: `This emulator issues managed identity tokens for ${TOKEN_EXCHANGE_AUDIENCE} only.` },
    };
  }
  const now = Math.floor(Date.now() / 1000);
  const { clientId: appid, principalId } = deps.identity;
  const token = signJwt(
    {
      aud: TOKEN_EXCHANGE_AUDIENCE,
      iss: deps.issuer,
      iat: now,
      nbf: now,
      exp: now + LIFETIME_SECONDS,
      sub: principalId,
      oid: principalId,
      appid,
      azp: appid,
      idtyp: 'app',
      tid: deps.tenantId,
      ver: '2.0',
    },
    deps.key,
  );
  return {
    status: 200,
    json: {
      access_token: token,
      expires_on: String(now + LIFETIME_SECONDS),
      resource: TOKEN_EXCHANGE_AUDIENCE,
      token_type: 'Bearer',
      client_id: appid,
    },
  };
}

/** A client assertion that is not the app's own certificate-signed JWT (iss = sub = client id). */
export function isFederatedAssertion(assertion: string, clientId: string): boolean {
  const iss = peekClaims(assertion)?.iss;
  return typeof iss === 'string' && iss !== clientId;
}

/** Checks a federated assertion as Entra does: a credential must name its issuer, subject and audience, and its issuer's key must have signed it. */
export function verifyFederatedAssertion(
  assertion: string,
  credentials: readonly FederatedCredential[],
  issuerKeys: ReadonlyMap<string, SigningKey>,
): AssertionCheck {
  const claims = peekClaims(assertion);
  if (!claims) return { ok: false, code: 50027, description: 'JWT token is invalid or malformed.' };
  const { iss, sub, aud } = claims;
  const credential = credentials.find((c) => c.issuer === iss && c.subject === sub && typeof aud === 'string' && c.audiences.includes(aud));
  if (!credential) {
    return {
      ok: false,
      code: 70021,
      description: `No matching federated identity record found for presented assertion. Assertion Issuer: '${String(iss)}'. Assertion Subject: '${String(sub)}'. Assertion Audience: '${String(aud)}'.`,
    };
  }
  const key = issuerKeys.get(credential.issuer);
  if (!key)
    return { ok: false, code: 700027, description: 'Client assertion failed signature validation. [Reason - The key was not found.]' };
  const verified = verifyJwt(assertion, key, { issuer: credential.issuer, audiences: credential.audiences });
  if (verified.ok) return { ok: true };
  if (verified.reason === 'expired' || verified.reason === 'notYetValid')
    return { ok: false, code: 700024, description: 'Client assertion is not within its valid time range.' };
  return { ok: false, code: 700027, description: 'Client assertion failed signature validation.' };
}

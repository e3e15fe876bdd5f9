// msal-node ConfidentialClientApplications for the bot's app registration (client secret or
// certificate): one for app-only tokens, and one per user for on-behalf-of, so each user's tokens
// live in their own msal cache (optionally persisted, encrypted, through a TokenCacheStore).

import {
  ConfidentialClientApplication,
  CryptoProvider,
  ResponseMode,
  type AuthenticationResult,
  type Configuration,
} from '@azure/msal-node';
import { PimError } from '../pim/errors';
import { encryptedCachePlugin, type TokenCacheStore } from './encryptedTokenCache';
import { jwtSubject } from './jwt';
import { mapMsalError } from './msalErrors';
import { SharedMsalNetwork } from './msalNetwork';
import { SCOPES } from './scopes';
import type { Resource } from './tokenProvider';

export interface ClientCertificate {
  /** Hex SHA-256 thumbprint (preferred). */
  readonly thumbprintSha256?: string;
  /** Hex SHA-1 thumbprint. */
  readonly thumbprint?: string;
  /** PEM private key. */
  readonly privateKey: string;
  /** PEM public certificate chain, sent as x5c (subject name + issuer authentication). */
  readonly x5c?: string;
}

export interface MsalAppConfig {
  readonly clientId: string;
  /** Exactly one of clientSecret, clientCertificate and clientAssertion. */
  readonly clientSecret?: string;
  readonly clientCertificate?: ClientCertificate;
  /** A federated credential: a fresh assertion per call (managedIdentityAssertion). */
  readonly clientAssertion?: () => Promise<string>;
  /** https://login.microsoftonline.com/<tenant> in production; https://localhost:PORT/<tenant> locally. */
  readonly authority: string;
  /** Hosts msal may trust without instance discovery: ['localhost:PORT'] locally, [] in production. */
  readonly knownAuthorities: readonly string[];
  /** Persist each user's msal cache here, encrypted with `cacheKey` (32 bytes). Omitted: memory only. */
  readonly cacheStore?: TokenCacheStore;
  readonly cacheKey?: Buffer;
  /** How many users' msal caches one instance keeps in memory (default 500). */
  readonly maxUsersInMemory?: number;
}

export interface AuthCodeUrlRequest {
  readonly resource: Resource;
  /** Where the authority sends the browser back: the bot's /auth/callback. */
  readonly redirectUri: string;
  /** Server-side nonce that names the pending step-up. */
  readonly state: string;
  /** The claims challenge PIM answered with ({"access_token":{"acrs":...}}). */
  readonly claims: string;
  /** The user's object id or UPN, so the right account signs in. */
  readonly loginHint: string;
}

export interface AuthCodeRedeemRequest {
  readonly resource: Resource;
  readonly code: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
  readonly claims: string;
}

/** A token from an authorization-code sign-in of the expected user. */
export interface CodeToken {
  readonly accessToken: string;
  readonly expiresOn: Date;
}

export class MsalTokenClient {
  private readonly app: ConfidentialClientApplication;
  private readonly userApps = new Map<string, ConfidentialClientApplication>();
  /** One network client for the app-only app and every user's app: metadata is fetched once. */
  private readonly network = new SharedMsalNetwork();
  private readonly maxUsers: number;
  /** Token requests out right now, by what they ask for (see once). */
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly config: MsalAppConfig) {
    if ([config.clientSecret, config.clientCertificate, config.clientAssertion].filter(Boolean).length !== 1) {
      throw new Error('MsalTokenClient: set exactly one of clientSecret, clientCertificate and clientAssertion');
    }
    if ((config.cacheStore === undefined) !== (config.cacheKey === undefined)) {
      throw new Error('MsalTokenClient: a persisted token cache needs both cacheStore and cacheKey');
    }
    this.maxUsers = config.maxUsersInMemory ?? 500;
    this.app = new ConfidentialClientApplication(this.msalConfig());
  }

  /**
   * Exchanges the user's token for one to `resource`. msal caches per incoming assertion, so a
   * stable assertion means cache hits; `claims` (a step-up challenge) always goes to the service.
   * With `user` (the acting user), the cache partition is that user's and an assertion naming anyone
   * else is refused (PimError 'forbidden') before it leaves the process.
   */
  async onBehalfOf(
    assertion: string,
    resource: Resource,
    claims?: string,
    user?: { readonly tenantId: string; readonly userId: string },
  ): Promise<string> {
    if (user) this.checkSubject(assertion, user);
    // A step-up demand always goes to the service; the same exchange asked for concurrently (a
    // turn's parallel reads before the first answer is cached) goes once and is shared.
    if (claims) return this.exchange(assertion, resource, claims, user);
    const key = `obo|${user ? partitionOf(user) : ''}|${resource}|${assertion}`;
    return this.once(key, () => this.exchange(assertion, resource, undefined, user));
  }

  private async exchange(
    assertion: string,
    resource: Resource,
    claims: string | undefined,
    user: { readonly tenantId: string; readonly userId: string } | undefined,
  ): Promise<string> {
    const app = user ? await this.userAppFor(partitionOf(user)) : await this.userApp(assertion);
    let result: AuthenticationResult | null;
    try {
      result = await app.acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes: [SCOPES[resource]], ...(claims ? { claims } : {}) });
    } catch (e) {
      throw mapMsalError(e, claims, resource);
    }
    return accessToken(result);
  }

  /**
   * Starts an authorization-code sign-in with PKCE (a step-up: `claims` carries PIM's challenge, so
   * Entra runs the authentication context's Conditional Access policy). msal-node builds the URL and
   * the PKCE pair; the verifier stays on the server until the code comes back.
   */
  async authCodeUrl(request: AuthCodeUrlRequest): Promise<{ url: string; codeVerifier: string }> {
    const pkce = await new CryptoProvider().generatePkceCodes();
    let url: string;
    try {
      url = await this.app.getAuthCodeUrl({
        scopes: [SCOPES[request.resource]],
        redirectUri: request.redirectUri,
        state: request.state,
        claims: request.claims,
        loginHint: request.loginHint,
        prompt: 'login',
        responseMode: ResponseMode.QUERY,
        codeChallenge: pkce.challenge,
        codeChallengeMethod: 'S256',
      });
    } catch (e) {
      throw mapMsalError(e);
    }
    return { url, codeVerifier: pkce.verifier };
  }

  /**
   * Redeems the code of an authorization-code sign-in (msal-node acquireTokenByCode, with the PKCE
   * verifier and the claims) into the user's own msal cache. A code that signed in another account
   * (a link passed on) is refused with PimError 'forbidden' and its tokens leave the cache at once.
   */
  async byAuthCode(user: { readonly tenantId: string; readonly userId: string }, request: AuthCodeRedeemRequest): Promise<CodeToken> {
    const app = await this.userAppFor(partitionOf(user));
    let result: AuthenticationResult | null;
    try {
      result = await app.acquireTokenByCode({
        code: request.code,
        scopes: [SCOPES[request.resource]],
        redirectUri: request.redirectUri,
        codeVerifier: request.codeVerifier,
        claims: request.claims,
      });
    } catch (e) {
      throw mapMsalError(e, request.claims, request.resource);
    }
    const token = accessToken(result);
    const claims = (result?.idTokenClaims ?? {}) as { oid?: unknown; tid?: unknown };
    const same = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
    if (!same(claims.oid, user.userId) || !same(claims.tid, user.tenantId)) {
      if (result?.account) await app.getTokenCache().removeAccount(result.account);
      throw new PimError('forbidden', 'The sign-in was completed by another account');
    }
    return { accessToken: token, expiresOn: result?.expiresOn ?? new Date(Date.now() + 5 * 60_000) };
  }

  async clientCredentials(resource: Resource): Promise<string> {
    return this.clientCredentialsForScope(SCOPES[resource]);
  }

  /** App-only token for any `.default` scope (e.g. the Bot Connector's, for replies to the channel). */
  async clientCredentialsForScope(scope: string): Promise<string> {
    return this.once(`app|${scope}`, () => this.appToken(scope));
  }

  /**
   * One token request per key at a time: callers that ask while it is out share its answer (msal
   * caches it once it lands, so later callers hit the cache). Failures are not kept.
   */
  private once(key: string, fetchToken: () => Promise<string>): Promise<string> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const fetching = fetchToken().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, fetching);
    return fetching;
  }

  private async appToken(scope: string): Promise<string> {
    let result: AuthenticationResult | null;
    try {
      result = await this.app.acquireTokenByClientCredential({ scopes: [scope] });
    } catch (e) {
      throw mapMsalError(e);
    }
    return accessToken(result);
  }

  /** Refuses an assertion that does not name `user`, before it is sent anywhere. */
  private checkSubject(assertion: string, user: { readonly tenantId: string; readonly userId: string }): void {
    const subject = jwtSubject(assertion);
    if (!subject || `${subject.tid}.${subject.oid}`.toLowerCase() !== partitionOf(user))
      throw new PimError('forbidden', "The SSO token is not the acting user's");
  }

  private async userApp(assertion: string): Promise<ConfidentialClientApplication> {
    const subject = jwtSubject(assertion);
    return this.userAppFor(subject ? `${subject.tid}.${subject.oid}`.toLowerCase() : 'unidentified');
  }

  private async userAppFor(partition: string): Promise<ConfidentialClientApplication> {
    const existing = this.userApps.get(partition);
    if (existing) {
      // Map order is insertion order: re-inserting makes this the most recently used.
      this.userApps.delete(partition);
      this.userApps.set(partition, existing);
      return existing;
    }
    const created = new ConfidentialClientApplication(this.msalConfig(partition));
    this.userApps.set(partition, created);
    if (this.userApps.size > this.maxUsers) this.userApps.delete(this.userApps.keys().next().value!);
    // msal's on-behalf-of lookup reads the in-memory cache without asking the plugin; load the
    // user's persisted cache once, so a restarted or second instance reuses what another one got.
    if (this.config.cacheStore) await created.getTokenCache().getAllAccounts();
    return created;
  }

  private msalConfig(partition?: string): Configuration {
    const { clientId, clientSecret, clientCertificate, clientAssertion, authority, knownAuthorities, cacheStore, cacheKey } = this.config;
    const persisted = partition !== undefined && partition !== 'unidentified' && cacheStore && cacheKey;
    return {
      auth: {
        clientId,
        authority,
        knownAuthorities: [...knownAuthorities],
        ...(clientSecret ? { clientSecret } : {}),
        ...(clientCertificate ? { clientCertificate: { ...clientCertificate } } : {}),
        ...(clientAssertion ? { clientAssertion: () => clientAssertion() } : {}),
      },
      system: { networkClient: this.network },
      ...(persisted ? { cache: { cachePlugin: encryptedCachePlugin(cacheStore, cacheKey, `msal-${partition}`) } } : {}),
    };
  }
}

function partitionOf(user: { readonly tenantId: string; readonly userId: string }): string {
  return `${user.tenantId}.${user.userId}`.toLowerCase();
}

function accessToken(result: AuthenticationResult | null): string {
  if (!result?.accessToken) throw new PimError('unknown', 'The token service returned no access token');
  return result.accessToken;
}

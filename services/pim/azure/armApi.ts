// The ARM Authorization SDK client, with the calling user's ARM token. Every ARM failure becomes a
// PimError here and nowhere else.

import { AuthorizationManagementClient, type AuthorizationManagementClientOptionalParams } from '@azure/arm-authorization';
import type { AppTokenProvider, UserTokenProvider } from '../../identity/tokenProvider';
import { PimError } from '../errors';
import { retryAfterSeconds } from '../graph/graphErrors';
import type { UserContext } from '../model';
import { RetryAfterGate } from '../retryAfterGate';
import { mapArmError } from './armErrors';

type PipelinePolicy = NonNullable<AuthorizationManagementClientOptionalParams['additionalPolicies']>[number]['policy'];

export const ARM_PRODUCTION_BASE_URL = 'https://management.azure.com';

/** Scope-based PIM calls never use the client's subscription; the SDK still wants one. */
const UNUSED_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** A token lives ~1 h; the SDK's bearer policy refreshes a little before expiresOnTimestamp. */
const ASSUMED_TOKEN_LIFETIME_MS = 5 * 60_000;

export interface ArmApiOptions {
  /** https://management.azure.com in production; the emulator's https origin locally. */
  readonly baseUrl: string;
  readonly tokens: UserTokenProvider;
  /** App-only ARM tokens, for reads with the app's own Azure RBAC rights (Reader); absent = none. */
  readonly appTokens?: AppTokenProvider;
  /** Retries of failed calls inside the SDK (default 1: a chat answer must stay snappy). */
  readonly maxRetries?: number;
}

/**
 * The SDK builds '/{scope}/providers/...', so the tenant root (scope '') comes out as
 * '//providers/...', which a URL parser reads as a host name. ARM's own tenant-level path is
 * '/providers/...' (asTarget() there lists the caller's roles at every scope): collapse the slashes.
 */
const tenantRootPaths: PipelinePolicy = {
  name: 'pimBotTenantRootPaths',
  sendRequest: (request, next) => {
    const url = new URL(request.url);
    url.pathname = url.pathname.replace(/\/{2,}/g, '/');
    request.url = url.toString();
    return next(request);
  },
};

/**
 * Per call (the SDK's own retry, which waits out a Retry-After, runs below it): refuses a call to a
 * path still inside an earlier 429's Retry-After for this user, and notes the 429 a call ends with.
 */
function retryAfterGatePolicy(gate: RetryAfterGate, userId: string): PipelinePolicy {
  return {
    name: 'pimBotRetryAfterGate',
    sendRequest: async (request, next) => {
      const key = `${userId}|${request.method}|${new URL(request.url).pathname}`;
      gate.check(key);
      const response = await next(request);
      if (response.status === 429) {
        const headers = { get: (name: string) => response.headers.get(name.toLowerCase()) ?? null } as unknown as Headers;
        gate.record(key, new PimError('throttled', 'ARM throttled the call', { retryAfterSeconds: retryAfterSeconds(headers) }));
      }
      return response;
    },
  };
}

export class ArmApi {
  private readonly endpoint: string;
  private readonly gate = new RetryAfterGate();

  constructor(private readonly options: ArmApiOptions) {
    const base = new URL(options.baseUrl);
    // The SDK refuses bearer tokens over http anyway; fail at start-up rather than at the first call.
    if (base.protocol !== 'https:') throw new PimError('invalidInput', 'ARM base URL must be https');
    this.endpoint = base.origin;
  }

  /** Runs one SDK call with a client bound to the user's delegated ARM token (claims for a step-up). */
  async call<T>(user: UserContext, fn: (client: AuthorizationManagementClient) => Promise<T>, claims?: string): Promise<T> {
    const { tokens } = this.options;
    return this.run(user.userId, () => tokens.getUserToken(claims ? { user, resource: 'arm', claims } : { user, resource: 'arm' }), fn);
  }

  /** Whether app-only calls are possible (an app token provider was given). */
  get hasAppAccess(): boolean {
    return this.options.appTokens !== undefined;
  }

  /** Runs one SDK call with the app's own ARM token: reads within the Azure RBAC rights granted to the app. */
  async callAsApp<T>(fn: (client: AuthorizationManagementClient) => Promise<T>): Promise<T> {
    const appTokens = this.options.appTokens;
    if (!appTokens) throw new PimError('forbidden', 'No app-only ARM access is configured');
    return this.run('app', () => appTokens.getAppToken('arm'), fn);
  }

  private async run<T>(
    gateId: string,
    token: () => Promise<string>,
    fn: (client: AuthorizationManagementClient) => Promise<T>,
  ): Promise<T> {
    const credential = {
      getToken: async () => ({ token: await token(), expiresOnTimestamp: Date.now() + ASSUMED_TOKEN_LIFETIME_MS }),
    };
    const client = new AuthorizationManagementClient(credential, UNUSED_SUBSCRIPTION, {
      endpoint: this.endpoint,
      retryOptions: { maxRetries: this.options.maxRetries ?? 1, retryDelayInMs: 500, maxRetryDelayInMs: 2000 },
      additionalPolicies: [
        { position: 'perCall', policy: tenantRootPaths },
        { position: 'perCall', policy: retryAfterGatePolicy(this.gate, gateId) },
      ],
    });
    try {
      return await fn(client);
    } catch (e) {
      throw mapArmError(e);
    }
  }

  /** The SDK's {scope} path parameter: an ARM id without its leading slash ('' = the tenant root). */
  static scopeParam(scopeId: string): string {
    return scopeId.replace(/^\/+/, '');
  }

  /** Drains a paged SDK iterator (it follows nextLink itself). */
  static async all<T>(pages: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const item of pages) out.push(item);
    return out;
  }
}

// The network client every msal-node app of one MsalTokenClient shares. The bot keeps one msal app
// per user (separate token caches), and each app would otherwise fetch the authority's metadata
// itself on its first token request: 200 first-time users arriving together meant 200 identical
// metadata fetches at once, most of which failed (endpoints_resolution_error). Here msal's GETs —
// only ever metadata (OpenID configuration, instance discovery) and the same for every user — are
// fetched once and shared; token requests (POSTs) always go out. Everything uses Node's global
// fetch, whose dispatcher keeps connections alive across apps and users.

import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { TtlCache } from '../pim/ttlCache';

/** Authority metadata changes rarely (msal's own cache keeps it for a day). */
export const MSAL_METADATA_TTL_MS = 60 * 60_000;

export class SharedMsalNetwork implements INetworkModule {
  private readonly metadata: TtlCache<NetworkResponse<unknown>>;

  constructor(
    private readonly fetchImpl: typeof fetch = fetch,
    ttlMs: number = MSAL_METADATA_TTL_MS,
    now: () => number = Date.now,
  ) {
    this.metadata = new TtlCache(ttlMs, now);
  }

  async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    const response = await this.metadata.get(url, async () => {
      const fetched = await this.send<unknown>(url, 'GET', options, timeout);
      // Only a good answer is shared for the TTL; the next caller retries a failed one.
      if (fetched.status !== 200) this.metadata.delete(url);
      return fetched;
    });
    return response as NetworkResponse<T>;
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'POST', options);
  }

  /** As msal-node's own HttpClient: JSON body, headers as a plain object, msal's error codes. */
  private async send<T>(
    url: string,
    method: 'GET' | 'POST',
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: options?.headers ?? {},
        ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
        ...(timeout ? { signal: AbortSignal.timeout(timeout) } : {}),
      });
    } catch {
      throw new AuthError('network_error', 'Network request failed');
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    let body: T;
    try {
      body = (await response.json()) as T;
    } catch {
      throw new AuthError('token_parsing_error', 'Failed to parse response');
    }
    return { headers, body, status: response.status };
  }
}

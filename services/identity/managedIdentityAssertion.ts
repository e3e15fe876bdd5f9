// Secretless app credential: the app registration trusts the host's managed identity through a
// federated identity credential, so msal-node's client assertion is a managed-identity token for
// `api://AzureADTokenExchange`. It comes from the host's identity endpoint (Container Apps and App
// Service: IDENTITY_ENDPOINT + X-IDENTITY-HEADER, api-version 2019-08-01); locally the emulator.
// Plain fetch: one GET, not Graph or ARM.

export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
/** Fetch a new assertion this long before the one held expires (msal-node may hold it a while). */
const REFRESH_MARGIN_SECONDS = 300;

export interface ManagedIdentitySource {
  /** IDENTITY_ENDPOINT. */
  readonly endpoint: string;
  /** IDENTITY_HEADER: proves the caller runs on the host; never logged. */
  readonly header: string;
  /** MANAGED_IDENTITY_CLIENT_ID: the user-assigned identity the federated credential names. */
  readonly clientId: string;
  readonly fetch?: typeof fetch;
  readonly nowSeconds?: () => number;
}

/** msal-node's `clientAssertion` callback: a cached managed-identity token for the token exchange audience. */
export function managedIdentityAssertion(source: ManagedIdentitySource): () => Promise<string> {
  const doFetch = source.fetch ?? fetch;
  const now = source.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  let held: { token: string; expiresOn: number } | undefined;
  let pending: Promise<string> | undefined;

  async function acquire(): Promise<string> {
    const url = new URL(source.endpoint);
    url.searchParams.set('api-version', '2019-08-01');
    url.searchParams.set('resource', TOKEN_EXCHANGE_AUDIENCE);
    url.searchParams.set('client_id', source.clientId);
    const response = await doFetch(url, { headers: { 'X-IDENTITY-HEADER': source.header }, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`The managed identity endpoint answered ${response.status} for the federated credential's token`);
    const body = (await response.json()) as { access_token?: unknown; expires_on?: unknown };
    const expiresOn = Number(body.expires_on);
    if (typeof body.access_token !== 'string' || !body.access_token || !Number.isFinite(expiresOn)) {
      throw new Error('The managed identity endpoint returned no usable token');
    }
    held = { token: body.access_token, expiresOn };
    return body.access_token;
  }

  return async () => {
    if (held && held.expiresOn - REFRESH_MARGIN_SECONDS > now()) return held.token;
    // Concurrent token requests share one fetch.
    pending ??= acquire().finally(() => (pending = undefined));
    return pending;
  };
}

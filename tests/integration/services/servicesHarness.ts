// What the services integration suites share: the services' config for a test tenant, and the check
// that a call fails with one PimError kind.
import assert from 'node:assert/strict';
import type { TenantEmulator } from '../../../emulator/tenant';
import type { ServicesConfig } from '../../../services';
import { PimError, type PimErrorKind } from '../../../services/pim/errors';

/** Graph (and, with `armBaseUrl` in `overrides`, ARM) at the tenant, with its msal authority. */
export function tenantServicesConfig(tenant: TenantEmulator, overrides: Partial<ServicesConfig> = {}): ServicesConfig {
  return {
    tenantId: tenant.tenantId,
    authority: tenant.authority,
    knownAuthorities: [tenant.knownAuthority],
    clientId: tenant.botApp.clientId,
    clientSecret: tenant.botApp.clientSecret,
    graphBaseUrl: tenant.url,
    localSsoUrl: tenant.url,
    // Fault tests expect the first 503 to surface; production keeps one retry.
    graphRetry: { maxRetries: 0, delaySeconds: 0 },
    ...overrides,
  };
}

/** `promise` rejects with a PimError of `kind` (and passes `check`); answers the error. */
export async function rejectsWith(promise: Promise<unknown>, kind: PimErrorKind, check?: (e: PimError) => void): Promise<PimError> {
  let caught: PimError | undefined;
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof PimError, `expected a PimError, got ${String(e)}`);
    assert.equal(e.kind, kind, `expected ${kind}, got ${e.kind} (${e.details.upstreamCode ?? ''} ${e.message})`);
    check?.(e);
    caught = e;
    return true;
  });
  return caught!;
}

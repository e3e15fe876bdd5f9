// The local tenant as a mocha fixture; starting one outside mocha is emulator/stack/tenant.ts.
import type { TenantEmulator } from '../../emulator/tenant';
import { startTestTenant, type TestTenantOptions } from '../../emulator/stack/tenant';

/**
 * One tenant for a mocha suite: started before it, closed after, reset (and back on real time) after
 * each test. Answers a getter, valid from the suite's first test on.
 */
export function tenantPerSuite(opts: TestTenantOptions = {}): () => TenantEmulator {
  let tenant: TenantEmulator | undefined;
  before(async () => {
    tenant = await startTestTenant(opts);
  });
  after(() => tenant?.close());
  afterEach(async () => {
    tenant?.clock.useRealTime();
    await tenant?.reset();
  });
  return () => {
    if (!tenant) throw new Error("the test tenant starts in the suite's before hook");
    return tenant;
  };
}

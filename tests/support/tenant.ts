// Starts a fresh in-memory local tenant on a random port for one test file. Registers nothing global:
// call close() in after().
import path from 'node:path';
import { startTenantEmulator, type TenantEmulator, type TenantEmulatorOptions } from '../../emulator/tenant';

const repoRoot = path.resolve(__dirname, '..', '..');

export type TestTenantOptions = Omit<TenantEmulatorOptions, 'certDir'> & { certDir?: string };

export function testCertDir(): string {
  return path.resolve(repoRoot, process.env.LOCAL_CERT_DIR ?? path.join('.data', 'certs'));
}

export async function startTestTenant(opts: TestTenantOptions = {}): Promise<TenantEmulator> {
  if (!process.env.NODE_EXTRA_CA_CERTS) {
    // Node reads NODE_EXTRA_CA_CERTS only at start-up, so it cannot be fixed from here.
    throw new Error('The local CA is not trusted in this process: run tests through `tsx scripts/with-local-ca.ts ...` (npm test does).');
  }
  // The bot asks approvers for a fresh MFA sign-in (APPROVER_STEP_UP's default): a test tenant's SSO
  // session is one, unless a test says otherwise (its own opts.signIn, or t.stepUp.signIn).
  return startTenantEmulator({ signIn: { sessionAgeSeconds: 0 }, ...opts, certDir: opts.certDir ?? testCertDir() });
}

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

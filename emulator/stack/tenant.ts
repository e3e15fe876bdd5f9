// Starts a fresh in-memory local tenant on a random port (one test file, one bench run). Registers
// nothing global: the caller closes it.
import path from 'node:path';
import { startTenantEmulator, type TenantEmulator, type TenantEmulatorOptions } from '../tenant';

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
  // The bot asks approvers for a fresh MFA sign-in (APPROVER_STEP_UP's default): a local tenant's SSO
  // session is one, unless the caller says otherwise (its own opts.signIn, or t.stepUp.signIn).
  return startTenantEmulator({ signIn: { sessionAgeSeconds: 0 }, ...opts, certDir: opts.certDir ?? testCertDir() });
}

// Runs a command with the local CA trusted (NODE_EXTRA_CA_CERTS), so every Node process under it
// verifies the emulator's HTTPS certificate the normal way. TLS verification is never turned off.
//   tsx scripts/with-local-ca.ts <command> [args...]
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { ensureLocalCertificates } from '../emulator/tenant/certs';

const repoRoot = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    process.stderr.write('usage: tsx scripts/with-local-ca.ts <command> [args...]\n');
    process.exit(2);
  }
  const certDir = path.resolve(repoRoot, process.env.LOCAL_CERT_DIR ?? path.join('.data', 'certs'));
  const { caCertPath } = await ensureLocalCertificates(certDir);

  const child = spawn(command, args, {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: withInheritedCas(caCertPath, certDir), LOCAL_CERT_DIR: certDir },
    // Windows cannot start npm/npx (.cmd files) without a shell; everywhere else we stay shell-less.
    shell: process.platform === 'win32',
  });

  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));

  child.on('error', (err) => {
    process.stderr.write(`with-local-ca: cannot start ${command}: ${err.message}\n`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    if (code !== null) process.exit(code);
    // Mirror the shell's convention for a child killed by a signal.
    const signo = signal ? constants.signals[signal] : undefined;
    process.exit(128 + (signo ?? 1));
  });
}

/**
 * The local CA, plus whatever CAs NODE_EXTRA_CA_CERTS already named (a machine whose registry or
 * proxy has its own CA): Node takes one file, so both go into one bundle next to the local CA.
 */
function withInheritedCas(caCertPath: string, certDir: string): string {
  const inherited = process.env.NODE_EXTRA_CA_CERTS;
  if (!inherited || path.resolve(inherited) === path.resolve(caCertPath)) return caCertPath;
  let extra: string;
  try {
    extra = readFileSync(inherited, 'utf8');
  } catch {
    return caCertPath;
  }
  const local = readFileSync(caCertPath, 'utf8');
  if (extra.includes(local.trim())) return inherited;
  const bundle = path.join(certDir, 'ca-bundle.pem');
  writeFileSync(bundle, `${local.trim()}\n${extra.trim()}\n`);
  return bundle;
}

main().catch((err: unknown) => {
  process.stderr.write(`with-local-ca: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

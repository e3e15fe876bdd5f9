// The emulator's own secrets: the bot app's client secret and the token-signing key. Generated at first
// start and kept in the data directory (mode 0600) so tokens and the bot's config survive restarts and
// tenant resets; in memory they live for one process only. Never committed (.data/ is git-ignored).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { LOCAL_BOT_APP } from '../demoTenant';
import { readJsonIfExists, writeFileAtomic } from '../state/files';
import { createAppCertificate } from './clientCertificates';

export interface EmulatorSecrets {
  botClientSecret: string;
  /** The bot app's uploaded certificate and its private key (added to older secrets files on load). */
  botCertificate?: { certPem: string; privateKeyPem: string };
  signingKey: { kid: string; privateKeyPem: string };
}

export const SECRETS_FILE = 'secrets.json';

export async function loadOrCreateSecrets(dataDir: string | undefined): Promise<EmulatorSecrets> {
  if (!dataDir) return createSecrets();
  const file = path.join(path.resolve(dataDir), SECRETS_FILE);
  const existing = await readJsonIfExists<EmulatorSecrets>(file);
  if (existing?.botClientSecret && existing.signingKey?.privateKeyPem && existing.signingKey.kid) {
    if (existing.botCertificate?.certPem && existing.botCertificate.privateKeyPem) return existing;
    const upgraded = { ...existing, botCertificate: createAppCertificate(LOCAL_BOT_APP.displayName) };
    await writeFileAtomic(file, JSON.stringify(upgraded, null, 1), 0o600);
    return upgraded;
  }
  const created = createSecrets();
  await writeFileAtomic(file, JSON.stringify(created, null, 1), 0o600);
  return created;
}

function createSecrets(): EmulatorSecrets {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    // Entra client secrets are 40 characters; keep it URL/form safe.
    botClientSecret: randomBytes(30).toString('base64url'),
    botCertificate: createAppCertificate(LOCAL_BOT_APP.displayName),
    signingKey: {
      kid: randomBytes(16).toString('base64url'),
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  };
}

// `npm start`: the whole product on this machine, in local mode (see scripts/localStack.ts).
// State lives under .data/ so a second start carries on where the first stopped. Settings come
// from the environment over .env, as the bot reads them; production settings stop it (localEnv.ts).
import * as path from 'node:path';
import { ConfigError, type Env } from '../bot/config';
import { PERSONA_PORTS, type PersonaName } from '../emulator/chat/personas';
import { localEnvironment } from './localEnv';
import { startLocalStack, type LocalStack } from './localStack';

const repoRoot = path.resolve(__dirname, '..');

function personasFrom(value: string | undefined): PersonaName[] {
  const names = (value ?? 'alice,bob,carol,dave')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const known = Object.keys(PERSONA_PORTS);
  const unknown = names.find((name) => !known.includes(name));
  if (unknown !== undefined) {
    throw new ConfigError('LOCAL_PERSONAS', `unknown persona "${unknown}"; choose from ${known.join(', ')}`);
  }
  return names as PersonaName[];
}

function portFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new ConfigError(name, `"${raw}" is not a port number`);
  return port;
}

async function main(): Promise<void> {
  let stack: LocalStack | undefined;
  let stopping = false;
  const stopAll = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await stack?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  let dataDir = '';
  try {
    const env = localEnvironment(process.env, path.resolve('.env'));
    dataDir = path.resolve(repoRoot, env.LOCAL_DATA_DIR ?? '.data');
    stack = await startLocalStack({
      dataDir,
      certDir: path.resolve(repoRoot, env.LOCAL_CERT_DIR ?? path.join(dataDir, 'certs')),
      tenantPort: portFrom(env, 'LOCAL_TENANT_PORT', 8443),
      blobPort: portFrom(env, 'LOCAL_BLOB_PORT', 10000),
      botPort: portFrom(env, 'PORT', 3978),
      personas: personasFrom(env.LOCAL_PERSONAS).map((persona) => ({ persona, port: PERSONA_PORTS[persona] ?? 0 })),
      env,
    });
  } catch (err) {
    const message = err instanceof ConfigError ? `setting ${err.message}` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`Could not start: ${message}\n`);
    return stopAll(1);
  }
  const rel = (p: string): string => path.relative(repoRoot, path.join(dataDir, p)) + '/';
  process.stdout.write(
    [
      '',
      'PIM bot, local mode',
      `  local PIM (Graph, sign-in)  ${stack.tenant.url}   state in ${rel('tenant')}`,
      `  Azurite (bot state)         http://127.0.0.1:${stack.blobPort}   data in ${rel('azurite')}`,
      `  bot                         ${stack.botEndpoint}`,
      ...stack.playgrounds.map((p) => `  chat as ${p.persona.padEnd(19)} ${p.url}`),
      '',
      'Open a chat URL and say "hi". Ctrl-C stops everything; `npm run reset-tenant` restores the demo tenant.',
      '',
    ].join('\n'),
  );
}

void main();

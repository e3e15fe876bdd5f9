// `npm start`: the whole product on this machine, in local mode (see scripts/localStack.ts).
// State lives under .data/ so a second start carries on where the first stopped.
import * as path from 'node:path';
import { ConfigError } from '../bot/config';
import { PERSONA_PORTS, type PersonaName } from '../emulator/chat/personas';
import { startLocalStack, type LocalStack } from './localStack';

const repoRoot = path.resolve(__dirname, '..');

function personasFrom(value: string | undefined): PersonaName[] {
  const names = (value ?? 'alice,bob,carol,dave').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const known = Object.keys(PERSONA_PORTS);
  const unknown = names.find((name) => !known.includes(name));
  if (unknown !== undefined) {
    throw new ConfigError('LOCAL_PERSONAS', `unknown persona "${unknown}"; choose from ${known.join(', ')}`);
  }
  return names as PersonaName[];
}

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new ConfigError(name, `"${raw}" is not a port number`);
  return port;
}

async function main(): Promise<void> {
  const dataDir = path.resolve(repoRoot, process.env.LOCAL_DATA_DIR ?? '.data');
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

  try {
    stack = await startLocalStack({
      dataDir,
      certDir: path.resolve(repoRoot, process.env.LOCAL_CERT_DIR ?? path.join(dataDir, 'certs')),
      tenantPort: portFrom('LOCAL_TENANT_PORT', 8443),
      blobPort: portFrom('LOCAL_BLOB_PORT', 10000),
      botPort: portFrom('PORT', 3978),
      personas: personasFrom(process.env.LOCAL_PERSONAS).map((persona) => ({ persona, port: PERSONA_PORTS[persona] ?? 0 })),
      env: process.env,
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

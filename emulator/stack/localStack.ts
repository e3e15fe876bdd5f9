// The local stack a bot runs against, in one call: the tenant emulator, Azurite on a fresh folder and
// the recording connector (the stand-in Bot Connector), plus the bot's settings pointing at them.
// Shared by the integration tests and bench/.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../bot/config';
import { createBotApp, type BotApp, type BotAppOverrides } from '../../bot/server';
import { startAzurite, type RunningAzurite } from '../storage/azurite';
import type { TenantEmulator } from '../tenant';
import { startBotProcess, type BotProcess, type BotProcessOptions } from './botProcess';
import { openConversation, type ChatUser, type Conversation } from './chatDriver';
import { localBotEnv } from './localBotEnv';
import { startRecordingConnector, type RecordingConnector } from './recordingConnector';
import { startTestTenant, type TestTenantOptions } from './tenant';

export interface LocalStackOptions {
  /** Names the Azurite folder and the default blob container, e.g. 'faults'. */
  readonly name: string;
  readonly tenant?: TestTenantOptions;
  /** The blob container of `env`; default `<name>-<random>`, so runs never share state. */
  readonly container?: string;
}

/** The real bot (bot/server's createBotApp) listening in this process. */
export interface InProcessBot {
  readonly app: BotApp;
  readonly port: number;
  /** http://127.0.0.1:PORT/api/messages */
  readonly endpoint: string;
}

export interface LocalStack {
  readonly tenant: TenantEmulator;
  readonly azurite: RunningAzurite;
  readonly connector: RecordingConnector;
  /** The settings bot/config needs in local mode, pointing at this stack. */
  readonly env: Record<string, string>;
  /** The same settings with another blob container (a second, independent bot). */
  botEnv(container: string): Record<string, string>;
  /** Starts the real bot in this process on a free port; `env` goes on top of the stack's settings. */
  startBot(options?: { readonly env?: Readonly<Record<string, string>>; readonly overrides?: BotAppOverrides }): Promise<InProcessBot>;
  /** Starts the real bot in its own process (it can be SIGKILLed); `env` goes on top of the stack's settings. */
  startBotProcess(options?: Omit<BotProcessOptions, 'env'> & { readonly env?: Readonly<Record<string, string>> }): Promise<BotProcess>;
  /** A 1:1 chat of `user` with the bot at `endpoint` over HTTP, replies read from the connector. */
  chat(endpoint: string, user: ChatUser, options?: { readonly conversationId?: string; readonly timeoutMs?: number }): Conversation;
  /** Stops the tenant, Azurite and the connector and removes Azurite's folder (bots are the caller's). */
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dir = mkdtempSync(path.join(tmpdir(), `pimbot-${options.name}-`));
  const [tenant, azurite, connector] = await Promise.all([
    startTestTenant(options.tenant),
    startAzurite({ location: dir }),
    startRecordingConnector(),
  ]);
  const botEnv = (container: string): Record<string, string> => localBotEnv(tenant, azurite.connectionString, container);
  const env = botEnv(options.container ?? `${options.name}-${randomUUID().slice(0, 8)}`);
  return {
    tenant,
    azurite,
    connector,
    env,
    botEnv,
    async startBot(bot = {}) {
      const app = createBotApp(loadConfig({ PORT: '0', ...env, ...bot.env }), bot.overrides);
      const { port } = await app.listen(0, '127.0.0.1');
      return { app, port, endpoint: `http://127.0.0.1:${port}/api/messages` };
    },
    startBotProcess: (bot = {}) => startBotProcess({ ...bot, env: { ...env, ...bot.env } }),
    chat: (endpoint, user, chat = {}) => openConversation({ endpoint, connector, tenantId: tenant.tenantId, user, ...chat }),
    async stop() {
      await Promise.all([tenant.close(), azurite.stop(), connector.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

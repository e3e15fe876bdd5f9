// Composition root: config in, a running HTTP endpoint out. Everything the bot is made of is
// created here and nowhere else; tests swap parts through `overrides`.
import { randomUUID } from 'node:crypto';
import { CloudAdapter, ConversationState, UserState, type Storage, type TurnContext } from 'botbuilder';
import type { DialogDeps, Logger } from '../dialogs/deps';
import { actingUser } from '../dialogs/actingUser';
import { MainDialog } from '../dialogs/mainDialog';
import { createServices, type ServicesConfig } from '../services/index';
import type { PimService } from '../services/pim/service';
import { canCreateOnce, MemoryCreateOnceStorage } from '../services/store/createOnce';
import { createStateStorage } from '../services/store/stateStorage';
import type { BotConfig } from './config';
import { checkActivityRequest } from './http/activityRequest';
import { createChannelAuthentication, type ChannelAuthEndpoints } from './http/channelAuth';
import { jsonBodyGate, localOnlyGate } from './http/edge';
import { cachedReadiness, checkReadiness, httpReachable, type ReadinessCheck } from './http/health';
import { restify, type RestifyRequest, type RestifyResponse } from './http/restify';
import { SsoTokenVerifier } from '../services/identity/ssoTokenVerifier';
import { createJsonLogger, describeError, registerSecret } from './logging';
import { meterDecisions, meterPim } from './meteredServices';
import { createProductMetrics, type ProductMetrics } from './telemetry';
import { approvalSettings, createApprovalWiring, type ApprovalSettings } from './approvals/wiring';
import { createOutboundChannel } from './channel/outbound';
import { AUTH_CALLBACK_PATH } from './authUrls';
import { createRequesterWiring } from './notifyWiring';
import { PimBot } from './pimBot';
import { ProactivePrivateChat } from './channel/privateTurn';
import { TeamsSsoSignIn } from './signIn';
import { admitTurn } from './turnGate';
import { requireRoleAssignableAdminGroup } from './adminGroupSetting';
import { botStorage } from './botStorage';
import { storageTokenCache } from './tokenCacheStorage';
import { createTurnErrorHandler } from './turnError';
import { withSdkConsole } from './sdkConsole';
import { runInScope } from './turnScope';

export interface BotAppOverrides {
  readonly pim?: PimService;
  readonly storage?: Storage;
  readonly now?: () => Date;
  readonly logger?: Logger;
  /** Tests only: a stand-in Bot Framework (issuer metadata, login authority, token service). */
  readonly channelAuth?: Partial<ChannelAuthEndpoints>;
  /** Tests only: replaces the readiness checks. */
  readonly readinessChecks?: readonly ReadinessCheck[];
  /** Tests only: the monotonic clock (ms) that ages the cached readiness result. */
  readonly readinessClock?: () => number;
  /** Sweep interval and reminder times of the approval flow (tests use short ones). */
  readonly approvals?: ApprovalSettings;
  /** Product metrics (bot/telemetry); they go nowhere unless telemetry was started. */
  readonly metrics?: ProductMetrics;
}

export interface BotApp {
  listen(port: number, host?: string): Promise<{ port: number }>;
  close(): Promise<void>;
}

/** Activities are small; a big body is a mistake or an attack. */
const MAX_BODY_BYTES = 256 * 1024;
/** Probes must answer well inside the platform's probe timeout (App Service: 1 min; Container Apps: 1 s default). */
const READINESS_TIMEOUT_MS = 2000;
/** /readyz answers from a result at most this old, so a flood of probes is one check per period. */
const READINESS_CACHE_MS = 5000;

export function createBotApp(config: BotConfig, overrides: BotAppOverrides = {}): BotApp {
  const logger = overrides.logger ?? createJsonLogger();
  registerSecrets(config);
  const storage = overrides.storage ?? botStorage(createStateStorage(config.storage));
  const production = config.production;
  const signIn = production
    ? new TeamsSsoSignIn({
        connectionName: production.oauthConnectionName,
        // The state storage, shared by every instance; a plain in-memory Storage (tests only) gets the memory twin.
        exchanges: canCreateOnce(storage) ? storage : new MemoryCreateOnceStorage(),
        verifier: new SsoTokenVerifier({
          authority: config.services.authority,
          audiences: [production.appId, production.ssoApplicationIdUri],
          allowedTenantIds: config.allowedTenantIds,
        }),
        logger,
      })
    : undefined;
  const services = overrides.pim ? undefined : createServices(servicesConfig(config, storage, signIn));
  const metrics = overrides.metrics ?? createProductMetrics();
  const pim = meterPim(overrides.pim ?? services!.pim, metrics);
  if (services) meterDecisions(services.approvals.decisions, metrics);
  const now = overrides.now ?? (() => new Date());
  const botAppId = production?.appId ?? '';
  const channelAuth = createChannelAuthentication(config, overrides.channelAuth);
  const adapter = new CloudAdapter(channelAuth);
  adapter.onTurnError = createTurnErrorHandler(logger);
  // The one outbound road (bot/channel), before anything that sends: approvals, follow-ups, reminders.
  const outbound = createOutboundChannel({ auth: channelAuth, botAppId, logger });
  adapter.use(outbound.countReplies);
  const approvals = services
    ? createApprovalWiring({
        storage,
        pim,
        approvals: services.approvals,
        actingUser: (context) => actingUser(context, config.tenantId),
        sender: outbound.sender,
        tenantId: config.tenantId,
        now,
        logger,
        ...(services.approvals.installer ? { installer: services.approvals.installer } : {}),
        ...(config.approvalChannels ? { channels: config.approvalChannels } : {}),
        ...(overrides.approvals
          ? { settings: overrides.approvals }
          : config.approvals
            ? { settings: approvalSettings(config.approvals) }
            : {}),
        metrics,
        stepUp: { policy: config.approverStepUp ?? [], tokens: services.stepUp, publicBaseUrl: () => requester.publicBaseUrl() },
      })
    : undefined;
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const requester = createRequesterWiring({
    adapter,
    botAppId,
    proactive: outbound.proactive,
    storage,
    pim,
    userState,
    config,
    now,
    logger,
    ...(services ? { stepUpTokens: services.stepUp } : {}),
  });

  const deps: DialogDeps = {
    pim,
    tenantId: config.tenantId,
    now,
    logger,
    ...requester.deps,
    ...(config.activation ? { maxScheduleAheadDays: config.activation.maxScheduleAheadDays } : {}),
    ...(approvals ? { approvals: approvals.approvals.requests, approverWaiting: approvals.waiting } : {}),
    ...(services ? { admin: services.admin, adminCursorStorage: storage } : {}),
  };
  const bot = new PimBot({
    conversationState,
    userState,
    dialog: new MainDialog(deps),
    deps,
    ...(approvals
      ? {
          conversations: approvals.conversations,
          cardActions: approvals.approvals.cardActions,
          privateChat: new ProactivePrivateChat(approvals.conversations, botAppId, outbound.limiter),
        }
      : {}),
  });

  const gate = { allowedTenantIds: config.allowedTenantIds, logger, ...(signIn ? { signIn } : {}) };
  const handleTurn = async (context: TurnContext): Promise<void> => {
    if (await admitTurn(context, gate)) await bot.run(context);
  };

  const server = restify.createServer({ name: 'pim-bot', handleUncaughtExceptions: false });
  // Before routing, on every request: local mode answers this machine's channels only, then JSON
  // bodies only (415 otherwise, 413 over the cap), read here and nowhere else.
  if (config.mode === 'local') server.pre(localOnlyGate());
  server.pre(jsonBodyGate(MAX_BODY_BYTES));
  server.post('/api/messages', async (req: RestifyRequest, res: RestifyResponse) => {
    const check = checkActivityRequest(req.body, { loopbackServiceUrlOnly: config.mode === 'local' });
    if (!check.ok) {
      res.status(check.status);
      res.send({ error: check.reason });
      return;
    }
    const correlationId = randomUUID();
    res.header('x-correlation-id', correlationId);
    await runInScope({ correlationId }, async () => {
      try {
        await withSdkConsole(logger, () =>
          adapter.process(req as Parameters<CloudAdapter['process']>[0], res, (context) =>
            runInScope({ correlationId, context }, () => handleTurn(context)),
          ),
        );
      } catch (error) {
        logger.error('could not process an activity', describeError(error));
        if (!res.headersSent) {
          res.status(400);
          res.send({ error: 'the activity could not be processed' });
        }
      }
      if (res.statusCode === 401) logger.warn('refused an unauthenticated request to /api/messages');
    });
  });

  const readinessChecks = overrides.readinessChecks ?? defaultReadinessChecks(config, storage);
  const readiness = cachedReadiness(() => checkReadiness(readinessChecks, READINESS_TIMEOUT_MS), {
    ttlMs: READINESS_CACHE_MS,
    ...(overrides.readinessClock ? { clock: overrides.readinessClock } : {}),
    onChecked: (r) => void (r.ready || logger.warn('not ready', { checks: r.checks })),
  });
  server.get(AUTH_CALLBACK_PATH, requester.callback(deps, approvals?.stepUpReturn));
  server.get('/healthz', async (_req: RestifyRequest, res: RestifyResponse) => {
    res.header('cache-control', 'no-store');
    res.send(200, { status: 'alive' });
  });
  server.get('/readyz', async (_req: RestifyRequest, res: RestifyResponse) => {
    const { ready, checks } = await readiness();
    res.header('cache-control', 'no-store');
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
  });

  let listening = false;
  return {
    async listen(port, host = '127.0.0.1') {
      await requireRoleAssignableAdminGroup(services?.adminGroup);
      return new Promise((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(port, host, () => {
          listening = true;
          server.server.off('error', reject);
          approvals?.start();
          requester.started(`http://${host.includes(':') ? `[${host}]` : host}:${server.address().port}`);
          resolve({ port: server.address().port });
        });
      });
    },
    close() {
      if (!listening) return Promise.resolve();
      listening = false;
      requester.stop();
      const stopped = approvals?.stop() ?? Promise.resolve();
      return new Promise((resolve) => {
        server.close(() => void stopped.then(() => resolve()));
        // Keep-alive sockets from the channel would otherwise hold close() open.
        server.server.closeIdleConnections();
      });
    },
  };
}

function servicesConfig(config: BotConfig, storage: Storage, signIn: TeamsSsoSignIn | undefined): ServicesConfig {
  const s = config.services;
  const cacheKey = config.production?.tokenCacheKey;
  return {
    ...s,
    knownAuthorities: [...s.knownAuthorities],
    ...(signIn ? { ssoToken: signIn.tokenSource } : {}),
    ...(config.teamsAppCatalogId ? { teamsAppCatalogId: config.teamsAppCatalogId } : {}),
    ...(cacheKey ? { tokenCacheStore: storageTokenCache(storage), tokenCacheKey: cacheKey } : {}),
  };
}

function registerSecrets(config: BotConfig): void {
  registerSecret(config.services.clientSecret);
  registerSecret(config.services.managedIdentity?.header);
  registerSecret(config.storage.connectionString);
  for (const part of config.storage.connectionString.split(';')) {
    const [name, ...rest] = part.split('=');
    if (/key|signature/i.test(name ?? '')) registerSecret(rest.join('='));
  }
  if (config.production?.tokenCacheKey) registerSecret(config.production.tokenCacheKey.toString('base64'));
}

function defaultReadinessChecks(config: BotConfig, storage: Storage): ReadinessCheck[] {
  const base = config.services.graphBaseUrl.replace(/\/+$/, '');
  return [
    { name: 'storage', run: async () => void (await storage.read(['readyz-probe'])) },
    httpReachable('tokenEndpoint', `${config.services.authority}/v2.0/.well-known/openid-configuration`),
    httpReachable('graph', `${base}/v1.0/$metadata`),
  ];
}

// The local tenant: a faithful PIM over HTTPS, like Azurite is to Azure Storage.
// Graph at /v1.0 and /beta, Entra's OAuth/OIDC endpoints at /{tenantId}/..., control endpoints at /emulator/*.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ensureLocalCertificates } from './certs';
import { createClock, type ControllableClock } from './clock';
import { controlRouter } from './control';
import { DEMO_TENANT_ID, LOCAL_BOT_APP } from './demoTenant';
import { createFaults, type FaultRule } from './faults';
import type { GraphDeps } from './graph/deps';
import { registerArmRoutes } from './arm/routes';
import { registerArmApprovalRoutes } from './arm/approvals';
import { registerSubscriptionRoutes } from './arm/appReads';
import { registerGraphRoutes } from './graph/index';
import { Router } from './http/router';
import { botAppRegistration, RESOURCES, type AppRegistration, type ResourceName } from './identity/apps';
import {
  MANAGED_IDENTITY_PATH,
  newIdentityHeader,
  registerManagedIdentityRoutes,
  TOKEN_EXCHANGE_AUDIENCE,
} from './identity/managedIdentity';
import { stableGuid } from './state/ids';
import { authenticateBearer } from './identity/bearer';
import { createBotFrameworkIssuer, type BotFrameworkIssuer } from './identity/botFramework';
import { appCertificate, createAppCertificate } from './identity/clientCertificates';
import { signingKeyFromPem } from './identity/jwt';
import { registerIdentityRoutes } from './identity/routes';
import { loadOrCreateSecrets } from './identity/secrets';
import { TokenService } from './identity/tokens';
import {
  checkDemand,
  checkSignIn,
  defaultStepUpSettings,
  stepUpSettings,
  type ApproverStepUpDemand,
  type SignInSettings,
} from './identity/stepUpSettings';
import { createRequestLog, type RequestLogEntry } from './requestLog';
import { handle, type Pipeline } from './server';
import { createStateView, type TenantStateView } from './stateView';
import { TenantStore } from './state/store';
import { GraphThrottling, type ThrottlingSettings, type ThrottlingStats } from './throttling/quotas';

export type { FaultRule } from './faults';
export type { RequestLogEntry } from './requestLog';
export type { TenantStateView } from './stateView';
export type { ControllableClock } from './clock';
export type { ApproverStepUpDemand, SignInSettings } from './identity/stepUpSettings';
export type { ThrottlingSettings, ThrottlingStats, TenantSize } from './throttling/quotas';

export interface TenantEmulatorOptions {
  /** Default 0 (random); the server listens on 127.0.0.1 only. */
  port?: number;
  /** Persist state here (atomic writes on every change); omitted = in memory. */
  dataDir?: string;
  /** Where ensureLocalCertificates keeps the CA. */
  certDir: string;
  /** Graph page size before @odata.nextLink (default 100; tests use small values). */
  pageSize?: number;
  /** Random source for fault probabilities (default Math.random); a seeded one makes fault tests repeatable. */
  faultRandom?: () => number;
  /** Graph's identity-and-access quotas from the start (default off; tests switch them with `throttling`). */
  throttling?: ThrottlingSettings;
  /** How the tenant's SSO sessions look until a test switches them (and again after reset()); default: MFA an hour ago. */
  signIn?: Partial<SignInSettings>;
}

export interface TestTokenOptions {
  userId: string;
  /** 'graph' | 'arm' or an explicit audience (e.g. the bot's client id). Default 'graph'. */
  audience?: ResourceName | string;
  scp?: string;
  amr?: string[];
  acrs?: string[];
  /** The token's auth_time (when the user signed in); absent: the token does not say. */
  authTime?: Date;
  /** Negative = already expired. */
  lifetimeSeconds?: number;
}

export interface TenantEmulator {
  /** https://localhost:PORT (Graph at /v1.0 and /beta; ARM at /subscriptions, /providers). */
  readonly url: string;
  readonly port: number;
  readonly tenantId: string;
  /** https://localhost:PORT/<tenantId>, for msal-node. */
  readonly authority: string;
  /** 'localhost:PORT', for msal-node knownAuthorities. */
  readonly knownAuthority: string;
  /** The bot's local app registration; the secret is generated at first start and kept in dataDir. */
  readonly botApp: {
    clientId: string;
    clientSecret: string;
    /** The app's uploaded certificate (hex thumbprints) and its private key, for certificate credentials. */
    certificate: { certPem: string; privateKeyPem: string; thumbprint: string; thumbprintSha256: string };
  };
  /**
   * The host's user-assigned managed identity (Container Apps form: IDENTITY_ENDPOINT + IDENTITY_HEADER),
   * trusted by the bot's app registration through a federated identity credential (the secretless option).
   */
  readonly managedIdentity: { endpoint: string; header: string; clientId: string; principalId: string };
  /** A stand-in Bot Framework channel issuer (OpenID metadata, JWKS, channel tokens) for inbound auth tests. */
  readonly botFramework: BotFrameworkIssuer;
  readonly clock: ControllableClock;
  readonly requestLog: { entries(): RequestLogEntry[]; clear(): void };
  readonly faults: { add(f: FaultRule): void; clear(): void };
  /**
   * Graph's identity-and-access throttling (resource units and writes per app+tenant, writes per
   * tenant; sliding windows on the emulator's clock). Off by default and after reset().
   */
  readonly throttling: { enable(settings?: ThrottlingSettings): void; disable(): void; stats(): ThrottlingStats };
  readonly state: TenantStateView;
  /** Mints tokens directly, for tests that need a particular user or authentication strength. */
  readonly tokens: { user(o: TestTokenOptions): string };
  /**
   * How sign-ins look (the SSO session's amr and age, the sign-in page's amr) and what deciding an
   * approval demands of the approver's token (issue 20); off by default, back to default on reset().
   */
  readonly stepUp: {
    signIn(settings: Partial<SignInSettings>): void;
    demand(demands: readonly ApproverStepUpDemand[]): void;
    clear(): void;
  };
  /** Back to the seed (keeps the bot secret and the signing key). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startTenantEmulator(options: TenantEmulatorOptions): Promise<TenantEmulator> {
  const tenantId = DEMO_TENANT_ID;
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');

  const certs = await ensureLocalCertificates(options.certDir);
  const secrets = await loadOrCreateSecrets(options.dataDir);
  const store = await TenantStore.open(options.dataDir, tenantId);
  const key = signingKeyFromPem(secrets.signingKey.kid, secrets.signingKey.privateKeyPem);
  const botCertificate = secrets.botCertificate ?? createAppCertificate(LOCAL_BOT_APP.displayName);
  const botApp = botAppRegistration(secrets.botClientSecret, [appCertificate(botCertificate.certPem)]);
  const clock = createClock();
  const requestLog = createRequestLog();
  const faults = createFaults(options.faultRandom);
  const throttling = new GraphThrottling(() => clock.now().getTime());
  if (options.throttling) throttling.enable(options.throttling);

  let pipeline: Pipeline | undefined;
  const server: Server = createServer({ cert: certs.cert, key: certs.key }, (req, res) => {
    if (!pipeline) {
      res.writeHead(503).end();
      return;
    }
    handle(pipeline, req, res).catch((e: unknown) => {
      process.stderr.write(`tenant emulator: ${e instanceof Error ? e.stack : String(e)}\n`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Node's default. Clients drop a socket whose Keep-Alive timeout is within ~2 s of ending
  // (undici), so the earlier 1 s made every call a new TLS handshake and the benchmarks measured
  // handshakes. close() ends open sockets itself (closeAllConnections). 30 s broke the SIGKILL
  // approval test in tests/integration/scale/twoInstances.test.ts (not yet understood).
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://localhost:${port}`;
  const authority = `${url}/${tenantId}`;
  const tokens = new TokenService(`${authority}/v2.0`, tenantId, key);
  const graphAudiences = RESOURCES.find((r) => r.name === 'graph')!;
  const managedIdentity = {
    clientId: stableGuid('managed-identity', LOCAL_BOT_APP.clientId),
    principalId: stableGuid('managed-identity-principal', LOCAL_BOT_APP.clientId),
  };
  const identityHeader = newIdentityHeader();
  const registeredBotApp: AppRegistration = {
    ...botApp,
    federatedCredentials: [{ issuer: tokens.issuer, subject: managedIdentity.principalId, audiences: [TOKEN_EXCHANGE_AUDIENCE] }],
  };

  const graphDeps: GraphDeps = { store, clock, tenantId, baseUrl: url, pageSize };
  const identity = new Router();
  registerIdentityRoutes(identity, { baseUrl: () => url, tenantId, tokens, key, apps: [registeredBotApp], store });
  registerManagedIdentityRoutes(identity, { issuer: tokens.issuer, tenantId, key, identity: managedIdentity, header: identityHeader });
  const botFramework = createBotFrameworkIssuer(identity, () => url);
  const graph = new Router();
  registerGraphRoutes(graph, graphDeps);
  const arm = new Router();
  registerArmRoutes(arm, { store, clock, baseUrl: url, pageSize });
  registerArmApprovalRoutes(arm, { store, clock, baseUrl: url, pageSize });
  registerSubscriptionRoutes(arm, { store, clock, baseUrl: url, pageSize });
  const armAudiences = RESOURCES.find((r) => r.name === 'arm')!;
  const baselineSignIn = options.signIn ? checkSignIn(options.signIn) : {};
  const stepUp = {
    signIn(s: Partial<SignInSettings>) {
      const checked = checkSignIn(s);
      const current = stepUpSettings(store).signIn;
      // An age asked for now replaces a fixed sign-in moment.
      if (checked.sessionAgeSeconds !== undefined && checked.sessionSignedInAt === undefined) delete current.sessionSignedInAt;
      Object.assign(current, checked);
    },
    demand(demands: readonly ApproverStepUpDemand[]) {
      stepUpSettings(store).approverDemands = demands.map(checkDemand);
    },
    clear() {
      Object.assign(stepUpSettings(store), defaultStepUpSettings(baselineSignIn));
    },
  };
  stepUp.clear();
  const reset = async () => {
    stepUp.clear();
    throttling.disable();
    await store.reset();
  };
  pipeline = {
    port,
    control: controlRouter({ clock, requestLog, faults, throttling, reset, port: () => port, stepUp }),
    identity,
    graph,
    faults,
    requestLog,
    authenticate: (req) =>
      authenticateBearer(req, tokens, [graphAudiences.audience, ...graphAudiences.aliases], `${authority}/oauth2/authorize`),
    throttling,
    arm,
    authenticateArm: (req) =>
      authenticateBearer(req, tokens, [armAudiences.audience, ...armAudiences.aliases], `${authority}/oauth2/authorize`),
  };

  let closed = false;
  return {
    url,
    port,
    tenantId,
    authority,
    knownAuthority: `localhost:${port}`,
    botApp: {
      clientId: LOCAL_BOT_APP.clientId,
      clientSecret: secrets.botClientSecret,
      certificate: {
        ...botCertificate,
        thumbprint: botApp.certificates![0]!.thumbprint,
        thumbprintSha256: botApp.certificates![0]!.thumbprintSha256,
      },
    },
    managedIdentity: { endpoint: `${url}${MANAGED_IDENTITY_PATH}`, header: identityHeader, ...managedIdentity },
    botFramework,
    clock,
    requestLog: { entries: () => requestLog.entries(), clear: () => requestLog.clear() },
    faults: { add: (f) => faults.add(f), clear: () => faults.clear() },
    throttling: { enable: (settings) => throttling.enable(settings), disable: () => throttling.disable(), stats: () => throttling.stats() },
    state: createStateView(store, clock),
    stepUp,
    tokens: {
      user(o) {
        const user = store.data.users.find((u) => u.id === o.userId);
        if (!user) throw new Error(`no user ${o.userId} in the local tenant`);
        const resource = RESOURCES.find((r) => r.name === (o.audience ?? 'graph'));
        return tokens.userToken({
          user,
          audience: resource ? resource.audience : o.audience!,
          scp: o.scp ?? (resource ? (botApp.delegatedPermissions[resource.name] ?? []).join(' ') : 'access_as_user'),
          amr: o.amr,
          acrs: o.acrs,
          ...(o.authTime ? { authTime: Math.floor(o.authTime.getTime() / 1000) } : {}),
          azp: botApp.clientId,
          lifetimeSeconds: o.lifetimeSeconds,
        });
      },
    },
    reset,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.flush();
    },
  };
}

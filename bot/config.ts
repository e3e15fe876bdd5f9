// The bot's one configuration, read and validated once at startup and then passed down.
// Nothing below bot/ reads process.env: services get a ServicesConfig derived here.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EnvFileError, withEnvFile, type Env } from './envFile';
import { isChannelId, parseChannelRoutes, singleChannelRoutes, type ChannelRoute } from '../services/approvals/channelRoutes';
import { parseApproverStepUp, type ApproverStepUpPolicy } from '../services/approvals/approverStepUpPolicy';

export type Mode = 'local' | 'production';

export interface StorageConfig {
  readonly connectionString: string;
  readonly container: string;
}

/** The app registration's certificate (msal-node's clientCertificate). */
export interface CertificateCredential {
  /** Hex SHA-256 thumbprint (x5t#S256); msal prefers it over SHA-1. */
  readonly thumbprintSha256?: string;
  /** Hex SHA-1 thumbprint, as the Azure portal shows it. */
  readonly thumbprint?: string;
  readonly privateKey: string;
  /** The public certificate chain (PEM), sent as x5c for subject-name/issuer authentication. */
  readonly x5c?: string;
}

/** MANAGED_IDENTITY_CLIENT_ID, and the host's identity endpoint (Container Apps / App Service set both). */
export interface ManagedIdentityCredential {
  readonly clientId: string;
  readonly endpoint: string;
  readonly header: string;
}

/** Mirrors ServicesConfig of services/index.ts, so the composition root can hand it over unchanged. */
export interface ServicesSettings {
  readonly tenantId: string;
  readonly authority: string;
  readonly knownAuthorities: string[];
  readonly clientId: string;
  /** Exactly one of clientSecret, clientCertificate and managedIdentity is set. */
  readonly clientSecret?: string;
  readonly clientCertificate?: CertificateCredential;
  /** Secretless: a federated identity credential on the app registration, backed by this managed identity. */
  readonly managedIdentity?: ManagedIdentityCredential;
  readonly graphBaseUrl: string;
  /** ARM (PIM for Azure resources): the emulator origin locally, management.azure.com in production. */
  readonly armBaseUrl?: string;
  readonly localSsoUrl?: string;
  readonly cacheTtlMs?: number;
  /** ADMIN_GROUP_ID: members may ask tenant-wide admin questions (besides active PRA/GA holders). */
  readonly adminGroupId?: string;
}

export type AppType = 'SingleTenant' | 'MultiTenant';

export interface ProductionSettings {
  readonly appId: string;
  readonly appType: AppType;
  /** The app registration's home tenant (MicrosoftAppTenantId). */
  readonly appTenantId: string;
  /** Teams SSO: the AAD app's Application ID URI (webApplicationInfo.resource). */
  readonly ssoApplicationIdUri: string;
  /** The OAuth connection on the Azure Bot resource that holds the users' SSO tokens. */
  readonly oauthConnectionName: string;
  /** Optional Teams channel (19:...@thread.tacv2) where approval cards are also posted. */
  readonly approversChannelId?: string;
  /** Optional Entra group whose members may ask the admin questions. */
  readonly adminGroupId?: string;
  /** 32-byte AES-GCM key: set, msal's per-user token cache is persisted (encrypted) in storage. */
  readonly tokenCacheKey?: Buffer;
  /** PUBLIC_BASE_URL: the bot's https origin as browsers reach it; step-up sign-ins return to <it>/auth/callback. */
  readonly publicBaseUrl: string;
  /** CLOUD_BOT_*: where the Bot Framework is, when not the public one (stand-ins in the production smoke test). */
  readonly botFrameworkEndpoints?: { readonly openIdMetadataUrl?: string; readonly oauthUrl?: string };
}

export interface BotConfig {
  readonly mode: Mode;
  readonly port: number;
  readonly tenantId: string;
  /** Tenants whose activities are served; every other tenant is refused on every activity. */
  readonly allowedTenantIds: readonly string[];
  readonly storage: StorageConfig;
  readonly services: ServicesSettings;
  /** Present exactly when mode is 'production'. */
  readonly production?: ProductionSettings;
  /** Approval reminders and the reconcile sweep (defaults when absent). */
  readonly approvals?: ApprovalTiming;
  /**
   * TEAMS_APP_CATALOG_ID: the bot's id in the Teams app catalog (production; locally
   * LOCAL_TEAMS_APP_CATALOG_ID, the emulator's catalog entry, passed by the local runner). Set, the bot installs itself for approvers it cannot reach yet.
   */
  readonly teamsAppCatalogId?: string;
  /** What an activation may ask for beyond its policy (defaults when absent). */
  readonly activation?: ActivationLimits;
  /** APPROVERS_CHANNEL_ID / APPROVAL_CHANNELS: the Teams channels that also get approval cards (absent: none). */
  readonly approvalChannels?: readonly ChannelRoute[];
  /** APPROVER_STEP_UP: which approvals need the approver's fresh MFA or authentication context (loadConfig always sets it; [] = off). */
  readonly approverStepUp?: ApproverStepUpPolicy;
}

export interface ActivationLimits {
  /** MAX_SCHEDULE_AHEAD_DAYS: how far ahead a requested start may lie (default 14); later starts are refused before PIM is asked. */
  readonly maxScheduleAheadDays: number;
}

export interface ApprovalTiming {
  /** APPROVAL_REMINDER_MINUTES: remind the approvers once when nobody decided for this long (default 240). */
  readonly remindApproversAfterMinutes: number;
  /** APPROVAL_EXPIRY_WARNING_MINUTES: tell the requester this long before PIM's 24 hours run out (default 60). */
  readonly warnRequesterBeforeMinutes: number;
  /** APPROVAL_ESCALATION_MINUTES: escalate once (channel, requester) when nobody decided this long after the reminder (default: the reminder's spell). */
  readonly escalateAfterReminderMinutes?: number;
  /** APPROVAL_SWEEP_SECONDS: how often open approvals are reconciled with PIM (default 60). */
  readonly sweepSeconds: number;
  /** APPROVAL_SEND_LEASE_SECONDS: how long a card send claim holds off other senders (default 120; kill tests shorten it). */
  readonly sendLeaseSeconds?: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** The environment setting at fault, so the operator knows exactly what to fix. */
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
  }
}

export type { Env } from './envFile';

/** Microsoft's public cloud; national clouds are not supported by this build. */
export const PUBLIC_CLOUD = {
  login: 'https://login.microsoftonline.com',
  graph: 'https://graph.microsoft.com',
  arm: 'https://management.azure.com',
} as const;

/**
 * Settings that only make sense for a production deployment. Their presence means someone
 * intended production, so local mode (which trusts the channel without a token) must not start.
 */
export const PRODUCTION_SETTINGS = [
  'MicrosoftAppId',
  'MicrosoftAppPassword',
  'MANAGED_IDENTITY_CLIENT_ID',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
  'MicrosoftAppCertificateThumbprint',
  'MicrosoftAppCertificateKeyFile',
  'MicrosoftAppCertificateFile',
  'ALLOWED_TENANT_IDS',
  'SSO_APP_ID_URI',
  'SSO_CONNECTION_NAME',
  'ADMIN_GROUP_ID',
  'TOKEN_CACHE_KEY',
  'PUBLIC_BASE_URL',
  'TEAMS_APP_CATALOG_ID',
  'CLOUD_LOGIN_URL',
  'CLOUD_GRAPH_URL',
  'CLOUD_ARM_URL',
  'CLOUD_BOT_OPENID_METADATA_URL',
  'CLOUD_BOT_TOKEN_SERVICE_URL',
] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads the process environment over the `.env` file of the working directory, once, at startup.
 * A malformed .env is reported like any other bad setting.
 */
export function readEnvironment(env: Env = process.env, envFile = path.resolve('.env')): Env {
  try {
    return withEnvFile(env, envFile);
  } catch (error) {
    if (error instanceof EnvFileError) throw new ConfigError('.env', error.message);
    throw error;
  }
}

export function loadConfig(env: Env): BotConfig {
  if (isSet(env, 'MicrosoftAppId')) return loadProductionConfig(env);
  for (const name of PRODUCTION_SETTINGS) {
    if (isSet(env, name)) {
      throw new ConfigError(
        name,
        'is a production setting; local mode refuses to start while it is set (unset it, or set MicrosoftAppId for production)',
      );
    }
  }
  return loadLocalConfig(env);
}

function loadLocalConfig(env: Env): BotConfig {
  const port = readPort(env, 'PORT', 3978);
  const tenantUrl = readHttpsUrl(env, 'LOCAL_TENANT_URL');
  // The local runner (scripts/localStack.ts) passes the emulator's ids: product code never imports the emulator.
  const tenantId = requiredGuid(env, 'LOCAL_TENANT_ID');
  const localCatalogId =
    readOptional(env, 'LOCAL_TEAMS_APP_CATALOG_ID') === undefined ? undefined : requiredGuid(env, 'LOCAL_TEAMS_APP_CATALOG_ID');
  const clientId = readRequired(env, 'LOCAL_CLIENT_ID');
  const clientSecret = readRequired(env, 'LOCAL_CLIENT_SECRET');
  const connectionString = readRequired(env, 'STORAGE_CONNECTION_STRING');
  const container = readContainerName(env, 'STORAGE_CONTAINER', 'pimbot-state');
  const cacheSeconds = readInteger(env, 'PIM_CACHE_SECONDS', 60, 0, 3600);

  const base = tenantUrl.origin;
  return {
    mode: 'local',
    port,
    tenantId,
    allowedTenantIds: [tenantId],
    storage: { connectionString, container },
    services: {
      tenantId,
      authority: `${base}/${tenantId}`,
      knownAuthorities: [tenantUrl.host],
      clientId,
      clientSecret,
      graphBaseUrl: base,
      armBaseUrl: base,
      localSsoUrl: base,
      cacheTtlMs: cacheSeconds * 1000,
      ...adminGroupSetting(env),
    },
    approvals: approvalTiming(env),
    activation: activationLimits(env),
    ...(localCatalogId ? { teamsAppCatalogId: localCatalogId } : {}),
    ...approvalChannels(env),
    approverStepUp: approverStepUp(env),
  };
}

function loadProductionConfig(env: Env): BotConfig {
  // Local settings in a production environment mean a mixed-up deployment: stop rather than guess.
  const local = Object.keys(env)
    .filter((name) => name.startsWith('LOCAL_') && isSet(env, name))
    .sort();
  if (local.length > 0) {
    throw new ConfigError(
      local[0]!,
      'is a local-mode setting; production (MicrosoftAppId is set) refuses to start while it is set (unset it)',
    );
  }
  const appId = requiredGuid(env, 'MicrosoftAppId');
  const appType = readAppType(env);
  const appTenantId = requiredGuid(env, 'MicrosoftAppTenantId');
  const credential = readCredential(env);
  const allowedTenantIds = readTenantList(env, 'ALLOWED_TENANT_IDS', appTenantId);
  if (appType === 'SingleTenant' && allowedTenantIds.some((t) => t !== appTenantId)) {
    throw new ConfigError('ALLOWED_TENANT_IDS', 'a SingleTenant bot can only serve its own tenant (MicrosoftAppTenantId)');
  }
  if (!allowedTenantIds.includes(appTenantId)) {
    throw new ConfigError('ALLOWED_TENANT_IDS', "must include MicrosoftAppTenantId: PIM is managed in the app registration's tenant");
  }
  const ssoApplicationIdUri = readApplicationIdUri(env, appId);
  const oauthConnectionName = readOptional(env, 'SSO_CONNECTION_NAME') ?? 'sso';
  if (!/^[\w .-]{1,100}$/.test(oauthConnectionName)) {
    throw new ConfigError('SSO_CONNECTION_NAME', "must be the name of the Azure Bot's OAuth connection (letters, digits, spaces, . _ -)");
  }
  const channels = approvalChannels(env);
  const approversChannelId = readOptional(env, 'APPROVERS_CHANNEL_ID');
  const adminGroupId = readOptional(env, 'ADMIN_GROUP_ID') === undefined ? undefined : requiredGuid(env, 'ADMIN_GROUP_ID');
  const tokenCacheKey = readKey(env, 'TOKEN_CACHE_KEY');
  const publicBaseUrl = readPublicBaseUrl(env, 'PUBLIC_BASE_URL');
  const teamsAppCatalogId = readOptional(env, 'TEAMS_APP_CATALOG_ID') === undefined ? undefined : requiredGuid(env, 'TEAMS_APP_CATALOG_ID');
  const cloud = readCloudEndpoints(env);

  return {
    mode: 'production',
    port: readPort(env, 'PORT', 3978),
    tenantId: appTenantId,
    allowedTenantIds,
    storage: {
      connectionString: readRequired(env, 'STORAGE_CONNECTION_STRING'),
      container: readContainerName(env, 'STORAGE_CONTAINER', 'pimbot-state'),
    },
    services: {
      tenantId: appTenantId,
      authority: `${cloud.login}/${appTenantId}`,
      // Entra's own hosts are found by msal's instance discovery; any other must be named.
      knownAuthorities: cloud.login === PUBLIC_CLOUD.login ? [] : [new URL(cloud.login).host],
      clientId: appId,
      ...credential,
      graphBaseUrl: cloud.graph,
      armBaseUrl: cloud.arm,
      cacheTtlMs: readInteger(env, 'PIM_CACHE_SECONDS', 60, 0, 3600) * 1000,
      ...adminGroupSetting(env),
    },
    approvals: approvalTiming(env),
    activation: activationLimits(env),
    ...(teamsAppCatalogId ? { teamsAppCatalogId } : {}),
    ...channels,
    approverStepUp: approverStepUp(env),
    production: {
      appId,
      appType,
      appTenantId,
      ssoApplicationIdUri,
      oauthConnectionName,
      ...(approversChannelId ? { approversChannelId } : {}),
      ...(adminGroupId ? { adminGroupId } : {}),
      ...(tokenCacheKey ? { tokenCacheKey } : {}),
      publicBaseUrl,
      ...(cloud.botFramework ? { botFrameworkEndpoints: cloud.botFramework } : {}),
    },
  };
}

interface CloudEndpoints {
  readonly login: string;
  readonly graph: string;
  readonly arm: string;
  readonly botFramework?: { openIdMetadataUrl?: string; oauthUrl?: string };
}

/**
 * CLOUD_*: Microsoft's endpoints, the public cloud unless set. They exist so the built bot can be
 * started in production mode against local stand-ins (tests/integration/deploy); a real deployment
 * leaves them unset. Always https, so tokens never travel in the clear; the token service may also be
 * plain http on this machine's loopback address (the tests' stand-in), where nothing leaves the host.
 */
function readCloudEndpoints(env: Env): CloudEndpoints {
  const origin = (name: string, fallback: string, loopbackHttp = false): string => {
    const raw = readOptional(env, name);
    if (raw === undefined) return fallback;
    const url = loopbackHttp && /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(:\d+)?\/?$/.test(raw) ? new URL(raw) : parseHttpsUrl(name, raw);
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
      throw new ConfigError(name, `must be an https origin only, like ${fallback}, got "${raw}"`);
    }
    return url.origin;
  };
  const metadata = readOptional(env, 'CLOUD_BOT_OPENID_METADATA_URL');
  if (metadata !== undefined) parseHttpsUrl('CLOUD_BOT_OPENID_METADATA_URL', metadata);
  const tokenService =
    readOptional(env, 'CLOUD_BOT_TOKEN_SERVICE_URL') === undefined
      ? undefined
      : origin('CLOUD_BOT_TOKEN_SERVICE_URL', 'https://api.botframework.com', true);
  const botFramework = {
    ...(metadata !== undefined ? { openIdMetadataUrl: metadata } : {}),
    ...(tokenService !== undefined ? { oauthUrl: tokenService } : {}),
  };
  return {
    login: origin('CLOUD_LOGIN_URL', PUBLIC_CLOUD.login),
    graph: origin('CLOUD_GRAPH_URL', PUBLIC_CLOUD.graph),
    arm: origin('CLOUD_ARM_URL', PUBLIC_CLOUD.arm),
    ...(Object.keys(botFramework).length > 0 ? { botFramework } : {}),
  };
}

/** An https origin (optionally with a path prefix, as behind a gateway), without a trailing slash. */
function readPublicBaseUrl(env: Env, name: string): string {
  const raw = readRequired(env, name);
  const url = parseUrl(name, raw);
  // Entra only redirects to https (except localhost), and the redirect URI is registered exactly.
  if (url.protocol !== 'https:') throw new ConfigError(name, `must be the bot's public https:// address, got "${raw}"`);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError(name, `must be an address without query, fragment or credentials, like https://pimbot.contoso.com, got "${raw}"`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * APPROVERS_CHANNEL_ID (one channel for every request) and APPROVAL_CHANNELS (a routing table, see
 * services/approvals/channelRoutes.ts); the channel id stands for a `*` entry, so both may not name one.
 */
function approvalChannels(env: Env): { approvalChannels?: readonly ChannelRoute[] } {
  const single = readOptional(env, 'APPROVERS_CHANNEL_ID');
  if (single !== undefined && !isChannelId(single))
    throw new ConfigError('APPROVERS_CHANNEL_ID', 'must be a Teams channel id like 19:...@thread.tacv2');
  const table = readOptional(env, 'APPROVAL_CHANNELS');
  if (table === undefined) return single ? { approvalChannels: singleChannelRoutes(single) } : {};
  const parsed = parseChannelRoutes(table);
  if (!parsed.ok) throw new ConfigError('APPROVAL_CHANNELS', parsed.error);
  const catchAll = parsed.routes.some((r) => r.surface === undefined);
  if (single !== undefined && catchAll) {
    throw new ConfigError(
      'APPROVAL_CHANNELS',
      'has a "*" entry and APPROVERS_CHANNEL_ID is set too; keep one of them (APPROVERS_CHANNEL_ID means "*=<channel>")',
    );
  }
  return { approvalChannels: single !== undefined ? [...parsed.routes, ...singleChannelRoutes(single)] : parsed.routes };
}

/** APPROVER_STEP_UP (services/approvals/approverStepUpPolicy.ts): unset = the default rules. */
function approverStepUp(env: Env): ApproverStepUpPolicy {
  const parsed = parseApproverStepUp(readOptional(env, 'APPROVER_STEP_UP') ?? 'default');
  if (!parsed.ok) throw new ConfigError('APPROVER_STEP_UP', parsed.error);
  return parsed.policy;
}

function activationLimits(env: Env): ActivationLimits {
  return { maxScheduleAheadDays: readInteger(env, 'MAX_SCHEDULE_AHEAD_DAYS', 14, 1, 365) };
}

function approvalTiming(env: Env): ApprovalTiming {
  return {
    remindApproversAfterMinutes: readInteger(env, 'APPROVAL_REMINDER_MINUTES', 240, 1, 24 * 60),
    warnRequesterBeforeMinutes: readInteger(env, 'APPROVAL_EXPIRY_WARNING_MINUTES', 60, 1, 24 * 60),
    sweepSeconds: readInteger(env, 'APPROVAL_SWEEP_SECONDS', 60, 1, 3600),
    ...(readOptional(env, 'APPROVAL_ESCALATION_MINUTES') !== undefined
      ? { escalateAfterReminderMinutes: readInteger(env, 'APPROVAL_ESCALATION_MINUTES', 240, 1, 24 * 60) }
      : {}),
    ...(readOptional(env, 'APPROVAL_SEND_LEASE_SECONDS') !== undefined
      ? { sendLeaseSeconds: readInteger(env, 'APPROVAL_SEND_LEASE_SECONDS', 120, 1, 3600) }
      : {}),
  };
}

function readAppType(env: Env): AppType {
  const raw = readOptional(env, 'MicrosoftAppType') ?? 'SingleTenant';
  const known = { singletenant: 'SingleTenant', multitenant: 'MultiTenant' } as const;
  const type = known[raw.toLowerCase() as keyof typeof known];
  if (type) return type;
  if (raw.toLowerCase() === 'userassignedmsi') {
    throw new ConfigError(
      'MicrosoftAppType',
      'UserAssignedMSI cannot exchange the Teams SSO token on behalf of the user; use SingleTenant with a secret, a certificate or a federated credential (MANAGED_IDENTITY_CLIENT_ID)',
    );
  }
  throw new ConfigError('MicrosoftAppType', `must be SingleTenant or MultiTenant, got "${raw}"`);
}

function readCredential(
  env: Env,
): { clientSecret: string } | { clientCertificate: CertificateCredential } | { managedIdentity: ManagedIdentityCredential } {
  const secret = readOptional(env, 'MicrosoftAppPassword');
  const thumbprint = readOptional(env, 'MicrosoftAppCertificateThumbprint');
  const keyFile = readOptional(env, 'MicrosoftAppCertificateKeyFile');
  const certFile = readOptional(env, 'MicrosoftAppCertificateFile');
  const managedIdentity = readOptional(env, 'MANAGED_IDENTITY_CLIENT_ID');
  if (managedIdentity !== undefined && (secret !== undefined || thumbprint !== undefined || keyFile !== undefined)) {
    throw new ConfigError(
      'MANAGED_IDENTITY_CLIENT_ID',
      'set either a federated credential (managed identity) or a client secret or certificate, not both',
    );
  }
  if (managedIdentity !== undefined) return { managedIdentity: readManagedIdentity(env) };
  if (secret !== undefined && (thumbprint !== undefined || keyFile !== undefined)) {
    throw new ConfigError('MicrosoftAppPassword', 'set either a client secret or a certificate, not both');
  }
  if (secret !== undefined) return { clientSecret: secret };
  if (thumbprint === undefined && keyFile === undefined) {
    throw new ConfigError(
      'MicrosoftAppPassword',
      'is required (or a certificate: MicrosoftAppCertificateThumbprint and MicrosoftAppCertificateKeyFile, or a federated credential: MANAGED_IDENTITY_CLIENT_ID)',
    );
  }
  if (thumbprint === undefined)
    throw new ConfigError('MicrosoftAppCertificateThumbprint', 'is required with MicrosoftAppCertificateKeyFile');
  if (keyFile === undefined) throw new ConfigError('MicrosoftAppCertificateKeyFile', 'is required with MicrosoftAppCertificateThumbprint');
  const hex = thumbprint.replace(/:/g, '').toLowerCase();
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(hex)) {
    throw new ConfigError('MicrosoftAppCertificateThumbprint', "must be the certificate's SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint");
  }
  const privateKey = readPemFile('MicrosoftAppCertificateKeyFile', keyFile);
  try {
    createPrivateKey(privateKey);
  } catch {
    throw new ConfigError('MicrosoftAppCertificateKeyFile', 'does not hold a PEM private key');
  }
  let x5c: string | undefined;
  if (certFile !== undefined) {
    x5c = readPemFile('MicrosoftAppCertificateFile', certFile);
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(x5c);
    } catch {
      throw new ConfigError('MicrosoftAppCertificateFile', 'does not hold a PEM certificate');
    }
    const digest = createHash(hex.length === 64 ? 'sha256' : 'sha1')
      .update(cert.raw)
      .digest('hex');
    if (digest !== hex)
      throw new ConfigError('MicrosoftAppCertificateThumbprint', 'does not match the certificate in MicrosoftAppCertificateFile');
    if (!cert.checkPrivateKey(createPrivateKey(privateKey))) {
      throw new ConfigError('MicrosoftAppCertificateKeyFile', 'is not the private key of the certificate in MicrosoftAppCertificateFile');
    }
  }
  const thumbprints = hex.length === 64 ? { thumbprintSha256: hex } : { thumbprint: hex };
  return { clientCertificate: { ...thumbprints, privateKey, ...(x5c ? { x5c } : {}) } };
}

function readManagedIdentity(env: Env): ManagedIdentityCredential {
  const clientId = requiredGuid(env, 'MANAGED_IDENTITY_CLIENT_ID');
  const raw = readOptional(env, 'IDENTITY_ENDPOINT');
  if (raw === undefined)
    throw new ConfigError(
      'IDENTITY_ENDPOINT',
      'is required with MANAGED_IDENTITY_CLIENT_ID (Container Apps and App Service set it when the app has a managed identity)',
    );
  let endpoint: URL;
  try {
    endpoint = new URL(raw);
  } catch {
    throw new ConfigError(
      'IDENTITY_ENDPOINT',
      `must be the host's managed identity endpoint (an http(s) address), got "${raw.slice(0, 100)}"`,
    );
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
    throw new ConfigError(
      'IDENTITY_ENDPOINT',
      `must be the host's managed identity endpoint (an http(s) address), got "${raw.slice(0, 100)}"`,
    );
  }
  const header = readOptional(env, 'IDENTITY_HEADER');
  if (header === undefined)
    throw new ConfigError(
      'IDENTITY_HEADER',
      'is required with MANAGED_IDENTITY_CLIENT_ID (Container Apps and App Service set it with IDENTITY_ENDPOINT)',
    );
  return { clientId, endpoint: endpoint.toString(), header };
}

function readPemFile(name: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(name, `cannot read the file "${file}"`);
  }
}

export function readApplicationIdUri(env: Env, appId: string): string {
  const uri = readRequired(env, 'SSO_APP_ID_URI');
  // Teams only hands out SSO tokens for a resource of the form api://[domain/]botid-<app id>.
  const m = /^api:\/\/(?:[a-z0-9.-]+(?::\d+)?\/)?botid-([0-9a-f-]{36})$/i.exec(uri);
  if (!m)
    throw new ConfigError(
      'SSO_APP_ID_URI',
      `must look like api://botid-<MicrosoftAppId> or api://<domain>/botid-<MicrosoftAppId>, got "${uri}"`,
    );
  if (m[1]!.toLowerCase() !== appId) throw new ConfigError('SSO_APP_ID_URI', 'must end in botid-<MicrosoftAppId> of this bot');
  return uri;
}

function readTenantList(env: Env, name: string, fallback: string): string[] {
  const raw = readOptional(env, name);
  if (raw === undefined) return [fallback];
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new ConfigError(name, 'must list at least one tenant id');
  for (const id of ids) if (!GUID.test(id)) throw new ConfigError(name, `must be comma-separated tenant ids (GUIDs), got "${id}"`);
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}

function readKey(env: Env, name: string): Buffer | undefined {
  const raw = readOptional(env, name);
  if (raw === undefined) return undefined;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) {
    throw new ConfigError(name, 'must be 32 random bytes in base64 (openssl rand -base64 32)');
  }
  return key;
}

export function requiredGuid(env: Env, name: string): string {
  const raw = readRequired(env, name);
  if (!GUID.test(raw)) throw new ConfigError(name, `must be a GUID, got "${raw}"`);
  return raw.toLowerCase();
}

function isSet(env: Env, name: string): boolean {
  return (env[name] ?? '').trim() !== '';
}

export function readRequired(env: Env, name: string): string {
  const value = (env[name] ?? '').trim();
  if (value === '') throw new ConfigError(name, 'is required but not set');
  return value;
}

export function readOptional(env: Env, name: string): string | undefined {
  const value = (env[name] ?? '').trim();
  return value === '' ? undefined : value;
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readOptional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readPort(env: Env, name: string, fallback: number): number {
  return readInteger(env, name, fallback, 0, 65535);
}

function readHttpsUrl(env: Env, name: string): URL {
  const raw = readRequired(env, name);
  // msal-node and the ARM SDK only talk to an authority over HTTPS.
  const url = parseHttpsUrl(name, raw);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new ConfigError(name, `must be the emulator's origin only (like https://localhost:8443), got "${raw}"`);
  }
  return url;
}

function readGuid(env: Env, name: string, fallback: string): string {
  const raw = readOptional(env, name);
  if (raw === undefined) return fallback;
  if (!GUID.test(raw)) throw new ConfigError(name, `must be a tenant id (GUID), got "${raw}"`);
  return raw.toLowerCase();
}

function readContainerName(env: Env, name: string, fallback: string): string {
  const raw = readOptional(env, name);
  if (raw === undefined) return fallback;
  // Azure's container naming rules; Azurite enforces the same, so a bad name would only fail later.
  if (!/^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/.test(raw)) {
    throw new ConfigError(name, `must be 3-63 lowercase letters, digits and single hyphens, got "${raw}"`);
  }
  return raw;
}

function adminGroupSetting(env: Env): { adminGroupId?: string } {
  const id = readGuid(env, 'ADMIN_GROUP_ID', '');
  return id === '' ? {} : { adminGroupId: id };
}

/** `raw` as a URL; a malformed one is refused naming the setting. */
function parseUrl(name: string, raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL: "${raw}"`);
  }
}

export function parseHttpsUrl(name: string, raw: string): URL {
  const url = parseUrl(name, raw);
  if (url.protocol !== 'https:') throw new ConfigError(name, `must be an https:// URL, got "${raw}"`);
  return url;
}

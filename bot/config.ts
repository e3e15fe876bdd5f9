// The bot's one configuration, read and validated once at startup and then passed down.
// Nothing below bot/ reads process.env: services get a ServicesConfig derived here.
import { DEMO_TENANT_ID } from '../emulator/tenant/demoTenant';

export type Mode = 'local' | 'production';

export interface StorageConfig {
  readonly connectionString: string;
  readonly container: string;
}

/** Mirrors ServicesConfig of services/index.ts, so the composition root can hand it over unchanged. */
export interface ServicesSettings {
  readonly tenantId: string;
  readonly authority: string;
  readonly knownAuthorities: string[];
  readonly clientId: string;
  readonly clientSecret: string;
  readonly graphBaseUrl: string;
  readonly localSsoUrl?: string;
  readonly cacheTtlMs?: number;
}

export interface BotConfig {
  readonly mode: Mode;
  readonly port: number;
  readonly tenantId: string;
  readonly storage: StorageConfig;
  readonly services: ServicesSettings;
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

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Settings that only make sense for a production deployment. Their presence means someone
 * intended production, so local mode (which trusts the channel without a token) must not start.
 */
const PRODUCTION_SETTINGS = [
  'MicrosoftAppId',
  'MicrosoftAppPassword',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
  'MicrosoftAppCertificateThumbprint',
] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function loadConfig(env: Env): BotConfig {
  if (isSet(env, 'MicrosoftAppId')) {
    throw new ConfigError(
      'MicrosoftAppId',
      'production mode is not supported by this build yet; unset MicrosoftAppId to run locally against the emulator',
    );
  }
  for (const name of PRODUCTION_SETTINGS) {
    if (isSet(env, name)) {
      throw new ConfigError(name, 'is a production setting; local mode refuses to start while it is set (unset it)');
    }
  }
  return loadLocalConfig(env);
}

function loadLocalConfig(env: Env): BotConfig {
  const port = readPort(env, 'PORT', 3978);
  const tenantUrl = readHttpsUrl(env, 'LOCAL_TENANT_URL');
  const tenantId = readGuid(env, 'LOCAL_TENANT_ID', DEMO_TENANT_ID);
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
    storage: { connectionString, container },
    services: {
      tenantId,
      authority: `${base}/${tenantId}`,
      knownAuthorities: [tenantUrl.host],
      clientId,
      clientSecret,
      graphBaseUrl: base,
      localSsoUrl: base,
      cacheTtlMs: cacheSeconds * 1000,
    },
  };
}

function isSet(env: Env, name: string): boolean {
  return (env[name] ?? '').trim() !== '';
}

function readRequired(env: Env, name: string): string {
  const value = (env[name] ?? '').trim();
  if (value === '') throw new ConfigError(name, 'is required but not set');
  return value;
}

function readOptional(env: Env, name: string): string | undefined {
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
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL: "${raw}"`);
  }
  // msal-node and the ARM SDK only talk to an authority over HTTPS.
  if (url.protocol !== 'https:') throw new ConfigError(name, `must be an https:// URL, got "${raw}"`);
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

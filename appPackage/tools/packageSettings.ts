// The settings `npm run package` fills the Teams manifest with. The bot never reads them; they share
// bot/config's readers so that a value (the app id, the SSO Application ID URI) is validated the same
// way for the package as for the bot that must match it.
import { ConfigError, parseHttpsUrl, readApplicationIdUri, readOptional, readRequired, requiredGuid, type Env } from '../../bot/config';

/** The manifest's ${{PLACEHOLDERS}}, by name. */
export interface PackageSettings {
  readonly MICROSOFT_APP_ID: string;
  readonly TEAMS_APP_ID: string;
  readonly SSO_APP_ID_URI: string;
  readonly BOT_DOMAIN: string;
  readonly APP_VERSION: string;
  readonly DEVELOPER_NAME: string;
  readonly DEVELOPER_WEBSITE_URL: string;
  readonly DEVELOPER_PRIVACY_URL: string;
  readonly DEVELOPER_TERMS_URL: string;
}

export function loadPackageSettings(env: Env, defaultVersion: string): PackageSettings {
  const appId = requiredGuid(env, 'MicrosoftAppId');
  const domain = readRequired(env, 'BOT_DOMAIN');
  // validDomains takes a host name (wildcards allowed), never a URL.
  if (!/^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$/i.test(domain))
    throw new ConfigError('BOT_DOMAIN', `must be the bot's host name, like pimbot.contoso.com, got "${domain}"`);
  const version = readOptional(env, 'APP_VERSION') ?? defaultVersion;
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new ConfigError('APP_VERSION', `must be a version like 1.0.0, got "${version}"`);
  const website = readHttps(env, 'DEVELOPER_WEBSITE_URL', `https://${domain.replace(/^\*\./, '')}`);
  return {
    MICROSOFT_APP_ID: appId,
    TEAMS_APP_ID: readOptional(env, 'TEAMS_APP_ID') === undefined ? appId : requiredGuid(env, 'TEAMS_APP_ID'),
    SSO_APP_ID_URI: readApplicationIdUri(env, appId),
    BOT_DOMAIN: domain,
    APP_VERSION: version,
    DEVELOPER_NAME: readOptional(env, 'DEVELOPER_NAME') ?? 'Contoso IT',
    DEVELOPER_WEBSITE_URL: website,
    DEVELOPER_PRIVACY_URL: readHttps(env, 'DEVELOPER_PRIVACY_URL', `${website.replace(/\/+$/, '')}/privacy`),
    DEVELOPER_TERMS_URL: readHttps(env, 'DEVELOPER_TERMS_URL', `${website.replace(/\/+$/, '')}/terms`),
  };
}

function readHttps(env: Env, name: string, fallback: string): string {
  const raw = readOptional(env, name) ?? fallback;
  parseHttpsUrl(name, raw);
  return raw;
}

// A stand-in for the Bot Framework channel issuer (https://api.botframework.com): its OpenID
// metadata and JWKS (keys endorsed for the channels they may sign for, as Microsoft publishes
// them), and channel tokens signed with its own key. The bot's inbound authentication is pointed
// here in tests, so botframework-connector's real JWT validation runs against it.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Router } from '../http/router';
import { jwk, signJwt, type SigningKey } from './jwt';

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
export const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';
const METADATA_PATH = '/botframework/v1/.well-known/openidconfiguration';
const KEYS_PATH = '/botframework/v1/.well-known/keys';

export interface ChannelTokenOptions {
  /** The bot's app id (the token's aud). */
  readonly appId: string;
  /** The activity's serviceUrl; botframework-connector requires the claim to match. */
  readonly serviceUrl: string;
  readonly lifetimeSeconds?: number;
  readonly issuer?: string;
}

export interface BotFrameworkIssuer {
  /** ToBotFromChannelOpenIdMetadataUrl for botframework-connector. */
  readonly openIdMetadataUrl: string;
  channelToken(options: ChannelTokenOptions): string;
}

/**
 * Microsoft's published channel keys are endorsed for many channels at once, Direct Line and Web Chat
 * among them: a valid channel token does not by itself mean the activity came from Teams.
 */
export const CHANNEL_ENDORSEMENTS: readonly string[] = ['msteams', 'skype', 'webchat', 'directline', 'directlinespeech', 'emulator'];

export function createBotFrameworkIssuer(
  router: Router,
  baseUrl: () => string,
  endorsements: readonly string[] = CHANNEL_ENDORSEMENTS,
): BotFrameworkIssuer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key: SigningKey = { kid: randomBytes(16).toString('base64url'), privateKey, publicKey };
  router.add('GET', new RegExp(`^${METADATA_PATH.replace(/\./g, '\\.')}$`), () => ({
    status: 200,
    json: {
      issuer: BOT_FRAMEWORK_ISSUER,
      authorization_endpoint: 'https://invalid.botframework.com',
      jwks_uri: `${baseUrl()}${KEYS_PATH}`,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    },
  }));
  router.add('GET', new RegExp(`^${KEYS_PATH.replace(/\./g, '\\.')}$`), () => ({
    status: 200,
    json: { keys: [{ ...jwk(key), endorsements: [...endorsements] }] },
  }));
  return {
    get openIdMetadataUrl() {
      return `${baseUrl()}${METADATA_PATH}`;
    },
    channelToken(o) {
      const now = Math.floor(Date.now() / 1000);
      return signJwt(
        {
          serviceurl: o.serviceUrl,
          nbf: now - 5,
          exp: now + (o.lifetimeSeconds ?? 3600),
          iss: o.issuer ?? BOT_FRAMEWORK_ISSUER,
          aud: o.appId,
        },
        key,
      );
    },
  };
}

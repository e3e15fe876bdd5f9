// Teams SSO in production, the standard Bot Framework way: the Azure Bot's OAuth connection
// (Entra ID v2, token exchange URL = the app's Application ID URI, scope = its access_as_user)
// holds each user's SSO token in the Bot Framework token service. The bot reads it every turn and
// exchanges it on-behalf-of the user for Graph and for ARM (services/identity). Without one, the user
// gets an OAuth card: Teams exchanges its own SSO token silently (signin/tokenExchange), or shows a
// consent / sign-in button when it cannot (412 answer; signin/verifyState with a magic code).
// The token is the identity: it is validated (signature, issuer, audience, lifetime, tenant) and its
// oid/tid must be what the activity claims (from.aadObjectId, the conversation's tenant), or the turn
// is refused. It is handed out only for the user it names, only during that user's turn.
// A user signed in to several Teams clients gets one signin/tokenExchange per client, with the same
// exchange id, possibly at different bot instances: a create-only write keyed by that id lets exactly
// one of them reach the token service (what botbuilder's TeamsSSOTokenExchangeMiddleware means to do;
// docs/security-identity.md says why that middleware cannot be used here).
import { createHash } from 'node:crypto';
import { CardFactory, StatusCodes, type InvokeResponse, type TurnContext } from 'botbuilder';
import { claimedObjectId } from '../dialogs/actingUser';
import type { Logger } from '../dialogs/deps';
import type { SsoTokenSource } from '../services/identity/oboUserTokenProvider';
import type { CreateOnceStorage } from '../services/store/createOnce';
import type { SsoTokenVerifier, VerifiedSsoIdentity } from '../services/identity/ssoTokenVerifier';
import type { UserContext } from '../services/pim/model';
import { activityTenantIds } from './http/tenantGuard';
import { describeError } from './logging';
import { currentScope } from './turnScope';

export interface SignInOptions {
  readonly connectionName: string;
  readonly verifier: Pick<SsoTokenVerifier, 'verify'>;
  readonly logger: Logger;
  /** Shared by every bot instance (the state storage): one exchange per exchange id. */
  readonly exchanges: CreateOnceStorage;
  /** Milliseconds since the epoch; tests move it. */
  readonly now?: () => number;
}

/** A de-duplication entry older than this is stale: Teams' duplicates arrive within seconds. */
export const EXCHANGE_DEDUP_MS = 10 * 60_000;
/** Teams' exchange ids are GUID-like; anything longer is not one. */
const MAX_EXCHANGE_ID_LENGTH = 256;

/** What the user's SSO token says about this turn. */
export type TurnSignIn =
  | { readonly kind: 'verified'; readonly identity: VerifiedSsoIdentity }
  /** No token held, or one that no longer validates (expired, revoked key): the user must sign in. */
  | { readonly kind: 'none' }
  /** The token names someone else than the activity does: the turn is refused. */
  | { readonly kind: 'mismatch'; readonly identity: VerifiedSsoIdentity }
  /** The authority's keys could not be read: nothing can be verified now. */
  | { readonly kind: 'unavailable' };

/** The slice of botframework-connector's UserTokenClient the sign-in uses. */
interface UserTokens {
  getUserToken(
    userId: string,
    connectionName: string,
    channelId: string,
    magicCode: string | undefined,
  ): Promise<{ token?: string } | undefined>;
  getSignInResource(
    connectionName: string,
    activity: unknown,
    finalRedirect: string | undefined,
  ): Promise<{ signInLink?: string; tokenExchangeResource?: unknown }>;
  exchangeToken(
    userId: string,
    connectionName: string,
    channelId: string,
    request: { token?: string },
  ): Promise<{ token?: string } | undefined>;
}

export const SIGN_IN_TEXT = 'Please sign in so I can look up and activate your roles as you. Nothing was requested yet.';
export const SIGNED_IN_TEXT = "You're signed in. Please send your request again.";
export const IDENTITY_MISMATCH_TEXT =
  'This message does not come from the account you signed in to me with, so I did nothing. Sign out of Teams, sign in with your own work account and try again.';
export const SIGN_IN_UNAVAILABLE_TEXT = "I can't check your sign-in right now, so I did nothing. Please try again in a minute.";

/** The turn's verified SSO token, private to this file: dialogs, cards and logs never see it. */
const HELD_TOKEN = Symbol('pimbot.ssoToken');
interface HeldToken {
  readonly token: string;
  readonly identity: VerifiedSsoIdentity;
}

function userTokens(context: TurnContext): UserTokens | undefined {
  const key = (context.adapter as { UserTokenClientKey?: symbol }).UserTokenClientKey;
  return key ? (context.turnState.get(key) as UserTokens | undefined) : undefined;
}

export class TeamsSsoSignIn {
  constructor(private readonly options: SignInOptions) {}

  /**
   * The production SsoTokenSource: the verified SSO token of the turn being processed, and only
   * when it names the user asked for. Anyone else (another user, a proactive turn) gets none.
   */
  readonly tokenSource: SsoTokenSource = async (user: UserContext) => {
    const held = currentScope()?.context?.turnState.get(HELD_TOKEN) as HeldToken | undefined;
    if (!held) return undefined;
    const same = held.identity.userId === user.userId.toLowerCase() && held.identity.tenantId === user.tenantId.toLowerCase();
    return same ? held.token : undefined;
  };

  /** Reads the sender's SSO token, validates it and compares it with what the activity claims. */
  async identify(context: TurnContext): Promise<TurnSignIn> {
    const token = await this.currentToken(context);
    if (!token) return { kind: 'none' };
    const verified = await this.options.verifier.verify(token);
    if (!verified.ok) {
      this.options.logger.warn('the held SSO token did not validate', { reason: verified.reason });
      return verified.reason === 'keysUnavailable' ? { kind: 'unavailable' } : { kind: 'none' };
    }
    const { identity } = verified;
    const claimedTenants = activityTenantIds(context.activity);
    if (!this.claims(context, identity)) {
      this.options.logger.warn('refused a turn whose activity names another user than its SSO token', {
        claimedUserId: claimedObjectId(context) ?? 'none',
        tokenUserId: identity.userId,
        claimedTenantId: claimedTenants[0] ?? 'none',
        tokenTenantId: identity.tenantId,
        activityType: context.activity.type,
      });
      return { kind: 'mismatch', identity };
    }
    context.turnState.set(HELD_TOKEN, { token, identity } satisfies HeldToken);
    return { kind: 'verified', identity };
  }

  /** Whether the activity names the same user and tenant as the token. */
  private claims(context: TurnContext, identity: VerifiedSsoIdentity): boolean {
    return claimedObjectId(context) === identity.userId && activityTenantIds(context.activity).every((t) => t === identity.tenantId);
  }

  private async currentToken(context: TurnContext): Promise<string | undefined> {
    const client = userTokens(context);
    const userId = context.activity.from?.id;
    if (!client || !userId) return undefined;
    try {
      const response = await client.getUserToken(userId, this.options.connectionName, context.activity.channelId, undefined);
      return response?.token || undefined;
    } catch (error) {
      this.options.logger.warn('the token service did not answer for the user token', describeError(error));
      return undefined;
    }
  }

  /** Handles the sign-in invokes; true when the activity was one of them (the bot must not see it). */
  async handleInvoke(context: TurnContext): Promise<boolean> {
    const { type, name } = context.activity;
    if (type !== 'invoke' || (name !== 'signin/tokenExchange' && name !== 'signin/verifyState')) return false;
    const client = userTokens(context);
    const userId = context.activity.from?.id;
    const value = (context.activity.value ?? {}) as { id?: unknown; token?: unknown; state?: unknown; connectionName?: unknown };
    if (!client || !userId) {
      await respond(context, { status: StatusCodes.BAD_REQUEST });
      return true;
    }
    if (name === 'signin/tokenExchange') {
      const offered = typeof value.token === 'string' ? await this.options.verifier.verify(value.token) : undefined;
      if (offered?.ok && !this.claims(context, offered.identity)) {
        // A token of one person offered in the name of another is never stored for the sender.
        this.options.logger.warn('refused an SSO token exchange for another user than the token names', {
          claimedUserId: claimedObjectId(context) ?? 'none',
          tokenUserId: offered.identity.userId,
        });
        await respond(context, { status: 403 });
        return true;
      }
      const exchangeId =
        typeof value.id === 'string' && value.id.length > 0 && value.id.length <= MAX_EXCHANGE_ID_LENGTH ? value.id : undefined;
      if (!exchangeId) {
        await respond(context, {
          status: StatusCodes.BAD_REQUEST,
          body: { connectionName: this.options.connectionName, failureDetail: 'The token exchange request has no valid id.' },
        });
        return true;
      }
      const claimKey = exchangeKey(context.activity.channelId, userId, exchangeId);
      let first: boolean;
      try {
        first = await this.options.exchanges.createIfAbsent(claimKey, { createdAt: this.now() }, (existing) => this.isStale(existing));
      } catch (error) {
        this.options.logger.warn('the SSO token exchange could not be de-duplicated', describeError(error));
        await respond(context, {
          status: StatusCodes.PRECONDITION_FAILED,
          body: { id: exchangeId, connectionName: this.options.connectionName, failureDetail: 'The bot could not exchange the SSO token.' },
        });
        return true;
      }
      if (!first) {
        // Another client (or bot instance) has this exchange: the answer Teams expects for a duplicate.
        await respond(context, { status: StatusCodes.OK });
        return true;
      }
      let token: string | undefined;
      try {
        const exchanged = await client.exchangeToken(userId, this.options.connectionName, context.activity.channelId, {
          token: typeof value.token === 'string' ? value.token : undefined,
        });
        token = exchanged?.token;
      } catch (error) {
        this.options.logger.warn('the SSO token exchange failed', describeError(error));
      }
      if (!token) {
        // Released, so that Teams' retry of this exchange id is not taken for a duplicate.
        await this.options.exchanges
          .delete([claimKey])
          .catch((error: unknown) => this.options.logger.warn('could not release a failed SSO token exchange', describeError(error)));
        // 412 makes Teams show the consent / sign-in button instead of failing silently.
        await respond(context, {
          status: StatusCodes.PRECONDITION_FAILED,
          body: { id: value.id, connectionName: this.options.connectionName, failureDetail: 'The bot could not exchange the SSO token.' },
        });
        return true;
      }
      await respond(context, { status: StatusCodes.OK, body: { id: value.id, connectionName: this.options.connectionName } });
      await context.sendActivity(SIGNED_IN_TEXT);
      return true;
    }
    const magicCode = typeof value.state === 'string' && /^\d{6}$/.test(value.state) ? value.state : undefined;
    const response = magicCode
      ? await client.getUserToken(userId, this.options.connectionName, context.activity.channelId, magicCode).catch(() => undefined)
      : undefined;
    await respond(context, { status: response?.token ? StatusCodes.OK : StatusCodes.NOT_FOUND });
    if (response?.token) await context.sendActivity(SIGNED_IN_TEXT);
    return true;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private isStale(existing: Record<string, unknown>): boolean {
    const createdAt = existing['createdAt'];
    return typeof createdAt !== 'number' || this.now() - createdAt > EXCHANGE_DEDUP_MS;
  }

  /** The OAuth card Teams turns into a silent SSO exchange (tokenExchangeResource) or a sign-in button. */
  async sendSignInCard(context: TurnContext): Promise<void> {
    const client = userTokens(context);
    if (!client) return;
    const resource = await client.getSignInResource(this.options.connectionName, context.activity, undefined);
    const card = CardFactory.oauthCard(
      this.options.connectionName,
      'Sign in',
      SIGN_IN_TEXT,
      resource.signInLink,
      resource.tokenExchangeResource as Parameters<typeof CardFactory.oauthCard>[4],
    );
    await context.sendActivity({ attachments: [card] });
  }
}

/** Hashed: the ids come from the activity, the key must be a short, safe blob name. */
function exchangeKey(channelId: string, userId: string, exchangeId: string): string {
  return `sso-exchanges/${createHash('sha256')
    .update(JSON.stringify([channelId, userId, exchangeId]))
    .digest('hex')}`;
}

async function respond(context: TurnContext, value: InvokeResponse): Promise<void> {
  await context.sendActivity({ type: 'invokeResponse', value });
}

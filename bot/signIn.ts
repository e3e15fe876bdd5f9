// Teams SSO in production, the standard Bot Framework way: the Azure Bot's OAuth connection
// (Entra ID v2, token exchange URL = the app's Application ID URI, scope = its access_as_user)
// holds each user's SSO token in the Bot Framework token service. The bot reads it every turn and
// exchanges it on-behalf-of the user for Graph and for ARM (services/identity). Without one, the user
// gets an OAuth card: Teams exchanges its own SSO token silently (signin/tokenExchange), or shows a
// consent / sign-in button when it cannot (412 answer; signin/verifyState with a magic code).
import { CardFactory, StatusCodes, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { Logger } from '../dialogs/deps';
import type { SsoTokenSource } from '../services/identity/oboUserTokenProvider';
import { describeError } from './logging';
import { currentScope } from './turnScope';

export interface SignInOptions {
  readonly connectionName: string;
  readonly logger: Logger;
}

/** The slice of botframework-connector's UserTokenClient the sign-in uses. */
interface UserTokens {
  getUserToken(userId: string, connectionName: string, channelId: string, magicCode: string | undefined): Promise<{ token?: string } | undefined>;
  getSignInResource(connectionName: string, activity: unknown, finalRedirect: string | undefined): Promise<{ signInLink?: string; tokenExchangeResource?: unknown }>;
  exchangeToken(userId: string, connectionName: string, channelId: string, request: { token?: string }): Promise<{ token?: string } | undefined>;
}

export const SIGN_IN_TEXT = 'Please sign in so I can look up and activate your roles as you. Nothing was requested yet.';
export const SIGNED_IN_TEXT = "You're signed in. Please send your request again.";

function userTokens(context: TurnContext): UserTokens | undefined {
  const key = (context.adapter as { UserTokenClientKey?: symbol }).UserTokenClientKey;
  return key ? (context.turnState.get(key) as UserTokens | undefined) : undefined;
}

export class TeamsSsoSignIn {
  constructor(private readonly options: SignInOptions) {}

  /** The production SsoTokenSource: the user's SSO token for the turn being processed. */
  readonly tokenSource: SsoTokenSource = async () => {
    const context = currentScope()?.context;
    return context ? this.currentToken(context) : undefined;
  };

  async currentToken(context: TurnContext): Promise<string | undefined> {
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
      let token: string | undefined;
      try {
        const exchanged = await client.exchangeToken(userId, this.options.connectionName, context.activity.channelId, { token: typeof value.token === 'string' ? value.token : undefined });
        token = exchanged?.token;
      } catch (error) {
        this.options.logger.warn('the SSO token exchange failed', describeError(error));
      }
      if (!token) {
        // 412 makes Teams show the consent / sign-in button instead of failing silently.
        await respond(context, { status: StatusCodes.PRECONDITION_FAILED, body: { id: value.id, connectionName: this.options.connectionName, failureDetail: 'The bot could not exchange the SSO token.' } });
        return true;
      }
      await respond(context, { status: StatusCodes.OK, body: { id: value.id, connectionName: this.options.connectionName } });
      await context.sendActivity(SIGNED_IN_TEXT);
      return true;
    }
    const magicCode = typeof value.state === 'string' && /^\d{6}$/.test(value.state) ? value.state : undefined;
    const response = magicCode ? await client.getUserToken(userId, this.options.connectionName, context.activity.channelId, magicCode).catch(() => undefined) : undefined;
    await respond(context, { status: response?.token ? StatusCodes.OK : StatusCodes.NOT_FOUND });
    if (response?.token) await context.sendActivity(SIGNED_IN_TEXT);
    return true;
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

async function respond(context: TurnContext, value: InvokeResponse): Promise<void> {
  await context.sendActivity({ type: 'invokeResponse', value });
}

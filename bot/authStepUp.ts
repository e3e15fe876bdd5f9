// Step-up sign-in for a policy's authentication context, one code path in both modes: the dialog
// asks for it (StepUpStarter); this stores what waits for it under a one-time state (server side, in
// the bot's Storage, so any instance can take the callback) together with the PKCE verifier, and
// sends the user to the authority's /oauth2/v2.0/authorize with PIM's claims (URL built by msal-node).
// The callback verifies the state, redeems the code through msal-node for that user (the token stays
// in the process and the user's msal cache), then continues the flow in the user's conversation
// proactively: the activations are sent again, now with a token that satisfies the claims.
import { randomBytes } from 'node:crypto';
import { TurnContext, type CloudAdapter, type ConversationReference, type Storage, type UserState } from 'botbuilder';
import { actingUser } from '../dialogs/actingUser';
import { submitPlanned } from '../dialogs/activation/submit';
import type { DialogDeps, Logger, PendingStepUp, StepUpStarter } from '../dialogs/deps';
import type { StepUpTokens } from '../services/identity/stepUpTokens';
import type { Resource } from '../services/identity/tokenProvider';
import { isPimError } from '../services/pim/errors';
import type { UserContext } from '../services/pim/model';
import { isETagConflict } from '../services/store/keyValueStorage';
import type { ApproverStepUpReturn } from './approvals/approverStepUpReturn';
import { AUTH_CALLBACK_PATH } from './authUrls';
import type { RestifyRequest, RestifyResponse } from './http/restify';
import { describeError } from './logging';

/** A sign-in link works this long, once. */
export const STEP_UP_TTL_MS = 10 * 60_000;
const KEY_PREFIX = 'stepup/';
const STATE = /^[A-Za-z0-9_-]{32}$/;

interface StepUpRecord {
  readonly userId: string;
  readonly tenantId: string;
  readonly conversationId: string;
  readonly reference: Partial<ConversationReference>;
  readonly pending: PendingStepUp;
  readonly resource: Resource;
  readonly redirectUri: string;
  /** PKCE verifier: only the server that started the sign-in can redeem its code. */
  readonly codeVerifier: string;
  readonly expiresAt: number;
  /** Set (with the eTag read) by the one callback that takes the record; any other finds it used. */
  readonly used?: boolean;
  readonly eTag?: string;
}

export interface StepUpOptions {
  readonly storage: Storage;
  readonly tokens: StepUpTokens;
  /** The bot's base URL as the browser reaches it: PUBLIC_BASE_URL in production, its own listen address locally. */
  readonly publicBaseUrl: () => string;
  readonly now: () => Date;
  readonly logger: Logger;
}

export class StepUpSignIn implements StepUpStarter {
  constructor(private readonly options: StepUpOptions) {}

  async begin(context: TurnContext, user: UserContext, pending: PendingStepUp): Promise<string> {
    const state = randomBytes(24).toString('base64url');
    const resource = pending.resource;
    const redirectUri = `${this.options.publicBaseUrl().replace(/\/+$/, '')}${AUTH_CALLBACK_PATH}`;
    const { url, codeVerifier } = await this.options.tokens.startSignIn(user, { resource, claims: pending.claims, state, redirectUri });
    const record: StepUpRecord = {
      userId: user.userId,
      tenantId: user.tenantId,
      conversationId: context.activity.conversation.id,
      reference: TurnContext.getConversationReference(context.activity),
      pending,
      resource,
      redirectUri,
      codeVerifier,
      expiresAt: this.options.now().getTime() + STEP_UP_TTL_MS,
    };
    await this.options.storage.write({ [KEY_PREFIX + state]: record });
    return url;
  }

  /**
   * The record for a state, used up: marked used with the eTag it was read with, so of two
   * callbacks racing with the same state (a replay, two instances) exactly one gets it.
   */
  async take(state: unknown): Promise<StepUpRecord | undefined> {
    if (typeof state !== 'string' || !STATE.test(state)) return undefined;
    const key = KEY_PREFIX + state;
    const found = (await this.options.storage.read([key]))[key] as StepUpRecord | undefined;
    if (!found || found.used) return undefined;
    try {
      await this.options.storage.write({ [key]: { ...found, used: true, eTag: found.eTag ?? '' } });
    } catch (error) {
      if (isETagConflict(error)) return undefined;
      throw error;
    }
    await this.options.storage
      .delete([key])
      .catch((error: unknown) => this.options.logger.warn('could not delete a used step-up record', describeError(error)));
    return found.expiresAt > this.options.now().getTime() ? found : undefined;
  }

  /** Redeems the code for the record's user; throws PimError('forbidden') when another account signed in. */
  complete(record: StepUpRecord, code: string): Promise<void> {
    return this.options.tokens.completeSignIn(
      { userId: record.userId, tenantId: record.tenantId },
      {
        resource: record.resource,
        claims: record.pending.claims,
        code,
        codeVerifier: record.codeVerifier,
        redirectUri: record.redirectUri,
      },
    );
  }
}

/** GET /auth/callback?state=…&code=… (or &error=…): where the authority sends the browser back. */
export function stepUpCallback(options: {
  readonly stepUp: StepUpSignIn;
  readonly adapter: CloudAdapter;
  readonly botAppId: string;
  readonly deps: DialogDeps;
  readonly userState: UserState;
  /** An approver's step-up for a held click (issue 20): its states are tried first. */
  readonly approvers?: ApproverStepUpReturn;
}) {
  return async (req: RestifyRequest, res: RestifyResponse): Promise<void> => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const click = await options.approvers?.take(query.get('state'));
    if (click) {
      const done = await options.approvers!.finish(click, query.get('code'), query.get('error'));
      return page(res, done.status, done.title, done.text);
    }
    const record = await options.stepUp.take(query.get('state'));
    if (!record)
      return page(res, 400, 'This sign-in link has expired or was already used', 'Go back to Teams and ask again; nothing was requested.');
    const code = query.get('code');
    if (query.get('error') || !code) {
      return page(res, 400, 'Sign-in was not completed', 'Nothing was requested. Go back to Teams and ask again when you are ready.');
    }
    try {
      await options.stepUp.complete(record, code);
    } catch (error) {
      options.deps.logger.warn('a step-up sign-in could not be redeemed', describeError(error));
      if (isPimError(error) && error.kind === 'forbidden') {
        return page(
          res,
          403,
          'Signed in with another account',
          'The sign-in must be made by the person who asked. Nothing was requested; go back to Teams and ask again.',
        );
      }
      return page(res, 400, 'Sign-in was not completed', 'Nothing was requested. Go back to Teams and ask again.');
    }
    try {
      await options.adapter.continueConversationAsync(options.botAppId, record.reference, async (context) => {
        const user = actingUser(context, options.deps.tenantId);
        // The conversation reference names the user who asked; the link is theirs only.
        if (!user || user.userId !== record.userId || context.activity.conversation.id !== record.conversationId) {
          throw new Error('step-up record does not match its conversation');
        }
        const items = record.pending.inputs.map((input) => ({
          key: input.eligibilityKey,
          label: record.pending.labels[input.eligibilityKey] ?? 'The role',
          input: { ...input, ...(input.startDateTime ? { startDateTime: new Date(input.startDateTime) } : {}) },
        }));
        await submitPlanned(context, options.deps, user, items);
        await options.userState.saveChanges(context, false);
      });
    } catch (error) {
      options.deps.logger.error('could not continue after a step-up sign-in', describeError(error));
      return page(res, 500, 'Signed in, but I could not continue', 'Go back to Teams and ask again.');
    }
    return page(res, 200, "You're verified", 'Go back to Teams: the result of your request is in the chat. You can close this tab.');
  };
}

function page(res: RestifyResponse, status: number, title: string, text: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family: sans-serif; max-width: 32em; margin: 4em auto"><h1>${title}</h1><p>${text}</p></body></html>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

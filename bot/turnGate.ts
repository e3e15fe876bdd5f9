// What every inbound activity passes before the bot sees it: the channel (Teams only), the tenant
// (allowed ones only) and, in production, the user's identity as the validated SSO token states it.
// A refused activity changes nothing; an invoke gets a 403 invoke response, a message a plain answer.
import type { TurnContext } from 'botbuilder';
import { bindTurnIdentity, claimedObjectId } from '../dialogs/actingUser';
import type { Logger } from '../dialogs/deps';
import { isServedChannel } from './http/channelGuard';
import { checkTenant } from './http/tenantGuard';
import { IDENTITY_MISMATCH_TEXT, SIGN_IN_UNAVAILABLE_TEXT, type TeamsSsoSignIn } from './signIn';

export interface TurnGateOptions {
  readonly allowedTenantIds: readonly string[];
  /** Production: Teams SSO. Absent (local mode): the Playground persona's ids are the identity. */
  readonly signIn?: TeamsSsoSignIn;
  readonly logger: Logger;
}

/** True when the bot may run the turn; the identity it acts as is bound to the turn by then. */
export async function admitTurn(context: TurnContext, options: TurnGateOptions): Promise<boolean> {
  const { activity } = context;
  const { logger, signIn } = options;
  if (!isServedChannel(activity)) {
    logger.warn('refused an activity from a channel that is not served', {
      channelId: String(activity.channelId).slice(0, 40),
      activityType: activity.type,
    });
    await refuseInvoke(context);
    return false;
  }
  const tenant = checkTenant(activity, options.allowedTenantIds, signIn !== undefined);
  if (!tenant.ok) {
    logger.warn('refused an activity from a tenant that is not served', {
      tenantId: tenant.tenantId ?? 'none',
      activityType: activity.type,
    });
    await refuseInvoke(context);
    return false;
  }
  if (!signIn) return true;
  if (await signIn.handleInvoke(context)) return false;
  const identity = await signIn.identify(context);
  if (identity.kind === 'mismatch') {
    await refuseInvoke(context);
    if (activity.type === 'message') await context.sendActivity(IDENTITY_MISMATCH_TEXT);
    return false;
  }
  if (activity.type === 'message' && identity.kind !== 'verified') {
    if (identity.kind === 'unavailable') await context.sendActivity(SIGN_IN_UNAVAILABLE_TEXT);
    else await signIn.sendSignInCard(context);
    return false;
  }
  if (identity.kind === 'verified') {
    bindTurnIdentity(context, { ...identity.identity, verified: true });
    return true;
  }
  // No token held yet (an install, a card click before any sign-in): Teams' word is all there is,
  // and such a turn gets no user token (the token source serves verified turns only).
  const claimed = claimedObjectId(context);
  if (claimed && tenant.tenantId) bindTurnIdentity(context, { userId: claimed, tenantId: tenant.tenantId, verified: false });
  return true;
}

async function refuseInvoke(context: TurnContext): Promise<void> {
  if (context.activity.type === 'invoke') await context.sendActivity({ type: 'invokeResponse', value: { status: 403 } });
}

// Who is acting, never card data. In production the bot binds the turn to the identity its verified
// SSO token names (oid/tid) before any dialog runs, and refuses a turn whose activity says otherwise;
// where no such binding exists (local mode, unit tests with TestAdapter) it is the sender's Entra
// object id as the channel reports it.
import type { TurnContext } from 'botbuilder';
import type { UserContext } from '../services/pim/model';

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The identity the bot bound this turn to, kept in the turn's state. */
export interface TurnIdentity {
  readonly userId: string;
  readonly tenantId: string;
  /** True when a validated token says so; false when only the channel (Teams) does. */
  readonly verified: boolean;
}

const TURN_IDENTITY = Symbol('pimbot.turnIdentity');

export function bindTurnIdentity(context: TurnContext, identity: TurnIdentity): void {
  context.turnState.set(TURN_IDENTITY, {
    userId: identity.userId.toLowerCase(),
    tenantId: identity.tenantId.toLowerCase(),
    verified: identity.verified,
  });
}

export function turnIdentity(context: TurnContext): TurnIdentity | undefined {
  return context.turnState.get(TURN_IDENTITY) as TurnIdentity | undefined;
}

/** The sender's Entra object id as the activity states it (to compare with, or where nothing is bound). */
export function claimedObjectId(context: TurnContext): string | undefined {
  const id = (context.activity.from as { aadObjectId?: unknown } | undefined)?.aadObjectId;
  return typeof id === 'string' && OBJECT_ID.test(id) ? id.toLowerCase() : undefined;
}

export function actingUser(context: TurnContext, tenantId: string): UserContext | undefined {
  const bound = turnIdentity(context);
  const userId = bound ? bound.userId : claimedObjectId(context);
  if (!userId) return undefined;
  const from = context.activity.from as { name?: unknown } | undefined;
  const name = typeof from?.name === 'string' && from.name.trim() !== '' ? from.name.trim().slice(0, 100) : undefined;
  const tenant = bound ? bound.tenantId : tenantId;
  return name ? { userId, tenantId: tenant, displayName: name } : { userId, tenantId: tenant };
}

export const UNIDENTIFIED_USER_MESSAGE =
  "I can't tell who you are: your message arrived without your Microsoft Entra identity, so I can't look up or change any roles. " +
  'Please message me from Teams with your work account.';

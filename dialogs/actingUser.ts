// Who is acting: always the sender's Entra object id as the channel reports it, never card data.
import type { TurnContext } from 'botbuilder';
import type { UserContext } from '../services/pim/model';

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function actingUser(context: TurnContext, tenantId: string): UserContext | undefined {
  const from = context.activity.from as { aadObjectId?: unknown; name?: unknown } | undefined;
  const id = from?.aadObjectId;
  if (typeof id !== 'string' || !OBJECT_ID.test(id)) return undefined;
  const name = typeof from?.name === 'string' && from.name.trim() !== '' ? from.name.trim().slice(0, 100) : undefined;
  return name ? { userId: id.toLowerCase(), tenantId, displayName: name } : { userId: id.toLowerCase(), tenantId };
}

export const UNIDENTIFIED_USER_MESSAGE =
  "I can't tell who you are: your message arrived without your Microsoft Entra identity, so I can't look up or change any roles. " +
  'Please message me from Teams with your work account.';

// Only the configured tenants are served, checked on every activity after authentication and
// before the bot sees it. Teams puts the tenant in channelData.tenant.id and conversation.tenantId;
// both must agree with each other and with the allowed list.
import type { Activity } from 'botbuilder';

export type TenantCheck =
  { readonly ok: true; readonly tenantId: string | undefined } | { readonly ok: false; readonly tenantId: string | undefined };

export function activityTenantIds(activity: Partial<Activity>): string[] {
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const fromConversation = (activity.conversation as { tenantId?: unknown } | undefined)?.tenantId;
  return [fromChannelData, fromConversation].filter((t): t is string => typeof t === 'string' && t !== '').map((t) => t.toLowerCase());
}

/**
 * `requireTenant`: production refuses an activity that names no tenant; the local Playground may
 * omit it, but a named tenant must still be an allowed one.
 */
export function checkTenant(activity: Partial<Activity>, allowed: readonly string[], requireTenant: boolean): TenantCheck {
  const ids = activityTenantIds(activity);
  const tenantId = ids[0];
  if (ids.length === 0) return requireTenant ? { ok: false, tenantId } : { ok: true, tenantId };
  const ok = ids.every((id) => id === tenantId && allowed.includes(id));
  return { ok, tenantId };
}

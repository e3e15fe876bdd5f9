// The user's own activation that PIM holds as waiting for approval for one role at one scope: the
// request a PendingRoleAssignmentRequest refusal is about (PIM keeps one per principal, role and scope).
import { eligibilityKey, type ActivationRequest, type UserContext } from './model';
import type { PimService } from './service';
import { surfaceOfKey } from './surfaces';

/** Reads only the surface the key names (filterByCurrentUser(on='principal') / ARM asTarget()). */
export async function findPendingActivation(pim: PimService, user: UserContext, key: string): Promise<ActivationRequest | undefined> {
  const wanted = comparableTarget(key);
  const surface = surfaceOfKey(key);
  if (!surface) return undefined;
  const requests = await pim.listRequests(user, surface);
  return requests
    .filter(
      (r) =>
        r.status === 'pendingApproval' &&
        (r.action ?? 'activate') === 'activate' &&
        r.principalId.toLowerCase() === user.userId.toLowerCase() &&
        comparableTarget(r.key ?? eligibilityKey(r.surface, r.scope.id, r.roleId)) === wanted,
    )
    .sort((a, b) => b.createdDateTime.getTime() - a.createdDateTime.getTime())[0];
}

/**
 * `surface|scope|role` compared as PIM compares them: ids without regard to case, and an ARM role by
 * the GUID that ends its definition id (ARM may name it under the subscription or the tenant root).
 */
export function comparableTarget(key: string): string {
  const [surface = '', ...rest] = key.split('|');
  const roleId = rest.pop() ?? '';
  const scopeId = rest.join('|');
  return [surface, scopeId.toLowerCase(), (roleId.split('/').pop() ?? roleId).toLowerCase()].join('|');
}

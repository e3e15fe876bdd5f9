// ADMIN_GROUP_ID lets a group's members ask tenant-wide questions that the bot answers with its own
// application permissions. Whoever may change that group's members may therefore grant themselves
// that view. Only a role-assignable group (isAssignableToRole) keeps that in the hands of Privileged
// Role Administrators / Global Administrators (and PIM), like the directory roles themselves; for any
// other group, group owners, User Administrators, Groups Administrators and others can add members.
// The property is fixed when the group is created, so one check at start is enough.
import type { AppTokenProvider } from '../identity/tokenProvider';
import { isPimError } from '../pim/errors';
import type { GraphApi } from '../pim/graph/graphApi';
import { assertGuid } from '../pim/graph/odata';
import { asRecord, readString } from '../pim/json';

export type AdminGroupCheck =
  | { readonly kind: 'roleAssignable'; readonly displayName: string }
  | { readonly kind: 'notRoleAssignable'; readonly displayName: string }
  | { readonly kind: 'notFound' };

export async function checkAdminGroup(graph: GraphApi, appTokens: AppTokenProvider, groupId: string): Promise<AdminGroupCheck> {
  const token = await appTokens.getAppToken('graph');
  let group: Record<string, unknown> | undefined;
  try {
    group = asRecord(
      await graph.get(token, `/groups/${assertGuid(groupId, 'admin group id')}`, { select: 'id,displayName,isAssignableToRole' }),
    );
  } catch (error) {
    if (isPimError(error) && error.kind === 'notFound') return { kind: 'notFound' };
    throw error;
  }
  const displayName = readString(group, 'displayName') ?? groupId;
  return group?.['isAssignableToRole'] === true ? { kind: 'roleAssignable', displayName } : { kind: 'notRoleAssignable', displayName };
}

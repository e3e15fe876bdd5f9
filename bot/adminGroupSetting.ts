// Start-up check of ADMIN_GROUP_ID: the group must exist and be role-assignable (see
// services/admin/adminGroupCheck.ts for why); otherwise the bot refuses to start, naming the setting.
import type { AdminGroupCheck } from '../services/admin/adminGroupCheck';
import { ConfigError } from './config';
import { describeError } from './logging';

export async function requireRoleAssignableAdminGroup(adminGroup: { check(): Promise<AdminGroupCheck> } | undefined): Promise<void> {
  if (!adminGroup) return;
  let result: AdminGroupCheck;
  try {
    result = await adminGroup.check();
  } catch (error) {
    const d = describeError(error);
    throw new ConfigError(
      'ADMIN_GROUP_ID',
      `could not be checked in Microsoft Graph (${String(d['kind'] ?? d['error'])}); the bot does not start without knowing the group is role-assignable`,
    );
  }
  if (result.kind === 'notFound') throw new ConfigError('ADMIN_GROUP_ID', 'names no group in the tenant');
  if (result.kind === 'notRoleAssignable') {
    throw new ConfigError(
      'ADMIN_GROUP_ID',
      `must be a role-assignable group (isAssignableToRole): the members of "${result.displayName}" can be changed by people who are not privileged role administrators, and its members may read everyone's privileged access. Create a role-assignable group for the bot's admins and set its id, or unset ADMIN_GROUP_ID`,
    );
  }
}

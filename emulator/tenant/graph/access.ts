// Who may do what. Graph answers both "token lacks the permission" and "user lacks the role" with 403.
import type { EmulatorRequest } from '../http/types';
import { hasAnyPermission, type Principal, type UserPrincipal } from '../identity/principal';
import { isPimAdmin } from '../pim/directory';
import type { GraphDeps } from './deps';
import { badRequest, forbidden } from './errors';

export const READ_DIRECTORY_ROLES = [
  'RoleManagement.Read.Directory',
  'RoleManagement.Read.All',
  'RoleManagement.ReadWrite.Directory',
  'RoleEligibilitySchedule.Read.Directory',
  'RoleEligibilitySchedule.ReadWrite.Directory',
  'RoleAssignmentSchedule.Read.Directory',
  'RoleAssignmentSchedule.ReadWrite.Directory',
];
export const WRITE_ASSIGNMENT_REQUESTS = ['RoleAssignmentSchedule.ReadWrite.Directory', 'RoleManagement.ReadWrite.Directory'];
export const WRITE_ELIGIBILITY_REQUESTS = ['RoleEligibilitySchedule.ReadWrite.Directory', 'RoleManagement.ReadWrite.Directory'];
export const READ_POLICIES = [
  'RoleManagementPolicy.Read.Directory',
  'RoleManagementPolicy.ReadWrite.Directory',
  'RoleManagement.Read.Directory',
  'RoleManagement.Read.All',
  'RoleManagement.ReadWrite.Directory',
  'RoleManagementPolicy.Read.AzureADGroup',
  'RoleManagementPolicy.ReadWrite.AzureADGroup',
];
export const WRITE_POLICIES = ['RoleManagementPolicy.ReadWrite.Directory', 'RoleManagement.ReadWrite.Directory'];
export const READ_USERS = ['User.Read', 'User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All'];
export const READ_GROUPS = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'User.ReadBasic.All'];

export function principalOf(req: EmulatorRequest): Principal {
  if (!req.principal) throw new Error('Graph handler reached without an authenticated principal');
  return req.principal;
}

export function requirePermission(req: EmulatorRequest, permissions: readonly string[]): Principal {
  const p = principalOf(req);
  if (!hasAnyPermission(p, permissions))
    throw forbidden(`Either the signed-in user or the app lacks the permission for this operation (one of: ${permissions.join(', ')}).`);
  return p;
}

/** Functions such as filterByCurrentUser and /me only make sense with a signed-in user. */
export function requireUser(req: EmulatorRequest, what: string): UserPrincipal {
  const p = principalOf(req);
  if (p.kind !== 'user') throw badRequest(`${what} is only valid with delegated authentication flow.`);
  return p;
}

/** Reading other principals' PIM data: an app with the permission, or an active PIM administrator. */
export function requireTenantWideRead(req: EmulatorRequest, deps: GraphDeps, permissions: readonly string[]): Principal {
  const p = requirePermission(req, permissions);
  if (p.kind === 'user' && !isPimAdmin(deps.store.data, p.oid, deps.clock.now())) {
    throw forbidden(
      'The signed-in user needs an active Privileged Role Administrator or Global Administrator role to list other principals; use filterByCurrentUser for your own.',
    );
  }
  return p;
}

export function requireAdminUser(req: EmulatorRequest, deps: GraphDeps, permissions: readonly string[]): UserPrincipal {
  const p = requirePermission(req, permissions);
  if (p.kind !== 'user') throw forbidden('Application access is not supported for this operation.');
  if (!isPimAdmin(deps.store.data, p.oid, deps.clock.now()))
    throw forbidden('The signed-in user needs an active Privileged Role Administrator or Global Administrator role.');
  return p;
}

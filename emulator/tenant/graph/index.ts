// Graph v1.0 and the beta paths PIM still has there (approvals, alerts): one module per resource family.
import type { Router } from '../http/router';
import { registerAlertRoutes } from './alerts';
import { registerApprovalRoutes } from './approvals';
import { registerGroupApprovalRoutes } from './approvalsGroups';
import { registerAuditRoutes } from './audit';
import type { GraphDeps } from './deps';
import { registerDirectoryObjectRoutes } from './directoryObjects';
import { createEntityTypes } from './entities';
import { registerGroupRoutes } from './groups';
import { registerPolicyRoutes } from './policies';
import { registerRoleAssignmentRequestRoutes } from './roleAssignmentRequests';
import { registerRoleDefinitionRoutes } from './roleDefinitions';
import { registerRoleEligibilityRequestRoutes } from './roleEligibilityRequests';
import { registerRoleScheduleRoutes } from './roleSchedules';
import { registerTeamsAppRoutes } from './teamsApps';

export function registerGraphRoutes(router: Router, deps: GraphDeps): void {
  const types = createEntityTypes(
    () => deps.store.data,
    () => deps.clock.now(),
  );
  registerRoleDefinitionRoutes(router, deps, types);
  registerRoleScheduleRoutes(router, deps, types);
  registerRoleAssignmentRequestRoutes(router, deps, types);
  registerRoleEligibilityRequestRoutes(router, deps, types);
  registerPolicyRoutes(router, deps, types);
  registerDirectoryObjectRoutes(router, deps, types);
  registerAlertRoutes(router, deps);
  registerAuditRoutes(router, deps);
  registerGroupRoutes(router, deps);
  registerApprovalRoutes(router, deps);
  registerGroupApprovalRoutes(router, deps);
  registerTeamsAppRoutes(router, deps);
}

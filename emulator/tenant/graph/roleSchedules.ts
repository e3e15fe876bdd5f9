// Eligibility and assignment schedules and their instances (what is in force right now, at the PIM clock).
import type { Router } from '../http/router';
import type { EmulatorRequest } from '../http/types';
import { listResponse, type EntityType } from '../odata/collection';
import { isActiveAt } from '../pim/schedules';
import type { ScheduleRecordBase } from '../state/types';
import { READ_DIRECTORY_ROLES, requirePermission, requireTenantWideRead, requireUser } from './access';
import type { GraphDeps } from './deps';
import type { EntityTypes } from './entities';
import { badRequest } from './errors';
import { FILTER_BY_CURRENT_USER, RM } from './routes';

export function registerRoleScheduleRoutes(router: Router, deps: GraphDeps, types: EntityTypes): void {
  const data = () => deps.store.data;
  const active = <T extends ScheduleRecordBase>(records: readonly T[]) => records.filter((s) => isActiveAt(s, deps.clock.now()));
  // Schedules include future ones (e.g. a Granted activation); revoked/canceled ones are gone.
  const live = <T extends ScheduleRecordBase>(records: readonly T[]) =>
    records.filter(
      (s) =>
        s.status !== 'Revoked' &&
        s.status !== 'Canceled' &&
        (s.endDateTime === null || Date.parse(s.endDateTime) > deps.clock.now().getTime()),
    );

  const family = <T extends ScheduleRecordBase>(segment: string, type: EntityType<T>, records: () => readonly T[]) => {
    const contextPath = `roleManagement/directory/${segment}`;
    router.add('GET', new RegExp(`${RM}/${segment}/?$`), (req) => {
      requireTenantWideRead(req, deps, READ_DIRECTORY_ROLES);
      return listResponse(req, deps, { type, contextPath }, records());
    });
    router.add('GET', new RegExp(`${RM}/${segment}${FILTER_BY_CURRENT_USER}$`), (req) => {
      const user = currentUserFilter(req, ['principal']);
      requirePermission(req, READ_DIRECTORY_ROLES);
      // Graph's filterByCurrentUser returns the user's direct holdings only (not those through groups).
      return listResponse(
        req,
        deps,
        { type, contextPath, functionCollection: true },
        records().filter((s) => s.principalId === user),
      );
    });
  };

  family('roleEligibilityScheduleInstances', types.eligibilityInstance, () => active(data().roleEligibilitySchedules));
  family('roleAssignmentScheduleInstances', types.assignmentInstance, () => active(data().roleAssignmentSchedules));
  family('roleEligibilitySchedules', types.eligibilitySchedule, () => live(data().roleEligibilitySchedules));
  family('roleAssignmentSchedules', types.assignmentSchedule, () => live(data().roleAssignmentSchedules));
}

/** Validates on='...' and returns the signed-in user's id. */
export function currentUserFilter(req: EmulatorRequest, supported: readonly string[]): string {
  const on = req.params.on ?? '';
  if (!supported.includes(on.toLowerCase())) {
    throw badRequest(`The parameter 'on' has an unsupported value '${on}'. Supported values: ${supported.join(', ')}.`);
  }
  return requireUser(req, 'filterByCurrentUser').oid;
}

// Read access to the tenant for tests (and a way to seed extra entities, e.g. a contract example's).
import type { ControllableClock } from './clock';
import { isActiveAt } from './pim/schedules';
import type { TenantStore } from './state/store';
import type { AssignmentScheduleRecord, EligibilityScheduleRecord, ScheduleRequestRecord, TenantData } from './state/types';

export interface TenantStateView {
  /** The live data (treat as read-only; change it through update()). */
  readonly data: Readonly<TenantData>;
  /** Assignments of the principal active at the emulator clock's now. */
  activeAssignments(principalId: string): AssignmentScheduleRecord[];
  /** Eligibilities of the principal active at the emulator clock's now. */
  eligibilities(principalId: string): EligibilityScheduleRecord[];
  assignmentRequests(principalId?: string): ScheduleRequestRecord[];
  /** Changes the tenant (persisted like any other change). */
  update<T>(change: (data: TenantData) => T): Promise<T>;
}

export function createStateView(store: TenantStore, clock: ControllableClock): TenantStateView {
  return {
    get data() {
      return store.data;
    },
    activeAssignments: (principalId) =>
      store.data.roleAssignmentSchedules.filter((s) => s.principalId === principalId && isActiveAt(s, clock.now())),
    eligibilities: (principalId) =>
      store.data.roleEligibilitySchedules.filter((s) => s.principalId === principalId && isActiveAt(s, clock.now())),
    assignmentRequests: (principalId) =>
      store.data.roleAssignmentScheduleRequests.filter((r) => principalId === undefined || r.principalId === principalId),
    update: (change) => store.update(change),
  };
}

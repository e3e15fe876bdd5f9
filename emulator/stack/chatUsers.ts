// Extra employees in the local tenant, each a copy of Alice (same Entra role eligibilities and
// policies), so concurrent conversations are different people as in a real tenant: each has her
// own tokens, her own PIM requests, and attributable upstream calls in the emulator's log.
import { DEMO_USERS } from '../tenant/demoTenant';
import type { TenantEmulator } from '../tenant/index';
import { stableGuid } from '../tenant/state/ids';
import type { ChatUser } from './chatDriver';

export async function addBenchUsers(tenant: TenantEmulator, count: number, prefix = 'bench'): Promise<ChatUser[]> {
  const users: ChatUser[] = [];
  await tenant.state.update((data) => {
    const alice = data.users.find((u) => u.id === DEMO_USERS.alice.id)!;
    const aliceEligibilities = data.roleEligibilitySchedules.filter((s) => s.principalId === alice.id);
    for (let i = 0; i < count; i++) {
      const id = stableGuid('bench-user', prefix, String(i));
      const name = `${prefix} user ${i}`;
      users.push({ id: `29:${id}`, name, aadObjectId: id });
      if (data.users.some((u) => u.id === id)) continue;
      data.users.push({
        ...alice,
        id,
        displayName: name,
        givenName: name,
        userPrincipalName: `${prefix}${i}@contoso.example`,
        mail: `${prefix}${i}@contoso.example`,
      });
      for (const e of aliceEligibilities) {
        const eid = stableGuid('eligibility', id, e.roleDefinitionId);
        data.roleEligibilitySchedules.push({ ...structuredClone(e), id: eid, createdUsing: eid, principalId: id });
      }
    }
  });
  return users;
}

/** Ends every activation and forgets every request of these users, so the next flow starts clean. */
export async function clearActivations(tenant: TenantEmulator, users: readonly ChatUser[]): Promise<void> {
  const ids = new Set(users.map((u) => u.aadObjectId));
  await tenant.state.update((data) => {
    data.roleAssignmentSchedules = data.roleAssignmentSchedules.filter(
      (s) => !(ids.has(s.principalId) && s.assignmentType === 'Activated'),
    );
    data.roleAssignmentScheduleRequests = data.roleAssignmentScheduleRequests.filter((r) => !ids.has(r.principalId));
  });
}

export const ALICE_USER: ChatUser = { id: '29:alice', name: DEMO_USERS.alice.displayName, aadObjectId: DEMO_USERS.alice.id };

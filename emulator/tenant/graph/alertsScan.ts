// PIM's alert scan over the tenant's state: which alerts fire and with which incidents. The scan runs on
// first read and on refresh; between scans the alerts show what the last scan found, as in PIM.
import { DEMO_ROLES } from '../demoTenant';
import { directoryRolePolicy, rule } from '../pim/directory';
import { parseIsoDuration } from '../pim/duration';
import { isActiveAt } from '../pim/schedules';
import type { TenantData, UserRecord } from '../state/types';
import { ALERT_DEFINITIONS, type AlertDefinitionSeed, type AlertName } from './alertsCatalog';

export type IncidentRecord = Record<string, unknown> & { '@odata.type': string; id: string };

export interface AlertScanRecord {
  incidents: IncidentRecord[];
  lastScannedDateTime: string;
  /** When the set of incidents last changed. */
  lastModifiedDateTime: string;
}

export interface AlertOperationRecord {
  id: string;
  createdDateTime: string;
  lastActionDateTime: string;
  resourceLocation: string;
  status: 'notStarted' | 'running' | 'succeeded' | 'failed';
  statusDetail: string | null;
}

export interface AlertState {
  alerts: Partial<Record<AlertName, AlertScanRecord>>;
  operations: AlertOperationRecord[];
}

/** Rescans the named alerts (all when omitted) at `now`, in place. */
export function scanAlerts(data: TenantData, now: Date, only?: readonly AlertName[]): AlertState {
  const state = (data.roleManagementAlerts ??= { alerts: {}, operations: [] });
  for (const def of ALERT_DEFINITIONS) {
    if (only && !only.includes(def.name)) continue;
    const incidents = computeIncidents(data, def, now);
    const previous = state.alerts[def.name];
    const changed = !previous || previous.incidents.map((i) => i.id).join('|') !== incidents.map((i) => i.id).join('|');
    state.alerts[def.name] = {
      incidents,
      lastScannedDateTime: now.toISOString(),
      lastModifiedDateTime: changed ? now.toISOString() : previous.lastModifiedDateTime,
    };
  }
  return state;
}

function computeIncidents(data: Readonly<TenantData>, def: AlertDefinitionSeed, now: Date): IncidentRecord[] {
  const type = `#microsoft.graph.${def.typeStem}AlertIncident`;
  const role = (id: string) => {
    const r = data.roleDefinitions.find((x) => x.id.toLowerCase() === id.toLowerCase());
    return { roleDefinitionId: id, roleDisplayName: r?.displayName ?? null, roleTemplateId: r?.templateId ?? id };
  };
  const assignee = (u: UserRecord) => ({
    assigneeId: u.id,
    assigneeDisplayName: u.displayName,
    assigneeUserPrincipalName: u.userPrincipalName,
  });
  const userById = (id: string) => data.users.find((u) => u.id.toLowerCase() === id.toLowerCase());
  const activeAssignments = data.roleAssignmentSchedules.filter((s) => isActiveAt(s, now));
  const activeEligibilities = data.roleEligibilitySchedules.filter((s) => isActiveAt(s, now));

  switch (def.name) {
    case 'TooManyGlobalAdminsAssignedToTenantAlert': {
      const holders = new Set(activeAssignments.map((s) => s.principalId));
      const admins = [
        ...new Set(activeAssignments.filter((s) => s.roleDefinitionId === DEMO_ROLES.globalAdministrator.id).map((s) => s.principalId)),
      ]
        .map(userById)
        .filter((u): u is UserRecord => u !== undefined);
      const percentage = holders.size === 0 ? 0 : (admins.length * 100) / holders.size;
      const fires =
        admins.length >= Number(def.settings.globalAdminCountThreshold) &&
        percentage >= Number(def.settings.percentageOfGlobalAdminsOutOfRolesThreshold);
      return fires ? admins.map((u) => ({ '@odata.type': type, id: u.id, ...assignee(u) })) : [];
    }
    case 'RolesAssignedOutsidePimAlert':
      // Standing assignments PIM did not create (createdUsing null) were made outside PIM.
      return activeAssignments
        .filter((s) => s.assignmentType === 'Assigned' && s.createdUsing === null)
        .flatMap((s) => {
          const u = userById(s.principalId);
          return u
            ? [
                {
                  '@odata.type': type,
                  id: s.id,
                  ...assignee(u),
                  assignmentCreatedDateTime: s.createdDateTime ?? s.startDateTime,
                  ...role(s.roleDefinitionId),
                },
              ]
            : [];
        });
    case 'NoMfaOnRoleActivationAlert': {
      const roles = [...new Set(activeEligibilities.map((s) => s.roleDefinitionId))];
      return roles
        .filter((id) => {
          const policy = directoryRolePolicy(data, id);
          const enabled = ((rule(policy, 'Enablement_EndUser_Assignment')?.enabledRules as string[] | undefined) ?? []).map((r) =>
            r.toLowerCase(),
          );
          return (
            !enabled.includes('multifactorauthentication') && rule(policy, 'AuthenticationContext_EndUser_Assignment')?.isEnabled !== true
          );
        })
        .map((id) => ({ '@odata.type': type, id, ...role(id) }));
    }
    case 'RedundantAssignmentAlert': {
      const window = parseIsoDuration(String(def.settings.duration)) ?? 30 * 86_400_000;
      return activeEligibilities.flatMap((s) => {
        const u = userById(s.principalId);
        if (!u) return [];
        const last = lastActivation(data, s.principalId, s.roleDefinitionId);
        if (last && now.getTime() - last.getTime() < window) return [];
        return [
          {
            '@odata.type': type,
            id: s.id,
            ...assignee(u),
            lastActivationDateTime: last ? last.toISOString() : null,
            ...role(s.roleDefinitionId),
          },
        ];
      });
    }
    case 'SequentialActivationRenewalsAlert':
      return sequentialActivations(data, def, now).map((seq) => {
        const u = userById(seq.principalId)!;
        return {
          '@odata.type': type,
          id: `${seq.principalId}_${seq.roleDefinitionId}_${seq.start}`,
          activationCount: seq.count,
          ...assignee(u),
          ...role(seq.roleDefinitionId),
          sequenceStartDateTime: seq.start,
          sequenceEndDateTime: seq.end,
        };
      });
    case 'StaleSignInAlert':
    case 'InvalidLicenseAlert':
      // The local tenant keeps no sign-in log and is licensed: these never fire here.
      return [];
  }
}

function activations(data: Readonly<TenantData>, principalId?: string, roleDefinitionId?: string) {
  return data.roleAssignmentScheduleRequests.filter(
    (r) =>
      r.action.toLowerCase() === 'selfactivate' &&
      (r.status === 'Provisioned' || r.status === 'Granted') &&
      r.scheduleInfo !== null &&
      (principalId === undefined || r.principalId === principalId) &&
      (roleDefinitionId === undefined || r.roleDefinitionId.toLowerCase() === roleDefinitionId.toLowerCase()),
  );
}

function lastActivation(data: Readonly<TenantData>, principalId: string, roleDefinitionId: string): Date | null {
  const times = activations(data, principalId, roleDefinitionId).map((r) => Date.parse(r.scheduleInfo?.startDateTime ?? r.createdDateTime));
  return times.length === 0 ? null : new Date(Math.max(...times));
}

function sequentialActivations(data: Readonly<TenantData>, def: AlertDefinitionSeed, now: Date) {
  const gap = parseIsoDuration(String(def.settings.timeIntervalBetweenActivations)) ?? 3_600_000;
  const threshold = Number(def.settings.sequentialActivationCounterThreshold);
  const groups = new Map<string, { start: number; end: number }[]>();
  for (const r of activations(data)) {
    if (Date.parse(r.createdDateTime) > now.getTime() || !data.users.some((u) => u.id === r.principalId)) continue;
    const start = Date.parse(r.scheduleInfo?.startDateTime ?? r.createdDateTime);
    const key = `${r.principalId}|${r.roleDefinitionId.toLowerCase()}`;
    groups.set(key, [...(groups.get(key) ?? []), { start, end: start }]);
  }
  const out: { principalId: string; roleDefinitionId: string; count: number; start: string; end: string }[] = [];
  for (const [key, list] of groups) {
    const [principalId, roleDefinitionId] = key.split('|') as [string, string];
    list.sort((a, b) => a.start - b.start);
    let run = [list[0]!];
    const flush = () => {
      if (run.length >= threshold)
        out.push({
          principalId,
          roleDefinitionId,
          count: run.length,
          start: new Date(run[0]!.start).toISOString(),
          end: new Date(run[run.length - 1]!.start).toISOString(),
        });
    };
    for (const item of list.slice(1)) {
      if (item.start - run[run.length - 1]!.start <= gap) run.push(item);
      else {
        flush();
        run = [item];
      }
    }
    flush();
  }
  return out;
}

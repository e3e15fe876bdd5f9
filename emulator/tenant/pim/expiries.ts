// Activations that ended by themselves. Nothing happens in PIM at the moment an activation runs out, but
// its audit log then shows "Remove member from role (PIM activation expired)", initiated by PIM's own app
// (MS-PIM), not by a person. Neither /work/shared/contracts nor Microsoft's v1.0 example has such an
// entry, so it follows Microsoft's published activity names (Entra "Audit log activities", PIM section)
// and the shape of the other PIM entries here. The emulator writes it lazily, when the audit log is read,
// dated when the activation ended on the emulator's clock: the entry a reader sees is the same either way.
import type { TenantData } from '../state/types';
import { buildAuditEntry, MAX_AUDIT_ENTRIES, type PimAuditEvent, type PimAuditSurface } from './audit';

/** PIM's first-party app (appId of the MS-PIM service principal every tenant has). */
export const MS_PIM_APP = { id: '01fc33a7-78ba-4d2f-a4b7-768e336e890e', displayName: 'MS-PIM' } as const;

interface Ended {
  readonly surface: PimAuditSurface;
  /** The activation request: the expiry is correlated with it, as the activation's own entries are. */
  readonly requestId: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly scopeId?: string;
  readonly end: Date;
}

const EXPIRED = /\(PIM activation expired\)$/;

/**
 * Appends an expiry entry for every activation on any surface whose end has passed at `now` without anyone
 * ending it (a deactivation or removal is its own request and its own entry). Idempotent: an activation
 * already recorded as expired is skipped. Call inside store.update. Returns how many were added.
 */
export function recordExpiries(data: TenantData, now: Date): number {
  const fresh = unrecordedExpiries(data, now);
  if (fresh.length === 0) return 0;
  const log = (data.directoryAudits ??= []);
  for (const x of fresh) {
    const event: PimAuditEvent = {
      activity: 'activationExpired',
      surface: x.surface,
      initiatedBy: { kind: 'application', id: MS_PIM_APP.id },
      requestId: x.requestId,
      principalId: x.principalId,
      roleDefinitionId: x.roleDefinitionId,
      ...(x.scopeId ? { scopeId: x.scopeId } : {}),
      at: x.end,
    };
    const entry = buildAuditEntry(data, event);
    entry.initiatedBy = {
      app: { appId: MS_PIM_APP.id, displayName: MS_PIM_APP.displayName, servicePrincipalId: null, servicePrincipalName: null },
      user: null,
    };
    // The log is kept oldest first (it is listed newest first): an entry dated in the past goes in its place.
    const at = entry.activityDateTime;
    let i = log.length;
    while (i > 0 && log[i - 1]!.activityDateTime > at) i -= 1;
    log.splice(i, 0, entry);
  }
  if (log.length > MAX_AUDIT_ENTRIES) log.splice(0, log.length - MAX_AUDIT_ENTRIES);
  return fresh.length;
}

/** Activations ended by themselves at `now` that the log does not show yet (reads only). */
export function unrecordedExpiries(data: Readonly<TenantData>, now: Date): readonly Ended[] {
  const recorded = new Set(
    (data.directoryAudits ?? []).filter((e) => EXPIRED.test(e.activityDisplayName)).map((e) => e.correlationId.toLowerCase()),
  );
  return endedActivations(data, now).filter((x) => !recorded.has(x.requestId.toLowerCase()));
}

function endedActivations(data: Readonly<TenantData>, now: Date): Ended[] {
  const t = now.getTime();
  const past = (end: string | null): end is string => end !== null && Date.parse(end) <= t;
  const lower = (s: string | null | undefined) => (s ?? '').toLowerCase();
  const out: Ended[] = [];

  const revokedEntra = new Set(
    data.roleAssignmentScheduleRequests.filter((r) => r.status === 'Revoked').map((r) => lower(r.targetScheduleId)),
  );
  for (const s of data.roleAssignmentSchedules) {
    if (
      s.assignmentType !== 'Activated' ||
      s.status === 'Revoked' ||
      s.status === 'Canceled' ||
      !past(s.endDateTime) ||
      revokedEntra.has(lower(s.id))
    )
      continue;
    out.push({
      surface: 'entraRole',
      requestId: s.createdUsing ?? s.id,
      principalId: s.principalId,
      roleDefinitionId: s.roleDefinitionId,
      scopeId: s.directoryScopeId,
      end: new Date(s.endDateTime),
    });
  }

  const revokedGroups = new Set(
    (data.groupAssignmentRequests ?? []).filter((r) => r.status === 'Revoked').map((r) => lower(r.targetScheduleId)),
  );
  for (const s of data.groupAssignments ?? []) {
    if (s.assignmentType !== 'Activated' || !past(s.endDateTime) || revokedGroups.has(lower(s.id))) continue;
    out.push({
      surface: 'group',
      requestId: s.createdUsing ?? s.id,
      principalId: s.principalId,
      roleDefinitionId: s.accessId,
      scopeId: s.groupId,
      end: new Date(s.endDateTime),
    });
  }

  const endedOnAzure = new Set(
    (data.azure.requests ?? [])
      .filter((r) => /^(SelfDeactivate|AdminRemove)$/i.test(r.requestType))
      .map((r) => lower(r.targetRoleAssignmentScheduleId)),
  );
  for (const s of data.azure.assignments ?? []) {
    if (s.assignmentType !== 'Activated' || !past(s.endDateTime) || endedOnAzure.has(lower(s.name))) continue;
    out.push({
      surface: 'azureResource',
      requestId: s.requestName ?? s.name,
      principalId: s.principalId,
      roleDefinitionId: s.roleDefinitionId,
      scopeId: s.scope,
      end: new Date(s.endDateTime),
    });
  }
  return out.sort((a, b) => a.end.getTime() - b.end.getTime());
}

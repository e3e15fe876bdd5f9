// Graph JSON → the admin model. Pure functions over `unknown`, so the contract tests feed Microsoft's
// example responses through exactly what the service uses.
import { toRequestSchedule } from '../pim/entra/entraMapping';
import { asArray, asRecord, readBoolean, readDate, readRecord, readString, readStrings, sameEnum, type JsonRecord } from '../pim/json';
import type { ActivationRequest, RequestStatus, Surface } from '../pim/model';
import { SURFACES } from '../pim/surfaces';
import { constraintsFromRules } from '../policy/constraints';
import { parseIsoDurationMinutes } from '../policy/isoDuration';
import { ruleKindOf } from '../policy/rules';
import type {
  ActivityEntry,
  ActivityKind,
  AlertIncident,
  AlertSummary,
  EligibleHolder,
  Holder,
  NotificationSetting,
  PendingRequest,
  PrincipalRef,
  RoleSettings,
} from './model';

/** An expanded `principal` (user or group), or the bare id when not expanded. */
export function toPrincipal(
  expanded: JsonRecord | undefined,
  fallbackId: string,
  names?: (id: string) => string | undefined,
): PrincipalRef {
  const type = readString(expanded, '@odata.type')?.toLowerCase() ?? '';
  const kind: PrincipalRef['kind'] = type.endsWith('.user')
    ? 'user'
    : type.endsWith('.group')
      ? 'group'
      : type.endsWith('.serviceprincipal')
        ? 'servicePrincipal'
        : 'unknown';
  const displayName = readString(expanded, 'displayName') ?? names?.(fallbackId) ?? fallbackId;
  const upn = readString(expanded, 'userPrincipalName');
  return upn ? { id: fallbackId, displayName, kind, userPrincipalName: upn } : { id: fallbackId, displayName, kind };
}

/** unifiedRoleAssignmentScheduleInstance (or a group's assignmentScheduleInstance) → Holder. */
export function toHolder(value: unknown, names?: (id: string) => string | undefined): Holder | undefined {
  const raw = asRecord(value);
  const principalId = readString(raw, 'principalId');
  if (!raw || !principalId) return undefined;
  const activated = sameEnum(readString(raw, 'assignmentType'), 'Activated');
  const since = readDate(raw, 'startDateTime');
  return {
    principal: toPrincipal(readRecord(raw, 'principal'), principalId, names),
    assignmentType: activated ? 'activated' : 'assigned',
    // Graph lists assignments made outside PIM among the instances with no start (Microsoft's example).
    outsidePim: !activated && since === null,
    viaGroup: sameEnum(readString(raw, 'memberType'), 'Group'),
    since,
    until: readDate(raw, 'endDateTime'),
  };
}

export function toEligibleHolder(value: unknown, names?: (id: string) => string | undefined): EligibleHolder | undefined {
  const raw = asRecord(value);
  const principalId = readString(raw, 'principalId');
  if (!raw || !principalId) return undefined;
  return {
    principal: toPrincipal(readRecord(raw, 'principal'), principalId, names),
    viaGroup: sameEnum(readString(raw, 'memberType'), 'Group'),
    since: readDate(raw, 'startDateTime'),
    until: readDate(raw, 'endDateTime'),
  };
}

/** A schedule request awaiting approval → PendingRequest. */
export function toPendingRequest(
  value: unknown,
  surface: Surface,
  names: { role: (id: string) => string; principal?: (id: string) => string | undefined; scope: string },
): PendingRequest | undefined {
  const raw = asRecord(value);
  const id = readString(raw, 'id');
  const principalId = readString(raw, 'principalId');
  const created = readDate(raw, 'createdDateTime') ?? readDate(raw, 'createdDateTIme');
  if (!raw || !id || !principalId || !created) return undefined;
  const roleId = readString(raw, 'roleDefinitionId') ?? readString(raw, 'accessId') ?? '';
  const schedule = toRequestSchedule(readRecord(raw, 'scheduleInfo'));
  const start = schedule.startDateTime ?? created;
  return {
    id,
    surface,
    principal: toPrincipal(readRecord(raw, 'principal'), principalId, names.principal),
    roleName: readString(readRecord(raw, 'roleDefinition'), 'displayName') ?? names.role(roleId),
    scopeName: names.scope,
    createdDateTime: created,
    justification: readString(raw, 'justification') ?? null,
    ticketNumber: readString(readRecord(raw, 'ticketInfo'), 'ticketNumber') ?? null,
    durationMinutes: schedule.endDateTime ? Math.round((schedule.endDateTime.getTime() - start.getTime()) / 60_000) : null,
  };
}

/** The directory audit's `category` (lower case) for each surface's PIM events. */
const AUDIT_CATEGORY: Readonly<Record<Surface, string>> = {
  entraRole: 'rolemanagement',
  group: 'groupmanagement',
  azureResource: 'resourcemanagement',
};
const SURFACE_BY_CATEGORY: ReadonlyMap<string, Surface> = new Map(SURFACES.map((s) => [AUDIT_CATEGORY[s], s]));
/** The audit target naming where the role applies: for groups and Azure resources the role alone ("Member", "Contributor") says little. */
const AUDIT_WHERE_TYPE: Readonly<Record<Surface, string | undefined>> = { entraRole: undefined, group: 'group', azureResource: 'resource' };

/** PIM's activity names ("Add member to role request approved (PIM activation)") → what happened. */
export function activityKind(description: string): ActivityKind {
  const d = description.toLowerCase();
  if (d.includes('approved')) return 'approval';
  if (d.includes('denied')) return 'denial';
  if (d.includes('cancel')) return 'cancellation';
  if (d.includes('requested') && d.includes('pim activation')) return 'request';
  if (d.includes('pim activation') && d.startsWith('add member')) return 'activation';
  if (d.includes('deactivate') || d.includes('activation expired')) return 'deactivation';
  if (d.startsWith('add')) return 'assignment';
  if (d.startsWith('remove')) return 'removal';
  return 'other';
}

/** directoryAudit → ActivityEntry (role and subject from targetResources). */
export function auditToActivity(value: unknown): ActivityEntry | undefined {
  const raw = asRecord(value);
  const at = readDate(raw, 'activityDateTime');
  const description = readString(raw, 'activityDisplayName');
  if (!raw || !at || !description) return undefined;
  const initiatedBy = readRecord(raw, 'initiatedBy');
  const user = readRecord(initiatedBy, 'user');
  const app = readRecord(initiatedBy, 'app');
  const actorId = readString(user, 'id') ?? readString(app, 'appId');
  const actor: PrincipalRef | null = actorId
    ? {
        id: actorId,
        displayName: readString(user, 'displayName') ?? readString(app, 'displayName') ?? actorId,
        kind: user ? 'user' : 'servicePrincipal',
      }
    : null;
  const targets = asArray(raw['targetResources'])
    .map(asRecord)
    .filter((t): t is JsonRecord => t !== undefined);
  const typeOf = (t: JsonRecord) => (readString(t, 'type') ?? readString(t, 'Type') ?? '').toLowerCase();
  const role = targets.find((t) => typeOf(t) === 'role');
  const subject = targets.find((t) => typeOf(t) === 'user') ?? targets.find((t) => typeOf(t) === 'group' && t !== role);
  const details = asArray(raw['additionalDetails']).map(asRecord);
  const detail = (key: string) =>
    readString(
      details.find((d) => readString(d, 'key')?.toLowerCase() === key.toLowerCase()),
      'value',
    );
  const result = readString(raw, 'result')?.toLowerCase();
  const surface = SURFACE_BY_CATEGORY.get((readString(raw, 'category') ?? '').toLowerCase()) ?? 'entraRole';
  const whereType = AUDIT_WHERE_TYPE[surface];
  const where = whereType ? targets.find((t) => typeOf(t) === whereType && t !== subject) : undefined;
  const roleText = readString(role, 'displayName') ?? readString(role, 'id') ?? '';
  const whereText = readString(where, 'displayName');
  return {
    at,
    kind: activityKind(description),
    description,
    actor,
    subject: subject
      ? {
          id: readString(subject, 'id') ?? '',
          displayName: readString(subject, 'displayName') ?? readString(subject, 'userPrincipalName') ?? readString(subject, 'id') ?? '',
          kind: typeOf(subject) === 'user' ? 'user' : 'group',
        }
      : null,
    roleName: whereText ? (surface === 'group' ? `${whereText} (${roleText.toLowerCase()})` : `${roleText} on ${whereText}`) : roleText,
    surface,
    result: result === 'success' ? 'success' : 'failure',
    requestId: readString(raw, 'correlationId') ?? null,
    justification: detail('Justification') ?? null,
    source: 'audit',
  };
}

const REQUEST_KIND: Readonly<Record<string, ActivityKind>> = {
  selfactivate: 'activation',
  selfdeactivate: 'deactivation',
  selfextend: 'request',
  selfrenew: 'request',
  adminassign: 'assignment',
  adminremove: 'removal',
  adminupdate: 'assignment',
  adminextend: 'assignment',
  adminrenew: 'assignment',
};

/** A schedule request → ActivityEntry (for activity the audit log has not caught up with yet). */
export function requestToActivity(value: unknown, roleName: (id: string) => string): ActivityEntry | undefined {
  const raw = asRecord(value);
  const id = readString(raw, 'id');
  const created = readDate(raw, 'createdDateTime');
  const principalId = readString(raw, 'principalId');
  if (!raw || !id || !created || !principalId) return undefined;
  const action = readString(raw, 'action') ?? '';
  const status = readString(raw, 'status') ?? '';
  const by = readRecord(readRecord(raw, 'createdBy'), 'user');
  const byId = readString(by, 'id');
  const subject = toPrincipal(readRecord(raw, 'principal'), principalId);
  const pending = /^pending/i.test(status);
  const failed = /^(denied|failed|canceled|cancelled)$/i.test(status);
  const kind: ActivityKind = pending
    ? 'request'
    : sameEnum(status, 'Denied')
      ? 'denial'
      : /^cancel/i.test(status)
        ? 'cancellation'
        : (REQUEST_KIND[action.toLowerCase()] ?? 'other');
  return {
    at: created,
    kind,
    description: `${action} (${status})`,
    actor: byId
      ? { id: byId, displayName: byId === principalId ? subject.displayName : (readString(by, 'displayName') ?? byId), kind: 'user' }
      : null,
    subject,
    roleName: readString(readRecord(raw, 'roleDefinition'), 'displayName') ?? roleName(readString(raw, 'roleDefinitionId') ?? ''),
    surface: 'entraRole',
    result: pending ? 'pending' : failed ? 'failure' : 'success',
    requestId: id,
    justification: readString(raw, 'justification') ?? null,
    source: 'requests',
    durationMinutes: durationOf(readRecord(raw, 'scheduleInfo'), created),
  };
}

function durationOf(scheduleInfo: JsonRecord | undefined, created: Date): number | null {
  const schedule = toRequestSchedule(scheduleInfo);
  const start = schedule.startDateTime ?? created;
  return schedule.endDateTime ? Math.round((schedule.endDateTime.getTime() - start.getTime()) / 60_000) : null;
}

const OWN_KIND: Readonly<Record<RequestStatus, ActivityKind>> = {
  provisioned: 'activation',
  granted: 'activation',
  pendingProvisioning: 'activation',
  pendingApproval: 'request',
  denied: 'denial',
  canceled: 'cancellation',
  failed: 'activation',
  revoked: 'deactivation',
  other: 'other',
};

/** One of the asker's own requests (a PIM group or an Azure role, read as herself) → ActivityEntry. */
export function ownRequestToActivity(r: ActivationRequest, me: PrincipalRef): ActivityEntry {
  const action = r.action ?? 'activate';
  const kind: ActivityKind = action === 'deactivate' ? 'deactivation' : OWN_KIND[r.status];
  return {
    at: r.createdDateTime,
    kind,
    description: `${action} (${r.status})`,
    actor: me,
    subject: me,
    // As the audit log names them: "SRE On-Call (member)", "Contributor on Contoso Prod".
    roleName: r.surface === 'group' ? `${r.scope.displayName} (${r.roleName.toLowerCase()})` : `${r.roleName} on ${r.scope.displayName}`,
    surface: r.surface,
    result:
      r.status === 'pendingApproval'
        ? 'pending'
        : r.status === 'failed' || r.status === 'denied' || r.status === 'canceled'
          ? 'failure'
          : 'success',
    requestId: r.id,
    justification: r.justification,
    source: 'requests',
    durationMinutes: action === 'deactivate' ? null : Math.round((r.endDateTime.getTime() - r.startDateTime.getTime()) / 60_000),
  };
}

const SEVERITY = new Set(['informational', 'low', 'medium', 'high']);

/** unifiedRoleManagementAlert (with $expand=alertDefinition,alertConfiguration) → AlertSummary. */
export function toAlertSummary(value: unknown): AlertSummary | undefined {
  const raw = asRecord(value);
  const id = readString(raw, 'id');
  if (!raw || !id) return undefined;
  const def = readRecord(raw, 'alertDefinition');
  const config = readRecord(raw, 'alertConfiguration');
  const severity = readString(def, 'severityLevel')?.toLowerCase() ?? '';
  const settings = Object.entries(config ?? {})
    .filter(
      ([k, v]) =>
        !k.startsWith('@') &&
        !['id', 'alertDefinitionId', 'scopeType', 'scopeId', 'isEnabled'].includes(k) &&
        (typeof v === 'number' || typeof v === 'string'),
    )
    .map(([k, v]) => `${k}: ${String(v)}`);
  const count = raw['incidentCount'];
  return {
    id,
    displayName: readString(def, 'displayName') ?? id.split('_').pop() ?? id,
    severity: SEVERITY.has(severity) ? (severity as AlertSummary['severity']) : 'unknown',
    incidentCount: typeof count === 'number' ? count : asArray(raw['alertIncidents']).length,
    isActive: readBoolean(raw, 'isActive') === true,
    lastScanned: readDate(raw, 'lastScannedDateTime'),
    description: readString(def, 'description') ?? '',
    mitigation: (readString(def, 'mitigationSteps') ?? '').replace(/\u00b7/g, '\n- ').trim(),
    settings,
  };
}

/** Any unifiedRoleManagementAlertIncident subtype → AlertIncident (who it is about, and the gist). */
export function toAlertIncident(value: unknown): AlertIncident | undefined {
  const raw = asRecord(value);
  const id = readString(raw, 'id');
  if (!raw || !id) return undefined;
  const who = readString(raw, 'assigneeDisplayName') ?? readString(raw, 'assigneeUserPrincipalName');
  const role = readString(raw, 'roleDisplayName');
  const parts: string[] = [];
  if (who && role) parts.push(`holds ${role}`);
  const since = readString(raw, 'assignmentCreatedDateTime');
  if (since) parts.push(`assigned ${since.slice(0, 10)}`);
  const count = raw['activationCount'];
  if (typeof count === 'number') parts.push(`${count} activations in a row`);
  if ('lastActivationDateTime' in raw)
    parts.push(
      readString(raw, 'lastActivationDateTime')
        ? `last activated ${readString(raw, 'lastActivationDateTime')!.slice(0, 10)}`
        : 'never activated',
    );
  const upn = readString(raw, 'assigneeUserPrincipalName');
  if (who && upn && upn !== who) parts.push(upn);
  return { id, subject: who ?? role ?? id, detail: parts.join(' · ') };
}

const NOTIFICATION_EVENT: Readonly<Record<string, NotificationSetting['event']>> = {
  admin_eligibility: 'eligibleAssignment',
  admin_assignment: 'activeAssignment',
  enduser_assignment: 'activation',
};

/** A policy's 17 rules → RoleSettings; approver ids become names through `name`. */
export function roleSettingsFromRules(rules: readonly unknown[], name: (id: string) => string): RoleSettings {
  const c = constraintsFromRules(rules);
  const records = rules.map(asRecord).filter((r): r is JsonRecord => r !== undefined);
  const byId = (id: string) => records.find((r) => readString(r, 'id')?.toLowerCase() === id.toLowerCase());
  const maxDays = (id: string): number | null => {
    const r = byId(id);
    if (!r || readBoolean(r, 'isExpirationRequired') !== true) return null;
    const minutes = parseIsoDurationMinutes(readString(r, 'maximumDuration') ?? '');
    return minutes === null ? null : Math.round(minutes / 1440);
  };
  const notifications: NotificationSetting[] = records
    .filter((r) => ruleKindOf(r) === 'notification')
    .flatMap((r) => {
      const m = /^Notification_(Admin|Requestor|Approver)_(Admin_Eligibility|Admin_Assignment|EndUser_Assignment)$/i.exec(
        readString(r, 'id') ?? '',
      );
      if (!m) return [];
      const event = NOTIFICATION_EVENT[m[2]!.toLowerCase()]!;
      return [
        {
          event,
          recipient: m[1]!.toLowerCase() as NotificationSetting['recipient'],
          level: readString(r, 'notificationLevel') ?? 'All',
          defaultRecipients: readBoolean(r, 'isDefaultRecipientsEnabled') !== false,
          additionalRecipients: readStrings(r, 'notificationRecipients'),
        },
      ];
    });
  return {
    maxActivationMinutes: c.maxDurationMinutes,
    requiresApproval: c.requiresApproval,
    approvers: c.approvers.map((a) => a.displayName ?? name(a.id)),
    requiresMfa: c.requiresMfa,
    authenticationContext: c.authenticationContext,
    requiresJustification: c.requiresJustification,
    requiresTicket: c.requiresTicket,
    maxEligibilityDays: maxDays('Expiration_Admin_Eligibility'),
    maxAssignmentDays: maxDays('Expiration_Admin_Assignment'),
    notifications,
  };
}

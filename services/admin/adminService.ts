// Admin questions over Microsoft Graph. Every query runs with the asker's own delegated token when
// Graph allows it (PIM then enforces who may see what); the app's token is used only for members of
// the admin group, and where Graph refuses an administrator's token for a read it documents for apps
// (the audit log needs a reports-reader role that a Privileged Role Administrator may not hold).
// Only validated GUIDs and fixed literals reach $filter; names were resolved to ids before.
import { isPimError, PimError } from '../pim/errors';
import type { GraphApi, ODataQuery } from '../pim/graph/graphApi';
import { assertGuid, odataString } from '../pim/graph/odata';
import { asArray, asRecord, readRecord, readString } from '../pim/json';
import type { ActivationRequest, UserContext } from '../pim/model';
import { toGroupRequest } from '../pim/groups/groupsMapping';
import { TtlCache } from '../pim/ttlCache';
import type { AppTokenProvider, UserTokenProvider } from '../identity/tokenProvider';
import type { ArmApi } from '../pim/azure/armApi';
import { AzureAdminReader, type AzureNames, type AzureRole } from './azureAdmin';
import {
  auditToActivity,
  ownRequestToActivity,
  requestToActivity,
  roleSettingsFromRules,
  toAlertIncident,
  toAlertSummary,
  toEligibleHolder,
  toHolder,
  toPendingRequest,
} from './mapping';
import type {
  ActiveAccess,
  ActivityEntry,
  ActivityQuery,
  AdminAccess,
  AdminDirectory,
  AlertIncident,
  AlertSummary,
  Asker,
  EligibleHolder,
  Holder,
  PendingRequest,
  PrincipalRef,
  ReadResult,
  RoleRef,
  RoleSettings,
} from './model';

/** Privileged Role Administrator and Global Administrator (Microsoft's template ids). */
export const PIM_ADMIN_ROLE_IDS: readonly string[] = ['e8611ab8-c189-46e8-94e1-60213ab1f814', '62e90394-69f5-4237-9190-012177145e10'];

export const ADMIN_PATHS = {
  myActiveRoles: "/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')",
  myRequests: "/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')",
  myGroupRequests: "/identityGovernance/privilegedAccess/group/assignmentScheduleRequests/filterByCurrentUser(on='principal')",
  roleDefinitions: '/roleManagement/directory/roleDefinitions',
  activeInstances: '/roleManagement/directory/roleAssignmentScheduleInstances',
  eligibleInstances: '/roleManagement/directory/roleEligibilityScheduleInstances',
  requests: '/roleManagement/directory/roleAssignmentScheduleRequests',
  groupActive: '/identityGovernance/privilegedAccess/group/assignmentScheduleInstances',
  groupEligible: '/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances',
  groupRequests: '/identityGovernance/privilegedAccess/group/assignmentScheduleRequests',
  policyAssignments: '/policies/roleManagementPolicyAssignments',
  audits: '/auditLogs/directoryAudits',
  alerts: '/identityGovernance/roleManagementAlerts/alerts',
  users: '/users',
  groups: '/groups',
} as const;

/** Graph's alert ids: DirectoryRole_{tenantId}_{AlertName}. Checked before one goes into a path. */
const ALERT_ID = /^DirectoryRole_[0-9a-f-]{36}_[A-Za-z]+$/i;

export interface AdminService {
  /** How the user qualifies: an active PRA/GA role (read with their own token), the admin group, or not at all. */
  access(user: UserContext): Promise<AdminAccess>;
  /**
   * Names to resolve typed words against: roles, users and groups always; Azure scopes and roles, and
   * alerts, only when `parts` asks for them (each is its own read; a question about a directory role
   * needs neither). Parts not asked for are empty.
   */
  directory(asker: Asker, parts?: DirectoryParts): Promise<AdminDirectory>;
  activeHolders(asker: Asker, role: RoleRef): Promise<ReadResult<Holder>>;
  eligibleHolders(asker: Asker, role: RoleRef): Promise<ReadResult<EligibleHolder>>;
  pendingApprovals(asker: Asker): Promise<ReadResult<PendingRequest>>;
  activity(asker: Asker, query: ActivityQuery): Promise<ReadResult<ActivityEntry>>;
  /** Every active assignment on every surface the asker may read: "who has privileged access now". */
  activeAccess(asker: Asker): Promise<ReadResult<ActiveAccess>>;
  alerts(asker: Asker): Promise<ReadResult<AlertSummary>>;
  alertIncidents(asker: Asker, alertId: string): Promise<ReadResult<AlertIncident>>;
  /** Asks PIM to rescan (all alerts, or one); resolves when PIM accepted (202). */
  refreshAlerts(asker: Asker, alertId?: string): Promise<Date>;
  roleSettings(asker: Asker, role: RoleRef): Promise<RoleSettings>;
}

export interface GraphAdminServiceDeps {
  readonly graph: GraphApi;
  readonly userTokens: UserTokenProvider;
  readonly appTokens: AppTokenProvider;
  /** Members of this group may ask tenant-wide questions (config ADMIN_GROUP_ID). */
  readonly adminGroupId?: string;
  /** The surfaces' ARM client; absent = no Azure resource questions (no ARM configured). */
  readonly arm?: ArmApi;
  readonly now?: () => Date;
  /** How long names (roles, users, groups) are kept (default 5 minutes). */
  readonly directoryTtlMs?: number;
}

/** The optional parts of the directory a question needs (the parser knows: a scope means Azure names). */
export interface DirectoryParts {
  readonly azure: boolean;
  readonly alerts: boolean;
}

const ALL_PARTS: DirectoryParts = { azure: true, alerts: true };
const NO_PARTS: DirectoryParts = { azure: false, alerts: false };

type CoreDirectory = Pick<AdminDirectory, 'roles' | 'users' | 'groups'>;
type AlertNames = AdminDirectory['alerts'];

type Names = { roles: Map<string, string>; principals: Map<string, string>; groups: Map<string, string> };

export class GraphAdminService implements AdminService {
  private readonly now: () => Date;
  // Names only (no access decisions), kept for directoryTtlMs like before; each part cached on its own
  // so a question reads only the parts it needs.
  private readonly coreCache: TtlCache<CoreDirectory>;
  private readonly azureCache: TtlCache<AzureNames>;
  private readonly alertCache: TtlCache<AlertNames>;
  private readonly azure: AzureAdminReader | undefined;

  constructor(private readonly deps: GraphAdminServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.azure = deps.arm ? new AzureAdminReader(deps.arm) : undefined;
    const ttl = deps.directoryTtlMs ?? 5 * 60_000;
    this.coreCache = new TtlCache(ttl);
    this.azureCache = new TtlCache(ttl);
    this.alertCache = new TtlCache(ttl);
    if (deps.adminGroupId !== undefined) assertGuid(deps.adminGroupId, 'admin group id');
  }

  async access(user: UserContext): Promise<AdminAccess> {
    const token = await this.deps.userTokens.getUserToken({ user, resource: 'graph' });
    const mine = await this.deps.graph.list(token, ADMIN_PATHS.myActiveRoles, { expand: 'roleDefinition' });
    const roleNames = mine
      .map(asRecord)
      .filter(
        (r) =>
          readString(r, 'directoryScopeId') === '/' && PIM_ADMIN_ROLE_IDS.includes((readString(r, 'roleDefinitionId') ?? '').toLowerCase()),
      )
      .map((r) => readString(readRecord(r, 'roleDefinition'), 'displayName') ?? readString(r, 'roleDefinitionId')!);
    if (roleNames.length > 0) return { kind: 'role', roleNames: [...new Set(roleNames)] };
    if (this.deps.adminGroupId && (await this.isAdminGroupMember(user.userId))) return { kind: 'group' };
    return { kind: 'none' };
  }

  async directory(asker: Asker, parts: DirectoryParts = ALL_PARTS): Promise<AdminDirectory> {
    // Non-admins get role names only: enough to ask about their own access.
    if (asker.access.kind === 'none') {
      const core = await this.coreCache.get(`self|${asker.user.userId}`, () => this.loadCore(asker));
      return { ...core, azureScopes: [], azureRoles: [], alerts: [] };
    }
    // Azure names are read with the asker's own ARM token (ARM answers by their RBAC): cached per asker.
    const [core, azure, alerts] = await Promise.all([
      this.coreCache.get('tenant', () => this.loadCore(asker)),
      parts.azure
        ? this.azureCache.get(`${asker.access.kind}|${asker.user.userId}`, () => this.azureNames(asker))
        : Promise.resolve({ scopes: [], roles: [] }),
      parts.alerts ? this.alertCache.get('tenant', () => this.alertNames(asker)) : Promise.resolve([]),
    ]);
    return { ...core, azureScopes: azure.scopes, azureRoles: azure.roles, alerts };
  }

  async activeHolders(asker: Asker, role: RoleRef): Promise<ReadResult<Holder>> {
    const readAt = this.now();
    const names = await this.names(asker);
    const lookup = (id: string) => names.principals.get(id.toLowerCase()) ?? names.groups.get(id.toLowerCase());
    switch (role.surface) {
      case 'entraRole': {
        const raw = await this.read(asker, ADMIN_PATHS.activeInstances, {
          filter: `roleDefinitionId eq ${guidLiteral(role.roleId)}`,
          expand: 'principal',
        });
        return { items: sortHolders(raw.map((r) => toHolder(r, lookup)).filter(isDefined)), readAt, notes: [] };
      }
      case 'group': {
        const raw = await this.read(asker, ADMIN_PATHS.groupActive, { filter: `groupId eq ${guidLiteral(role.groupId)}` });
        const rows = raw.filter((r) => readString(asRecord(r), 'accessId')?.toLowerCase() === role.accessId);
        return { items: sortHolders(rows.map((r) => toHolder(r, lookup)).filter(isDefined)), readAt, notes: [] };
      }
      case 'azureResource':
        return { items: sortHolders(await this.azureReader(asker).holders(asker.user, azureRole(role), lookup)), readAt, notes: [] };
    }
  }

  async eligibleHolders(asker: Asker, role: RoleRef): Promise<ReadResult<EligibleHolder>> {
    const readAt = this.now();
    const names = await this.names(asker);
    const lookup = (id: string) => names.principals.get(id.toLowerCase()) ?? names.groups.get(id.toLowerCase());
    switch (role.surface) {
      case 'entraRole': {
        const raw = await this.read(asker, ADMIN_PATHS.eligibleInstances, {
          filter: `roleDefinitionId eq ${guidLiteral(role.roleId)}`,
          expand: 'principal',
        });
        return { items: raw.map((r) => toEligibleHolder(r, lookup)).filter(isDefined), readAt, notes: [] };
      }
      case 'group': {
        const raw = await this.read(asker, ADMIN_PATHS.groupEligible, { filter: `groupId eq ${guidLiteral(role.groupId)}` });
        const rows = raw.filter((r) => readString(asRecord(r), 'accessId')?.toLowerCase() === role.accessId);
        return { items: rows.map((r) => toEligibleHolder(r, lookup)).filter(isDefined), readAt, notes: [] };
      }
      case 'azureResource':
        return { items: await this.azureReader(asker).eligible(asker.user, azureRole(role), lookup), readAt, notes: [] };
    }
  }

  async pendingApprovals(asker: Asker): Promise<ReadResult<PendingRequest>> {
    const readAt = this.now();
    const names = await this.names(asker);
    const roleName = (id: string) => names.roles.get(id.toLowerCase()) ?? id;
    const principal = (id: string) => names.principals.get(id.toLowerCase());
    const entra = await this.read(asker, ADMIN_PATHS.requests, {
      filter: `status eq ${odataString('PendingApproval')}`,
      expand: 'principal,roleDefinition',
    });
    const items: PendingRequest[] = entra
      .map((r) => toPendingRequest(r, 'entraRole', { role: roleName, principal, scope: 'Directory' }))
      .filter(isDefined);
    const notes: string[] = [];
    // PIM for Groups wants a group id in every list filter: ask group by group.
    const dir = await this.directory(asker, NO_PARTS);
    for (const g of dir.groups) {
      try {
        const raw = await this.read(asker, ADMIN_PATHS.groupRequests, {
          filter: `groupId eq ${guidLiteral(g.id)} and status eq ${odataString('PendingApproval')}`,
        });
        items.push(
          ...raw
            .map((r) => toPendingRequest(r, 'group', { role: (a) => (a === 'owner' ? 'Owner' : 'Member'), principal, scope: g.name }))
            .filter(isDefined),
        );
      } catch (e) {
        if (!isPimError(e) || (e.kind !== 'notFound' && e.kind !== 'invalidInput')) throw e;
      }
    }
    if (this.azure && asker.access.kind === 'role') items.push(...(await this.azure.pending(asker.user, principal)));
    else
      notes.push(this.azure ? AZURE_NEEDS_ROLE_NOTE : 'Azure resource requests are not included (no Azure Resource Manager configured).');
    items.sort((a, b) => a.createdDateTime.getTime() - b.createdDateTime.getTime());
    return { items, readAt, notes };
  }

  async activity(asker: Asker, query: ActivityQuery): Promise<ReadResult<ActivityEntry>> {
    const readAt = this.now();
    const names = await this.names(asker);
    const roleName = (id: string) => names.roles.get(id.toLowerCase()) ?? id;
    const self = asker.access.kind === 'none';
    if (self && query.principalId !== asker.user.userId) throw new PimError('forbidden', 'Only your own activity');
    const from = query.from.toISOString();
    const to = query.to.toISOString();
    const notes: string[] = [];

    // Requests: what PIM was asked (also what the audit log has not caught up with yet).
    const requestFilter = [`createdDateTime ge ${from}`, `createdDateTime le ${to}`];
    if (query.principalId && !self) requestFilter.push(`principalId eq ${guidLiteral(query.principalId)}`);
    if (query.roleId) requestFilter.push(`roleDefinitionId eq ${guidLiteral(query.roleId)}`);
    const rawRequests = self
      ? await this.read(asker, ADMIN_PATHS.myRequests, { filter: requestFilter.join(' and '), expand: 'roleDefinition' })
      : await this.read(asker, ADMIN_PATHS.requests, { filter: requestFilter.join(' and '), expand: 'principal,roleDefinition' });
    const fromRequests = rawRequests.map((r) => requestToActivity(r, roleName)).filter(isDefined);
    const durations = new Map(fromRequests.map((e) => [e.requestId?.toLowerCase(), e.durationMinutes ?? null]));

    // The audit log: every surface, and the approvals and cancellations around each request.
    let fromAudit: ActivityEntry[] = [];
    if (!self) {
      // A person's activity is what they did and what was done to their access (an approver's decision on
      // their request): Graph filters on the initiator only, so the period is read and the target matched here.
      const auditFilter = [`loggedByService eq ${odataString('PIM')}`, `activityDateTime ge ${from}`, `activityDateTime le ${to}`];
      const raw = await this.read(asker, ADMIN_PATHS.audits, { filter: auditFilter.join(' and ') }, { appFallback: true });
      const roleNameWanted = query.roleId ? roleName(query.roleId).toLowerCase() : undefined;
      const who = query.principalId?.toLowerCase();
      fromAudit = raw
        .map(auditToActivity)
        .filter(isDefined)
        .filter((e) => who === undefined || e.actor?.id.toLowerCase() === who || e.subject?.id.toLowerCase() === who)
        .filter(
          (e) =>
            roleNameWanted === undefined ||
            (e.surface === 'entraRole' && (e.roleName.toLowerCase() === roleNameWanted || e.roleName.toLowerCase() === query.roleId)),
        );
    } else {
      notes.push('From your own requests; the audit log is for administrators.');
      // An employee's own history covers every surface: her group and Azure requests, read as herself.
      fromRequests.push(...(await this.ownOtherRequests(asker, query)));
    }
    const audited = new Set(fromAudit.map((e) => e.requestId));
    // Names, never object ids: the directory names whom an entry did not (a bare id, or nobody).
    const person = (p: ActivityEntry['actor']): ActivityEntry['actor'] => {
      if (!p) return p;
      if (self && p.id.toLowerCase() === asker.user.userId.toLowerCase())
        return { ...p, displayName: asker.user.displayName ?? 'You', kind: 'user' };
      const known = names.principals.get(p.id.toLowerCase()) ?? names.groups.get(p.id.toLowerCase());
      return known && (p.displayName === p.id || p.displayName === '') ? { ...p, displayName: known } : p;
    };
    let items = [...fromAudit, ...fromRequests.filter((e) => !audited.has(e.requestId))].map((e) => ({
      ...e,
      actor: person(e.actor),
      subject: person(e.subject),
      durationMinutes: e.durationMinutes ?? durations.get(e.requestId?.toLowerCase()) ?? null,
    }));
    // A person's activations include how each ended by itself (PIM's "activation expired" entries).
    if (query.only === 'activations')
      items = items.filter(
        (e) =>
          ['activation', 'request', 'approval', 'denial', 'cancellation'].includes(e.kind) ||
          (e.kind === 'deactivation' && /activation expired/i.test(e.description)),
      );
    if (query.only === 'decisions') {
      const by = query.principalId?.toLowerCase();
      items = items.filter(
        (e) =>
          (e.kind === 'approval' || e.kind === 'denial') && e.source === 'audit' && (by === undefined || e.actor?.id.toLowerCase() === by),
      );
    }
    items.sort((a, b) => b.at.getTime() - a.at.getTime());
    return { items, readAt, notes };
  }

  /** The asker's own PIM group and Azure role requests in the period, as activity entries. */
  private async ownOtherRequests(asker: Asker, query: ActivityQuery): Promise<ActivityEntry[]> {
    const me: PrincipalRef = { id: asker.user.userId, displayName: asker.user.displayName ?? 'You', kind: 'user' };
    const inPeriod = (r: ActivationRequest) => r.createdDateTime >= query.from && r.createdDateTime <= query.to;
    const token = await this.deps.userTokens.getUserToken({ user: asker.user, resource: 'graph' });
    const groups = await this.deps.graph.list(token, ADMIN_PATHS.myGroupRequests, { expand: 'group' }).then(
      (raw) =>
        raw.flatMap((r) => {
          try {
            return [toGroupRequest(r)];
          } catch {
            return [];
          }
        }),
      (e: unknown) => {
        if (isPimError(e) && (e.kind === 'forbidden' || e.kind === 'notFound' || e.kind === 'invalidInput')) return [];
        throw e;
      },
    );
    const azure = this.azure
      ? await this.azure.myRequests(asker.user).catch((e: unknown) => {
          if (isPimError(e) && (e.kind === 'forbidden' || e.kind === 'notFound')) return [];
          throw e;
        })
      : [];
    return [...groups, ...azure].filter(inPeriod).map((r) => ownRequestToActivity(r, me));
  }

  async activeAccess(asker: Asker): Promise<ReadResult<ActiveAccess>> {
    const readAt = this.now();
    const names = await this.names(asker);
    const lookup = (id: string) => names.principals.get(id.toLowerCase()) ?? names.groups.get(id.toLowerCase());
    const roleName = (id: string) => names.roles.get(id.toLowerCase()) ?? 'a directory role';
    const notes: string[] = [];
    const entra = await this.read(asker, ADMIN_PATHS.activeInstances, { expand: 'principal' });
    const items: ActiveAccess[] = entra.flatMap((r) => {
      const h = toHolder(r, lookup);
      const roleId = readString(asRecord(r), 'roleDefinitionId');
      return h && roleId ? [{ ...h, surface: 'entraRole' as const, roleName: roleName(roleId), scopeName: 'Directory' }] : [];
    });
    // PIM for Groups wants a group id in every list filter: ask group by group.
    const dir = await this.directory(asker, NO_PARTS);
    for (const g of dir.groups) {
      try {
        const raw = await this.read(asker, ADMIN_PATHS.groupActive, { filter: `groupId eq ${guidLiteral(g.id)}` });
        items.push(
          ...raw.flatMap((r) => {
            const h = toHolder(r, lookup);
            const access = readString(asRecord(r), 'accessId')?.toLowerCase();
            return h ? [{ ...h, surface: 'group' as const, roleName: access === 'owner' ? 'Owner' : 'Member', scopeName: g.name }] : [];
          }),
        );
      } catch (e) {
        if (!isPimError(e) || (e.kind !== 'notFound' && e.kind !== 'invalidInput')) throw e;
      }
    }
    if (this.azure && asker.access.kind === 'role') items.push(...(await this.azure.active(asker.user, lookup)));
    else
      notes.push(
        this.azure
          ? "Azure resource roles are shown to askers with an active PIM administrator role (ARM answers by the asker's own access)."
          : 'Azure resource roles are not included (no Azure Resource Manager configured).',
      );
    // Whose access ends first, first; the permanent ones (the ones to review) last.
    items.sort(
      (a, b) =>
        (a.until?.getTime() ?? Infinity) - (b.until?.getTime() ?? Infinity) ||
        a.principal.displayName.localeCompare(b.principal.displayName),
    );
    return { items, readAt, notes };
  }

  async alerts(asker: Asker): Promise<ReadResult<AlertSummary>> {
    const readAt = this.now();
    const raw = await this.read(asker, ADMIN_PATHS.alerts, {
      filter: `scopeId eq ${odataString('/')} and scopeType eq ${odataString('DirectoryRole')}`,
      expand: 'alertDefinition,alertConfiguration',
      version: 'beta',
    });
    const items = raw.map(toAlertSummary).filter(isDefined);
    const order = { high: 0, medium: 1, low: 2, informational: 3, unknown: 4 } as const;
    items.sort(
      (a, b) => Number(b.isActive) - Number(a.isActive) || order[a.severity] - order[b.severity] || b.incidentCount - a.incidentCount,
    );
    return { items, readAt, notes: ['Microsoft Entra role alerts; Azure resource alerts are not read (see the admin README).'] };
  }

  async alertIncidents(asker: Asker, alertId: string): Promise<ReadResult<AlertIncident>> {
    const id = assertAlertId(alertId);
    const readAt = this.now();
    const raw = await this.read(asker, `${ADMIN_PATHS.alerts}/${id}/alertIncidents`, { version: 'beta' });
    return { items: raw.map(toAlertIncident).filter(isDefined), readAt, notes: [] };
  }

  async refreshAlerts(asker: Asker, alertId?: string): Promise<Date> {
    if (asker.access.kind !== 'role')
      throw new PimError('forbidden', 'Rescanning alerts needs an active PIM administrator role', { upstreamCode: 'RescanNeedsRole' });
    const token = await this.deps.userTokens.getUserToken({ user: asker.user, resource: 'graph' });
    const at = this.now();
    if (alertId === undefined) {
      await this.deps.graph.post(token, `${ADMIN_PATHS.alerts}/refresh`, { scopeId: '/', scopeType: 'DirectoryRole' }, { version: 'beta' });
    } else {
      // Microsoft documents no request body for one alert's refresh (alerts.refresh.single); `{}` is refused.
      await this.deps.graph.post(token, `${ADMIN_PATHS.alerts}/${assertAlertId(alertId)}/refresh`, undefined, { version: 'beta' });
    }
    return at;
  }

  async roleSettings(asker: Asker, role: RoleRef): Promise<RoleSettings> {
    let filter: string;
    if (role.surface === 'entraRole') {
      filter = `scopeId eq ${odataString('/')} and scopeType eq ${odataString('DirectoryRole')} and roleDefinitionId eq ${guidLiteral(role.roleId)}`;
    } else if (role.surface === 'group') {
      filter = `scopeId eq ${guidLiteral(role.groupId)} and scopeType eq ${odataString('Group')} and roleDefinitionId eq ${odataString(role.accessId)}`;
    } else {
      const names = await this.names(asker);
      return this.azureReader(asker).settings(
        asker.user,
        azureRole(role),
        (id) => names.groups.get(id.toLowerCase()) ?? names.principals.get(id.toLowerCase()) ?? id,
      );
    }
    const raw = await this.read(asker, ADMIN_PATHS.policyAssignments, { filter, expand: 'policy($expand=rules)' });
    const rules = raw.map((a) => readRecord(asRecord(a), 'policy')).find((p) => Array.isArray(p?.['rules']))?.['rules'];
    if (!Array.isArray(rules)) throw new PimError('notFound', 'No role management policy for the role');
    const names = await this.names(asker);
    const settings = roleSettingsFromRules(
      asArray(rules),
      (id) => names.groups.get(id.toLowerCase()) ?? names.principals.get(id.toLowerCase()) ?? id,
    );
    if (role.surface !== 'entraRole') return settings;
    const privileged = await this.isPrivilegedRole(asker, role.roleId);
    return privileged === undefined ? settings : { ...settings, privileged };
  }

  /**
   * The role definition's isPrivileged (v1.0 schema; only answered when $select names it). Undefined when
   * Graph does not say, so the caller stays cautious rather than calling a role harmless.
   */
  private async isPrivilegedRole(asker: Asker, roleId: string): Promise<boolean | undefined> {
    const token =
      asker.access.kind === 'group'
        ? await this.deps.appTokens.getAppToken('graph')
        : await this.deps.userTokens.getUserToken({ user: asker.user, resource: 'graph' });
    let raw: ReturnType<typeof asRecord>;
    try {
      raw = asRecord(
        await this.deps.graph.get(token, `${ADMIN_PATHS.roleDefinitions}/${assertGuid(roleId, 'role id')}`, { select: 'id,isPrivileged' }),
      );
    } catch (e) {
      // The settings are still worth showing without the flag; the answer then stays cautious.
      if (isPimError(e) && (e.kind === 'forbidden' || e.kind === 'notFound')) return undefined;
      throw e;
    }
    const flag = raw?.['isPrivileged'];
    return typeof flag === 'boolean' ? flag : undefined;
  }

  /** A GET of a whole collection, with the token the asker's access calls for. */
  private async read(asker: Asker, path: string, query: ODataQuery, options: { appFallback?: boolean } = {}): Promise<unknown[]> {
    if (asker.access.kind === 'group') return this.deps.graph.list(await this.deps.appTokens.getAppToken('graph'), path, query);
    const token = await this.deps.userTokens.getUserToken({ user: asker.user, resource: 'graph' });
    try {
      return await this.deps.graph.list(token, path, query);
    } catch (e) {
      // Only for a verified administrator, and only where Graph documents the read for apps.
      if (options.appFallback && asker.access.kind === 'role' && isPimError(e) && e.kind === 'forbidden') {
        return this.deps.graph.list(await this.deps.appTokens.getAppToken('graph'), path, query);
      }
      throw e;
    }
  }

  private async isAdminGroupMember(userId: string): Promise<boolean> {
    // Membership of the admin group is checked by the app: a user's own token may not read it.
    const token = await this.deps.appTokens.getAppToken('graph');
    const members = await this.deps.graph.list(
      token,
      `${ADMIN_PATHS.groups}/${assertGuid(this.deps.adminGroupId!, 'admin group id')}/members`,
      { select: 'id' },
    );
    return members.some((m) => readString(asRecord(m), 'id')?.toLowerCase() === userId.toLowerCase());
  }

  private async loadCore(asker: Asker): Promise<CoreDirectory> {
    const roleRows = await this.read(asker, ADMIN_PATHS.roleDefinitions, { select: 'id,displayName' });
    const roles = roleRows.map(asRecord).flatMap((r) => {
      const id = readString(r, 'id');
      const name = readString(r, 'displayName');
      return id && name ? [{ id: id.toLowerCase(), name }] : [];
    });
    if (asker.access.kind === 'none') return { roles, users: [], groups: [] };
    const [userRows, groupRows] = await Promise.all([
      this.read(asker, ADMIN_PATHS.users, { select: 'id,displayName,userPrincipalName' }),
      this.read(asker, ADMIN_PATHS.groups, { select: 'id,displayName' }),
    ]);
    const users = userRows.map(asRecord).flatMap((u) => {
      const id = readString(u, 'id');
      return id
        ? [{ id: id.toLowerCase(), name: readString(u, 'displayName') ?? id, userPrincipalName: readString(u, 'userPrincipalName') ?? '' }]
        : [];
    });
    const groups = groupRows.map(asRecord).flatMap((g) => {
      const id = readString(g, 'id');
      return id ? [{ id: id.toLowerCase(), name: readString(g, 'displayName') ?? id }] : [];
    });
    return { roles, users, groups };
  }

  private async alertNames(asker: Asker): Promise<AlertNames> {
    try {
      return (await this.alerts(asker)).items.map((a) => ({ id: a.id, name: a.displayName }));
    } catch (e) {
      if (isPimError(e) && (e.kind === 'forbidden' || e.kind === 'notFound')) return [];
      throw e;
    }
  }

  /** Azure scopes and role names, read with the administrator's ARM token; none when ARM is not theirs to read. */
  private async azureNames(asker: Asker): Promise<AzureNames> {
    if (!this.azure || asker.access.kind !== 'role') return { scopes: [], roles: [] };
    try {
      return await this.azure.names(asker.user);
    } catch (e) {
      // An administrator without any Azure RBAC: Entra questions still work.
      if (isPimError(e) && (e.kind === 'forbidden' || e.kind === 'notFound')) return { scopes: [], roles: [] };
      throw e;
    }
  }

  /**
   * ARM is read with the asker's own token only (the surfaces' client has no app-only mode, and ARM
   * answers by the caller's RBAC), so Azure questions need an administrator who holds a role.
   */
  private azureReader(asker: Asker): AzureAdminReader {
    if (!this.azure) throw new PimError('invalidInput', 'No Azure Resource Manager configured', { upstreamCode: 'AzureNotWired' });
    if (asker.access.kind !== 'role')
      throw new PimError('forbidden', 'Azure resource questions need an active PIM administrator role', { upstreamCode: 'AzureNeedsRole' });
    return this.azure;
  }

  private async names(asker: Asker): Promise<Names> {
    const d = await this.directory(asker, NO_PARTS);
    return {
      roles: new Map(d.roles.map((r) => [r.id, r.name])),
      principals: new Map(d.users.map((u) => [u.id, u.name])),
      groups: new Map(d.groups.map((g) => [g.id, g.name])),
    };
  }
}

const AZURE_NEEDS_ROLE_NOTE =
  "Azure resource requests are shown to askers with an active PIM administrator role (ARM answers by the asker's own access).";

function azureRole(role: Extract<RoleRef, { surface: 'azureResource' }>): AzureRole {
  return { scopeId: role.scopeId, roleDefinitionId: role.roleDefinitionId };
}

function guidLiteral(id: string): string {
  return odataString(assertGuid(id, 'id'));
}

function assertAlertId(id: string): string {
  if (!ALERT_ID.test(id)) throw new PimError('invalidInput', 'not an alert id');
  return id;
}

function isDefined<T>(v: T | undefined): v is T {
  return v !== undefined;
}

/** Standing assignments first, then by who ends last (the permanent ones are the ones to review). */
function sortHolders(items: Holder[]): Holder[] {
  return items.sort(
    (a, b) => Number(b.outsidePim) - Number(a.outsidePim) || a.principal.displayName.localeCompare(b.principal.displayName),
  );
}

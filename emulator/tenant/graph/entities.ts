// Graph's JSON for each entity type, with the exact fields Microsoft's examples show, and the
// navigation properties $expand can follow.
import type { ExpandItem } from '../odata/query';
import { shapeEntity, type EntityType, type Json } from '../odata/collection';
import { effectiveStatus } from '../pim/activation';
import { graphPairId } from '../state/ids';
import { isPrivilegedRole } from '../state/roleCatalog';
import { createHash } from 'node:crypto';
import type {
  AssignmentScheduleRecord,
  EligibilityScheduleRecord,
  GroupRecord,
  PolicyAssignmentRecord,
  PolicyRecord,
  PolicyRule,
  RoleDefinitionRecord,
  ScheduleRequestRecord,
  TenantData,
  UserRecord,
} from '../state/types';

export interface EntityTypes {
  user: EntityType<UserRecord>;
  group: EntityType<GroupRecord>;
  roleDefinition: EntityType<RoleDefinitionRecord>;
  eligibilitySchedule: EntityType<EligibilityScheduleRecord>;
  eligibilityInstance: EntityType<EligibilityScheduleRecord>;
  assignmentSchedule: EntityType<AssignmentScheduleRecord>;
  assignmentInstance: EntityType<AssignmentScheduleRecord>;
  assignmentRequest: EntityType<ScheduleRequestRecord>;
  eligibilityRequest: EntityType<ScheduleRequestRecord>;
  policy: EntityType<PolicyRecord>;
  policyRule: EntityType<PolicyRule>;
  policyAssignment: EntityType<PolicyAssignmentRecord>;
}

const NEVER_MODIFIED = '0001-01-01T08:00:00Z';

const SCHEDULE_FILTER = {
  id: 'string',
  principalId: 'string',
  roleDefinitionId: 'string',
  directoryScopeId: 'string',
  appScopeId: 'string',
  memberType: 'enum',
  status: 'enum',
  createdUsing: 'string',
  createdDateTime: 'datetime',
  modifiedDateTime: 'datetime',
} as const;

export function userJson(u: UserRecord): Json {
  return {
    id: u.id,
    businessPhones: [...u.businessPhones],
    displayName: u.displayName,
    givenName: u.givenName,
    jobTitle: u.jobTitle,
    mail: u.mail,
    mobilePhone: u.mobilePhone,
    officeLocation: u.officeLocation,
    preferredLanguage: u.preferredLanguage,
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
  };
}

export function groupJson(g: GroupRecord): Json {
  return {
    id: g.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: '2025-01-01T00:00:00Z',
    description: g.description,
    displayName: g.displayName,
    groupTypes: [...g.groupTypes],
    isAssignableToRole: g.isAssignableToRole,
    mail: null,
    mailEnabled: g.mailEnabled,
    mailNickname: g.mailNickname,
    securityEnabled: g.securityEnabled,
    visibility: null,
  };
}

function eligibilityInstanceId(s: EligibilityScheduleRecord): string {
  return `${graphPairId(s.roleDefinitionId, s.principalId)}${scopeSuffix(s.directoryScopeId)}-1-e`;
}

function assignmentInstanceId(s: AssignmentScheduleRecord): string {
  return s.assignmentType === 'Assigned' && s.createdUsing === null
    ? s.id
    : `${graphPairId(s.roleDefinitionId, s.principalId)}${scopeSuffix(s.directoryScopeId)}-1`;
}

function scopeSuffix(scope: string): string {
  return scope === '/' ? '' : `-${createHash('sha256').update(scope).digest('base64url').slice(0, 8)}`;
}

function requestJson(r: ScheduleRequestRecord, now: Date): Json {
  return {
    id: r.id,
    status: effectiveStatus(r, now),
    createdDateTime: r.createdDateTime,
    completedDateTime: r.completedDateTime,
    approvalId: r.approvalId,
    customData: r.customData,
    action: r.action,
    principalId: r.principalId,
    roleDefinitionId: r.roleDefinitionId,
    directoryScopeId: r.directoryScopeId,
    appScopeId: r.appScopeId,
    isValidationOnly: r.isValidationOnly,
    targetScheduleId: r.targetScheduleId,
    justification: r.justification,
    createdBy: {
      application: r.createdBy.kind === 'application' ? { displayName: null, id: r.createdBy.id } : null,
      device: null,
      user: r.createdBy.kind === 'user' ? { displayName: null, id: r.createdBy.id } : null,
    },
    scheduleInfo: r.scheduleInfo && structuredClone(r.scheduleInfo),
    ticketInfo: { ...r.ticketInfo },
  };
}

const REQUEST_FILTER = {
  id: 'string',
  principalId: 'string',
  roleDefinitionId: 'string',
  status: 'enum',
  targetScheduleId: 'string',
  directoryScopeId: 'string',
  appScopeId: 'string',
  action: 'enum',
  approvalId: 'string',
  createdDateTime: 'datetime',
  completedDateTime: 'datetime',
  isValidationOnly: 'boolean',
  'createdBy/user/id': 'string',
} as const;

export function createEntityTypes(data: () => Readonly<TenantData>, now: () => Date): EntityTypes {
  const nested = <T>(type: EntityType<T>, record: T | undefined, item: ExpandItem): Json | null =>
    record === undefined ? null : shapeEntity(type, record, item.select, item.expand);

  const principalNav = (principalId: string, item: ExpandItem): Json | null => {
    const u = data().users.find((x) => x.id === principalId);
    if (u) return { '@odata.type': '#microsoft.graph.user', ...shapeEntity(types.user, u, item.select, item.expand) };
    const g = data().groups.find((x) => x.id === principalId);
    if (g) return { '@odata.type': '#microsoft.graph.group', ...shapeEntity(types.group, g, item.select, item.expand) };
    return null;
  };
  const roleNav = (roleDefinitionId: string, item: ExpandItem) =>
    nested(
      expandedRoleDefinition,
      data().roleDefinitions.find((r) => r.id.toLowerCase() === roleDefinitionId.toLowerCase()),
      item,
    );
  // The tenant root ('/') is not a directory object; Graph expands it to null.
  const scopeNav = () => null;

  // Microsoft's examples show a different field set for an expanded roleDefinition than for the list.
  const expandedRoleDefinition: EntityType<RoleDefinitionRecord> = {
    name: 'unifiedRoleDefinition',
    filterable: {},
    toJson: (r) => ({
      id: r.id,
      description: r.description,
      displayName: r.displayName,
      isBuiltIn: r.isBuiltIn,
      isEnabled: r.isEnabled,
      templateId: r.templateId,
      version: r.version,
      resourceScopes: [...r.resourceScopes],
      rolePermissions: structuredClone(r.rolePermissions),
    }),
    // As on the list: in the v1.0 schema, not in Microsoft's examples; answered when $select names it.
    selectOnly: (r) => ({ isPrivileged: isPrivilegedRole(r) }),
  };

  const types: EntityTypes = {
    user: {
      name: 'user',
      filterable: {
        id: 'string',
        displayName: 'string',
        userPrincipalName: 'string',
        mail: 'string',
        givenName: 'string',
        surname: 'string',
        jobTitle: 'string',
      },
      toJson: userJson,
      // Not among Graph's default user properties: returned only when $select names it.
      selectOnly: (u) => ({ department: u.department ?? null }),
      navigation: {
        // A directoryObject; Graph leaves the property out when the user has no manager.
        manager: (u, item) => {
          const m = u.managerId ? data().users.find((x) => x.id === u.managerId) : undefined;
          return m ? { '@odata.type': '#microsoft.graph.user', ...shapeEntity(types.user, m, item.select, item.expand) } : undefined;
        },
      },
    },
    group: {
      name: 'group',
      filterable: {
        id: 'string',
        displayName: 'string',
        mailNickname: 'string',
        isAssignableToRole: 'boolean',
        securityEnabled: 'boolean',
        mailEnabled: 'boolean',
      },
      toJson: groupJson,
    },
    roleDefinition: {
      name: 'unifiedRoleDefinition',
      filterable: { id: 'string', displayName: 'string', isBuiltIn: 'boolean', isEnabled: 'boolean', templateId: 'string' },
      toJson: (r) => ({
        id: r.id,
        description: r.description,
        displayName: r.displayName,
        isBuiltIn: r.isBuiltIn,
        isEnabled: r.isEnabled,
        templateId: r.templateId,
        version: r.version,
        rolePermissions: structuredClone(r.rolePermissions),
        inheritsPermissionsFrom: r.inheritsPermissionsFrom.map((x) => ({ ...x })),
      }),
      // isPrivileged is in the published v1.0 schema of unifiedRoleDefinition but not in Microsoft's list
      // example (contracts/entra-roles/roleDefinitions.list): answered when $select names it, as a client must ask.
      selectOnly: (r) => ({ isPrivileged: isPrivilegedRole(r) }),
      navigation: {
        inheritsPermissionsFrom: (r, item) =>
          r.inheritsPermissionsFrom
            .map((x) =>
              nested(
                expandedRoleDefinition,
                data().roleDefinitions.find((d) => d.id === x.id),
                item,
              ),
            )
            .filter((x) => x !== null),
      },
    },
    eligibilitySchedule: {
      name: 'unifiedRoleEligibilitySchedule',
      filterable: SCHEDULE_FILTER,
      toJson: (s) => ({
        id: s.id,
        principalId: s.principalId,
        roleDefinitionId: s.roleDefinitionId,
        directoryScopeId: s.directoryScopeId,
        appScopeId: s.appScopeId,
        // Graph writes .NET's DateTime.MinValue (shifted) for an eligibility schedule never modified, not null.
        createdUsing: s.createdUsing,
        createdDateTime: s.createdDateTime,
        modifiedDateTime: s.modifiedDateTime ?? NEVER_MODIFIED,
        status: s.status,
        memberType: s.memberType,
        scheduleInfo: structuredClone(s.scheduleInfo),
      }),
      navigation: {
        roleDefinition: (s, item) => roleNav(s.roleDefinitionId, item),
        principal: (s, item) => principalNav(s.principalId, item),
        directoryScope: scopeNav,
        appScope: scopeNav,
      },
    },
    eligibilityInstance: {
      name: 'unifiedRoleEligibilityScheduleInstance',
      filterable: {
        id: 'string',
        principalId: 'string',
        roleDefinitionId: 'string',
        directoryScopeId: 'string',
        appScopeId: 'string',
        memberType: 'enum',
        startDateTime: 'datetime',
        endDateTime: 'datetime',
        roleEligibilityScheduleId: 'string',
      },
      toJson: (s) => ({
        id: eligibilityInstanceId(s),
        principalId: s.principalId,
        roleDefinitionId: s.roleDefinitionId,
        directoryScopeId: s.directoryScopeId,
        appScopeId: s.appScopeId,
        startDateTime: s.startDateTime,
        endDateTime: s.endDateTime,
        memberType: s.memberType,
        roleEligibilityScheduleId: s.id,
      }),
      navigation: {
        roleDefinition: (s, item) => roleNav(s.roleDefinitionId, item),
        principal: (s, item) => principalNav(s.principalId, item),
        directoryScope: scopeNav,
        appScope: scopeNav,
      },
    },
    assignmentSchedule: {
      name: 'unifiedRoleAssignmentSchedule',
      filterable: { ...SCHEDULE_FILTER, assignmentType: 'enum' },
      toJson: (s) => ({
        id: s.id,
        principalId: s.principalId,
        roleDefinitionId: s.roleDefinitionId,
        directoryScopeId: s.directoryScopeId,
        appScopeId: s.appScopeId,
        createdUsing: s.createdUsing,
        createdDateTime: s.createdDateTime,
        modifiedDateTime: s.modifiedDateTime,
        status: s.status,
        assignmentType: s.assignmentType,
        memberType: s.memberType,
        scheduleInfo: structuredClone(s.scheduleInfo),
      }),
      navigation: {
        roleDefinition: (s, item) => roleNav(s.roleDefinitionId, item),
        principal: (s, item) => principalNav(s.principalId, item),
        activatedUsing: (s, item) =>
          nested(
            types.eligibilitySchedule,
            data().roleEligibilitySchedules.find((e) => e.id === s.activatedUsing),
            item,
          ),
        directoryScope: scopeNav,
        appScope: scopeNav,
      },
    },
    assignmentInstance: {
      name: 'unifiedRoleAssignmentScheduleInstance',
      filterable: {
        id: 'string',
        principalId: 'string',
        roleDefinitionId: 'string',
        directoryScopeId: 'string',
        appScopeId: 'string',
        assignmentType: 'enum',
        memberType: 'enum',
        startDateTime: 'datetime',
        endDateTime: 'datetime',
        roleAssignmentOriginId: 'string',
        roleAssignmentScheduleId: 'string',
      },
      toJson: (s) => {
        const id = assignmentInstanceId(s);
        // Standing assignments made outside PIM have no start (Microsoft's example: startDateTime null).
        const standing = s.assignmentType === 'Assigned' && s.createdUsing === null;
        return {
          id,
          principalId: s.principalId,
          roleDefinitionId: s.roleDefinitionId,
          directoryScopeId: s.directoryScopeId,
          appScopeId: s.appScopeId,
          startDateTime: standing ? null : s.startDateTime,
          endDateTime: s.endDateTime,
          assignmentType: s.assignmentType,
          memberType: s.memberType,
          roleAssignmentOriginId: id,
          roleAssignmentScheduleId: s.id,
        };
      },
      navigation: {
        roleDefinition: (s, item) => roleNav(s.roleDefinitionId, item),
        principal: (s, item) => principalNav(s.principalId, item),
        activatedUsing: (s, item) =>
          nested(
            types.eligibilityInstance,
            data().roleEligibilitySchedules.find((e) => e.id === s.activatedUsing),
            item,
          ),
        directoryScope: scopeNav,
        appScope: scopeNav,
      },
    },
    assignmentRequest: {
      name: 'unifiedRoleAssignmentScheduleRequest',
      filterable: REQUEST_FILTER,
      toJson: (r) => requestJson(r, now()),
      navigation: {
        roleDefinition: (r, item) => roleNav(r.roleDefinitionId, item),
        principal: (r, item) => principalNav(r.principalId, item),
        activatedUsing: (r, item) =>
          nested(
            types.eligibilitySchedule,
            data().roleEligibilitySchedules.find((e) => e.id === r.activatedUsing),
            item,
          ),
        targetSchedule: (r, item) =>
          nested(
            types.assignmentSchedule,
            data().roleAssignmentSchedules.find((s) => s.id === r.targetScheduleId),
            item,
          ),
        directoryScope: scopeNav,
        appScope: scopeNav,
      },
    },
    eligibilityRequest: {
      name: 'unifiedRoleEligibilityScheduleRequest',
      filterable: REQUEST_FILTER,
      toJson: (r) => requestJson(r, now()),
      navigation: {
        roleDefinition: (r, item) => roleNav(r.roleDefinitionId, item),
        principal: (r, item) => principalNav(r.principalId, item),
        targetSchedule: (r, item) =>
          nested(
            types.eligibilitySchedule,
            data().roleEligibilitySchedules.find((s) => s.id === r.targetScheduleId),
            item,
          ),
        directoryScope: scopeNav,
        appScope: scopeNav,
      },
    },
    policyRule: {
      name: 'unifiedRoleManagementPolicyRule',
      filterable: { id: 'string' },
      toJson: (r) => structuredClone(r),
    },
    policy: {
      name: 'unifiedRoleManagementPolicy',
      filterable: { id: 'string', scopeId: 'string', scopeType: 'enum', displayName: 'string', isOrganizationDefault: 'boolean' },
      toJson: (p) => ({
        id: p.id,
        displayName: p.displayName,
        description: p.description,
        isOrganizationDefault: p.isOrganizationDefault,
        scopeId: p.scopeId,
        scopeType: p.scopeType,
        lastModifiedDateTime: p.lastModifiedDateTime,
        lastModifiedBy: { ...p.lastModifiedBy },
      }),
      navigation: {
        rules: (p, item) => p.rules.map((r) => shapeEntity(types.policyRule, r, item.select, item.expand)),
        effectiveRules: (p, item) => p.rules.map((r) => shapeEntity(types.policyRule, r, item.select, item.expand)),
      },
    },
    policyAssignment: {
      name: 'unifiedRoleManagementPolicyAssignment',
      filterable: { id: 'string', policyId: 'string', scopeId: 'string', scopeType: 'enum', roleDefinitionId: 'string' },
      toJson: (a) => ({ id: a.id, policyId: a.policyId, scopeId: a.scopeId, scopeType: a.scopeType, roleDefinitionId: a.roleDefinitionId }),
      navigation: {
        policy: (a, item) => {
          const p = data().policies.find((x) => x.id === a.policyId || `Directory_${x.id.slice('DirectoryRole_'.length)}` === a.policyId);
          if (!p) return null;
          // The 'Directory' view of a directory-role policy carries the Directory_ id and scope type.
          const view = a.policyId === p.id ? p : { ...p, id: a.policyId, scopeType: a.scopeType };
          return shapeEntity(types.policy, view as PolicyRecord, item.select, item.expand);
        },
      },
    },
  };
  return types;
}

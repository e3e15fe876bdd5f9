// The tenant's persisted data. Records keep Graph's own field names so serialising is mostly a copy;
// derived things (instances, "is it active now") are computed at read time from the clock.

export interface UserRecord {
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  userPrincipalName: string;
  mail: string | null;
  jobTitle: string | null;
  businessPhones: string[];
  mobilePhone: string | null;
  officeLocation: string | null;
  preferredLanguage: string | null;
  /** Graph returns it only when $select names it. Absent in older files. */
  department?: string | null;
  /** The user's manager (Graph's `manager` navigation). Absent in older files. */
  managerId?: string | null;
}

export interface GroupRecord {
  id: string;
  displayName: string;
  description: string | null;
  mailNickname: string;
  mailEnabled: boolean;
  securityEnabled: boolean;
  isAssignableToRole: boolean;
  groupTypes: string[];
  /** Direct members (object ids). */
  members: string[];
}

export interface RolePermission {
  allowedResourceActions: string[];
  condition: string | null;
}

export interface RoleDefinitionRecord {
  id: string;
  description: string;
  displayName: string;
  isBuiltIn: boolean;
  isEnabled: boolean;
  templateId: string;
  version: string | null;
  resourceScopes: string[];
  rolePermissions: RolePermission[];
  inheritsPermissionsFrom: { id: string }[];
  /** Microsoft marks a role privileged when it can lead to elevated access. Absent in older files (then the built-in list decides). */
  isPrivileged?: boolean;
}

export type ExpirationType = 'noExpiration' | 'afterDateTime' | 'afterDuration';

export interface RequestSchedule {
  startDateTime: string | null;
  recurrence: null;
  expiration: { type: ExpirationType; endDateTime: string | null; duration: string | null };
}

/** Shared by eligibility and assignment schedules (Entra roles). */
export interface ScheduleRecordBase {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  appScopeId: string | null;
  createdUsing: string | null;
  createdDateTime: string | null;
  modifiedDateTime: string | null;
  status: string;
  memberType: 'Direct' | 'Group' | 'Inherited';
  scheduleInfo: RequestSchedule;
  /** Effective window (ISO); end null = permanent. Kept beside scheduleInfo so reads need no arithmetic. */
  startDateTime: string;
  endDateTime: string | null;
}

export type EligibilityScheduleRecord = ScheduleRecordBase;

export interface AssignmentScheduleRecord extends ScheduleRecordBase {
  /** 'Assigned' = standing; 'Activated' = through PIM activation. */
  assignmentType: 'Assigned' | 'Activated';
  /** The eligibility schedule an activation used (activatedUsing). */
  activatedUsing: string | null;
}

export interface TicketInfo {
  ticketNumber: string | null;
  ticketSystem: string | null;
}

export interface IdentityRef {
  kind: 'user' | 'application';
  id: string;
}

export type RequestStatus =
  | 'Canceled'
  | 'Denied'
  | 'Failed'
  | 'Granted'
  | 'PendingAdminDecision'
  | 'PendingApproval'
  | 'PendingProvisioning'
  | 'PendingScheduleCreation'
  | 'Provisioned'
  | 'Revoked'
  | 'ScheduleCreated';

/** What Graph's schedule requests share on every surface (Entra roles, PIM for Groups). */
export interface GraphRequestRecordBase {
  id: string;
  status: RequestStatus;
  createdDateTime: string;
  completedDateTime: string | null;
  approvalId: string | null;
  customData: string | null;
  /** As the client sent it (Graph echoes the caller's casing). */
  action: string;
  principalId: string;
  isValidationOnly: boolean;
  targetScheduleId: string | null;
  justification: string | null;
  createdBy: IdentityRef;
  scheduleInfo: RequestSchedule | null;
  ticketInfo: TicketInfo;
}

export interface ScheduleRequestRecord extends GraphRequestRecordBase {
  roleDefinitionId: string;
  directoryScopeId: string;
  appScopeId: string | null;
  /** Eligibility schedule used by a selfActivate. */
  activatedUsing: string | null;
}

/** A Graph policy rule, kept verbatim (with @odata.type) so PATCH and GET round-trip exactly. */
export type PolicyRule = Record<string, unknown> & { '@odata.type': string; id: string };

export interface PolicyRecord {
  id: string;
  displayName: string;
  description: string;
  isOrganizationDefault: boolean;
  scopeId: string;
  scopeType: 'DirectoryRole' | 'Directory' | 'Group';
  lastModifiedDateTime: string | null;
  lastModifiedBy: { displayName: string | null; id: string | null };
  rules: PolicyRule[];
}

export interface PolicyAssignmentRecord {
  id: string;
  policyId: string;
  scopeId: string;
  scopeType: 'DirectoryRole' | 'Directory' | 'Group';
  roleDefinitionId: string;
}

/** PIM for Groups and Azure resources: eligibilities, role definitions and scopes (requests and assignments are in surfaces.ts). */
export interface GroupEligibilityRecord {
  id: string;
  groupId: string;
  principalId: string;
  accessId: 'member' | 'owner';
  startDateTime: string;
  endDateTime: string | null;
  memberType: 'Direct';
}

export interface AzureRoleDefinitionRecord {
  /** Full ARM id: /subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}. */
  id: string;
  name: string;
  roleName: string;
  /** properties.description; absent in older files (then Microsoft's text for the built-in role). */
  description?: string;
}

export interface AzureScopeRecord {
  id: string;
  displayName: string;
  type: 'managementgroup' | 'subscription' | 'resourcegroup' | 'resource';
}

export interface AzureEligibilityRecord {
  id: string;
  scope: string;
  principalId: string;
  roleDefinitionId: string;
  startDateTime: string;
  endDateTime: string | null;
}

export interface AzurePolicySettings {
  scope: string;
  roleDefinitionId: string;
  maximumDuration: string;
  approvalRequired: boolean;
  approverGroupIds: string[];
  enabledRules: string[];
  /** Conditional Access authentication context required for activation (e.g. 'c1'). */
  authenticationContext?: string | null;
  /** Set when an administrator PATCHes the policy. */
  lastModifiedDateTime?: string;
}

export interface TenantData {
  /** Bumped when the shape changes; a persisted file of another version is re-seeded. */
  version: number;
  tenantId: string;
  users: UserRecord[];
  groups: GroupRecord[];
  roleDefinitions: RoleDefinitionRecord[];
  roleEligibilitySchedules: EligibilityScheduleRecord[];
  roleAssignmentSchedules: AssignmentScheduleRecord[];
  roleAssignmentScheduleRequests: ScheduleRequestRecord[];
  roleEligibilityScheduleRequests: ScheduleRequestRecord[];
  policies: PolicyRecord[];
  policyAssignments: PolicyAssignmentRecord[];
  groupEligibilities: GroupEligibilityRecord[];
  /** PIM for Groups: active memberships/ownerships and requests (see state/surfaces.ts). Absent in older files. */
  groupAssignments?: import('./surfaces').GroupAssignmentRecord[];
  groupAssignmentRequests?: import('./surfaces').GroupRequestRecord[];
  /** Approvals of requests awaiting approval, all surfaces (created at first use; see pim/approvalStages.ts). Absent in older files. */
  approvals?: import('../pim/approvalStages').ApprovalRecord[];
  /** Teams apps installed in users' personal scope (graph/teamsApps.ts). Absent in older files. */
  teamsAppInstallations?: import('../graph/teamsApps').TeamsAppInstallationRecord[];
  /** PIM's entries in the directory audit log, newest last (written by pim/audit.ts). Absent in older files. */
  directoryAudits?: import('../pim/audit').DirectoryAuditRecord[];
  /** PIM alerts' last scan results and refresh operations (graph/alertsScan.ts). Absent until the first read. */
  roleManagementAlerts?: import('../graph/alertsScan').AlertState;
  azure: {
    scopes: AzureScopeRecord[];
    roleDefinitions: AzureRoleDefinitionRecord[];
    eligibilities: AzureEligibilityRecord[];
    policies: AzurePolicySettings[];
    /** Azure role assignment schedules and requests (see state/surfaces.ts). Absent in older files. */
    assignments?: import('./surfaces').AzureAssignmentRecord[];
    requests?: import('./surfaces').AzureRequestRecord[];
    /**
     * Azure RBAC roles of service principals, made outside PIM (e.g. Reader for the bot's app on each
     * subscription its approval sweep reads; see arm/appReads.ts). Absent in older files.
     */
    servicePrincipalRoles?: Array<{ principalId: string; scope: string; roleDefinitionId: string }>;
  };
}

export const TENANT_DATA_VERSION = 1;

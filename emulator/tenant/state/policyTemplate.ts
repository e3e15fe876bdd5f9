// The 17-rule role management policy, shaped exactly like Microsoft's published example
// (contracts/policies/roleManagementPolicyAssignments.list.directoryRole.expand-policy-rules.response.json).
import type { PolicyRule } from './types';

export type Approver = { kind: 'user'; id: string } | { kind: 'group'; id: string };

export interface PolicySettings {
  /** Activation maximum (Expiration_EndUser_Assignment), ISO-8601. */
  maxActivation: string;
  /** Enablement_EndUser_Assignment.enabledRules. */
  enabledRules: string[];
  approvers: Approver[] | null;
  /** Conditional Access authentication context id required for activation, e.g. 'c1'. */
  authenticationContext: string | null;
  eligibilityExpirationRequired: boolean;
  assignmentExpirationRequired: boolean;
  /** 'all' in the directory-role example, 'All' in the group example. */
  operationsCasing: 'all' | 'All';
}

export const DIRECTORY_ROLE_DEFAULTS: PolicySettings = {
  maxActivation: 'PT8H',
  enabledRules: ['MultiFactorAuthentication', 'Justification'],
  approvers: null,
  authenticationContext: null,
  eligibilityExpirationRequired: false,
  assignmentExpirationRequired: false,
  operationsCasing: 'all',
};

export const GROUP_DEFAULTS: PolicySettings = {
  maxActivation: 'PT8H',
  enabledRules: ['Justification'],
  approvers: null,
  authenticationContext: null,
  eligibilityExpirationRequired: true,
  assignmentExpirationRequired: true,
  operationsCasing: 'All',
};

const EXPIRATION = '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule';
const ENABLEMENT = '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule';
const NOTIFICATION = '#microsoft.graph.unifiedRoleManagementPolicyNotificationRule';
const APPROVAL = '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule';
const AUTH_CONTEXT = '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule';

export function buildPolicyRules(s: PolicySettings): PolicyRule[] {
  const target = (caller: 'Admin' | 'EndUser', level: 'Eligibility' | 'Assignment') => ({
    caller,
    operations: [s.operationsCasing],
    level,
    inheritableSettings: [],
    enforcedSettings: [],
  });
  const notifications = (caller: 'Admin' | 'EndUser', level: 'Eligibility' | 'Assignment', suffix: string): PolicyRule[] =>
    (['Admin', 'Requestor', 'Approver'] as const).map((recipientType) => ({
      '@odata.type': NOTIFICATION,
      id: `Notification_${recipientType}_${suffix}`,
      notificationType: 'Email',
      recipientType,
      notificationLevel: 'All',
      isDefaultRecipientsEnabled: true,
      notificationRecipients: [],
      target: target(caller, level),
    }));
  const approverObjects = (s.approvers ?? []).map((a) =>
    a.kind === 'user'
      ? { '@odata.type': '#microsoft.graph.singleUser', userId: a.id, description: null }
      : { '@odata.type': '#microsoft.graph.groupMembers', groupId: a.id, description: null },
  );
  return [
    {
      '@odata.type': EXPIRATION,
      id: 'Expiration_Admin_Eligibility',
      isExpirationRequired: s.eligibilityExpirationRequired,
      maximumDuration: 'P365D',
      target: target('Admin', 'Eligibility'),
    },
    { '@odata.type': ENABLEMENT, id: 'Enablement_Admin_Eligibility', enabledRules: [], target: target('Admin', 'Eligibility') },
    ...notifications('Admin', 'Eligibility', 'Admin_Eligibility'),
    {
      '@odata.type': EXPIRATION,
      id: 'Expiration_Admin_Assignment',
      isExpirationRequired: s.assignmentExpirationRequired,
      maximumDuration: 'P180D',
      target: target('Admin', 'Assignment'),
    },
    {
      '@odata.type': ENABLEMENT,
      id: 'Enablement_Admin_Assignment',
      enabledRules: ['Justification'],
      target: target('Admin', 'Assignment'),
    },
    ...notifications('Admin', 'Assignment', 'Admin_Assignment'),
    {
      '@odata.type': EXPIRATION,
      id: 'Expiration_EndUser_Assignment',
      isExpirationRequired: true,
      maximumDuration: s.maxActivation,
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': ENABLEMENT,
      id: 'Enablement_EndUser_Assignment',
      enabledRules: [...s.enabledRules],
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': APPROVAL,
      id: 'Approval_EndUser_Assignment',
      target: target('EndUser', 'Assignment'),
      setting: {
        isApprovalRequired: s.approvers !== null,
        isApprovalRequiredForExtension: false,
        isRequestorJustificationRequired: true,
        approvalMode: 'SingleStage',
        approvalStages: [
          {
            approvalStageTimeOutInDays: 1,
            isApproverJustificationRequired: true,
            escalationTimeInMinutes: 0,
            isEscalationEnabled: false,
            primaryApprovers: approverObjects,
            escalationApprovers: [],
          },
        ],
      },
    },
    {
      '@odata.type': AUTH_CONTEXT,
      id: 'AuthenticationContext_EndUser_Assignment',
      isEnabled: s.authenticationContext !== null,
      claimValue: s.authenticationContext,
      target: target('EndUser', 'Assignment'),
    },
    ...notifications('EndUser', 'Assignment', 'EndUser_Assignment'),
  ];
}

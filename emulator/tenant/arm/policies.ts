// Azure resource role policies: the demo's per-scope settings rendered as ARM's 17 rules
// (ruleType dialect, approvers {id, description, isBackup, userType}), built from the same
// template as the Graph policies so both surfaces enforce identical rule ids.
import { createHash } from 'node:crypto';
import { buildPolicyRules, GROUP_DEFAULTS } from '../state/policyTemplate';
import type { AzurePolicySettings, PolicyRule, TenantData } from '../state/types';
import { roleGuid, sameScope } from './scopes';

/** What a scope without explicit settings gets: PIM's Azure defaults (8 h, justification). */
const DEFAULT_SETTINGS: Omit<AzurePolicySettings, 'scope' | 'roleDefinitionId'> = {
  maximumDuration: 'PT8H',
  approvalRequired: false,
  approverGroupIds: [],
  enabledRules: ['Justification'],
  authenticationContext: null,
};

/** When the seeded policies were "last modified". */
const SEEDED_AT = '2020-01-01T00:00:00Z';

export interface AzurePolicyView {
  /** Policy name (GUID), stable per scope and role. */
  readonly name: string;
  readonly scope: string;
  readonly roleDefinitionId: string;
  readonly rules: Record<string, unknown>[];
  readonly lastModifiedDateTime: string;
}

export function policyName(scope: string, roleDefinitionId: string): string {
  const h = createHash('sha256')
    .update(`${scope.toLowerCase()}|${roleGuid(roleDefinitionId)}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function azurePolicy(data: Readonly<TenantData>, scope: string, roleDefinitionId: string): AzurePolicyView {
  const settings = data.azure.policies.find(
    (p) => sameScope(p.scope, scope) && roleGuid(p.roleDefinitionId) === roleGuid(roleDefinitionId),
  ) ?? { ...DEFAULT_SETTINGS, scope, roleDefinitionId };
  const graphRules = buildPolicyRules({
    ...GROUP_DEFAULTS,
    maxActivation: settings.maximumDuration,
    enabledRules: [...settings.enabledRules],
    approvers: settings.approvalRequired ? settings.approverGroupIds.map((id) => ({ kind: 'group' as const, id })) : null,
    authenticationContext: settings.authenticationContext ?? null,
  });
  return {
    name: policyName(scope, roleDefinitionId),
    scope,
    roleDefinitionId,
    rules: graphRules.map((r) => toArmRule(r, data)),
    lastModifiedDateTime: settings.lastModifiedDateTime ?? SEEDED_AT,
  };
}

/** Graph rule → ARM rule: '@odata.type' becomes ruleType, approvers take ARM's shape, target gains ARM's null fields. */
function toArmRule(rule: PolicyRule, data: Readonly<TenantData>): Record<string, unknown> {
  const { '@odata.type': odataType, id, target, ...rest } = rule;
  const ruleType = `RoleManagementPolicy${odataType.replace(/^#microsoft\.graph\.unifiedRoleManagementPolicy/, '')}`;
  const t = target as { caller: string; operations: string[]; level: string };
  const out: Record<string, unknown> = { ...rest };
  if (id === 'Approval_EndUser_Assignment') {
    const setting = rest.setting as {
      approvalStages: Array<Record<string, unknown> & { primaryApprovers: Array<Record<string, unknown>> }>;
    };
    out.setting = {
      ...setting,
      approvalStages: setting.approvalStages.map((s) => ({
        ...s,
        primaryApprovers: s.primaryApprovers.map((a) => {
          const isGroup = typeof a.groupId === 'string';
          const approverId = (isGroup ? a.groupId : a.userId) as string;
          const name = isGroup
            ? data.groups.find((g) => g.id === approverId)?.displayName
            : data.users.find((u) => u.id === approverId)?.displayName;
          return { id: approverId, description: name ?? null, isBackup: false, userType: isGroup ? 'Group' : 'User' };
        }),
        escalationApprovers: null,
      })),
    };
  }
  if (id === 'AuthenticationContext_EndUser_Assignment' && out.claimValue === null) out.claimValue = '';
  return {
    ...out,
    id,
    ruleType,
    target: {
      caller: t.caller,
      operations: t.operations,
      level: t.level,
      targetObjects: null,
      inheritableSettings: null,
      enforcedSettings: null,
    },
  };
}

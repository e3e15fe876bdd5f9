// Recognises policy rules in both wire dialects: Graph names a rule's type with
// '@odata.type' ('#microsoft.graph.unifiedRoleManagementPolicyExpirationRule'), ARM with
// 'ruleType' ('RoleManagementPolicyExpirationRule'). Rule ids are the same fixed 17 on both.

import { asRecord, readRecord, readString, type JsonRecord } from '../pim/json';

export type RuleKind = 'expiration' | 'enablement' | 'approval' | 'authenticationContext' | 'notification' | 'unknown';

/** The end-user activation rules the constraints are read from (ids are immutable in PIM). */
export const END_USER_RULE_IDS = {
  expiration: 'Expiration_EndUser_Assignment',
  enablement: 'Enablement_EndUser_Assignment',
  approval: 'Approval_EndUser_Assignment',
  authenticationContext: 'AuthenticationContext_EndUser_Assignment',
} as const;

const KIND_BY_SUFFIX: ReadonlyArray<[string, RuleKind]> = [
  ['expirationrule', 'expiration'],
  ['enablementrule', 'enablement'],
  ['approvalrule', 'approval'],
  ['authenticationcontextrule', 'authenticationContext'],
  ['notificationrule', 'notification'],
];

export function ruleKindOf(rule: JsonRecord): RuleKind {
  const typeName = (readString(rule, '@odata.type') ?? readString(rule, 'ruleType') ?? '').toLowerCase();
  for (const [suffix, kind] of KIND_BY_SUFFIX) {
    if (typeName.endsWith(suffix)) return kind;
  }
  return 'unknown';
}

/**
 * The rule with the given id, if it is of the expected kind. When an upstream omits ids we fall
 * back to the rule's target (EndUser caller, Assignment level), which identifies the same rule.
 */
export function findEndUserRule(rules: readonly unknown[], kind: Exclude<RuleKind, 'notification' | 'unknown'>): JsonRecord | undefined {
  const records = rules.map(asRecord).filter((r): r is JsonRecord => r !== undefined && ruleKindOf(r) === kind);
  const wantedId = END_USER_RULE_IDS[kind].toLowerCase();
  const byId = records.find((r) => readString(r, 'id')?.toLowerCase() === wantedId);
  if (byId) return byId;
  return records.find((r) => {
    if (readString(r, 'id') !== undefined) return false;
    const target = readRecord(r, 'target');
    return readString(target, 'caller')?.toLowerCase() === 'enduser' && readString(target, 'level')?.toLowerCase() === 'assignment';
  });
}

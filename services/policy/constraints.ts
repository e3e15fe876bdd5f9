// Policy rules → the provider-neutral Constraints an activation must meet.

import type { ApproverRef, Constraints } from '../pim/model';
import { asArray, asRecord, readBoolean, readRecord, readString, readStrings, type JsonRecord } from '../pim/json';
import { parseIsoDurationMinutes } from './isoDuration';
import { findEndUserRule } from './rules';

/** PIM refuses shorter activations with ActiveDurationTooShort. */
export const PIM_MIN_ACTIVATION_MINUTES = 5;
/** PIM's default activation maximum (PT8H), used when a policy does not state one. */
export const PIM_DEFAULT_MAX_ACTIVATION_MINUTES = 8 * 60;

export function constraintsFromRules(rules: readonly unknown[]): Constraints {
  const enabled = enabledRules(rules);
  const approval = approvalSetting(rules);
  return {
    maxDurationMinutes: maxDurationMinutes(rules),
    minDurationMinutes: PIM_MIN_ACTIVATION_MINUTES,
    // PIM also asks for a justification whenever an approver will read the request.
    requiresJustification: enabled.has('justification') || (approval.required && approval.requestorJustificationRequired),
    requiresTicket: enabled.has('ticketing'),
    requiresMfa: enabled.has('multifactorauthentication'),
    authenticationContext: authenticationContext(rules),
    requiresApproval: approval.required,
    approvers: approval.required ? approval.approvers : [],
  };
}

function maxDurationMinutes(rules: readonly unknown[]): number {
  const rule = findEndUserRule(rules, 'expiration');
  const text = readString(rule, 'maximumDuration');
  const minutes = text === undefined ? null : parseIsoDurationMinutes(text);
  return minutes !== null && minutes > 0 ? minutes : PIM_DEFAULT_MAX_ACTIVATION_MINUTES;
}

function enabledRules(rules: readonly unknown[]): Set<string> {
  const rule = findEndUserRule(rules, 'enablement');
  return new Set(readStrings(rule, 'enabledRules').map((r) => r.toLowerCase()));
}

function authenticationContext(rules: readonly unknown[]): string | null {
  const rule = findEndUserRule(rules, 'authenticationContext');
  const claimValue = readString(rule, 'claimValue')?.trim();
  return readBoolean(rule, 'isEnabled') === true && claimValue ? claimValue : null;
}

interface ApprovalSetting {
  readonly required: boolean;
  readonly requestorJustificationRequired: boolean;
  readonly approvers: readonly ApproverRef[];
}

function approvalSetting(rules: readonly unknown[]): ApprovalSetting {
  const setting = readRecord(findEndUserRule(rules, 'approval'), 'setting');
  // Only the first stage's primary approvers are asked when the request is made; escalation and
  // later stages come into play later and are PIM's business.
  const firstStage = asRecord(asArray(setting?.['approvalStages'])[0]);
  const approvers = asArray(firstStage?.['primaryApprovers'])
    .map(asRecord)
    .map((a) => (a ? approverRef(a) : undefined))
    .filter((a): a is ApproverRef => a !== undefined);
  return {
    required: readBoolean(setting, 'isApprovalRequired') === true,
    requestorJustificationRequired: readBoolean(setting, 'isRequestorJustificationRequired') === true,
    approvers,
  };
}

/** Graph: '#microsoft.graph.singleUser' {userId} | '#microsoft.graph.groupMembers' {groupId}; ARM: {id, userType}. */
function approverRef(a: JsonRecord): ApproverRef | undefined {
  const displayName = readString(a, 'description')?.trim() || undefined;
  const odataType = readString(a, '@odata.type')?.toLowerCase();
  if (odataType !== undefined) {
    const userId = readString(a, 'userId');
    const groupId = readString(a, 'groupId');
    if (odataType.endsWith('singleuser') && userId) return withName({ kind: 'user', id: userId }, displayName);
    if (odataType.endsWith('groupmembers') && groupId) return withName({ kind: 'group', id: groupId }, displayName);
    return undefined;
  }
  const id = readString(a, 'id');
  const userType = readString(a, 'userType')?.toLowerCase();
  if (id && userType === 'user') return withName({ kind: 'user', id }, displayName);
  if (id && userType === 'group') return withName({ kind: 'group', id }, displayName);
  return undefined;
}

function withName(ref: ApproverRef, displayName: string | undefined): ApproverRef {
  return displayName ? { ...ref, displayName } : ref;
}

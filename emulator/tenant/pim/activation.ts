// PIM's checks on a selfActivate request, in the order PIM reports them. Pure: it decides, the caller records.
import { GraphError } from '../graph/errors';
import type { UserPrincipal } from '../identity/principal';
import type { EligibilityScheduleRecord, PolicyRecord, ScheduleRequestRecord, TenantData, TicketInfo } from '../state/types';
import { isExpired } from './approvalStages';
import { directoryRolePolicy, findEligibility, principalsFor, rule, sameId } from './directory';
import { FIVE_MINUTES_MS, parseIsoDuration } from './duration';
import type { NormalisedSchedule } from './requestSchedule';

export interface ActivationInput {
  readonly principal: UserPrincipal;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly schedule: NormalisedSchedule;
  readonly justification: string | null;
  readonly ticketInfo: TicketInfo;
}

export interface ActivationDecision {
  readonly status: 'Provisioned' | 'Granted' | 'PendingApproval';
  readonly eligibility: EligibilityScheduleRecord;
  readonly policy: PolicyRecord | undefined;
}

export const MESSAGES = {
  exists: 'The Role assignment already exists.',
  tooShort: 'The Active duration is too short. Miniumum Required is 5 minutes.',
  pending: 'There already exists a pending roleAssignmentScheduleRequest in the system.',
} as const;

export function policyFailure(rules: readonly string[]): GraphError {
  return new GraphError(400, 'RoleAssignmentRequestPolicyValidationFailed', `The following policy rules failed: ${JSON.stringify(rules)}`);
}

/** The claims challenge as PIM puts it in the message: "&claims=" + URL-encoded JSON (note the ", " PIM writes). */
export function acrsFailure(claimValue: string): GraphError {
  const claims = `{"access_token":{"acrs":{"essential":true, "value":"${claimValue}"}}}`;
  return new GraphError(400, 'RoleAssignmentRequestAcrsValidationFailed', `&claims=${encodeURIComponent(claims)}`);
}

export function evaluateSelfActivation(data: Readonly<TenantData>, input: ActivationInput, now: Date): ActivationDecision {
  const { principal, roleDefinitionId, directoryScopeId, schedule } = input;
  const ids = principalsFor(data, principal.oid);

  // An assignment in force, or already scheduled to start, makes a second one pointless.
  const existing = data.roleAssignmentSchedules.some(
    (s) =>
      ids.has(s.principalId) &&
      sameId(s.roleDefinitionId, roleDefinitionId) &&
      s.directoryScopeId === directoryScopeId &&
      s.status !== 'Revoked' &&
      s.status !== 'Canceled' &&
      (s.endDateTime === null || Date.parse(s.endDateTime) > now.getTime()),
  );
  if (existing) throw new GraphError(400, 'RoleAssignmentExists', MESSAGES.exists);

  const pending = data.roleAssignmentScheduleRequests.some(
    (r) =>
      effectiveStatus(r, now) === 'PendingApproval' &&
      r.principalId === principal.oid &&
      sameId(r.roleDefinitionId, roleDefinitionId) &&
      r.directoryScopeId === directoryScopeId,
  );
  if (pending) throw new GraphError(400, 'PendingRoleAssignmentRequest', MESSAGES.pending);

  if (schedule.durationMs !== null && schedule.durationMs < FIVE_MINUTES_MS)
    throw new GraphError(400, 'ActiveDurationTooShort', MESSAGES.tooShort);

  const eligibility = findEligibility(data, principal.oid, roleDefinitionId, directoryScopeId, now);
  const policy = directoryRolePolicy(data, roleDefinitionId);

  const authContext = rule(policy, 'AuthenticationContext_EndUser_Assignment');
  if (
    eligibility &&
    authContext?.isEnabled === true &&
    typeof authContext.claimValue === 'string' &&
    !principal.acrs.includes(authContext.claimValue)
  ) {
    throw acrsFailure(authContext.claimValue);
  }

  const failed: string[] = [];
  if (!eligibility) failed.push('EligibilityRule');
  const expiration = rule(policy, 'Expiration_EndUser_Assignment');
  if (expiration) {
    const max = typeof expiration.maximumDuration === 'string' ? parseIsoDuration(expiration.maximumDuration) : undefined;
    if (schedule.durationMs === null ? expiration.isExpirationRequired === true : max !== undefined && schedule.durationMs > max)
      failed.push('ExpirationRule');
    // An activation may not outlive the eligibility it uses.
    else if (eligibility?.endDateTime && schedule.end && schedule.end.getTime() > Date.parse(eligibility.endDateTime))
      failed.push('ExpirationRule');
  }
  const enabled = new Set(
    ((rule(policy, 'Enablement_EndUser_Assignment')?.enabledRules as string[] | undefined) ?? []).map((r) => r.toLowerCase()),
  );
  if (enabled.has('multifactorauthentication') && !principal.amr.includes('mfa')) failed.push('MfaRule');
  if (enabled.has('justification') && !input.justification?.trim()) failed.push('JustificationRule');
  if (enabled.has('ticketing') && !input.ticketInfo.ticketNumber?.trim()) failed.push('TicketingRule');
  if (failed.length > 0) throw policyFailure(failed);

  const approval = rule(policy, 'Approval_EndUser_Assignment')?.setting as { isApprovalRequired?: boolean } | undefined;
  const status =
    approval?.isApprovalRequired === true ? 'PendingApproval' : schedule.start.getTime() > now.getTime() ? 'Granted' : 'Provisioned';
  return { status, eligibility: eligibility!, policy };
}

/** Granted requests become Provisioned when their start arrives; computed at read time from the clock. */
export function effectiveStatus(r: ScheduleRequestRecord, now: Date): ScheduleRequestRecord['status'] {
  // An approval nobody decided within PIM's 24 hours ends the request; Graph's request enum has no TimedOut.
  if (r.status === 'PendingApproval' && r.approvalId !== null && isExpired(r.createdDateTime, now)) return 'Canceled';
  if (r.status === 'Granted' && r.scheduleInfo?.startDateTime && Date.parse(r.scheduleInfo.startDateTime) <= now.getTime())
    return 'Provisioned';
  return r.status;
}

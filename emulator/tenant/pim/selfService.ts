// PIM's checks on a user's own request (activate, deactivate, extend) for the surfaces beyond Entra
// roles: PIM for Groups and Azure resources apply the same rules in the same order as
// activation.ts does for directory roles, from a policy read out of either rule dialect.
import { GraphError } from '../graph/errors';
import type { UserPrincipal } from '../identity/principal';
import { acrsFailure, MESSAGES, policyFailure } from './activation';
import { FIVE_MINUTES_MS, parseIsoDuration } from './duration';
import type { NormalisedSchedule } from './requestSchedule';

/** What an end user's activation must satisfy, read from the end-user assignment rules. */
export interface EndUserPolicy {
  readonly maxMs: number | undefined;
  readonly expirationRequired: boolean;
  /** Lower-cased enabledRules of Enablement_EndUser_Assignment. */
  readonly enabled: ReadonlySet<string>;
  readonly authenticationContext: string | null;
  readonly approvalRequired: boolean;
}

/** Reads Graph (@odata.type) or ARM (ruleType) rules alike: the rule ids are the same in both. */
export function endUserPolicy(rules: readonly Record<string, unknown>[] | undefined): EndUserPolicy {
  const byId = (id: string) => rules?.find((r) => r.id === id);
  const expiration = byId('Expiration_EndUser_Assignment');
  const enablement = byId('Enablement_EndUser_Assignment');
  const authContext = byId('AuthenticationContext_EndUser_Assignment');
  const approval = byId('Approval_EndUser_Assignment')?.setting as { isApprovalRequired?: unknown } | undefined;
  const enabled = Array.isArray(enablement?.enabledRules) ? enablement.enabledRules.filter((r): r is string => typeof r === 'string') : [];
  return {
    maxMs: typeof expiration?.maximumDuration === 'string' ? parseIsoDuration(expiration.maximumDuration) : undefined,
    expirationRequired: expiration?.isExpirationRequired === true,
    enabled: new Set(enabled.map((r) => r.toLowerCase())),
    authenticationContext: authContext?.isEnabled === true && typeof authContext.claimValue === 'string' ? authContext.claimValue : null,
    approvalRequired: approval?.isApprovalRequired === true,
  };
}

export interface SelfActivationFacts {
  readonly principal: UserPrincipal;
  readonly schedule: NormalisedSchedule;
  readonly justification: string | null;
  readonly ticketNumber: string | null;
  readonly policy: EndUserPolicy;
  /** The eligibility's end (null = permanent); undefined = not eligible. */
  readonly eligibilityEnd: string | null | undefined;
  /** An assignment in force or scheduled for the same role and scope. */
  readonly assignmentExists: boolean;
  /** A request of the user's for the same role and scope awaiting approval. */
  readonly pendingRequest: boolean;
}

export type SelfActivationStatus = 'Provisioned' | 'Granted' | 'PendingApproval';

/** Throws PIM's error (GraphError, rendered in each API's own envelope) or says what the request becomes. */
export function decideSelfActivation(f: SelfActivationFacts, now: Date): SelfActivationStatus {
  if (f.assignmentExists) throw new GraphError(400, 'RoleAssignmentExists', MESSAGES.exists);
  if (f.pendingRequest) throw new GraphError(400, 'PendingRoleAssignmentRequest', MESSAGES.pending);
  if (f.schedule.durationMs !== null && f.schedule.durationMs < FIVE_MINUTES_MS)
    throw new GraphError(400, 'ActiveDurationTooShort', MESSAGES.tooShort);
  const eligible = f.eligibilityEnd !== undefined;
  const acrs = f.policy.authenticationContext;
  if (eligible && acrs && !f.principal.acrs.includes(acrs)) throw acrsFailure(acrs);

  const failed: string[] = [];
  if (!eligible) failed.push('EligibilityRule');
  const { maxMs } = f.policy;
  if (f.schedule.durationMs === null ? f.policy.expirationRequired : maxMs !== undefined && f.schedule.durationMs > maxMs)
    failed.push('ExpirationRule');
  else if (f.eligibilityEnd && f.schedule.end && f.schedule.end.getTime() > Date.parse(f.eligibilityEnd)) failed.push('ExpirationRule');
  if (f.policy.enabled.has('multifactorauthentication') && !f.principal.amr.includes('mfa')) failed.push('MfaRule');
  if (f.policy.enabled.has('justification') && !f.justification?.trim()) failed.push('JustificationRule');
  if (f.policy.enabled.has('ticketing') && !f.ticketNumber?.trim()) failed.push('TicketingRule');
  if (failed.length > 0) throw policyFailure(failed);

  if (f.policy.approvalRequired) return 'PendingApproval';
  return f.schedule.start.getTime() > now.getTime() ? 'Granted' : 'Provisioned';
}

/** PIM refuses to deactivate an activation in its first five minutes; nothing active = RoleAssignmentDoesNotExist. */
export function checkSelfDeactivation(activeStart: string | undefined, now: Date): void {
  if (activeStart === undefined) throw new GraphError(400, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
  if (now.getTime() - Date.parse(activeStart) < FIVE_MINUTES_MS) throw new GraphError(400, 'ActiveDurationTooShort', MESSAGES.tooShort);
}

/** Extension applies to time-bound assignments; an activation is not one, so PIM finds nothing to extend. */
export const EXTEND_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;

export function checkSelfExtension(
  target: { assignmentType: 'Activated' | 'Assigned'; endDateTime: string | null } | undefined,
  now: Date,
): void {
  if (!target || target.assignmentType === 'Activated' || target.endDateTime === null) {
    throw new GraphError(400, 'RoleAssignmentDoesNotExist', 'The role assignment requested to be extended does not exist in the system.');
  }
  // The portal offers "Extend" only in the last 14 days of an assignment.
  if (Date.parse(target.endDateTime) - now.getTime() > EXTEND_WINDOW_MS)
    throw new GraphError(400, 'RoleAssignmentRequestPolicyValidationFailed', 'The following policy rules failed: ["ExpirationRule"]');
}

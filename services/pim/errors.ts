// Errors are values with a kind; the bot maps each kind to plain words once, at the edge
// (dialogs/messages). Nothing below the bot formats a message for a user.

import type { Resource } from '../identity/tokenProvider';

export type PimErrorKind =
  /** The request breaks the role's policy; `rules` names the failed rules (ExpirationRule, JustificationRule, ...). */
  | 'policyViolation'
  /** Under PIM's 5-minute minimum (ActiveDurationTooShort). */
  | 'durationTooShort'
  /** The role is already active for this user (RoleAssignmentExists). */
  | 'alreadyActive'
  /** The user holds no eligibility for what was asked. */
  | 'notEligible'
  /** A fresh sign-in is needed, possibly with claims (MFA / authentication context). */
  | 'authenticationRequired'
  | 'forbidden'
  | 'notFound'
  /** 429: honour retryAfterSeconds. */
  | 'throttled'
  /** 5xx or network failure. */
  | 'unavailable'
  | 'invalidInput'
  | 'unknown';

export interface PimErrorDetails {
  readonly rules?: readonly string[];
  readonly retryAfterSeconds?: number;
  /** Claims challenge (JSON) for a step-up sign-in. */
  readonly claims?: string;
  /** The API whose token the sign-in is for ('authenticationRequired'): the one that refused. Set wherever claims are. */
  readonly resource?: Resource;
  /** Upstream error code, for logs only. */
  readonly upstreamCode?: string;
  /** Upstream HTTP status when there was one, for logs only. */
  readonly httpStatus?: number;
}

export class PimError extends Error {
  override readonly name = 'PimError';
  constructor(
    readonly kind: PimErrorKind,
    message: string,
    readonly details: PimErrorDetails = {},
  ) {
    super(message);
  }
}

export function isPimError(e: unknown): e is PimError {
  return e instanceof PimError;
}

/** What a step-up sign-in must get: a token for `resource` that satisfies `claims`. */
export interface StepUpDemand {
  readonly claims: string;
  readonly resource: Resource;
}

/** The step-up a refusal asks for; undefined for any other error (or a sign-in without claims). */
export function stepUpDemand(e: unknown): StepUpDemand | undefined {
  if (!isPimError(e) || e.kind !== 'authenticationRequired') return undefined;
  const { claims, resource } = e.details;
  return claims && resource ? { claims, resource } : undefined;
}

/**
 * PIM's PendingRoleAssignmentRequest: the user already has a request for this role and scope waiting
 * for approval. Its kind is 'alreadyActive' (for the user it is much the same); the code tells them apart.
 */
export function isPendingRequestConflict(e: unknown): e is PimError {
  return isPimError(e) && e.kind === 'alreadyActive' && (e.details.upstreamCode ?? '').toLowerCase() === 'pendingroleassignmentrequest';
}

// Does the approver's token prove what the policy asks (approverStepUpPolicy.ts)? Read from the claims
// of a token the bot got straight from the authority over TLS (the approver's on-behalf-of or step-up
// token) or verified itself (the SSO token): `amr` (how they signed in), `acrs` (authentication contexts
// Conditional Access satisfied) and `auth_time` (when they last signed in, seconds since the epoch).
// Entra puts auth_time in access tokens as an optional claim: the app registration must list it
// (optionalClaims.accessToken: auth_time), or no MFA freshness can be proven and every mfa:N approval
// asks for a step-up.
//
// The claims challenge handed to the sign-in (msal getAuthCodeUrl `claims`, the same authorization
// code + PKCE path as the requester's step-up):
//   authentication context: {"access_token":{"acrs":{"essential":true,"value":"c1"}}} — Entra's documented form;
//   MFA within N minutes:   {"access_token":{"amr":{"essential":true,"values":["mfa"]}}} — the sign-in URL already
//     carries prompt=login (msalTokenClient.authCodeUrl), which makes the sign-in fresh (a new auth_time);
//     the amr request is OIDC's way to ask for the method (Entra may ignore it, so the token's amr is
//     checked again after the sign-in and a tenant whose sign-in does no MFA is told to use an
//     authentication context instead). OIDC max_age is not used: prompt=login is stricter.
// Pure: no I/O, no clock of its own.

import type { ApproverStepUpRequirement } from './approverStepUpPolicy';

/** What the approver's token says about their sign-in. */
export interface ApproverSignIn {
  readonly amr: readonly string[];
  readonly acrs: readonly string[];
  /** auth_time; undefined when the token does not say. */
  readonly authTime?: Date;
}

/** How the approver was verified when their decision was made: kept in the record (RecordedDecision.verifiedBy). */
export interface ApproverVerification {
  /** 'mfa': a fresh MFA sign-in; 'acrs': an authentication context; 'session': no step-up was required. */
  readonly method: 'mfa' | 'acrs' | 'session';
  /** The authentication context, for 'acrs'. */
  readonly acrs?: string;
  /** ISO auth_time of the sign-in, when the token said. */
  readonly authTime?: string;
}

/** What is missing: an MFA sign-in at all, a recent enough one, or the authentication context. */
export type StepUpShortfall = 'mfa' | 'freshSignIn' | 'authContext';

export type ApproverStepUpCheck =
  | { readonly satisfied: true; readonly verifiedBy: ApproverVerification }
  | { readonly satisfied: false; readonly missing: StepUpShortfall; readonly claimsChallenge: string };

/** A sign-in time this far ahead of `now` is clock skew; further ahead, the claim is not believed. */
export const AUTH_TIME_SKEW_MS = 5 * 60_000;

/** The sign-in facts of a token's claims (a decoded JWT payload); anything malformed reads as absent. */
export function approverSignInFromClaims(claims: Readonly<Record<string, unknown>>): ApproverSignIn {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const at = claims['auth_time'];
  const authTime = typeof at === 'number' && Number.isFinite(at) && at > 0 ? new Date(at * 1000) : undefined;
  return { amr: strings(claims['amr']), acrs: strings(claims['acrs']), ...(authTime ? { authTime } : {}) };
}

/** The claims challenge that asks the authority for what `requirement` needs (see the file comment). */
export function claimsChallengeFor(requirement: ApproverStepUpRequirement): string {
  return requirement.kind === 'acrs'
    ? JSON.stringify({ access_token: { acrs: { essential: true, value: requirement.id } } })
    : JSON.stringify({ access_token: { amr: { essential: true, values: ['mfa'] } } });
}

/**
 * Whether `signIn` meets `requirement` at `now` (undefined requirement: nothing to meet, the session
 * counts). Satisfied, it says how the approver was verified, for the record.
 */
export function checkApproverStepUp(
  signIn: ApproverSignIn,
  requirement: ApproverStepUpRequirement | undefined,
  now: Date,
): ApproverStepUpCheck {
  const authTime = signIn.authTime && signIn.authTime.getTime() <= now.getTime() + AUTH_TIME_SKEW_MS ? signIn.authTime : undefined;
  const at = authTime ? { authTime: authTime.toISOString() } : {};
  if (!requirement) return { satisfied: true, verifiedBy: { method: 'session', ...at } };
  if (requirement.kind === 'acrs') {
    if (!signIn.acrs.includes(requirement.id))
      return { satisfied: false, missing: 'authContext', claimsChallenge: claimsChallengeFor(requirement) };
    return { satisfied: true, verifiedBy: { method: 'acrs', acrs: requirement.id, ...at } };
  }
  if (!signIn.amr.includes('mfa')) return { satisfied: false, missing: 'mfa', claimsChallenge: claimsChallengeFor(requirement) };
  if (!authTime || now.getTime() - authTime.getTime() > requirement.withinMinutes * 60_000) {
    return { satisfied: false, missing: 'freshSignIn', claimsChallenge: claimsChallengeFor(requirement) };
  }
  return { satisfied: true, verifiedBy: { method: 'mfa', ...at } };
}

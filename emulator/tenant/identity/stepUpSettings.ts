// Per-tenant switches for how sign-ins look and what an approval decision demands of the approver's
// token (issue 20). Default: what the emulator always did (the Teams SSO session did MFA; approvals
// demand nothing beyond an approver's token), so tests that do not switch them see no change.
// Kept in memory per tenant store, like the authorization codes: reset() of the tenant restores them.
import type { ApprovalSurface } from '../pim/approvalStages';
import type { TenantStore } from '../state/store';

export interface SignInSettings {
  /** amr of the Teams SSO session tokens (and so of their on-behalf-of tokens). Default ['pwd', 'mfa']. */
  sessionAmr: string[];
  /** How long ago the SSO session signed in: its tokens' auth_time is now minus this. Default 3600 (an hour). */
  sessionAgeSeconds: number;
  /**
   * When the SSO session signed in (epoch seconds): fixed, so its tokens age with the clock (the
   * Playground's session signs in when the emulator starts). Overrides sessionAgeSeconds while set.
   */
  sessionSignedInAt?: number;
  /** amr a sign-in through the sign-in page (/authorize) gives; its auth_time is the moment of Continue. Default ['pwd', 'mfa']. */
  signInAmr: string[];
}

/**
 * What a decision on an approval demands of the deciding approver's token. A demand with both fields
 * demands both; one without either demands nothing.
 */
export interface ApproverStepUpDemand {
  readonly surface: ApprovalSurface;
  /**
   * Which roles (absent: every role of the surface): Entra role definition (template) ids, group access
   * ids ('member' | 'owner'), Azure role definition GUIDs. Compared case-insensitively.
   */
  readonly roleIds?: readonly string[];
  /** amr must say 'mfa' and auth_time be no older than this (wall clock, as token lifetimes are). */
  readonly mfaWithinSeconds?: number;
  /** acrs must carry this authentication context id. */
  readonly acrs?: string;
}

export interface StepUpSettings {
  signIn: SignInSettings;
  approverDemands: ApproverStepUpDemand[];
}

export function defaultStepUpSettings(baseline: Partial<SignInSettings> = {}): StepUpSettings {
  return { signIn: { sessionAmr: ['pwd', 'mfa'], sessionAgeSeconds: 3600, signInAmr: ['pwd', 'mfa'], ...baseline }, approverDemands: [] };
}

const settings = new WeakMap<object, StepUpSettings>();

/** The tenant's settings (keyed by its store, so identity, Graph and ARM routes of one tenant share them). */
export function stepUpSettings(store: Pick<TenantStore, 'data'> | object): StepUpSettings {
  let found = settings.get(store);
  if (!found) {
    found = defaultStepUpSettings();
    settings.set(store, found);
  }
  return found;
}

/** Validates a demand from a test or the control endpoint; throws a TypeError naming the field. */
export function checkDemand(value: unknown): ApproverStepUpDemand {
  const d = value as Partial<Record<keyof ApproverStepUpDemand, unknown>> | null;
  if (typeof d !== 'object' || d === null) throw new TypeError('a demand must be an object');
  if (d.surface !== 'entraRole' && d.surface !== 'group' && d.surface !== 'azureResource')
    throw new TypeError('surface must be entraRole, group or azureResource');
  if (d.roleIds !== undefined && (!Array.isArray(d.roleIds) || !d.roleIds.every((r) => typeof r === 'string')))
    throw new TypeError('roleIds must be a list of strings');
  if (d.mfaWithinSeconds !== undefined && (typeof d.mfaWithinSeconds !== 'number' || !(d.mfaWithinSeconds > 0)))
    throw new TypeError('mfaWithinSeconds must be a positive number');
  if (d.acrs !== undefined && (typeof d.acrs !== 'string' || !/^c\d{1,2}$/.test(d.acrs)))
    throw new TypeError('acrs must be an authentication context id like c1');
  return d as ApproverStepUpDemand;
}

/** Validates sign-in settings from a test or the control endpoint. */
export function checkSignIn(value: unknown): Partial<SignInSettings> {
  const s = value as Partial<Record<keyof SignInSettings, unknown>> | null;
  if (typeof s !== 'object' || s === null) throw new TypeError('signIn must be an object');
  const amrList = (v: unknown, name: string) => {
    if (v !== undefined && (!Array.isArray(v) || !v.every((x) => typeof x === 'string')))
      throw new TypeError(`${name} must be a list of strings`);
  };
  amrList(s.sessionAmr, 'sessionAmr');
  amrList(s.signInAmr, 'signInAmr');
  if (s.sessionAgeSeconds !== undefined && (typeof s.sessionAgeSeconds !== 'number' || !(s.sessionAgeSeconds >= 0)))
    throw new TypeError('sessionAgeSeconds must be a number of seconds, 0 or more');
  if (s.sessionSignedInAt !== undefined && (typeof s.sessionSignedInAt !== 'number' || !(s.sessionSignedInAt > 0)))
    throw new TypeError('sessionSignedInAt must be epoch seconds');
  return s as Partial<SignInSettings>;
}

// The provider-neutral model. Dialogs and cards see only these shapes, never a Graph or ARM body,
// so that groups and Azure resources can join the Entra provider without touching the bot.

import type { PimError } from './errors';
import type { Surface } from './surfaces';

export type { Surface } from './surfaces';

/** The user on whose behalf the bot acts (the verified token's oid/tid in production, never card data). */
export interface UserContext {
  readonly userId: string;
  readonly tenantId: string;
  readonly displayName?: string;
}

export interface Scope {
  /** Provider's own scope id: '/' for the directory, a group id, or an ARM scope path. */
  readonly id: string;
  readonly displayName: string;
  readonly kind: 'directory' | 'group' | 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource';
}

/** What the user may activate: one role at one scope. */
export interface Eligibility {
  /** Stable key across providers: `${surface}|${scope.id}|${roleId}`; safe to put in card data. */
  readonly key: string;
  readonly surface: Surface;
  /** Role definition id (Entra), 'member' | 'owner' (groups) or full ARM role definition id. */
  readonly roleId: string;
  readonly roleName: string;
  readonly scope: Scope;
  readonly principalId: string;
  /** The eligibility's own end; null when permanent. */
  readonly endDateTime: Date | null;
  /**
   * What the role's definition says, where the listing carried it (Entra: the expanded roleDefinition);
   * absent = not known from the listing. The approval card shows it; nothing is decided on it.
   */
  readonly definition?: RoleDefinitionInfo;
}

/** A role definition's own words about the role. */
export interface RoleDefinitionInfo {
  readonly description?: string;
  /** Entra's isPrivileged; absent where the listing did not say. */
  readonly privileged?: boolean;
}

/** Access the user holds right now (activated through PIM or assigned outside it). */
export interface ActiveAssignment {
  readonly key: string;
  readonly surface: Surface;
  readonly roleId: string;
  readonly roleName: string;
  readonly scope: Scope;
  readonly principalId: string;
  readonly startDateTime: Date | null;
  /** null = permanent. */
  readonly endDateTime: Date | null;
  /** 'activated' = through PIM (JIT); 'assigned' = standing assignment. */
  readonly assignmentType: 'activated' | 'assigned';
}

export type ApproverRef =
  | { readonly kind: 'user'; readonly id: string; readonly displayName?: string }
  | { readonly kind: 'group'; readonly id: string; readonly displayName?: string };

/** What the role's policy demands of an activation, read from its rules. */
export interface Constraints {
  /** Maximum activation length in minutes (Expiration_EndUser_Assignment). */
  readonly maxDurationMinutes: number;
  /** PIM refuses activations under 5 minutes (ActiveDurationTooShort). */
  readonly minDurationMinutes: number;
  readonly requiresJustification: boolean;
  readonly requiresTicket: boolean;
  readonly requiresMfa: boolean;
  /** Conditional Access authentication context id (e.g. 'c1') when step-up is required. */
  readonly authenticationContext: string | null;
  readonly requiresApproval: boolean;
  readonly approvers: readonly ApproverRef[];
}

export interface TicketInfo {
  readonly number: string;
  readonly system?: string;
}

export interface ActivationInput {
  readonly eligibilityKey: string;
  readonly durationMinutes: number;
  /** Omitted = now. */
  readonly startDateTime?: Date;
  readonly justification?: string;
  readonly ticket?: TicketInfo;
  /**
   * Claims challenge from an earlier `authenticationRequired` PimError (authentication context
   * step-up): the retry asks the token service for a token that carries these claims.
   */
  readonly claims?: string;
}

/** Neutral request status; providers map their own enums onto it. */
export type RequestStatus =
  'provisioned' | 'granted' | 'pendingApproval' | 'pendingProvisioning' | 'denied' | 'canceled' | 'failed' | 'revoked' | 'other';

export interface ActivationRequest {
  readonly id: string;
  readonly surface: Surface;
  readonly status: RequestStatus;
  readonly roleId: string;
  readonly roleName: string;
  readonly scope: Scope;
  readonly principalId: string;
  readonly startDateTime: Date;
  readonly endDateTime: Date;
  readonly createdDateTime: Date;
  readonly justification: string | null;
  readonly ticket: TicketInfo | null;
  /** What the request does; absent on older callers' fakes, read as 'activate'. */
  readonly action?: RequestAction;
  /** The eligibility/active key the request is about (same format as Eligibility.key), when known. */
  readonly key?: string;
  /** PIM's id of the request's approval, as the request states it (ARM: properties.approvalId); absent when none. */
  readonly approvalId?: string;
}

/** Neutral request kinds: PIM's selfActivate / selfDeactivate / selfExtend / selfRenew. */
export type RequestAction = 'activate' | 'deactivate' | 'extend' | 'renew' | 'other';

/** Names one request on one surface; ids only, safe in card data. */
export interface RequestRef {
  readonly surface: Surface;
  readonly id: string;
}

/** Asking for more time on an active assignment (PIM selfExtend). */
export interface ExtensionInput {
  readonly durationMinutes: number;
  readonly justification?: string;
  readonly ticket?: TicketInfo;
  readonly claims?: string;
}

/** One item of activateMany: the request PIM created, or why this one failed (others are unaffected). */
export type ActivationOutcome =
  | { readonly ok: true; readonly input: ActivationInput; readonly request: ActivationRequest }
  | { readonly ok: false; readonly input: ActivationInput; readonly error: PimError };

/** Bounds for waitUntilActive's polling (exponential backoff from initialDelayMs up to maxDelayMs). */
export interface WaitOptions {
  /** Give up after this long (default 60 s); waitUntilActive then resolves null. */
  readonly timeoutMs?: number;
  /** First pause (default 1 s); doubles each round. */
  readonly initialDelayMs?: number;
  /** Longest single pause (default 10 s). */
  readonly maxDelayMs?: number;
  /** Aborts the wait early (resolves null). */
  readonly signal?: AbortSignal;
}

/** One eligibility together with the limits its policy sets; what the activation card lists. */
export interface EligibilityWithConstraints {
  readonly eligibility: Eligibility;
  readonly constraints: Constraints;
}

export function eligibilityKey(surface: Surface, scopeId: string, roleId: string): string {
  return `${surface}|${scopeId}|${roleId}`;
}

/** What an eligibility, an active assignment and a request say alike: whose role, on what. */
export type RoleTarget = Pick<Eligibility, 'key' | 'surface' | 'roleId' | 'roleName' | 'scope' | 'principalId'>;

export function roleTarget(surface: Surface, scope: Scope, roleId: string, roleName: string, principalId: string): RoleTarget {
  return { key: eligibilityKey(surface, scope.id, roleId), surface, roleId, roleName, scope, principalId };
}

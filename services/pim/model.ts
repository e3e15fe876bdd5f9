// The provider-neutral model. Dialogs and cards see only these shapes, never a Graph or ARM body,
// so that groups and Azure resources can join the Entra provider without touching the bot.

/** Where an eligibility lives in PIM. */
export type Surface = 'entraRole' | 'group' | 'azureResource';

/** The user on whose behalf the bot acts (always the activity's aadObjectId, never card data). */
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
  | 'provisioned'
  | 'granted'
  | 'pendingApproval'
  | 'pendingProvisioning'
  | 'denied'
  | 'canceled'
  | 'failed'
  | 'revoked'
  | 'other';

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
}

/** One eligibility together with the limits its policy sets; what the activation card lists. */
export interface EligibilityWithConstraints {
  readonly eligibility: Eligibility;
  readonly constraints: Constraints;
}

export function eligibilityKey(surface: Surface, scopeId: string, roleId: string): string {
  return `${surface}|${scopeId}|${roleId}`;
}

import type {
  ActivationInput,
  ActivationOutcome,
  ActivationRequest,
  ActiveAssignment,
  Constraints,
  Eligibility,
  EligibilityWithConstraints,
  ExtensionInput,
  RequestRef,
  RoleTarget,
  Surface,
  UserContext,
  WaitOptions,
} from './model';
import type { PimError } from './errors';

/**
 * One PIM surface (Entra roles, PIM for Groups, Azure resources). Every call runs with the user's
 * own delegated token, so PIM itself enforces what the user may see and do. Failures are PimError.
 */
export interface PimProvider {
  readonly surface: Surface;
  listEligibilities(user: UserContext): Promise<Eligibility[]>;
  listActive(user: UserContext): Promise<ActiveAssignment[]>;
  getConstraints(user: UserContext, eligibility: Eligibility): Promise<Constraints>;
  /**
   * The constraints of several eligibilities in as few upstream reads as the API allows, in input
   * order; a failed one is its PimError in its place. Absent: one getConstraints each.
   */
  getConstraintsMany?(user: UserContext, eligibilities: readonly Eligibility[]): Promise<Array<Constraints | PimError>>;
  /** Creates the selfActivate request with the user's own delegated token. Throws PimError. */
  activate(user: UserContext, eligibility: Eligibility, input: ActivationInput): Promise<ActivationRequest>;
  /** PIM's own dry run of an activation (Graph isValidationOnly, ARM validate); resolves when PIM would accept it. */
  validate(user: UserContext, eligibility: Eligibility, input: ActivationInput): Promise<void>;
  /** selfDeactivate of an active assignment. PIM refuses in the first 5 minutes ('durationTooShort'). */
  deactivate(user: UserContext, active: ActiveAssignment): Promise<ActivationRequest>;
  /**
   * selfExtend of a time-bound assignment near its end (PIM sends it to an administrator: the result
   * is 'pendingApproval'). Activations themselves cannot be extended in PIM: 'invalidInput' with
   * upstreamCode 'ActivationNotExtendable'.
   */
  extend(user: UserContext, active: ActiveAssignment, input: ExtensionInput): Promise<ActivationRequest>;
  /** The user's own requests that have not taken effect: awaiting approval, or scheduled to start later. */
  listRequests(user: UserContext): Promise<ActivationRequest[]>;
  /**
   * Every request of the user's for one role at one scope, whatever its status: what is waiting and what
   * ran, from one read. Absent where the API cannot narrow its listing to one role (ARM: asTarget() only).
   */
  listRoleRequests?(user: UserContext, target: RoleTarget): Promise<ActivationRequest[]>;
  /** Cancels a pending or scheduled request; anything else is 'invalidInput' (PIM's 400). */
  cancel(user: UserContext, requestId: string): Promise<void>;
  getRequest(user: UserContext, requestId: string): Promise<ActivationRequest>;
}

export interface EligibilityOptions {
  /** Picks the keys wanted from the user's eligibilities (their names, scopes, ends; no policies yet). */
  readonly only?: (eligibilities: readonly Eligibility[]) => readonly string[] | undefined;
}

/** What the bot uses: all providers behind one face, with short-lived caches. */
export interface PimService {
  /**
   * Every eligibility of the user with the limits its policy sets, across all surfaces (cached briefly).
   * With `only`, the eligibilities are listed first and only those whose keys `only` answers are
   * returned, with the policies of those alone read (undefined = all): a role named in a sentence
   * costs one policy read, not one per eligibility.
   */
  listEligibilities(user: UserContext, options?: EligibilityOptions): Promise<EligibilityWithConstraints[]>;
  /**
   * What the user holds now, across all surfaces (or one), with time left in endDateTime. With
   * `maxAgeMs`, a surface's listing started that recently (and not crossed by the user's own activate,
   * deactivate, extend or cancel) is answered without reading PIM again; without it PIM is read.
   */
  listActive(user: UserContext, surface?: Surface, options?: { readonly maxAgeMs?: number }): Promise<ActiveAssignment[]>;
  /** Validates input against the policy first (throws PimError 'policyViolation' / 'durationTooShort' / 'notEligible'). */
  activate(user: UserContext, input: ActivationInput): Promise<ActivationRequest>;
  /**
   * Local policy checks and then PIM's own dry run (Graph isValidationOnly, ARM validate). Resolves
   * when PIM would accept the request as it stands; throws the PimError it would fail with
   * (including 'authenticationRequired' with claims for a step-up). Creates nothing.
   */
  validate(user: UserContext, input: ActivationInput): Promise<void>;
  /** Activates several at once; one outcome per input in input order, never throws for one item. */
  activateMany(user: UserContext, inputs: readonly ActivationInput[]): Promise<ActivationOutcome[]>;
  /**
   * Ends an active assignment early; activeKey is ActiveAssignment.key. PIM refuses in the first
   * 5 minutes of an activation ('durationTooShort'); 'notFound' when nothing is active under the key.
   */
  deactivate(user: UserContext, activeKey: string): Promise<ActivationRequest>;
  /**
   * Asks for more time on an active assignment where PIM allows it (time-bound assignments; the
   * result awaits an administrator). Activations cannot be extended in PIM: throws 'invalidInput'
   * with upstreamCode 'ActivationNotExtendable' (offer re-activation after it ends instead).
   */
  extend(user: UserContext, activeKey: string, input: ExtensionInput): Promise<ActivationRequest>;
  /**
   * The user's requests awaiting approval or scheduled for a future start, across all surfaces (or
   * one). With `maxAgeMs`, a listing read that recently (and not invalidated by the user's own
   * activate, deactivate, extend or cancel since) is answered without reading PIM again.
   */
  listRequests(user: UserContext, surface?: Surface, options?: { readonly maxAgeMs?: number }): Promise<ActivationRequest[]>;
  /**
   * Every request of the user's for one eligibility's role at its scope, of every status (what waits and
   * what ran), newest first; undefined when its surface cannot list one role's requests (then
   * listRequests of the surface says what waits). Kept for recentRoleRequests.
   */
  listRoleRequests(user: UserContext, eligibilityKey: string): Promise<ActivationRequest[] | undefined>;
  /**
   * The last listRoleRequests answer for the key if it was read within `maxAgeMs`, without reading PIM;
   * undefined otherwise. Its history (what ran) holds across the user's own writes since; what it says
   * is waiting may not.
   */
  recentRoleRequests(user: UserContext, eligibilityKey: string, maxAgeMs: number): ActivationRequest[] | undefined;
  /** Cancels a request awaiting approval or scheduled for later; anything else is 'invalidInput'. */
  cancel(user: UserContext, ref: RequestRef): Promise<void>;
  /** The current state of one request (e.g. to see an approval land). */
  getRequest(user: UserContext, ref: RequestRef): Promise<ActivationRequest>;
  /**
   * After PIM accepted an activation: polls listActive with bounded exponential backoff until the
   * access is actually in place, and resolves it; null when it did not appear in time (or the
   * request is waiting for approval / a future start and so cannot become active now).
   */
  waitUntilActive(user: UserContext, request: ActivationRequest, options?: WaitOptions): Promise<ActiveAssignment | null>;
}

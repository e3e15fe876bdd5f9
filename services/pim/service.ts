import type {
  ActivationInput,
  ActivationRequest,
  ActiveAssignment,
  Constraints,
  Eligibility,
  EligibilityWithConstraints,
  Surface,
  UserContext,
} from './model';

/** One PIM surface (Entra roles, PIM for Groups, Azure resources). */
export interface PimProvider {
  readonly surface: Surface;
  listEligibilities(user: UserContext): Promise<Eligibility[]>;
  listActive(user: UserContext): Promise<ActiveAssignment[]>;
  getConstraints(user: UserContext, eligibility: Eligibility): Promise<Constraints>;
  /** Creates the selfActivate request with the user's own delegated token. Throws PimError. */
  activate(user: UserContext, eligibility: Eligibility, input: ActivationInput): Promise<ActivationRequest>;
  getRequest(user: UserContext, requestId: string): Promise<ActivationRequest>;
}

/** What the bot uses: all providers behind one face, with short-lived caches. */
export interface PimService {
  /** Every eligibility of the user with the limits its policy sets. */
  listEligibilities(user: UserContext): Promise<EligibilityWithConstraints[]>;
  listActive(user: UserContext): Promise<ActiveAssignment[]>;
  /** Validates input against the policy first (throws PimError 'policyViolation' / 'durationTooShort' / 'notEligible'). */
  activate(user: UserContext, input: ActivationInput): Promise<ActivationRequest>;
}

// The PimService the bot talks to: every provider behind one face, a short per-user cache of
// eligibilities with their constraints, and validation before anything is sent to PIM.

import { checkActivation } from './activationRules';
import { PimError } from './errors';
import type { ActivationInput, ActivationRequest, ActiveAssignment, EligibilityWithConstraints, UserContext } from './model';
import type { PimProvider, PimService } from './service';
import { TtlCache } from './ttlCache';

/**
 * 60 s: long enough that listing, picking a role and confirming in one conversation reads PIM once
 * (so activating costs just the POST), short enough that a new eligibility or a policy change
 * shows up within a minute. Activating drops the user's entry.
 */
export const DEFAULT_ELIGIBILITY_TTL_MS = 60_000;

export interface PimServiceOptions {
  /** Eligibility + constraints cache lifetime per user; 0 disables caching. */
  readonly cacheTtlMs?: number;
  readonly now?: () => number;
}

export class ProviderPimService implements PimService {
  private readonly cache: TtlCache<EligibilityWithConstraints[]>;

  constructor(
    private readonly providers: readonly PimProvider[],
    options: PimServiceOptions = {},
  ) {
    this.cache = new TtlCache(options.cacheTtlMs ?? DEFAULT_ELIGIBILITY_TTL_MS, options.now);
  }

  listEligibilities(user: UserContext): Promise<EligibilityWithConstraints[]> {
    return this.cache.get(cacheKey(user), () => this.loadEligibilities(user)).then((items) => [...items]);
  }

  async listActive(user: UserContext): Promise<ActiveAssignment[]> {
    const perProvider = await Promise.all(this.providers.map((p) => p.listActive(user)));
    return perProvider.flat();
  }

  async activate(user: UserContext, input: ActivationInput): Promise<ActivationRequest> {
    const entries = await this.listEligibilities(user);
    const entry = entries.find((e) => e.eligibility.key === input.eligibilityKey);
    if (!entry) throw new PimError('notEligible', 'No such eligibility for this user');
    checkActivation(input, entry.constraints);
    const provider = this.providers.find((p) => p.surface === entry.eligibility.surface);
    if (!provider) throw new PimError('notEligible', 'No provider for this eligibility');
    try {
      return await provider.activate(user, entry.eligibility, input);
    } finally {
      // Whatever PIM answered, what we cached may no longer hold (new activation, changed policy).
      this.invalidate(user);
    }
  }

  /** Forgets the user's cached eligibilities, e.g. when the bot learns they changed. */
  invalidate(user: UserContext): void {
    this.cache.delete(cacheKey(user));
  }

  private async loadEligibilities(user: UserContext): Promise<EligibilityWithConstraints[]> {
    const perProvider = await Promise.all(
      this.providers.map(async (provider) => {
        const eligibilities = await provider.listEligibilities(user);
        return Promise.all(eligibilities.map(async (eligibility) => ({ eligibility, constraints: await provider.getConstraints(user, eligibility) })));
      }),
    );
    return perProvider.flat();
  }
}

function cacheKey(user: UserContext): string {
  return `${user.tenantId}|${user.userId}`;
}

// The PimService the bot talks to: every provider behind one face, a short per-user cache of
// eligibilities with their constraints, and validation before anything is sent to PIM.

import { checkActivation } from './activationRules';
import { isOpenRequest } from './entra/entraMapping';
import { isPimError, PimError, type PimErrorKind } from './errors';
import {
  eligibilityKey,
  type ActivationInput,
  type ActivationOutcome,
  type ActivationRequest,
  type ActiveAssignment,
  type Constraints,
  type Eligibility,
  type EligibilityWithConstraints,
  type ExtensionInput,
  type RequestRef,
  type Surface,
  type UserContext,
  type WaitOptions,
} from './model';
import type { EligibilityOptions, PimProvider, PimService } from './service';
import { surfaceOfKey } from './surfaces';
import { TtlCache } from './ttlCache';

/**
 * 60 s: long enough that listing, picking a role and confirming in one conversation reads PIM once
 * (so activating costs just the POST, or the validation dry run and the POST), short enough that a
 * new eligibility or a policy change shows up within a minute. A refusal that suggests the cached
 * picture is stale (not eligible, policy broken) drops the user's entry at once.
 */
export const DEFAULT_ELIGIBILITY_TTL_MS = 60_000;

/** waitUntilActive's defaults: 1 s, 2 s, 4 s, 8 s, 10 s ... for at most a minute. */
export const DEFAULT_WAIT: Required<Omit<WaitOptions, 'signal'>> = { timeoutMs: 60_000, initialDelayMs: 1_000, maxDelayMs: 10_000 };

/** Refusals after which the cached eligibilities/constraints may be wrong. */
const STALE_CACHE_KINDS: ReadonlySet<PimErrorKind> = new Set(['notEligible', 'policyViolation', 'durationTooShort', 'notFound']);

export interface PimServiceOptions {
  /** Eligibility + constraints cache lifetime per user; 0 disables caching. */
  readonly cacheTtlMs?: number;
  readonly now?: () => number;
  /** Pause between waitUntilActive polls; tests pass one that advances a controllable clock. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class ProviderPimService implements PimService {
  /** Each user's eligibilities (no policies), and each eligibility's policy on its own: read as needed. */
  private readonly cache: TtlCache<Eligibility[]>;
  private readonly policies: TtlCache<Constraints>;
  /** The last listing of each user's open requests per surface, for readers that accept a recent one. */
  private readonly recentRequests = new Map<string, { readonly at: number; readonly requests: ActivationRequest[] }>();
  /** The last active listing of each user per surface (when it was started, the user's write count then). */
  private readonly recentActive = new Map<
    string,
    { readonly at: number; readonly seq: number; readonly listing: Promise<ActiveAssignment[]> }
  >();
  /** The last listing of each user's requests for one role (user|eligibility key), for the approval card's history. */
  private readonly recentRoles = new Map<string, { readonly at: number; readonly requests: ActivationRequest[] }>();
  /** Each user's writes through this service (count, last time), so a listing read across a write is not kept. */
  private readonly ownWrites = new Map<string, { readonly seq: number; readonly at: number }>();
  private readonly requestsTtlMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(
    private readonly providers: readonly PimProvider[],
    options: PimServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.cache = new TtlCache(options.cacheTtlMs ?? DEFAULT_ELIGIBILITY_TTL_MS, this.now);
    this.policies = new TtlCache(options.cacheTtlMs ?? DEFAULT_ELIGIBILITY_TTL_MS, this.now);
    this.requestsTtlMs = options.cacheTtlMs ?? DEFAULT_ELIGIBILITY_TTL_MS;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async listEligibilities(user: UserContext, options: EligibilityOptions = {}): Promise<EligibilityWithConstraints[]> {
    const all = await this.cache.get(cacheKey(user), () => this.loadEligibilities(user));
    const keys = options.only?.(all);
    const wanted = keys ? all.filter((e) => keys.includes(e.key)) : all;
    return this.withPolicies(user, wanted);
  }

  async listActive(user: UserContext, surface?: Surface, options: { readonly maxAgeMs?: number } = {}): Promise<ActiveAssignment[]> {
    const providers = surface ? this.providers.filter((p) => p.surface === surface) : this.providers;
    const perProvider = await Promise.all(providers.map((p) => this.activeOf(user, p, options.maxAgeMs ?? 0)));
    return perProvider.flat();
  }

  /**
   * One surface's active listing; a caller that accepts `maxAgeMs` shares one started that recently
   * (even still in flight), unless a write of the user's own came since (it may have changed it).
   */
  private async activeOf(user: UserContext, provider: PimProvider, maxAgeMs: number): Promise<ActiveAssignment[]> {
    const key = `${cacheKey(user)}|${provider.surface}`;
    const seq = this.writeSeq(user);
    const hit = this.recentActive.get(key);
    if (hit && maxAgeMs > 0 && hit.seq === seq && this.now() - hit.at <= maxAgeMs) return [...(await hit.listing)];
    const listing = provider.listActive(user);
    this.recentActive.set(key, { at: this.now(), seq, listing });
    listing.catch(() => {
      if (this.recentActive.get(key)?.listing === listing) this.recentActive.delete(key);
    });
    this.pruneRequests();
    return [...(await listing)];
  }

  async activate(user: UserContext, input: ActivationInput): Promise<ActivationRequest> {
    const { entry, provider } = await this.prepare(user, input);
    const key = `${cacheKey(user)}|${provider.surface}`;
    const listed = this.recentRequests.get(key);
    const seq = this.forgetRequests(user);
    const request = await this.dropCacheOnStaleRefusal(user, () => provider.activate(user, entry.eligibility, input));
    // The listing read before plus what this create added is the listing now, unless another write
    // of the user's came in between: kept at its old age, so "my roles" after an activation reads no more.
    if (listed && this.writeSeq(user) === seq) {
      this.recentRequests.set(key, {
        at: listed.at,
        requests: isOpenRequest(request, new Date(this.now())) ? [...listed.requests, request] : listed.requests,
      });
    }
    return request;
  }

  async validate(user: UserContext, input: ActivationInput): Promise<void> {
    const { entry, provider } = await this.prepare(user, input);
    await this.dropCacheOnStaleRefusal(user, () => provider.validate(user, entry.eligibility, input));
  }

  async activateMany(user: UserContext, inputs: readonly ActivationInput[]): Promise<ActivationOutcome[]> {
    // One listing for all items (cached), then the requests side by side: they are independent in PIM.
    return Promise.all(
      inputs.map(async (input): Promise<ActivationOutcome> => {
        try {
          return { ok: true, input, request: await this.activate(user, input) };
        } catch (e) {
          return { ok: false, input, error: isPimError(e) ? e : new PimError('unknown', 'Activation failed') };
        }
      }),
    );
  }

  async deactivate(user: UserContext, activeKey: string): Promise<ActivationRequest> {
    const { active, provider } = await this.findActive(user, activeKey);
    this.forgetRequests(user);
    return provider.deactivate(user, active);
  }

  async extend(user: UserContext, activeKey: string, input: ExtensionInput): Promise<ActivationRequest> {
    const { active, provider } = await this.findActive(user, activeKey);
    if (active.assignmentType === 'activated') {
      throw new PimError('invalidInput', 'PIM does not extend activations; activate again once it ends', {
        upstreamCode: 'ActivationNotExtendable',
      });
    }
    this.forgetRequests(user);
    return provider.extend(user, active, input);
  }

  async listRequests(user: UserContext, surface?: Surface, options: { readonly maxAgeMs?: number } = {}): Promise<ActivationRequest[]> {
    const providers = surface ? this.providers.filter((p) => p.surface === surface) : this.providers;
    const perProvider = await Promise.all(providers.map((p) => this.requestsOf(user, p, options.maxAgeMs ?? 0)));
    return perProvider.flat().sort((a, b) => a.startDateTime.getTime() - b.startDateTime.getTime());
  }

  async listRoleRequests(user: UserContext, eligibilityKey: string): Promise<ActivationRequest[] | undefined> {
    const surface = surfaceOfKey(eligibilityKey);
    const provider = surface && this.providers.find((p) => p.surface === surface);
    if (!provider?.listRoleRequests) return undefined;
    const all = await this.cache.get(cacheKey(user), () => this.loadEligibilities(user));
    const eligibility = all.find((e) => e.key === eligibilityKey);
    if (!eligibility) throw new PimError('notEligible', 'No such eligibility for this user');
    const requests = (await provider.listRoleRequests(user, eligibility)).sort(
      (a, b) => b.createdDateTime.getTime() - a.createdDateTime.getTime(),
    );
    this.recentRoles.set(`${cacheKey(user)}|${eligibilityKey}`, { at: this.now(), requests });
    this.pruneRequests();
    return [...requests];
  }

  recentRoleRequests(user: UserContext, eligibilityKey: string, maxAgeMs: number): ActivationRequest[] | undefined {
    const hit = this.recentRoles.get(`${cacheKey(user)}|${eligibilityKey}`);
    return hit && this.now() - hit.at <= maxAgeMs ? [...hit.requests] : undefined;
  }

  async cancel(user: UserContext, ref: RequestRef): Promise<void> {
    this.forgetRequests(user);
    await this.provider(ref.surface).cancel(user, ref.id);
  }

  getRequest(user: UserContext, ref: RequestRef): Promise<ActivationRequest> {
    return this.provider(ref.surface).getRequest(user, ref.id);
  }

  async waitUntilActive(user: UserContext, request: ActivationRequest, options: WaitOptions = {}): Promise<ActiveAssignment | null> {
    // Only an accepted request that starts now can become active without someone else acting.
    if (request.status !== 'provisioned' && request.status !== 'granted' && request.status !== 'pendingProvisioning') return null;
    if (request.startDateTime.getTime() > this.now() + 1_000) return null;
    const key = request.key ?? eligibilityKey(request.surface, request.scope.id, request.roleId);
    // 'Provisioned' with a start that has come: PIM has put the access in place (the assignment
    // exists when PIM says so), so no poll is needed. Only Granted / PendingProvisioning are waited for.
    if (request.status === 'provisioned') return activeFromRequest(request, key);
    const provider = this.provider(request.surface);
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT.timeoutMs;
    const maxDelayMs = options.maxDelayMs ?? DEFAULT_WAIT.maxDelayMs;
    const deadline = this.now() + timeoutMs;
    let delay = options.initialDelayMs ?? DEFAULT_WAIT.initialDelayMs;
    for (;;) {
      if (options.signal?.aborted) return null;
      const found = (await provider.listActive(user)).find((a) => a.key === key);
      if (found) return found;
      const left = deadline - this.now();
      if (left <= 0) return null;
      await this.sleep(Math.min(delay, left), options.signal);
      delay = Math.min(delay * 2, maxDelayMs);
    }
  }

  /** Forgets the user's cached eligibilities, e.g. when the bot learns they changed. */
  invalidate(user: UserContext): void {
    this.cache.delete(cacheKey(user));
    this.policies.deletePrefix(`${cacheKey(user)}|`);
    this.forgetRequests(user);
  }

  /** One surface's listing of the user's open requests: a recent one when the caller accepts its age. */
  private async requestsOf(user: UserContext, provider: PimProvider, maxAgeMs: number): Promise<ActivationRequest[]> {
    const key = `${cacheKey(user)}|${provider.surface}`;
    const hit = this.recentRequests.get(key);
    if (hit && maxAgeMs > 0 && this.now() - hit.at <= maxAgeMs) return [...hit.requests];
    const seq = this.writeSeq(user);
    const requests = await provider.listRequests(user);
    // A write of the user's own while this read was out makes it stale before it lands: not kept.
    if (this.writeSeq(user) === seq) {
      this.recentRequests.set(key, { at: this.now(), requests });
      this.pruneRequests();
    }
    return [...requests];
  }

  /** Drops the user's recent listings; answers the user's write count after this write. */
  private forgetRequests(user: UserContext): number {
    const userKey = cacheKey(user);
    const seq = this.writeSeq(user) + 1;
    this.ownWrites.set(userKey, { seq, at: this.now() });
    for (const p of this.providers) {
      this.recentRequests.delete(`${userKey}|${p.surface}`);
      this.recentActive.delete(`${userKey}|${p.surface}`);
    }
    return seq;
  }

  private writeSeq(user: UserContext): number {
    return this.ownWrites.get(cacheKey(user))?.seq ?? 0;
  }

  /** Keeps the maps to the users seen within the eligibility lifetime, so they cannot grow without bound. */
  private pruneRequests(): void {
    if (this.recentRequests.size + this.recentActive.size + this.recentRoles.size < 1_000) return;
    const horizon = this.now() - this.requestsTtlMs;
    for (const [key, entry] of this.recentRequests) if (entry.at < horizon) this.recentRequests.delete(key);
    for (const [key, entry] of this.recentRoles) if (entry.at < horizon) this.recentRoles.delete(key);
    for (const [key, entry] of this.recentActive) if (entry.at < horizon) this.recentActive.delete(key);
    // A read outlives no TTL (Graph and ARM calls time out long before), so older writes can't matter.
    for (const [key, w] of this.ownWrites) if (w.at < horizon) this.ownWrites.delete(key);
  }

  /** The cached eligibility + its provider, with the policy checked locally; nothing sent yet. */
  private async prepare(user: UserContext, input: ActivationInput): Promise<{ entry: EligibilityWithConstraints; provider: PimProvider }> {
    // The one policy this request needs, not every eligibility's.
    const entries = await this.listEligibilities(user, { only: () => [input.eligibilityKey] });
    const entry = entries.find((e) => e.eligibility.key === input.eligibilityKey);
    if (!entry) throw new PimError('notEligible', 'No such eligibility for this user');
    checkActivation(input, entry.constraints);
    const provider = this.providers.find((p) => p.surface === entry.eligibility.surface);
    if (!provider) throw new PimError('notEligible', 'No provider for this eligibility');
    return { entry, provider };
  }

  private async findActive(user: UserContext, activeKey: string): Promise<{ active: ActiveAssignment; provider: PimProvider }> {
    const surface = surfaceOfKey(activeKey);
    const provider = surface && this.providers.find((p) => p.surface === surface);
    if (!provider) throw new PimError('notFound', 'Nothing active under that key');
    const active = (await provider.listActive(user)).find((a) => a.key === activeKey);
    if (!active) throw new PimError('notFound', 'Nothing active under that key');
    return { active, provider };
  }

  private provider(surface: Surface): PimProvider {
    const provider = this.providers.find((p) => p.surface === surface);
    if (!provider) throw new PimError('notFound', `No provider for ${surface}`);
    return provider;
  }

  private async dropCacheOnStaleRefusal<T>(user: UserContext, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      // PIM disagreeing with what we cached means the cache is out of date (eligibility removed, policy changed).
      if (isPimError(e) && STALE_CACHE_KINDS.has(e.kind)) this.invalidate(user);
      throw e;
    }
  }

  private async loadEligibilities(user: UserContext): Promise<Eligibility[]> {
    return (await Promise.all(this.providers.map((provider) => provider.listEligibilities(user)))).flat();
  }

  /**
   * The policies of `eligibilities`, each cached on its own (the eligibility TTL): those not cached are
   * read together per provider (one JSON batch where the provider has one).
   */
  private async withPolicies(user: UserContext, eligibilities: readonly Eligibility[]): Promise<EligibilityWithConstraints[]> {
    const policyKey = (e: Eligibility) => `${cacheKey(user)}|${e.key}`;
    const batched = new Map<string, Promise<Constraints>>();
    for (const provider of this.providers) {
      const missing = eligibilities.filter((e) => e.surface === provider.surface && !this.policies.has(policyKey(e)));
      if (missing.length === 0 || !provider.getConstraintsMany) continue;
      const many = provider.getConstraintsMany(user, missing);
      missing.forEach((e, i) =>
        batched.set(
          policyKey(e),
          many.then((list) => {
            const c = list[i];
            if (!c || isPimError(c)) throw c ?? new PimError('unknown', 'No constraints for an eligibility');
            return c;
          }),
        ),
      );
    }
    return Promise.all(
      eligibilities.map(async (eligibility) => {
        const provider = this.providers.find((p) => p.surface === eligibility.surface);
        if (!provider) throw new PimError('notEligible', 'No provider for this eligibility');
        const constraints = await this.policies.get(
          policyKey(eligibility),
          () => batched.get(policyKey(eligibility)) ?? provider.getConstraints(user, eligibility),
        );
        return { eligibility, constraints };
      }),
    );
  }
}

function activeFromRequest(request: ActivationRequest, key: string): ActiveAssignment {
  return {
    key,
    surface: request.surface,
    roleId: request.roleId,
    roleName: request.roleName,
    scope: request.scope,
    principalId: request.principalId,
    startDateTime: request.startDateTime,
    endDateTime: request.endDateTime,
    assignmentType: 'activated',
  };
}

function cacheKey(user: UserContext): string {
  return `${user.tenantId}|${user.userId}`;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref?.();
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

// Microsoft Graph's identity-and-access throttling, as the emulator enforces it when switched on:
// per app+tenant a resource-unit quota per 10 s (by tenant size) and a write quota of 3,000 per
// 150 s; per tenant (all apps) 18,000 writes per 5 minutes. Sliding windows; a refused request is
// not charged (only the requests over the limit are throttled) and gets 429 + Retry-After = the
// time until it would fit. The per-app-across-all-tenants limits (150,000 units / 20 s, 70,000
// writes / 5 min) are left out: the emulator has one tenant, so the app+tenant limits bind first.
import { requestCost, type RequestCost } from './cost';
import { SlidingWindow } from './slidingWindow';

export type TenantSize = 'small' | 'medium' | 'large';

export interface ThrottlingSettings {
  /** S under 50 users, M 50-500, L above 500 (Microsoft's definition); default medium. */
  readonly tenantSize?: TenantSize;
  /**
   * Every window is this many times shorter (default 1 = Microsoft's windows), so a benchmark can
   * run the same pattern in less wall time. Limits are unchanged: the allowed rate is timeScale x.
   */
  readonly timeScale?: number;
  /** Every limit is multiplied by this (default 1), for benchmarks that must bind at a lower rate. */
  readonly quotaScale?: number;
  /**
   * false: timeScale and quotaScale apply to the write quotas only and the resource-unit quota stays
   * Microsoft's (default true). For a benchmark of the write quota's floor: a tiny unit bucket over a
   * tiny window would refuse bursts of reads the real 10-second bucket absorbs.
   */
  readonly scaleResourceUnits?: boolean;
}

/** Per app+tenant resource units per 10 s. */
export const RESOURCE_UNITS_PER_10S: Readonly<Record<TenantSize, number>> = { small: 3_500, medium: 5_000, large: 8_000 };
export const APP_TENANT_WRITES = { limit: 3_000, windowMs: 150_000 } as const;
export const TENANT_WRITES = { limit: 18_000, windowMs: 300_000 } as const;
const RESOURCE_UNIT_WINDOW_MS = 10_000;

export type ThrottleReason = 'ResourceUnitLimitExceeded' | 'WriteLimitExceeded';

export type ThrottleDecision =
  | { readonly allowed: true; readonly cost: RequestCost }
  | {
      readonly allowed: false;
      readonly cost: RequestCost;
      readonly retryAfterMs: number;
      readonly reason: ThrottleReason;
      /** x-ms-throttle-scope: `<Scope>/<Limit>/<ApplicationId>/<TenantId>`. */
      readonly scope: string;
    };

export interface ThrottlingStats {
  readonly requests: number;
  readonly resourceUnits: number;
  /** Writes that were let through (refused ones cost nothing). */
  readonly writes: number;
  readonly throttled: number;
  readonly throttledWrites: number;
  readonly throttledByReason: Readonly<Record<ThrottleReason, number>>;
  /** Writes let through by method and path (ids as {id}): which requests spend the write quota. */
  readonly writesByPath: Readonly<Record<string, number>>;
}

interface Caller {
  /** The token's appid/azp: delegated (on-behalf-of) calls count against the app too. */
  readonly appId: string;
  readonly tenantId: string;
}

interface Limit {
  readonly window: SlidingWindow;
  readonly reason: ThrottleReason;
  readonly scope: string;
  readonly charge: (c: RequestCost) => number;
}

export class GraphThrottling {
  private settings: Required<ThrottlingSettings> | undefined;
  private windows = new Map<string, SlidingWindow>();
  private counters = emptyStats();

  constructor(private readonly now: () => number) {}

  get enabled(): boolean {
    return this.settings !== undefined;
  }

  /** Switches the quotas on with empty windows (again: starts over with the new settings). */
  enable(settings: ThrottlingSettings = {}): void {
    const timeScale = settings.timeScale ?? 1;
    const quotaScale = settings.quotaScale ?? 1;
    if (!(timeScale > 0 && Number.isFinite(timeScale))) throw new RangeError('throttling timeScale must be a positive number');
    if (!(quotaScale > 0 && Number.isFinite(quotaScale))) throw new RangeError('throttling quotaScale must be a positive number');
    const tenantSize = settings.tenantSize ?? 'medium';
    if (!(tenantSize in RESOURCE_UNITS_PER_10S)) throw new RangeError('throttling tenantSize must be small, medium or large');
    this.settings = { tenantSize, timeScale, quotaScale, scaleResourceUnits: settings.scaleResourceUnits ?? true };
    this.windows = new Map();
    this.counters = emptyStats();
  }

  disable(): void {
    this.settings = undefined;
    this.windows = new Map();
  }

  stats(): ThrottlingStats {
    return { ...this.counters, throttledByReason: { ...this.counters.throttledByReason }, writesByPath: { ...this.counters.writesByPath } };
  }

  /** Decides one Graph request and, when it is let through, charges it to every window it counts in. */
  admit(caller: Caller, method: string, path: string, rawQuery: string): ThrottleDecision {
    const cost = requestCost(method, path, rawQuery);
    if (!this.settings) return { allowed: true, cost };
    const now = this.now();
    const limits = this.limitsFor(caller, this.settings);
    let worst: { limit: Limit; waitMs: number } | undefined;
    for (const limit of limits) {
      const waitMs = limit.window.waitMs(now, limit.charge(cost));
      if (waitMs > 0 && (!worst || waitMs > worst.waitMs)) worst = { limit, waitMs };
    }
    const c = this.counters;
    if (worst) {
      c.throttled++;
      if (cost.writes > 0) c.throttledWrites++;
      c.throttledByReason[worst.limit.reason]++;
      return { allowed: false, cost, retryAfterMs: worst.waitMs, reason: worst.limit.reason, scope: worst.limit.scope };
    }
    for (const limit of limits) limit.window.charge(now, limit.charge(cost));
    c.requests++;
    c.resourceUnits += cost.resourceUnits;
    c.writes += cost.writes;
    if (cost.writes > 0) {
      const key = `${method.toUpperCase()} ${path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '{id}')}`;
      c.writesByPath[key] = (c.writesByPath[key] ?? 0) + cost.writes;
    }
    return { allowed: true, cost };
  }

  private limitsFor(caller: Caller, s: Required<ThrottlingSettings>): Limit[] {
    const scaled = (limit: number, windowMs: number) => ({
      limit: Math.max(1, Math.round(limit * s.quotaScale)),
      windowMs: windowMs / s.timeScale,
    });
    const units = RESOURCE_UNITS_PER_10S[s.tenantSize];
    const appTenant = `${caller.appId}/${caller.tenantId}`;
    return [
      this.limit(
        `units|${appTenant}`,
        s.scaleResourceUnits ? scaled(units, RESOURCE_UNIT_WINDOW_MS) : { limit: units, windowMs: RESOURCE_UNIT_WINDOW_MS },
        'ResourceUnitLimitExceeded',
        `Tenant_Application/ReadWrite/${appTenant}`,
        (x) => x.resourceUnits,
      ),
      this.limit(
        `writes|${appTenant}`,
        scaled(APP_TENANT_WRITES.limit, APP_TENANT_WRITES.windowMs),
        'WriteLimitExceeded',
        `Tenant_Application/Write/${appTenant}`,
        (x) => x.writes,
      ),
      this.limit(
        `writes|${caller.tenantId}`,
        scaled(TENANT_WRITES.limit, TENANT_WRITES.windowMs),
        'WriteLimitExceeded',
        `Tenant/Write/${caller.appId}/${caller.tenantId}`,
        (x) => x.writes,
      ),
    ];
  }

  private limit(
    key: string,
    size: { limit: number; windowMs: number },
    reason: ThrottleReason,
    scope: string,
    charge: (c: RequestCost) => number,
  ): Limit {
    let window = this.windows.get(key);
    if (!window) {
      window = new SlidingWindow(size.limit, size.windowMs);
      this.windows.set(key, window);
    }
    return { window, reason, scope, charge };
  }
}

function emptyStats(): {
  requests: number;
  resourceUnits: number;
  writes: number;
  throttled: number;
  throttledWrites: number;
  throttledByReason: Record<ThrottleReason, number>;
  writesByPath: Record<string, number>;
} {
  return {
    requests: 0,
    resourceUnits: 0,
    writes: 0,
    throttled: 0,
    throttledWrites: 0,
    throttledByReason: { ResourceUnitLimitExceeded: 0, WriteLimitExceeded: 0 },
    writesByPath: {},
  };
}

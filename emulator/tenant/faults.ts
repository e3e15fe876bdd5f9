// Fault injection: throttling (429 + Retry-After), outages (503) and added latency, per test.

export interface FaultRule {
  /** HTTP method to match (case-insensitive); omitted = any. */
  method?: string;
  /** Regular expression tested against the request path (without query); omitted = any path. */
  path?: RegExp | string;
  kind: 'throttle' | 'unavailable' | 'latency';
  /** For 'throttle': the Retry-After value in seconds (default 1). */
  retryAfterSeconds?: number;
  /** For 'latency': added delay before the normal answer. */
  latencyMs?: number;
  /** Chance (0..1) that a matching request is affected; default 1. */
  probability?: number;
  /** Affect at most this many matching requests, then the rule retires; default unlimited. */
  count?: number;
}

export type FaultOutcome =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'throttle'; latencyMs: number; retryAfterSeconds: number }
  | { kind: 'unavailable'; latencyMs: number };

export interface Faults {
  add(f: FaultRule): void;
  clear(): void;
  /** Decides what happens to one request; consumes counts. */
  decide(method: string, path: string): FaultOutcome;
}

interface ActiveRule {
  rule: FaultRule;
  pattern: RegExp | undefined;
  remaining: number;
}

export function createFaults(random: () => number = Math.random): Faults {
  let rules: ActiveRule[] = [];
  return {
    add(f) {
      validateRule(f);
      const pattern = f.path === undefined ? undefined : f.path instanceof RegExp ? f.path : new RegExp(f.path);
      rules.push({ rule: { ...f }, pattern, remaining: f.count ?? Number.POSITIVE_INFINITY });
    },
    clear() {
      rules = [];
    },
    decide(method, path) {
      let latencyMs = 0;
      for (const r of rules) {
        if (r.remaining <= 0) continue;
        if (r.rule.method && r.rule.method.toUpperCase() !== method.toUpperCase()) continue;
        if (r.pattern && !r.pattern.test(path)) continue;
        if (random() >= (r.rule.probability ?? 1)) continue;
        r.remaining -= 1;
        if (r.rule.kind === 'latency') {
          latencyMs += r.rule.latencyMs ?? 0;
          continue;
        }
        // The first failing rule wins; latency rules before it still apply.
        if (r.rule.kind === 'throttle') return { kind: 'throttle', latencyMs, retryAfterSeconds: r.rule.retryAfterSeconds ?? 1 };
        return { kind: 'unavailable', latencyMs };
      }
      rules = rules.filter((r) => r.remaining > 0);
      return { kind: 'none', latencyMs };
    },
  };
}

function validateRule(f: FaultRule): void {
  if (!['throttle', 'unavailable', 'latency'].includes(f.kind)) throw new TypeError(`fault kind must be throttle, unavailable or latency`);
  if (f.probability !== undefined && !(f.probability >= 0 && f.probability <= 1))
    throw new RangeError('fault probability must be within 0..1');
  if (f.count !== undefined && !(Number.isInteger(f.count) && f.count > 0)) throw new RangeError('fault count must be a positive integer');
  if (f.latencyMs !== undefined && !(f.latencyMs >= 0)) throw new RangeError('fault latencyMs must be >= 0');
}

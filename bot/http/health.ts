// Probes for App Service / Container Apps: /healthz says the process answers; /readyz says the
// bot can do its work (state storage, the token endpoint and Graph reachable), each check with a
// short timeout. The answer names the checks and their outcome only: no URLs, no error texts.

export interface ReadinessCheck {
  readonly name: string;
  run(signal: AbortSignal): Promise<void>;
}

export interface Readiness {
  readonly ready: boolean;
  readonly checks: Record<string, 'ok' | 'failed' | 'timeout'>;
}

export async function checkReadiness(checks: readonly ReadinessCheck[], timeoutMs: number): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async (check): Promise<[string, 'ok' | 'failed' | 'timeout']> => {
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => {
          controller.abort();
          resolve('timeout');
        }, timeoutMs);
      });
      try {
        const outcome = await Promise.race([
          check.run(controller.signal).then(
            () => 'ok' as const,
            () => 'failed' as const,
          ),
          timeout,
        ]);
        return [check.name, outcome];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const byName = Object.fromEntries(results);
  return { ready: results.every(([, r]) => r === 'ok'), checks: byName };
}

/**
 * Reachability of an HTTPS endpoint: any answer below 500 (including 401 for a call without a
 * token) means the service is there. A probe, not an API call: the SDK clients do the real work.
 */
export function httpReachable(name: string, url: string, fetchImpl: typeof fetch = fetch): ReadinessCheck {
  return {
    name,
    async run(signal) {
      const response = await fetchImpl(url, { method: 'GET', signal, redirect: 'manual' });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 500) throw new Error(`${name} answered ${response.status}`);
    },
  };
}

/**
 * /readyz is public: every call would otherwise fan out to storage, the token endpoint and Graph.
 * Callers within `ttlMs` of the last completed check get its result, and callers while a check runs
 * share it, so however often the probe is hit the dependencies see at most one check per period.
 * `onChecked` runs once per real check (to log a failure once, not once per caller).
 */
export function cachedReadiness(
  check: () => Promise<Readiness>,
  options: { readonly ttlMs: number; readonly clock?: () => number; readonly onChecked?: (readiness: Readiness) => void },
): () => Promise<Readiness> {
  const clock = options.clock ?? (() => performance.now());
  let last: { readonly at: number; readonly readiness: Readiness } | undefined;
  let running: Promise<Readiness> | undefined;
  return () => {
    if (last && clock() - last.at < options.ttlMs) return Promise.resolve(last.readiness);
    running ??= check()
      .then((readiness) => {
        last = { at: clock(), readiness };
        options.onChecked?.(readiness);
        return readiness;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
}

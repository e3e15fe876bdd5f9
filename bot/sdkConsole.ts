// botbuilder's CloudAdapter and botframework-connector report a refused request with console.error
// (the AuthenticationError with its stack, on every 401). While the adapter processes a request,
// those console calls are routed to the bot's JSON logger at warn level, as name and message only
// (redacted like every log line); any other console use is left alone.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../dialogs/deps';
import { redact } from './logging';

const sdkScope = new AsyncLocalStorage<Logger>();
const ROUTED = Symbol('pimbot.sdkConsole');
const METHODS = ['error', 'warn'] as const;

/** Runs `fn` (the adapter's processing of one request) with the SDK's console output going to `logger`. */
export function withSdkConsole<T>(logger: Logger, fn: () => T): T {
  for (const method of METHODS) route(method);
  return sdkScope.run(logger, fn);
}

/** Wraps console[method] once; outside an SDK scope the wrapped function is called as before. */
function route(method: (typeof METHODS)[number]): void {
  const current = console[method] as ((...args: unknown[]) => void) & { [ROUTED]?: true };
  if (current[ROUTED]) return;
  const routed = Object.assign(
    (...args: unknown[]) => {
      const logger = sdkScope.getStore();
      if (!logger) return current.apply(console, args);
      logger.warn('the Bot Framework SDK reported a problem', { sdk: describe(args) });
    },
    { [ROUTED]: true as const },
  );
  console[method] = routed;
}

/** Names and messages only: a stack or an attached request may carry headers. */
function describe(args: readonly unknown[]): string {
  return args
    .map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === 'string' ? a : typeof a))
    .map((s) => redact(s))
    .join(' ')
    .slice(0, 500);
}

// What belongs to the turn being processed, reachable from anywhere below the adapter without
// threading it through every call: the correlation id for the logs and the turn's context (the
// production SSO token source needs the turn's UserTokenClient).
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';

export interface TurnScope {
  readonly correlationId: string;
  readonly context?: TurnContext;
}

const storage = new AsyncLocalStorage<TurnScope>();

export function runInScope<T>(scope: Partial<TurnScope>, fn: () => T): T {
  return storage.run({ correlationId: scope.correlationId ?? randomUUID(), ...(scope.context ? { context: scope.context } : {}) }, fn);
}

export function currentScope(): TurnScope | undefined {
  return storage.getStore();
}

// Telling the user that a PIM call failed, and logging it without anything secret.
import { MessageFactory, type TurnContext } from 'botbuilder';
import { infoCard } from '../cards/views';
import type { DialogDeps } from './deps';
import { describeFailure } from './errorMessages';
import { isPendingRequestConflict, isPimError } from '../services/pim/errors';

export async function sendFailure(context: TurnContext, deps: DialogDeps, error: unknown, roleName?: string): Promise<void> {
  const message = describeFailure(error, roleName);
  deps.logger.warn('PIM call failed', errorFields(error));
  await context.sendActivity(MessageFactory.attachment(infoCard({ ...message, tone: isInformation(error) ? 'info' : 'error' })));
}

/** "Already active" is information for the user, not something that went wrong. */
function isInformation(error: unknown): boolean {
  return isPimError(error) && error.kind === 'alreadyActive' && !isPendingRequestConflict(error);
}

/**
 * Only what helps diagnose: kind, upstream code, rules; for a non-PIM failure (a bug) its name and
 * message. Never bodies or stacks; the logger masks anything token-shaped that a message might hold.
 */
function errorFields(error: unknown): Record<string, unknown> {
  if (error && typeof error === 'object' && 'kind' in error) {
    const e = error as { kind: unknown; details?: { upstreamCode?: unknown; rules?: unknown } };
    return { kind: e.kind, upstreamCode: e.details?.upstreamCode, rules: e.details?.rules };
  }
  if (error instanceof Error) return { error: error.name, message: error.message.slice(0, 300) };
  return { error: typeof error };
}

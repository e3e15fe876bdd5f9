// After PIM accepted an activation: say when the access is actually in place. A short wait inside
// the turn covers the usual case; beyond that the wait goes on after the turn and the message
// goes out proactively through the stored conversation reference.
import { MessageFactory, TurnContext } from 'botbuilder';
import { infoCard } from '../../cards/views';
import { cardTime } from '../../cards/format';
import type { ActivationRequest, ActiveAssignment, UserContext } from '../../services/pim/model';
import type { DialogDeps } from '../deps';

export const DEFAULT_IN_TURN_WAIT_MS = 2_000;
/** How long to keep watching after the turn; PIM usually takes seconds, rarely minutes. */
export const FOLLOW_UP_TIMEOUT_MS = 5 * 60_000;

const TIMED_OUT = Symbol('timedOut');

export async function followUpActivations(
  context: TurnContext,
  deps: DialogDeps,
  user: UserContext,
  granted: ReadonlyArray<{ readonly request: ActivationRequest; readonly label: string }>,
  /** False when the caller's own result already says so (one item, shown after the wait). */
  announceInTurn = true,
): Promise<Set<string>> {
  const inPlace = new Set<string>();
  const reference = TurnContext.getConversationReference(context.activity);
  const now = deps.now();
  // Waiting for approval or a later start can't become active now; those are followed elsewhere.
  const watch = granted.filter(
    (g) =>
      ['provisioned', 'granted', 'pendingProvisioning'].includes(g.request.status) &&
      g.request.startDateTime.getTime() <= now.getTime() + 60_000,
  );
  await Promise.all(
    watch.map(async ({ request, label }) => {
      const waiting = deps.pim.waitUntilActive(user, request, { timeoutMs: FOLLOW_UP_TIMEOUT_MS }).catch((error: unknown) => {
        deps.logger.warn('waiting for an activation failed', { kind: (error as { kind?: unknown }).kind });
        return null;
      });
      let timer: NodeJS.Timeout | undefined;
      const inTurn = await Promise.race([
        waiting,
        new Promise<typeof TIMED_OUT>(
          (resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), deps.inTurnWaitMs ?? DEFAULT_IN_TURN_WAIT_MS)),
        ),
      ]);
      clearTimeout(timer);
      if (inTurn !== TIMED_OUT) {
        if (inTurn) {
          inPlace.add(request.id);
          if (announceInTurn) await context.sendActivity(inPlaceMessage(label, inTurn));
          deps.reminders.track(reference, user, [inTurn], { [inTurn.key]: label });
        }
        return;
      }
      const proactive = deps.proactive;
      void waiting
        .then(async (active) => {
          if (!active) return;
          await proactive.send(reference, inPlaceMessage(label, active));
          deps.reminders.track(reference, user, [active], { [active.key]: label });
        })
        .catch((error: unknown) => deps.logger.warn('could not send the follow-up', { error: (error as Error)?.name }));
    }),
  );
  return inPlace;
}

function inPlaceMessage(label: string, active: ActiveAssignment) {
  const until = active.endDateTime ? ` until ${cardTime(active.endDateTime)}` : '';
  return MessageFactory.attachment(
    infoCard({ title: `${label} is in place`, text: `Your access is active now${until}.`, tone: 'success' }),
  );
}

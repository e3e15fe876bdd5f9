// Check before asking: a role the user already holds, or has a request waiting for, is answered at
// once (until when, on which scope, what can be done) instead of asking a duration and a reason that
// PIM would then refuse. Plain JSON, so a draft that carries it survives a restart.
import { TurnContext } from 'botbuilder';
import { eligibilityKey, type ActivationRequest, type ActiveAssignment, type Surface, type UserContext } from '../../services/pim/model';
import { comparableTarget } from '../../services/pim/pendingActivation';
import type { DialogDeps } from '../deps';
import type { Held } from '../../cards/heldViews';

export type { Held };

/** Held items by comparable key (see comparableTarget). */
export type HeldMap = Record<string, Held>;

/** What the user holds and has waiting, read from PIM; empty when PIM can't say (the create is still refused). */
export async function readHeld(
  deps: DialogDeps,
  user: UserContext,
  surfaces?: readonly Surface[],
): Promise<{ held: HeldMap; requests: ActivationRequest[]; active: ActiveAssignment[] }> {
  const listed = (surface?: Surface) => deps.pim.listRequests(user, surface).catch(() => [] as ActivationRequest[]);
  const held = (surface?: Surface) => deps.pim.listActive(user, surface).catch(() => [] as ActiveAssignment[]);
  // Only the surfaces asked about, when known: a role named outright costs no read of the others.
  const each = <T>(read: (surface?: Surface) => Promise<T[]>): Promise<T[]> =>
    surfaces ? Promise.all([...new Set(surfaces)].map((s) => read(s))).then((l) => l.flat()) : read();
  const [active, requests] = await Promise.all([each(held), each(listed)]);
  const mine = requests.filter((r) => r.principalId.toLowerCase() === user.userId.toLowerCase());
  return { held: heldFrom(active, mine, deps.now()), requests: mine, active };
}

/** The request a pending Held names, from a listing. */
export function heldRequest(requests: readonly ActivationRequest[], held: Held): ActivationRequest | undefined {
  return held.kind === 'pending' ? requests.find((r) => r.id === held.requestId && r.surface === held.surface) : undefined;
}

export function heldFrom(active: readonly ActiveAssignment[], requests: readonly ActivationRequest[], now: Date): HeldMap {
  const held: HeldMap = {};
  for (const r of requests) {
    if ((r.action ?? 'activate') !== 'activate') continue;
    const waiting =
      r.status === 'pendingApproval'
        ? 'approval'
        : r.startDateTime.getTime() > now.getTime() &&
            r.status !== 'denied' &&
            r.status !== 'canceled' &&
            r.status !== 'failed' &&
            r.status !== 'revoked'
          ? 'scheduled'
          : undefined;
    if (!waiting) continue;
    held[comparableTarget(r.key ?? eligibilityKey(r.surface, r.scope.id, r.roleId))] = {
      kind: 'pending',
      requestId: r.id,
      surface: r.surface,
      waitingFor: waiting,
      since: r.createdDateTime.toISOString(),
      start: r.startDateTime.toISOString(),
    };
  }
  // Something already active says more than a request about it.
  for (const a of active) {
    if (a.endDateTime !== null && a.endDateTime.getTime() <= now.getTime()) continue;
    held[comparableTarget(a.key)] = {
      kind: 'active',
      end: a.endDateTime?.toISOString() ?? null,
      scopeName: a.scope.displayName,
      activated: a.assignmentType === 'activated',
    };
  }
  return held;
}

export function heldFor(map: HeldMap | undefined, key: string): Held | undefined {
  return map?.[comparableTarget(key)];
}

/** The reminder the "already active" answer promises (shortly before the end, with a button to activate it again). */
export function remindOf(
  context: TurnContext,
  deps: DialogDeps,
  user: UserContext,
  active: readonly ActiveAssignment[],
  items: ReadonlyArray<{ key: string; label: string }>,
): void {
  const wanted = new Map(items.map((i) => [comparableTarget(i.key), i]));
  const mine = active.filter((a) => wanted.has(comparableTarget(a.key)) && a.assignmentType === 'activated');
  if (mine.length === 0) return;
  deps.reminders.track(
    TurnContext.getConversationReference(context.activity),
    user,
    mine,
    Object.fromEntries(mine.map((a) => [a.key, wanted.get(comparableTarget(a.key))!.label])),
  );
}

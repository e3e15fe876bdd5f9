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

/** An item the check before asking is about: its key, its surface and whether its policy asks for approval. */
export interface HeldItem {
  readonly key: string;
  readonly surface: Surface;
  readonly requiresApproval: boolean;
}

/**
 * What the user holds and has waiting, read from PIM; empty when PIM can't say (the create is still
 * refused). Without `items`, every surface's active access and open requests; with them, only theirs.
 */
export async function readHeld(
  deps: DialogDeps,
  user: UserContext,
  items?: readonly HeldItem[],
): Promise<{ held: HeldMap; requests: ActivationRequest[]; active: ActiveAssignment[] }> {
  const listed = (surface?: Surface) => deps.pim.listRequests(user, surface).catch(() => [] as ActivationRequest[]);
  const held = (surface?: Surface) => deps.pim.listActive(user, surface).catch(() => [] as ActiveAssignment[]);
  // Only the surfaces asked about, when known: a role named outright costs no read of the others.
  const surfaces = items && [...new Set(items.map((i) => i.surface))];
  const [active, requests] = await Promise.all([
    surfaces ? Promise.all(surfaces.map((s) => held(s))).then((l) => l.flat()) : held(),
    items ? waitingFor(deps, user, items, listed) : listed(),
  ]);
  const mine = requests.filter((r) => r.principalId.toLowerCase() === user.userId.toLowerCase());
  return { held: heldFrom(active, mine, deps.now()), requests: mine, active };
}

/**
 * The requests that may be waiting for `items`. A role whose policy asks for approval: its own requests of
 * every status, one read that also holds the history the approval card shows (PimService keeps it for a
 * minute), where the surface can narrow to one role; else the surface's open requests.
 *
 * A role whose policy needs no approval is not read for: it can only have a request waiting in a passing
 * or rare state (a Granted one switching on within seconds, one scheduled for a later start, one made
 * before the policy changed), and PIM's create refuses each of those, writing nothing: RoleAssignmentExists
 * for an assignment in force or scheduled, PendingRoleAssignmentRequest for one still awaiting approval.
 * The bot answers both with what is there (submit.ts reads it then, alreadyWaiting.ts takes the waiting
 * one over), so the read would only move that answer earlier, for every activation of such a role.
 */
async function waitingFor(
  deps: DialogDeps,
  user: UserContext,
  items: readonly HeldItem[],
  listed: (surface?: Surface) => Promise<ActivationRequest[]>,
): Promise<ActivationRequest[]> {
  const approved = items.filter((i) => i.requiresApproval);
  const perRole = await Promise.all(
    approved.map(async (i) => ({ item: i, requests: await deps.pim.listRoleRequests(user, i.key).catch(() => undefined) })),
  );
  // A surface that cannot narrow to one role (or whose read failed) is read as before, once.
  const surfaces = [...new Set(perRole.filter((r) => r.requests === undefined).map((r) => r.item.surface))];
  const rest = await Promise.all(surfaces.map((s) => listed(s)));
  return [...perRole.flatMap((r) => r.requests ?? []), ...rest.flat()];
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

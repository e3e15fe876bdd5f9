// Sending a checked plan to PIM: one activateMany for every item, then a result per item, and a
// step-up sign-in for the items whose policy wants a stronger token (PIM refused those, creating nothing).
// The step-up callback (bot/auth) calls submitPlanned again with the claims once the user signed in.
import { MessageFactory, type TurnContext } from 'botbuilder';
import { activationResultCard, resultsCard, signInCard, type ResultItemView, type Tone } from '../../cards/views';
import { cardTime, startsLater, zonedDateTime } from '../../cards/format';
import { heldCard, noticeCard, NO_EXTEND_LINE, type Held } from '../../cards/heldViews';
import { heldFor, readHeld, remindOf } from './held';
import { isPendingRequestConflict, isPimError, stepUpDemand, type PimError, type StepUpDemand } from '../../services/pim/errors';
import type { ActivationInput, ActivationOutcome, ActivationRequest, Constraints, UserContext } from '../../services/pim/model';
import type { DialogDeps } from '../deps';
import { itemFailure } from '../errorMessages';
import { sendFailure } from '../failure';
import { resolveWaiting, type ItemOutcome } from './alreadyWaiting';
import type { PlannedItem, RefusedItem } from './plan';
import { followUpActivations } from './followUp';
import { inTurnReply } from '../approvals/inTurnReply';

export interface SubmitItem {
  readonly key: string;
  readonly label: string;
  readonly input: ActivationInput;
  readonly note?: string;
  /** The item's policy, for naming approvers on the result. */
  readonly constraints?: Constraints;
}

export function toSubmitItems(planned: readonly PlannedItem[]): SubmitItem[] {
  return planned.map((p) => ({
    key: p.choice.key,
    label: p.choice.label,
    input: p.input,
    constraints: p.choice.constraints,
    ...(p.note ? { note: p.note } : {}),
  }));
}

/**
 * Submits every item, asks for a step-up where PIM wants one; one result per item.
 *
 * PIM's dry run (isValidationOnly / ARM validate) is not sent first: it could not change the outcome.
 * It exists to surface policy refusals (MFA or authentication context, justification, ticket,
 * duration, already active, a request already waiting) before the create; the create answers every
 * one of them with the same error and writes nothing when it refuses, and each item is its own
 * request (one refused item does not stop the others). So the create's answer is sorted exactly as
 * the dry run's was, for one request upstream instead of two — the write quota Graph enforces per
 * app and tenant counts both.
 */
export async function checkAndSubmit(
  context: TurnContext,
  deps: DialogDeps,
  user: UserContext,
  items: readonly SubmitItem[],
  refused: readonly RefusedItem[],
): Promise<void> {
  prepareApprovals(deps, user, items);
  const outcomes = await activateAll(deps, user, items);
  if ('failure' in outcomes) {
    // The whole call failed (not one item): as a single refused item is told.
    if (items.length === 1 && refused.length === 0) {
      await sendFailure(context, deps, outcomes.failure, items[0]!.label);
      return;
    }
  }
  const checks = items.map((item, i) => {
    const o = 'failure' in outcomes ? { ok: false as const, input: item.input, error: outcomes.failure } : outcomes.list[i]!;
    return { item, outcome: o, error: o.ok ? undefined : o.error };
  });
  const ready = checks.filter((c) => c.error === undefined).map((c) => c.item);
  const stepUp = checks.flatMap((c) => {
    const demand = stepUpDemand(c.error);
    return demand ? [{ ...c, demand }] : [];
  });
  // A request for it already waits for approval: resolved along with the submitted ones (see alreadyWaiting.ts).
  const waiting = deps.approvals?.adopt ? checks.filter((c) => isPendingRequestConflict(c.error)) : [];
  // Already active: information (until when, on which scope), not a failure.
  const already = checks.filter((c) => isAlreadyActive(c.error));
  const failed = checks.filter(
    (c) => c.error !== undefined && !stepUp.some((s) => s.item === c.item) && !waiting.includes(c) && !already.includes(c),
  );
  const read = already.length > 0 ? await readHeld(deps, user) : undefined;
  const held = read?.held ?? {};
  if (read)
    remindOf(
      context,
      deps,
      user,
      read.active,
      already.map((a) => a.item),
    );

  if (items.length === 1 && refused.length === 0 && already.length === 1) {
    const item = already[0]!.item;
    const found = heldFor(held, item.key);
    await context.sendActivity(
      MessageFactory.attachment(
        found
          ? heldCard({ key: item.key, label: item.label, held: found, now: deps.now() })
          : noticeCard({
              title: `${item.label} is already active`,
              text: 'PIM already has it active for you. Nothing new was requested.',
              hint: NO_EXTEND_LINE,
            }),
      ),
    );
    return;
  }
  // A single item that PIM refuses gets the full explanation; a results card of one row would say less.
  if (items.length === 1 && refused.length === 0 && failed.length === 1) {
    await sendFailure(context, deps, failed[0]!.error, items[0]!.label);
    return;
  }
  const preface: ResultItemView[] = [
    ...refused.map((r) => ({ label: r.choice.label, status: 'Not requested', detail: r.reason, tone: 'error' as Tone })),
    ...already.map((a) => alreadyRow(a.item, heldFor(held, a.item.key))),
    ...failed.map((f) => ({ label: f.item.label, status: 'Not requested', detail: itemFailure(f.error), tone: 'error' as Tone })),
  ];
  const created = checks.flatMap((c) => (c.outcome.ok ? [c.outcome] : []));
  await reportOutcomes(
    context,
    deps,
    user,
    ready,
    created,
    preface,
    waiting.map((w) => ({ item: w.item, error: w.error as PimError })),
  );

  if (stepUp.length > 0 && !deps.stepUp) {
    await sendFailure(context, deps, stepUp[0]!.error, stepUp.map((s) => s.item.label).join(', '));
    return;
  }
  // One sign-in per claims challenge and API (an Azure role's token is for ARM, the others' for Graph).
  for (const group of stepUpGroups(stepUp)) {
    const names = group.map((g) => g.item.label).join(', ');
    const { claims, resource } = group[0]!.demand;
    const url = await deps.stepUp!.begin(context, user, {
      inputs: group.map((g) => ({ ...g.item.input, claims })),
      labels: Object.fromEntries(group.map((g) => [g.item.key, g.item.label])),
      claims,
      resource,
    });
    await context.sendActivity(
      MessageFactory.attachment(
        signInCard({
          title: `${names} needs a stronger sign-in`,
          text: "Its policy asks for an extra sign-in check before it can be activated. Sign in, and I'll send the request as soon as you're back.",
          hint: 'The link works once, for you only, for 10 minutes. Nothing has been requested yet for this role.',
          url,
        }),
      ),
    );
  }
}

function stepUpGroups<T extends { readonly item: SubmitItem; readonly demand: StepUpDemand }>(items: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const i of items) {
    const key = `${i.demand.resource}|${i.demand.claims}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  return [...groups.values()];
}

/**
 * activateMany for the ready items and the per-item result (with any earlier refusals listed first).
 * `waiting`: items PIM's dry run already refused because a request for them waits for approval.
 */
export async function submitPlanned(
  context: TurnContext,
  deps: DialogDeps,
  user: UserContext,
  ready: readonly SubmitItem[],
  preface: readonly ResultItemView[] = [],
  waiting: ReadonlyArray<{ readonly item: SubmitItem; readonly error: PimError }> = [],
): Promise<void> {
  let created: ActivationOutcome[] = [];
  if (ready.length > 0) {
    const outcomes = await activateAll(deps, user, ready);
    if ('failure' in outcomes) {
      created = ready.map((r) => ({ ok: false, input: r.input, error: outcomes.failure as never }));
      if (preface.length === 0 && ready.length === 1 && waiting.length === 0) {
        await sendFailure(context, deps, outcomes.failure, ready[0]!.label);
        return;
      }
    } else created = outcomes.list;
  }
  await reportOutcomes(context, deps, user, ready, created, preface, waiting);
}

/** activateMany reports per item; a throw is a failure of the whole call (e.g. PIM unreachable). */
async function activateAll(
  deps: DialogDeps,
  user: UserContext,
  items: readonly SubmitItem[],
): Promise<{ list: ActivationOutcome[] } | { failure: unknown }> {
  if (items.length === 0) return { list: [] };
  try {
    return {
      list: await deps.pim.activateMany(
        user,
        items.map((r) => r.input),
      ),
    };
  } catch (failure) {
    return { failure };
  }
}

/** The result of created (or refused) requests, one per item, after any earlier refusals. */
async function reportOutcomes(
  context: TurnContext,
  deps: DialogDeps,
  user: UserContext,
  ready: readonly SubmitItem[],
  created: ActivationOutcome[],
  preface: readonly ResultItemView[],
  waiting: ReadonlyArray<{ readonly item: SubmitItem; readonly error: PimError }>,
): Promise<void> {
  const items = [...ready, ...waiting.map((w) => w.item)];
  const outcomes = await resolveWaiting(deps, user, [
    ...created,
    ...waiting.map((w): ActivationOutcome => ({ ok: false, input: w.item.input, error: w.error })),
  ]);
  const granted = outcomes.flatMap((o, i) => (o.ok ? [{ request: o.request, label: items[i]!.label }] : []));
  if (preface.length === 0 && outcomes.length === 1) {
    const [outcome] = outcomes;
    if (outcome!.ok && outcome.request.status === 'pendingApproval' && deps.approvals) {
      await toApprovals(context, deps, user, outcome);
    } else if (outcome!.ok) {
      // One item: wait (briefly) first, so the one result card can say the access is in place.
      // A scheduled start is not waited for: the card says when it starts.
      const inPlace = startsLater(outcome.request.startDateTime, outcome.request.createdDateTime)
        ? new Set<string>()
        : await followUpActivations(context, deps, user, granted, false);
      const request = inPlace.has(outcome.request.id) ? { ...outcome.request, status: 'provisioned' as const } : outcome.request;
      await context.sendActivity(MessageFactory.attachment(activationResultCard(request, items[0]!.constraints)));
    } else {
      await sendFailure(context, deps, outcome!.error, items[0]!.label);
    }
  } else if (preface.length + outcomes.length > 0) {
    const now = deps.now();
    const rows = [...preface, ...outcomes.map((o, i) => outcomeRow(o, items[i]!, now))];
    const headline = countsHeadline(rows);
    await context.sendActivity(MessageFactory.attachment(resultsCard({ headline, items: rows })));
    for (const o of outcomes)
      if (o.ok && o.request.status === 'pendingApproval' && deps.approvals) await toApprovals(context, deps, user, o);
  }
  if (granted.length > 0) {
    await deps.recent.touch(
      context,
      granted.map((g) => g.request.key ?? items.find((r) => r.label === g.label)!.key),
    );
    const startingNow = granted.filter((g) => !startsLater(g.request.startDateTime, g.request.createdDateTime));
    if (!(preface.length === 0 && outcomes.length === 1) && startingNow.length > 0)
      await followUpActivations(context, deps, user, startingNow);
  }
  for (const o of outcomes) if (!o.ok) deps.logger.warn('activation item failed', { kind: isPimError(o.error) ? o.error.kind : 'unknown' });
}

/** A request waiting for approval goes to the approval flow: a new one, or one PIM already had (taken over). */
async function toApprovals(
  context: TurnContext,
  deps: DialogDeps,
  user: UserContext,
  outcome: Extract<ItemOutcome, { ok: true }>,
): Promise<void> {
  if (outcome.adopted && deps.approvals?.adopt) await deps.approvals.adopt(inTurnReply(context), user, outcome.request);
  // The key the item was submitted under, which prepare() was given (PIM's answer does not carry it).
  else
    await deps.approvals?.submitted(inTurnReply(context), user, {
      ...outcome.request,
      key: outcome.request.key ?? outcome.input.eligibilityKey,
    });
}

/** Who approves, and where they can be reached, is read while PIM answers (see ApprovalRequests.prepare). */
function prepareApprovals(deps: DialogDeps, user: UserContext, items: readonly SubmitItem[]): void {
  for (const item of items) if (item.constraints?.requiresApproval) deps.approvals?.prepare?.(user, item.input.eligibilityKey);
}

/** "2 activated · 1 waiting for approval · 1 not requested": each kind of outcome counted on its own. */
export function countsHeadline(rows: readonly ResultItemView[]): string {
  const count = (statuses: readonly string[]) => rows.filter((r) => statuses.includes(r.status)).length;
  const parts: Array<[number, string]> = [
    [count(['Activated', 'Being switched on', 'Sent']), 'activated'],
    [count(['Scheduled']), 'scheduled'],
    [count(['Already active']), 'already active'],
    [count(['Waiting for approval']), 'waiting for approval'],
    [count(['Not requested', 'Not activated', 'Denied']), 'refused'],
  ];
  return (
    parts
      .filter(([n]) => n > 0)
      .map(([n, what]) => `${n} ${what}`)
      .join(' · ') || 'Nothing was requested'
  );
}

function isAlreadyActive(error: unknown): boolean {
  return isPimError(error) && error.kind === 'alreadyActive' && !isPendingRequestConflict(error);
}

function alreadyRow(item: SubmitItem, held: Held | undefined): ResultItemView {
  const detail =
    held?.kind === 'active'
      ? `On ${held.scopeName}${held.end ? `, until ${cardTime(new Date(held.end))}` : ''}. Nothing new was requested.`
      : 'It is already on for you. Nothing new was requested.';
  return { label: item.label, status: 'Already active', detail, tone: 'info' };
}

function outcomeRow(outcome: ItemOutcome, item: SubmitItem, now: Date): ResultItemView {
  if (!outcome.ok && isAlreadyActive(outcome.error)) return alreadyRow(item, undefined);
  if (!outcome.ok) return { label: item.label, status: 'Not activated', detail: itemFailure(outcome.error), tone: 'error' };
  const { status, detail, tone } = describeStatus(outcome.request, now);
  // The note is about this submit's input, which PIM did not take: the earlier request stands as it was.
  if (outcome.adopted) return { label: item.label, status, detail: `Your earlier request for it is still waiting. ${detail}`, tone };
  return { label: item.label, status, detail: [detail, item.note].filter(Boolean).join(' '), tone };
}

function describeStatus(request: ActivationRequest, now: Date): { status: string; detail: string; tone: Tone } {
  const later = startsLater(request.startDateTime, now);
  const window = later
    ? `${zonedDateTime(request.startDateTime)} – ${zonedDateTime(request.endDateTime)}`
    : `${cardTime(request.startDateTime)} – ${cardTime(request.endDateTime)}`;
  if (request.status !== 'pendingApproval' && request.status !== 'denied' && later) {
    return {
      status: 'Scheduled',
      detail: `Scheduled to start ${zonedDateTime(request.startDateTime)} and end ${zonedDateTime(request.endDateTime)}; nothing is active before then. Say "my roles" to cancel it.`,
      tone: 'info',
    };
  }
  switch (request.status) {
    case 'provisioned':
    case 'granted':
      return { status: 'Activated', detail: `Active ${window}.`, tone: 'success' };
    case 'pendingProvisioning':
      return { status: 'Being switched on', detail: `Active ${window}, in a moment.`, tone: 'success' };
    case 'pendingApproval':
      return { status: 'Waiting for approval', detail: `I'll tell you when it's decided. Requested for ${window}.`, tone: 'warning' };
    case 'denied':
      return { status: 'Denied', detail: 'Nothing was activated.', tone: 'error' };
    case 'failed':
    case 'canceled':
    case 'revoked':
      return { status: 'Not activated', detail: 'PIM could not complete it.', tone: 'error' };
    case 'other':
      return { status: 'Sent', detail: `Requested for ${window}.`, tone: 'info' };
  }
}

// Checks every item of a request against its own policy before anything is sent: the duration is
// capped to an item's maximum (and said so), an item whose minimum isn't met is left out (and said
// so). Pure: the dialog and the step-up callback both build on it.
import { cardDateTime, formatDuration } from '../../cards/format';
import type { ActivationInput, TicketInfo } from '../../services/pim/model';
import type { RoleChoice } from '../roleChoice';

export interface DraftFields {
  readonly durationMinutes: number;
  /** ISO instant; absent = now. */
  readonly start?: string;
  readonly justification?: string;
  readonly ticket?: TicketInfo;
}

export interface PlannedItem {
  readonly choice: RoleChoice;
  readonly input: ActivationInput;
  /** Said next to the item's result (e.g. the duration was capped). */
  readonly note?: string;
}

export interface RefusedItem {
  readonly choice: RoleChoice;
  readonly reason: string;
}

/** What a request may ask for beyond its policy (bot/config). */
export interface PlanLimits {
  /** A start may lie at most this many days ahead. */
  readonly maxScheduleAheadDays: number;
}

/** A start this far in the past is a mistake ("from march 1"), not "now". */
const PAST_TOLERANCE_MS = 60_000;

/** Why a requested start can't be used at all, whatever the role: already past, or too far ahead. Undefined when it can. */
export function startProblem(start: Date, now: Date, limits: PlanLimits): string | undefined {
  if (start.getTime() < now.getTime() - PAST_TOLERANCE_MS) return `The start you asked for, ${cardDateTime(start)}, has already passed.`;
  const latest = now.getTime() + limits.maxScheduleAheadDays * 24 * 3_600_000;
  if (start.getTime() <= latest) return undefined;
  const days = limits.maxScheduleAheadDays === 1 ? '1 day' : `${limits.maxScheduleAheadDays} days`;
  return `The start you asked for, ${cardDateTime(start)}, is more than ${days} ahead; a request can start at most ${days} from now (by ${cardDateTime(new Date(latest))}).`;
}

export interface Plan {
  readonly planned: readonly PlannedItem[];
  readonly refused: readonly RefusedItem[];
}

export function planActivations(items: readonly RoleChoice[], fields: DraftFields, now: Date, limits: PlanLimits): Plan {
  const planned: PlannedItem[] = [];
  const refused: RefusedItem[] = [];
  const asked = fields.start ? new Date(fields.start) : undefined;
  const unusable = asked ? startProblem(asked, now, limits) : undefined;
  const start = asked && asked.getTime() > now.getTime() ? asked : undefined;
  for (const choice of items) {
    if (unusable) {
      refused.push({ choice, reason: unusable });
      continue;
    }
    // PIM would take a start after the eligibility ends and then never activate it.
    if (choice.eligibleUntil && (start ?? now).getTime() >= Date.parse(choice.eligibleUntil)) {
      refused.push({
        choice,
        reason: `Your eligibility for it ends ${cardDateTime(new Date(choice.eligibleUntil))}, before the start you asked for.`,
      });
      continue;
    }
    const { maxDurationMinutes: max, minDurationMinutes: min, requiresJustification, requiresTicket } = choice.constraints;
    if (!(max >= min && min > 0)) {
      refused.push({ choice, reason: "Its policy doesn't allow any activation length; ask your PIM administrator to check it." });
      continue;
    }
    if (fields.durationMinutes < min) {
      refused.push({ choice, reason: `${formatDuration(fields.durationMinutes)} is under its minimum of ${formatDuration(min)}.` });
      continue;
    }
    if (requiresJustification && !fields.justification) {
      refused.push({ choice, reason: 'Its policy needs a justification.' });
      continue;
    }
    if (requiresTicket && !fields.ticket) {
      refused.push({ choice, reason: 'Its policy needs a ticket number.' });
      continue;
    }
    const minutes = Math.min(fields.durationMinutes, max);
    planned.push({
      choice,
      input: {
        eligibilityKey: choice.key,
        durationMinutes: minutes,
        ...(start ? { startDateTime: start } : {}),
        ...(fields.justification ? { justification: fields.justification } : {}),
        ...(fields.ticket ? { ticket: fields.ticket } : {}),
      },
      ...(minutes < fields.durationMinutes ? { note: `Capped to ${formatDuration(max)}, the most its policy allows.` } : {}),
    });
  }
  return { planned, refused };
}

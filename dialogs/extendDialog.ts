// More time on something the user holds, where PIM allows it. PIM extends time-bound assignments
// (selfExtend; an administrator decides), never activations: for an activation the bot says so at
// once, with a button to activate it again once it has ended, and asks PIM nothing. For an
// assignment it asks how long, like activation does (same prompt and parsing, bounded by the role's
// policy), then sends the request.
import { MessageFactory, TurnContext } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CardAction } from '../cards/actions';
import { cardTime, formatDuration, timeLeft } from '../cards/format';
import { noticeCard } from '../cards/heldViews';
import type { ActiveAssignment, UserContext } from '../services/pim/model';
import { recentChoices } from './views';
import { reactivateCard } from '../cards/views';
import { actingUser, UNIDENTIFIED_USER_MESSAGE } from './actingUser';
import type { DialogDeps } from './deps';
import { describeLifecycleFailure } from './errorMessages';
import { findActive, say, sayFailure } from './lifecycle';
import { activityTimeZone } from './parsing/moment';
import { parseRequest } from './parsing/request';
import { DurationPrompt, type DurationPromptOptions } from './prompts/durationPrompt';

export const EXTEND_DIALOG = 'extend';

/** How many active items "extend" alone lists. */
const MAX_LISTED = 5;

/**
 * "extend" without a role: PIM doesn't extend an activation, said in one line, with what it does
 * allow — the reminder before the end with one-click re-activation (set up now), a new activation —
 * or, with nothing active, why there is nothing to extend and what can be done instead.
 */
export async function explainExtend(context: TurnContext, deps: DialogDeps, user: UserContext): Promise<void> {
  let active: ActiveAssignment[];
  let labels: Record<string, string>;
  try {
    const [list, choices] = await Promise.all([deps.pim.listActive(user), recentChoices(context, deps, user)]);
    const now = deps.now();
    active = list.filter((a) => a.endDateTime === null || a.endDateTime.getTime() > now.getTime());
    labels = Object.fromEntries(choices.map((c) => [c.key, c.label]));
  } catch (error) {
    await sayFailure(context, deps, describeLifecycleFailure(error, 'extend', 'your access'), error);
    return;
  }
  const now = deps.now();
  if (active.length === 0) {
    await context.sendActivity(
      MessageFactory.attachment(
        noticeCard({
          title: 'Nothing is active for you to extend',
          text: "PIM doesn't extend an activation anyway: activate a role for as long as you need it, up to its policy's maximum.",
          actions: [
            { title: 'Activate a role', data: { action: CardAction.activate } },
            { title: 'My roles', data: { action: CardAction.myRoles } },
          ],
        }),
      ),
    );
    return;
  }
  const shown = active.slice(0, MAX_LISTED);
  const lines = shown.map(
    (a) =>
      `${labels[a.key] ?? a.roleName}: ${a.endDateTime ? `until ${cardTime(a.endDateTime)} (${timeLeft(a.endDateTime, now)})` : 'no end date'}`,
  );
  const assignments = shown.filter((a) => a.assignmentType === 'assigned' && a.endDateTime !== null);
  await context.sendActivity(
    MessageFactory.attachment(
      noticeCard({
        title: "PIM doesn't extend an activation",
        text: `${lines.join('. ')}. I'll remind you shortly before each ends, with a button to activate it again in one click.`,
        hint: assignments.length > 0 ? 'A time-bound assignment can be extended by an administrator: use its Extend button.' : '',
        actions: [
          ...assignments.map((a) => ({
            title: `Extend ${labels[a.key] ?? a.roleName}`,
            data: { action: CardAction.extendAccess, activeKey: a.key },
          })),
          { title: 'My roles', data: { action: CardAction.myRoles } },
        ],
      }),
    ),
  );
  deps.reminders.track(TurnContext.getConversationReference(context.activity), user, active, labels);
}
const FLOW = 'extend.flow';
const DURATION_PROMPT = 'extend.duration';

/** Bounds when the user holds the assignment without an eligibility to read a policy from: PIM's 5-minute floor, a working day. */
const FALLBACK_BOUNDS = { minDurationMinutes: 5, maxDurationMinutes: 8 * 60 } as const;
const PREFERRED_DEFAULT_MINUTES = 60;

export interface ExtendOptions {
  /** From a button: the active assignment's key (checked against the user's own PIM data). */
  readonly activeKey?: string;
  /** Typed: everything after "extend", e.g. "global reader for 2h". */
  readonly sentence?: string;
}

interface ExtendState {
  key: string;
  label: string;
  durationMinutes?: number;
}

export class ExtendDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(EXTEND_DIALOG);
    this.addDialog(new DurationPrompt(DURATION_PROMPT));
    this.addDialog(new WaterfallDialog(FLOW, [this.check.bind(this), this.send.bind(this)]));
    this.initialDialogId = FLOW;
  }

  private async check(step: WaterfallStepContext<ExtendOptions>): Promise<DialogTurnResult> {
    const user = actingUser(step.context, this.deps.tenantId);
    if (!user) {
      await step.context.sendActivity(UNIDENTIFIED_USER_MESSAGE);
      return step.endDialog();
    }
    const options = step.options ?? {};
    if (!options.activeKey && !options.sentence) {
      await explainExtend(step.context, this.deps, user);
      return step.endDialog();
    }
    const parsed = options.sentence
      ? parseRequest(options.sentence, { now: this.deps.now(), timeZone: activityTimeZone(step.context.activity) })
      : undefined;
    const found = await findActive(step.context, this.deps, user, options.activeKey ?? (parsed?.targetText || options.sentence));
    if (!found) return step.endDialog();
    const { assignment, label } = found;
    if (assignment.assignmentType === 'activated' || assignment.endDateTime === null) {
      if (assignment.endDateTime === null) {
        await say(
          step.context,
          `${label} doesn't end`,
          'It is permanent, so there is nothing to extend.',
          'Say "my roles" to see what you hold.',
          'warning',
        );
        return step.endDialog();
      }
      // PIM refuses selfExtend of an activation (ActivationNotExtendable); say so without asking it.
      await step.context.sendActivity(
        MessageFactory.attachment(reactivateCard({ key: assignment.key, label, end: assignment.endDateTime, now: this.deps.now() })),
      );
      this.deps.reminders.track(TurnContext.getConversationReference(step.context.activity), user, [assignment], {
        [assignment.key]: label,
      });
      return step.endDialog();
    }
    const { minDurationMinutes: min, maxDurationMinutes: max } = found.constraints ?? FALLBACK_BOUNDS;
    const state: ExtendState = { key: assignment.key, label };
    Object.assign(step.values, { extend: state });
    const said = parsed?.durationMinutes;
    if (said !== undefined && said >= min && said <= max) return step.next(said);
    const prompt: DurationPromptOptions = {
      roleName: `${label} extended`,
      minMinutes: min,
      maxMinutes: max,
      defaultMinutes: Math.max(min, Math.min(max, PREFERRED_DEFAULT_MINUTES)),
      lastStep: true,
      submitTitle: 'Request extension',
      intro:
        said !== undefined
          ? `${formatDuration(said)} is outside what ${label} allows (${formatDuration(min)} to ${formatDuration(max)}). How much longer do you need it?`
          : `${label} runs until ${cardTime(assignment.endDateTime)}. How much longer do you need it?`,
    };
    return step.beginDialog(DURATION_PROMPT, prompt);
  }

  private async send(step: WaterfallStepContext<ExtendOptions>): Promise<DialogTurnResult> {
    const state = (step.values as { extend: ExtendState }).extend;
    const minutes = step.result as number;
    const user = actingUser(step.context, this.deps.tenantId);
    if (!user) return step.endDialog();
    try {
      const request = await this.deps.pim.extend(user, state.key, { durationMinutes: minutes });
      const waiting = request.status === 'pendingApproval' || request.status === 'other';
      await say(
        step.context,
        waiting ? `Extension of ${state.label} requested` : `${state.label} is extended`,
        waiting
          ? `PIM sent the request for ${formatDuration(minutes)} more to an administrator.`
          : `It now runs until ${cardTime(request.endDateTime)}.`,
        'Say "my roles" to see where it stands.',
        'success',
      );
    } catch (error) {
      await sayFailure(step.context, this.deps, describeLifecycleFailure(error, 'extend', state.label), error);
    }
    return step.endDialog();
  }
}

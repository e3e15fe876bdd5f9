// Activate one or several eligibilities: what (from the sentence, a button or the list), how long,
// why (only if a policy asks), then a check of every item against its own policy and PIM's dry run,
// and a result per item. One sentence fills what it can; only what is missing is asked.
import { MessageFactory } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { formatDuration } from '../cards/format';
import { plainMessage } from '../cards/plainText';
import { turnTimes } from './localTimes';
import { infoCard } from '../cards/views';
import { heldCard, heldLine } from '../cards/heldViews';
import { actingUser, UNIDENTIFIED_USER_MESSAGE } from './actingUser';
import { describeAlternatives } from './activation/broader';
import { heldFor, heldRequest, readHeld, remindOf, type HeldItem, type HeldMap } from './activation/held';
import { findPendingActivation } from '../services/pim/pendingActivation';
import type { ActivationRequest, ActiveAssignment, Scope, UserContext } from '../services/pim/model';
import { planActivations, startProblem, type PlanLimits } from './activation/plan';
import { checkAndSubmit, toSubmitItems } from './activation/submit';
import { DEFAULT_MAX_SCHEDULE_AHEAD_DAYS, type DialogDeps } from './deps';
import { sendFailure } from './failure';
import { activityTimeZone } from './parsing/moment';
import { parseRequest, type TargetSpec } from './parsing/request';
import { matchName, resolveTarget, type Resolution } from './parsing/resolve';
import { DurationPrompt, type DurationPromptOptions } from './prompts/durationPrompt';
import { ConfirmPrompt, type ConfirmPromptOptions } from './prompts/confirmPrompt';
import { sendFallback } from './understanding/fallback';
import { JustificationPrompt, type JustificationAnswer, type JustificationPromptOptions } from './prompts/justificationPrompt';
import { recognizeKey, RolePrompt, type RolePromptOptions } from './prompts/rolePrompt';
import { byRecent } from './recent';
import { NOT_READ, toRoleChoices, type RoleChoice } from './roleChoice';
import { isPimAdmin } from './views';
import { inTurnReply } from './approvals/inTurnReply';

export const ACTIVATE_DIALOG = 'activate';
const FLOW = 'activate.flow';
const ROLE_PROMPT = 'activate.role';
const DURATION_PROMPT = 'activate.duration';
const JUSTIFICATION_PROMPT = 'activate.justification';
const CONFIRM_PROMPT = 'activate.confirm';

/** A comfortable default, cut down to the policy's maximum (and never under its minimum). */
const PREFERRED_DEFAULT_MINUTES = 60;
/** More than this in one sentence is more likely a misunderstanding than a wish. */
const MAX_TARGETS = 10;

export interface ActivateOptions {
  /** Everything typed after "activate", e.g. "reader on rg-web for 30m because deploy". */
  readonly roleName?: string;
  /** From an Activate button on another card; checked against the user's own eligibilities. */
  readonly eligibilityKey?: string;
  /** Several from a multi-select; each checked the same way. */
  readonly eligibilityKeys?: readonly string[];
  /**
   * How plainly the sentence asked (understanding/understand.ts): 'verb' ("activate ...", the default),
   * 'phrase' ("give me ...", "I need ..."), 'none' (a bare name: "Global Reader 2h audit"). Below 'verb', a
   * sentence that names none of the person's roles gets what the bot can do; with 'none', nothing is
   * submitted without a one-line confirmation unless a question was asked on the way.
   */
  readonly said?: 'verb' | 'phrase' | 'none';
}

/** A name from the sentence that needs the user's choice, with the candidates to offer. */
interface PendingPick {
  readonly intro: string;
  /** Keys to offer; empty = the whole list. */
  readonly keys: readonly string[];
}

/** What the steps keep between turns. Plain JSON: it must survive a restart on another instance. */
interface Draft {
  choices: RoleChoice[];
  items: RoleChoice[];
  pending: PendingPick[];
  durationMinutes?: number;
  /** ISO instant of a scheduled start. */
  start?: string;
  justification?: string;
  ticketNumber?: string;
  /** Said once the draft is built (e.g. "until 9am" before the start). */
  problems: string[];
  /** What the user already holds or has waiting, read once before the first question (check before asking). */
  held?: HeldMap;
  /** A guess from a bare name: confirm before submitting unless a question was asked. */
  confirm?: boolean;
  /** A question (role, duration, justification) was asked: the person has seen what is being requested. */
  asked?: boolean;
}

interface FlowOptions extends ActivateOptions {
  readonly draft?: Draft;
}

export class ActivateDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(ACTIVATE_DIALOG);
    this.addDialog(new RolePrompt(ROLE_PROMPT));
    this.addDialog(new DurationPrompt(DURATION_PROMPT));
    this.addDialog(new JustificationPrompt(JUSTIFICATION_PROMPT));
    this.addDialog(new ConfirmPrompt(CONFIRM_PROMPT));
    this.addDialog(
      new WaterfallDialog(FLOW, [
        this.pick.bind(this),
        this.collectPick.bind(this),
        this.askDuration.bind(this),
        this.askJustification.bind(this),
        this.askTicket.bind(this),
        this.confirm.bind(this),
        this.submit.bind(this),
      ]),
    );
    this.initialDialogId = FLOW;
  }

  private async pick(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    let current = step.options?.draft;
    if (!current) {
      const built = await this.buildDraft(step);
      if (!built) return step.endDialog();
      current = built;
    }
    Object.assign(step.values, { draft: current });
    for (const problem of current.problems.splice(0)) await step.context.sendActivity(plainMessage(problem, turnTimes(step.context)));
    const next = current.pending.shift();
    if (next || current.items.length === 0) current.asked = true;
    if (next) {
      const offered = next.keys.length > 0 ? current.choices.filter((c) => next.keys.includes(c.key)) : current.choices;
      return step.beginDialog(ROLE_PROMPT, {
        choices: await this.marked(step, current, offered),
        intro: next.intro,
      } satisfies RolePromptOptions);
    }
    if (current.items.length === 0)
      return step.beginDialog(ROLE_PROMPT, { choices: await this.marked(step, current, current.choices) } satisfies RolePromptOptions);
    return step.next(undefined);
  }

  /** The list to pick from, recent first, each marked when it is already active or has a request waiting. */
  private async marked(step: WaterfallStepContext<FlowOptions>, current: Draft, choices: RoleChoice[]): Promise<RoleChoice[]> {
    const { held } = await this.held(step, current);
    return (await this.recentFirst(step, choices)).map((c) => {
      const status = heldLine(heldFor(held, c.key));
      return status ? { ...c, status } : c;
    });
  }

  private async held(
    step: WaterfallStepContext<FlowOptions>,
    current: Draft,
    items?: readonly HeldItem[],
  ): Promise<{ held: HeldMap; requests: ActivationRequest[]; active: ActiveAssignment[] }> {
    if (current.held) return { held: current.held, requests: [], active: [] };
    const user = actingUser(step.context, this.deps.tenantId);
    const read = user ? await readHeld(this.deps, user, items) : { held: {}, requests: [], active: [] };
    current.held = read.held;
    return read;
  }

  /**
   * Check before asking: items already active or waiting are answered now (with what can be done)
   * and dropped. Only read when a question would follow (a complete sentence goes straight to PIM,
   * whose dry run finds the same), or when the list already read it.
   */
  private async screenHeld(step: WaterfallStepContext<FlowOptions>, current: Draft): Promise<void> {
    const asks =
      current.durationMinutes === undefined ||
      this.needsJustification(current) ||
      this.needsTicket(current) ||
      this.durationNeedsWord(current);
    if (!asks && !current.held) return;
    // The list's marks may be minutes old: an item it marked is checked again before it is answered for.
    if (current.held && current.items.some((i) => heldFor(current.held, i.key))) delete current.held;
    const { held, requests, active } = await this.held(
      step,
      current,
      current.items.map((c) => ({ key: c.key, surface: c.surface, requiresApproval: c.constraints.requiresApproval })),
    );
    const now = this.deps.now();
    const user = actingUser(step.context, this.deps.tenantId);
    const kept: RoleChoice[] = [];
    const dropped: RoleChoice[] = [];
    for (const item of current.items) {
      const found = heldFor(held, item.key);
      if (!found) {
        kept.push(item);
        continue;
      }
      if (found.kind === 'active') dropped.push(item);
      // A request waiting for approval goes to the approval flow, which answers with its Cancel button
      // and makes sure the approvers have their cards (it may be one no instance tracked).
      const request =
        found.kind === 'pending' && found.waitingFor === 'approval' && user && this.deps.approvals?.adopt
          ? (heldRequest(requests, found) ?? (await findPendingActivation(this.deps.pim, user, item.key).catch(() => undefined)))
          : undefined;
      if (request && user) await this.deps.approvals!.adopt!(inTurnReply(step.context), user, request);
      else await step.context.sendActivity(MessageFactory.attachment(heldCard({ key: item.key, label: item.label, held: found, now })));
    }
    current.items = kept;
    // The "already active" answer promises a reminder before the end: keep that promise.
    if (user && dropped.length > 0)
      remindOf(step.context, this.deps, user, active.length > 0 ? active : await this.deps.pim.listActive(user).catch(() => []), dropped);
  }

  /** The user's own order, read only when a list is shown: a role named outright needs no read of it. */
  private async recentFirst(step: WaterfallStepContext<FlowOptions>, choices: RoleChoice[]): Promise<RoleChoice[]> {
    return byRecent(choices, await this.deps.recent.get(step.context));
  }

  /** Several at once with a duration longer than one of them allows: said before submitting. */
  private durationNeedsWord(current: Draft): boolean {
    const said = current.durationMinutes;
    return current.items.length > 1 && said !== undefined && current.items.some((c) => c.constraints.maxDurationMinutes < said);
  }

  private async collectPick(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const current = draft(step);
    const picked = (step.result as RoleChoice[] | undefined) ?? [];
    for (const choice of picked) if (!current.items.some((c) => c.key === choice.key)) current.items.push(choice);
    // Another name from the sentence still needs a choice: go round again with what we have.
    if (current.pending.length > 0) return step.replaceDialog(FLOW, { ...step.options, draft: current } satisfies FlowOptions);
    return step.next(undefined);
  }

  private async askDuration(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const current = draft(step);
    await this.screenHeld(step, current);
    const items = current.items;
    if (items.length === 0) return step.endDialog();
    // Who approves, and where to reach them, is read while the user answers (see ApprovalRequests.prepare).
    const user = actingUser(step.context, this.deps.tenantId);
    if (user) for (const c of items) if (c.constraints.requiresApproval) this.deps.approvals?.prepare?.(user, c.key);
    const max = Math.max(...items.map((c) => c.constraints.maxDurationMinutes));
    const min = Math.max(...items.map((c) => c.constraints.minDurationMinutes));
    const single = items.length === 1 ? items[0]! : undefined;
    if (single && !(max >= min && min > 0)) {
      await step.context.sendActivity(
        MessageFactory.attachment(
          infoCard({
            title: `${single.label} can't be activated`,
            text: "Its policy doesn't allow any activation length.",
            hint: 'Ask your PIM administrator to check the role settings.',
            tone: 'error',
          }),
        ),
      );
      return step.endDialog();
    }
    const said = current.durationMinutes;
    if (said !== undefined && said <= max && said >= min && (single || items.every((c) => c.constraints.maxDurationMinutes >= said)))
      return step.next(said);
    const name = single ? single.label : `${items.length} roles`;
    let intro: string | undefined;
    if (!single) {
      // Several at once: each role's own maximum is said before anything is submitted, never cut silently after.
      const each = items.map((c) => `${c.label} up to ${formatDuration(c.constraints.maxDurationMinutes)}`).join('; ');
      const shorter = said !== undefined ? items.filter((c) => c.constraints.maxDurationMinutes < said) : [];
      intro =
        shorter.length > 0
          ? `${formatDuration(said!)} is longer than ${shorter.map((c) => `${c.label} allows (at most ${formatDuration(c.constraints.maxDurationMinutes)})`).join(' and ')}. Each role's maximum: ${each}. Choose a duration; a role whose maximum is shorter gets its maximum.`
          : `Each role has its own maximum: ${each}. How long do you need them? A role whose maximum is shorter gets its maximum.`;
    } else if (said !== undefined) {
      intro =
        said > max
          ? `${formatDuration(said)} is more than ${name} allows (at most ${formatDuration(max)}). How long do you need it?`
          : `${formatDuration(said)} is too short: PIM needs at least ${formatDuration(min)} for ${name}.`;
    }
    const options: DurationPromptOptions = {
      roleName: name,
      minMinutes: min,
      maxMinutes: max,
      defaultMinutes: Math.max(min, Math.min(...items.map((c) => c.constraints.maxDurationMinutes), PREFERRED_DEFAULT_MINUTES)),
      lastStep: !this.needsJustification(current) && !this.needsTicket(current),
      ...(intro ? { intro } : {}),
    };
    current.asked = true;
    return step.beginDialog(DURATION_PROMPT, options);
  }

  private async askJustification(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const current = draft(step);
    current.durationMinutes = step.result as number;
    const askJustification = this.needsJustification(current);
    const askTicket = this.needsTicket(current);
    if (!askJustification && !askTicket) return step.next({});
    current.asked = true;
    return step.beginDialog(JUSTIFICATION_PROMPT, this.justificationOptions(current, askJustification, askTicket));
  }

  private async askTicket(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const current = draft(step);
    const answer = step.result as JustificationAnswer;
    if (answer.justification) current.justification = answer.justification;
    if (answer.ticketNumber) current.ticketNumber = answer.ticketNumber;
    // A typed answer fills the justification only; the ticket is then asked on its own.
    if (this.needsTicket(current)) return step.beginDialog(JUSTIFICATION_PROMPT, this.justificationOptions(current, false, true));
    return step.next({});
  }

  /** A guess is confirmed in one line before anything is submitted (a wrong activation is the worst outcome). */
  private async confirm(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const current = draft(step);
    const answer = step.result as JustificationAnswer;
    if (answer.ticketNumber) current.ticketNumber = answer.ticketNumber;
    if (!current.confirm || current.asked) return step.next(true);
    const names = current.items.map((c) => c.label).join(', ');
    return step.beginDialog(CONFIRM_PROMPT, {
      question: `Activate ${names} for ${formatDuration(current.durationMinutes!)}?`,
    } satisfies ConfirmPromptOptions);
  }

  private async submit(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const current = draft(step);
    if (step.result === false) {
      await step.context.sendActivity('OK, nothing was requested. Say "activate" to pick a role, or "my roles" to see your access.');
      return step.endDialog();
    }
    const user = actingUser(step.context, this.deps.tenantId);
    if (!user) {
      await step.context.sendActivity(UNIDENTIFIED_USER_MESSAGE);
      return step.endDialog();
    }
    const plan = planActivations(
      current.items,
      {
        durationMinutes: current.durationMinutes!,
        ...(current.start ? { start: current.start } : {}),
        ...(current.justification ? { justification: current.justification } : {}),
        ...(current.ticketNumber ? { ticket: { number: current.ticketNumber } } : {}),
      },
      this.deps.now(),
      this.limits(),
    );
    try {
      await checkAndSubmit(step.context, this.deps, user, toSubmitItems(plan.planned), plan.refused);
    } catch (error) {
      await sendFailure(step.context, this.deps, error, current.items.map((c) => c.label).join(', '));
    }
    return step.endDialog();
  }

  /** Reads the user's eligibilities and whatever the sentence or button said; undefined = the flow is over. */
  private async buildDraft(step: WaterfallStepContext<FlowOptions>): Promise<Draft | undefined> {
    const user = actingUser(step.context, this.deps.tenantId);
    if (!user) {
      await step.context.sendActivity(UNIDENTIFIED_USER_MESSAGE);
      return undefined;
    }
    const options = step.options ?? {};
    let choices: RoleChoice[];
    try {
      choices = await this.readChoices(step, user, options);
    } catch (error) {
      await sendFailure(step.context, this.deps, error);
      return undefined;
    }
    if (choices.length === 0) {
      // Never "ask your PIM administrator" to the PIM administrator.
      const hint = (await isPimAdmin(this.deps, user))
        ? 'As a PIM administrator, you can make yourself eligible in PIM.'
        : 'Ask your PIM administrator if you think that is wrong.';
      await step.context.sendActivity(
        MessageFactory.attachment(infoCard({ title: 'No roles to activate', text: 'You have no eligible roles in PIM right now.', hint })),
      );
      return undefined;
    }
    const result = this.fillDraft(step, choices, options);
    if (!result) {
      // A sentence without "activate" that names none of the person's roles was not a request.
      await sendFallback(step.context, this.deps, user, options.said === 'none' ? 'unknown' : 'noRoleNamed');
      return undefined;
    }
    // A start already past or too far ahead is refused before anything else is asked (plan.ts checks it again).
    const unusable = result.start ? startProblem(new Date(result.start), this.deps.now(), this.limits()) : undefined;
    if (unusable) {
      await step.context.sendActivity(
        MessageFactory.attachment(
          infoCard({
            title: "I can't schedule that start",
            text: `${unusable} Nothing was requested.`,
            hint: `Ask again with a start within the next ${this.limits().maxScheduleAheadDays} days, or with none to start now.`,
            tone: 'error',
          }),
        ),
      );
      return undefined;
    }
    return result;
  }

  /**
   * The choices the draft is built from. A sentence or button that names the roles outright needs the
   * policies of those alone (each policy is a read of its own): the names are resolved against the
   * eligibilities first, and only when that leaves a list to pick from are every role's limits read.
   */
  private async readChoices(step: WaterfallStepContext<FlowOptions>, user: UserContext, options: FlowOptions): Promise<RoleChoice[]> {
    let scopes: Scope[] = [];
    const entries = await this.deps.pim.listEligibilities(user, {
      only: (eligibilities) => {
        scopes = eligibilities.map((e) => e.scope);
        // Names, scopes and ends only: the limits are not read yet and not looked at here.
        const named = this.fillDraft(
          step,
          toRoleChoices(eligibilities.map((eligibility) => ({ eligibility, constraints: NOT_READ }))),
          options,
        );
        return named && named.items.length > 0 && named.pending.length === 0 ? named.items.map((c) => c.key) : undefined;
      },
    });
    // Labels name a resource group's subscription from the whole list, read or not.
    return toRoleChoices(entries, scopes.length > 0 ? scopes : undefined);
  }

  /** The draft from the keys and the sentence given; undefined when a sentence was required to name a role and did not. */
  private fillDraft(step: WaterfallStepContext<FlowOptions>, choices: RoleChoice[], options: FlowOptions): Draft | undefined {
    const result: Draft = { choices, items: [], pending: [], problems: [] };
    const keys = options.eligibilityKeys ?? (options.eligibilityKey !== undefined ? [options.eligibilityKey] : []);
    for (const key of keys) {
      const picked = recognizeKey(key, choices);
      if (picked.ok) result.items.push(picked.value);
      else result.pending.push({ intro: picked.message, keys: [] });
    }
    if (options.roleName !== undefined && options.said !== undefined && options.said !== 'verb') {
      if (!this.fillFromSentence(step, result, options.roleName, true)) return undefined;
      result.confirm = options.said === 'none';
    } else if (options.roleName) this.fillFromSentence(step, result, options.roleName);
    return result;
  }

  private limits(): PlanLimits {
    return { maxScheduleAheadDays: this.deps.maxScheduleAheadDays ?? DEFAULT_MAX_SCHEDULE_AHEAD_DAYS };
  }

  /** The sentence read once per turn: readChoices and buildDraft both fill a draft from it. */
  private parsed(step: WaterfallStepContext<FlowOptions>, sentence: string): ReturnType<typeof parseRequest> {
    const seen = PARSED.get(step.context);
    if (seen?.sentence === sentence) return seen.parsed;
    const parsed = parseRequest(sentence, { now: this.deps.now(), timeZone: activityTimeZone(step.context.activity) });
    PARSED.set(step.context, { sentence, parsed });
    return parsed;
  }

  /** Fills the draft from a sentence; false when `strict` and the sentence names nothing the person has (nothing is filled then). */
  private fillFromSentence(step: WaterfallStepContext<FlowOptions>, result: Draft, sentence: string, strict = false): boolean {
    const parsed = this.parsed(step, sentence);
    if (parsed.durationMinutes !== undefined) result.durationMinutes = parsed.durationMinutes;
    if (parsed.start) result.start = parsed.start.toISOString();
    if (parsed.justification) result.justification = parsed.justification.slice(0, 500);
    if (parsed.ticket) result.ticketNumber = parsed.ticket;
    result.problems.push(...parsed.problems.map((p) => `${p} I'll ask for the duration instead.`));
    if (parsed.problems.length > 0) delete result.durationMinutes;

    // A name that contains "and" itself ("Reports and Analytics") wins over splitting it.
    let targets: readonly TargetSpec[] = parsed.targets;
    if (targets.length > 1 && parsed.targetText && matchName(parsed.targetText, result.choices).kind === 'one')
      targets = [{ role: parsed.targetText }];
    if (strict) {
      const named = targets.slice(0, MAX_TARGETS).some((t) => {
        const found = resolveSaid(t, result.choices);
        return found.kind !== 'none' || found.scopeMissed === true || found.closest.length > 0;
      });
      if (!named) return false;
    }
    for (const target of targets.slice(0, MAX_TARGETS)) {
      const said = target.scope ? `${target.role} on ${target.scope}` : target.role;
      const found = resolveSaid(target, result.choices);
      if (found.kind === 'one') {
        if (!result.items.some((c) => c.key === found.choice.key)) result.items.push(found.choice);
      } else if (found.kind === 'many') {
        result.pending.push({
          intro: `More than one of your roles matches "${said}". Which one do you mean?`,
          keys: found.choices.map((c) => c.key),
        });
      } else if (found.scopeMissed) {
        result.pending.push({
          intro: describeAlternatives(target.role, target.scope!, found.closest, result.choices),
          keys: found.closest.map((c) => c.key),
        });
      } else {
        const closest = found.closest.length > 0 ? ` The closest: ${found.closest.map((c) => c.label).join('; ')}.` : '';
        result.pending.push({
          intro: `You have no eligible role called "${said}".${closest} These are the roles you can activate:`,
          keys: [],
        });
      }
    }
    return true;
  }

  private needsJustification(current: Draft): boolean {
    return !current.justification && current.items.some((c) => c.constraints.requiresJustification);
  }

  private needsTicket(current: Draft): boolean {
    return !current.ticketNumber && current.items.some((c) => c.constraints.requiresTicket);
  }

  private justificationOptions(current: Draft, askJustification: boolean, askTicket: boolean): JustificationPromptOptions {
    const names = current.items.map((c) => c.label);
    // A label already names its scope except for directory roles ("Global Reader" · Directory).
    const only = current.items.length === 1 ? current.items[0]! : undefined;
    const scope = only?.surface === 'entraRole' ? only.scopeName : '';
    return { roleName: names.join(', '), scopeName: scope, durationMinutes: current.durationMinutes!, askJustification, askTicket };
  }
}

/** The last sentence parsed in a turn (dropped with the turn). */
const PARSED = new WeakMap<object, { readonly sentence: string; readonly parsed: ReturnType<typeof parseRequest> }>();

/**
 * A target as said; "sre on call" is read as a role on a scope, but may be a name with "on" in it
 * ("SRE On-Call"): when the scoped reading finds nothing, the whole phrase is tried as a name.
 */
function resolveSaid(target: TargetSpec, choices: readonly RoleChoice[]): Resolution<RoleChoice> {
  const found = resolveTarget(target, choices);
  if (found.kind !== 'none' || !target.scope) return found;
  const whole = matchName(`${target.role} on ${target.scope}`, choices);
  return whole.kind === 'none' ? found : whole;
}

function draft(step: WaterfallStepContext<FlowOptions>): Draft {
  return (step.values as { draft: Draft }).draft;
}

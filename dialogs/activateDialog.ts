// Activate one eligible role: pick it, say how long, say why (only if the policy asks), submit.
// Every limit shown or enforced here comes from the role's policy (Constraints).
import { MessageFactory } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { activationResultCard, infoCard } from '../cards/views';
import type { ActivationInput } from '../services/pim/model';
import { actingUser, UNIDENTIFIED_USER_MESSAGE } from './actingUser';
import type { DialogDeps } from './deps';
import { sendFailure } from './failure';
import { matchRole } from './parsing/roleMatch';
import { DurationPrompt, type DurationPromptOptions } from './prompts/durationPrompt';
import { JustificationPrompt, type JustificationAnswer, type JustificationPromptOptions } from './prompts/justificationPrompt';
import { recognizeKey, RolePrompt, type RolePromptOptions } from './prompts/rolePrompt';
import { toRoleChoice, type RoleChoice } from './roleChoice';

export const ACTIVATE_DIALOG = 'activate';
const FLOW = 'activate.flow';
const ROLE_PROMPT = 'activate.role';
const DURATION_PROMPT = 'activate.duration';
const JUSTIFICATION_PROMPT = 'activate.justification';

/** A comfortable default, cut down to the policy's maximum (and never under its minimum). */
const PREFERRED_DEFAULT_MINUTES = 60;

export interface ActivateOptions {
  /** Typed after "activate", e.g. "global reader". */
  readonly roleName?: string;
  /** From an Activate button on another card; checked against the user's own eligibilities. */
  readonly eligibilityKey?: string;
}

/** What the steps keep in dialog state. Plain JSON: it must survive a restart on another instance. */
interface ActivationDraft {
  choice?: RoleChoice;
  durationMinutes?: number;
  justification?: string;
  ticketNumber?: string;
}

export class ActivateDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(ACTIVATE_DIALOG);
    this.addDialog(new RolePrompt(ROLE_PROMPT));
    this.addDialog(new DurationPrompt(DURATION_PROMPT));
    this.addDialog(new JustificationPrompt(JUSTIFICATION_PROMPT));
    this.addDialog(
      new WaterfallDialog(FLOW, [
        this.pickRole.bind(this),
        this.askDuration.bind(this),
        this.askJustification.bind(this),
        this.askTicket.bind(this),
        this.submit.bind(this),
      ]),
    );
    this.initialDialogId = FLOW;
  }

  private async pickRole(step: WaterfallStepContext<ActivateOptions>): Promise<DialogTurnResult> {
    const user = actingUser(step.context, this.deps.tenantId);
    if (!user) {
      await step.context.sendActivity(UNIDENTIFIED_USER_MESSAGE);
      return step.endDialog();
    }
    let choices: RoleChoice[];
    try {
      choices = (await this.deps.pim.listEligibilities(user)).map(toRoleChoice);
    } catch (error) {
      return this.fail(step, error);
    }
    if (choices.length === 0) {
      await step.context.sendActivity(
        MessageFactory.attachment(infoCard({ title: 'No roles to activate', text: 'You have no eligible roles in PIM right now.', hint: 'Ask your PIM administrator if you think that is wrong.' })),
      );
      return step.endDialog();
    }

    const { roleName, eligibilityKey } = step.options ?? {};
    if (eligibilityKey !== undefined) {
      const picked = recognizeKey(eligibilityKey, choices);
      if (picked.ok) return step.next(picked.value);
      return step.beginDialog(ROLE_PROMPT, { choices, intro: picked.message } satisfies RolePromptOptions);
    }
    if (roleName) {
      const match = matchRole(roleName, choices);
      if (match.kind === 'one') return step.next(match.choice);
      const intro =
        match.kind === 'many'
          ? `More than one of your roles matches "${roleName}". Which one do you mean?`
          : `You have no eligible role called "${roleName}". These are the roles you can activate:`;
      return step.beginDialog(ROLE_PROMPT, { choices, intro } satisfies RolePromptOptions);
    }
    return step.beginDialog(ROLE_PROMPT, { choices } satisfies RolePromptOptions);
  }

  private async askDuration(step: WaterfallStepContext<ActivateOptions>): Promise<DialogTurnResult> {
    const choice = step.result as RoleChoice;
    draft(step).choice = choice;
    const { minDurationMinutes: min, maxDurationMinutes: max, requiresJustification, requiresTicket } = choice.constraints;
    if (!(max >= min && min > 0)) {
      await step.context.sendActivity(
        MessageFactory.attachment(infoCard({ title: `${choice.roleName} can't be activated`, text: "Its policy doesn't allow any activation length.", hint: 'Ask your PIM administrator to check the role settings.', tone: 'error' })),
      );
      return step.endDialog();
    }
    const options: DurationPromptOptions = {
      roleName: choice.roleName,
      minMinutes: min,
      maxMinutes: max,
      defaultMinutes: Math.max(min, Math.min(max, PREFERRED_DEFAULT_MINUTES)),
      lastStep: !requiresJustification && !requiresTicket,
    };
    return step.beginDialog(DURATION_PROMPT, options);
  }

  private async askJustification(step: WaterfallStepContext<ActivateOptions>): Promise<DialogTurnResult> {
    const current = draft(step);
    current.durationMinutes = step.result as number;
    const choice = current.choice!;
    const { requiresJustification, requiresTicket } = choice.constraints;
    if (!requiresJustification && !requiresTicket) return step.next({});
    return step.beginDialog(JUSTIFICATION_PROMPT, this.justificationOptions(choice, current.durationMinutes, requiresJustification, requiresTicket));
  }

  private async askTicket(step: WaterfallStepContext<ActivateOptions>): Promise<DialogTurnResult> {
    const current = draft(step);
    const answer = step.result as JustificationAnswer;
    if (answer.justification) current.justification = answer.justification;
    if (answer.ticketNumber) current.ticketNumber = answer.ticketNumber;
    const choice = current.choice!;
    // A typed answer fills the justification only; the ticket is then asked on its own.
    if (choice.constraints.requiresTicket && !current.ticketNumber) {
      return step.beginDialog(JUSTIFICATION_PROMPT, this.justificationOptions(choice, current.durationMinutes!, false, true));
    }
    return step.next({});
  }

  private async submit(step: WaterfallStepContext<ActivateOptions>): Promise<DialogTurnResult> {
    const current = draft(step);
    const answer = step.result as JustificationAnswer;
    if (answer.ticketNumber) current.ticketNumber = answer.ticketNumber;
    const choice = current.choice!;
    const user = actingUser(step.context, this.deps.tenantId);
    if (!user) {
      await step.context.sendActivity(UNIDENTIFIED_USER_MESSAGE);
      return step.endDialog();
    }
    const input: ActivationInput = {
      eligibilityKey: choice.key,
      durationMinutes: current.durationMinutes!,
      ...(current.justification ? { justification: current.justification } : {}),
      ...(current.ticketNumber ? { ticket: { number: current.ticketNumber } } : {}),
    };
    try {
      const request = await this.deps.pim.activate(user, input);
      await step.context.sendActivity(MessageFactory.attachment(activationResultCard(request, choice.constraints)));
      return step.endDialog(request.id);
    } catch (error) {
      return this.fail(step, error, choice.roleName);
    }
  }

  private justificationOptions(choice: RoleChoice, durationMinutes: number, askJustification: boolean, askTicket: boolean): JustificationPromptOptions {
    return { roleName: choice.roleName, scopeName: choice.scopeName, durationMinutes, askJustification, askTicket };
  }

  private async fail(step: WaterfallStepContext<ActivateOptions>, error: unknown, roleName?: string): Promise<DialogTurnResult> {
    await sendFailure(step.context, this.deps, error, roleName);
    return step.endDialog();
  }
}

function draft(step: WaterfallStepContext<ActivateOptions>): ActivationDraft {
  return step.values as ActivationDraft;
}

// The root of every conversation: understands a few commands and card buttons, runs the
// activation flow, and lets "cancel" stop anything at any step.
import { ActivityTypes, TurnContext, type StatePropertyAccessor } from 'botbuilder';
import {
  ComponentDialog,
  Dialog,
  DialogSet,
  DialogTurnStatus,
  WaterfallDialog,
  type DialogContext,
  type DialogState,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { CardAction, CardInput } from '../cards/actions';
import { localizeTurn } from './localTimes';
import { ACTIVATE_DIALOG, ActivateDialog, type ActivateOptions } from './activateDialog';
import { ADMIN_MORE_ACTION, answerAdminQuestion } from './admin/adminQuestions';
import { answerApproverQueue, sendApproverQueueCards } from './approvals/approverQueue';
import { actingUser, UNIDENTIFIED_USER_MESSAGE } from './actingUser';
import type { DialogDeps } from './deps';
import { readInput, stringField } from './input';
import { isCancel, parseCommand } from './parsing/command';
import { EXTEND_DIALOG, ExtendDialog, type ExtendOptions } from './extendDialog';
import { cancelRequest, deactivate } from './lifecycle';
import { ROUTES } from './understanding/routes';
import { understand } from './understanding/understand';
import { sendApproverQueue, sendMyRoles } from './views';

export const MAIN_DIALOG = 'main';
const ROUTE = 'main.route';

const FINISHED_CARD = 'That card is already finished, so nothing was changed. Say "activate" to start a new request.';
const CANCELLED = 'Cancelled. Nothing was requested.';
const IN_PROGRESS_HINT = 'We are in the middle of activating a role: answer the question above, or say "cancel" to stop.';

export class MainDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(MAIN_DIALOG);
    this.addDialog(new ActivateDialog(deps));
    this.addDialog(new ExtendDialog(deps));
    this.addDialog(new WaterfallDialog(ROUTE, [this.route.bind(this)]));
    this.initialDialogId = ROUTE;
  }

  /** Runs one turn against the stored dialog stack (the caller saves state afterwards). */
  async run(context: TurnContext, dialogState: StatePropertyAccessor<DialogState>): Promise<void> {
    const dialogs = new DialogSet(dialogState);
    dialogs.add(this);
    const dc = await dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
  }

  override async beginDialog(outerDc: DialogContext, options?: object): Promise<DialogTurnResult> {
    // Conversation state is shared by everyone in a group chat: only the person who started
    // a flow may continue or cancel it.
    outerDc.activeDialog!.state.ownerId = actingUser(outerDc.context, this.deps.tenantId)?.userId;
    localizeTurn(outerDc.context);
    return super.beginDialog(outerDc, options);
  }

  override async continueDialog(outerDc: DialogContext): Promise<DialogTurnResult> {
    const ownerId = outerDc.activeDialog?.state.ownerId as string | undefined;
    const sender = actingUser(outerDc.context, this.deps.tenantId)?.userId;
    if (outerDc.context.activity.type === ActivityTypes.Message && ownerId && ownerId.toLowerCase() !== sender) {
      await outerDc.context.sendActivity('Someone else is in the middle of a request here. Please message me in a 1:1 chat.');
      return Dialog.EndOfTurn;
    }
    localizeTurn(outerDc.context);
    return super.continueDialog(outerDc);
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const interrupted = await this.interrupt(innerDc);
    return interrupted ?? super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    if (innerDc.context.activity.type !== ActivityTypes.Message) return undefined;
    const input = readInput(innerDc.context);
    if (
      input.action === CardAction.cancel ||
      (input.action === undefined && (isCancel(input.text) || understand(input.text).intent === 'cancel'))
    ) {
      await innerDc.context.sendActivity(CANCELLED);
      return innerDc.cancelAllDialogs();
    }
    if (input.action !== undefined || input.text === '') return undefined;
    const command = parseCommand(input.text);
    if (command.kind === 'welcome') {
      await innerDc.context.sendActivity(IN_PROGRESS_HINT);
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    return undefined;
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const context = step.context;
    const user = actingUser(context, this.deps.tenantId);
    if (!user) {
      await context.sendActivity(UNIDENTIFIED_USER_MESSAGE);
      return step.endDialog();
    }
    this.deps.reminders.seen?.(TurnContext.getConversationReference(context.activity), user);
    const input = readInput(context);
    if (await answerApproverQueue(context, this.deps, user, input)) return step.endDialog();
    // "Show more" on an admin table; admin questions in words are routed with the rest (understanding/routes.ts).
    if (input.value?.['action'] === ADMIN_MORE_ACTION && (await answerAdminQuestion(context, this.deps, user, input)))
      return step.endDialog();

    if (input.unknownAction) {
      await context.sendActivity(FINISHED_CARD);
      return step.endDialog();
    }
    switch (input.action) {
      case CardAction.activate:
        return step.beginDialog(ACTIVATE_DIALOG, {} satisfies ActivateOptions);
      case CardAction.pickRole: {
        const key = stringField(input.value, 'eligibilityKey');
        return step.beginDialog(ACTIVATE_DIALOG, { eligibilityKey: typeof key === 'string' ? key : '' } satisfies ActivateOptions);
      }
      case CardAction.myRoles:
        await sendMyRoles(context, this.deps, user);
        return step.endDialog();
      case CardAction.pickRoles: {
        const keys = stringField(input.value, CardInput.selectedKeys);
        return step.beginDialog(ACTIVATE_DIALOG, {
          eligibilityKeys: typeof keys === 'string' ? keys.split(',').slice(0, 10) : [''],
        } satisfies ActivateOptions);
      }
      case CardAction.searchRoles:
      case CardAction.moreRoles:
        return step.beginDialog(ACTIVATE_DIALOG, {} satisfies ActivateOptions);
      case CardAction.deactivate:
        await deactivate(context, this.deps, user, stringField(input.value, 'activeKey') ?? undefined);
        return step.endDialog();
      case CardAction.extendAccess: {
        const activeKey = stringField(input.value, 'activeKey');
        return step.beginDialog(EXTEND_DIALOG, (typeof activeKey === 'string' ? { activeKey } : {}) satisfies ExtendOptions);
      }
      case CardAction.cancelRequest:
        await cancelRequest(context, this.deps, user, input.value?.['surface'], input.value?.['requestId']);
        return step.endDialog();
      case CardAction.approverQueue:
        // PIM's approver views when approvals are wired (every request the user may decide, each card decidable); else the records held.
        if (!(await sendApproverQueueCards(context, this.deps, user))) await sendApproverQueue(context, this.deps, user);
        return step.endDialog();
      case CardAction.cancel:
        await context.sendActivity('There is nothing to cancel.');
        return step.endDialog();
      case CardAction.ask: {
        // A button that stands for words: read exactly as if they were typed.
        const question = stringField(input.value, 'question');
        const asked = typeof question === 'string' ? question : '';
        const reading = understand(asked);
        return ROUTES[reading.intent]({ step, deps: this.deps, user, input: { text: asked, unknownAction: false }, reading });
      }
      case CardAction.setDuration:
      case CardAction.submitJustification:
      case CardAction.confirm:
        await context.sendActivity(FINISHED_CARD);
        return step.endDialog();
      case undefined:
        break;
    }

    const reading = understand(input.text);
    return ROUTES[reading.intent]({ step, deps: this.deps, user, input, reading });
  }
}

// A question asked with a card that can also be answered by typing. Unlike botbuilder's Prompt,
// a failed answer always gets its own explanation and then the card again, so the person is
// never left guessing what went wrong or what to do now.
import { ActivityTypes, MessageFactory, type Attachment, type TurnContext } from 'botbuilder';
import { Dialog, DialogReason, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import { noticeCard } from '../../cards/heldViews';
import { plainMessage } from '../../cards/plainText';
import { turnTimes } from '../localTimes';
import { readInput, type MessageInput } from '../input';

export type Recognized<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export interface CardPromptOptions {
  /** Said once before the card when the prompt starts (e.g. why the list is shown). */
  readonly intro?: string;
}

export abstract class CardPrompt<O extends CardPromptOptions, T> extends Dialog<O> {
  protected abstract card(options: O): Attachment;
  protected abstract recognize(input: MessageInput, options: O): Recognized<T>;
  /** The answer as a read-only card shows it once given ("Duration: 2 hours"). */
  protected abstract summary(value: T, options: O): { title: string; text: string };

  override async beginDialog(dc: DialogContext, options?: O): Promise<DialogTurnResult> {
    if (!options) throw new TypeError(`${this.id} needs options`);
    dc.activeDialog!.state.options = options;
    if (options.intro) await dc.context.sendActivity(plainMessage(options.intro, turnTimes(dc.context)));
    await this.show(dc.context, options, dc.activeDialog!.state);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const options = dc.activeDialog!.state.options as O;
    const input = readInput(dc.context);
    const recognized = input.unknownAction
      ? ({ ok: false, message: "That card isn't part of this conversation any more. Let's carry on here:" } as const)
      : this.recognize(input, options);
    if (recognized.ok) {
      // The answered card becomes a read-only summary of what was chosen: no stale value, no live button.
      await retire(dc.context, dc.activeDialog!.state, this.summary(recognized.value, options));
      return dc.endDialog(recognized.value);
    }
    await dc.context.sendActivity(plainMessage(recognized.message, turnTimes(dc.context)));
    await this.show(dc.context, options, dc.activeDialog!.state);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.show(context, instance.state.options as O, instance.state as PromptState);
  }

  override async endDialog(context: TurnContext, instance: DialogInstance, reason: DialogReason): Promise<void> {
    if (reason === DialogReason.cancelCalled)
      await retire(context, instance.state as PromptState, { title: 'Cancelled', text: 'Nothing was requested from this card.' });
  }

  /** Shows the card again; the copy shown before is retired, so only the newest has live buttons. */
  private async show(context: TurnContext, options: O, state: PromptState): Promise<void> {
    await retire(context, state, { title: 'Asked again below', text: 'This question is asked again in the newest card.' });
    const sent = await context.sendActivity(MessageFactory.attachment(this.card(options)));
    if (sent?.id) state.cardId = sent.id;
  }
}

interface PromptState {
  /** The activity id of the card currently asking, for updating it in place once answered. */
  cardId?: string;
}

/** Replaces the card in place with a read-only summary. Best effort: a client that can't update keeps the old card. */
async function retire(context: TurnContext, state: PromptState, summary: { title: string; text: string }): Promise<void> {
  const id = state.cardId;
  if (!id) return;
  delete state.cardId;
  try {
    await context.updateActivity({ ...MessageFactory.attachment(noticeCard(summary)), id });
  } catch {
    // The answer counts either way; the old card's buttons are checked against the dialog when pressed.
  }
}

/** For a card submit that came from a different card than the one being asked. */
export const STALE_CARD_MESSAGE = "That button belongs to an earlier card. Let's carry on with this one:";

// A question asked with a card that can also be answered by typing. Unlike botbuilder's Prompt,
// a failed answer always gets its own explanation and then the card again, so the person is
// never left guessing what went wrong or what to do now.
import { ActivityTypes, MessageFactory, type Attachment, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import { plainMessage } from '../../cards/plainText';
import { readInput, type MessageInput } from '../input';

export type Recognized<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

export interface CardPromptOptions {
  /** Said once before the card when the prompt starts (e.g. why the list is shown). */
  readonly intro?: string;
}

export abstract class CardPrompt<O extends CardPromptOptions, T> extends Dialog<O> {
  protected abstract card(options: O): Attachment;
  protected abstract recognize(input: MessageInput, options: O): Recognized<T>;

  override async beginDialog(dc: DialogContext, options?: O): Promise<DialogTurnResult> {
    if (!options) throw new TypeError(`${this.id} needs options`);
    dc.activeDialog!.state.options = options;
    if (options.intro) await dc.context.sendActivity(plainMessage(options.intro));
    await this.show(dc.context, options);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const options = dc.activeDialog!.state.options as O;
    const input = readInput(dc.context);
    const recognized = input.unknownAction
      ? ({ ok: false, message: "That card isn't part of this conversation any more. Let's carry on here:" } as const)
      : this.recognize(input, options);
    if (recognized.ok) return dc.endDialog(recognized.value);
    await dc.context.sendActivity(plainMessage(recognized.message));
    await this.show(dc.context, options);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.show(context, instance.state.options as O);
  }

  private async show(context: TurnContext, options: O): Promise<void> {
    await context.sendActivity(MessageFactory.attachment(this.card(options)));
  }
}

/** For a card submit that came from a different card than the one being asked. */
export const STALE_CARD_MESSAGE = "That button belongs to an earlier card. Let's carry on with this one:";

// A one-line yes/no question with buttons ("Activate Global Reader for 1 hour? [Yes] [No]"), asked
// before acting on a guess. Typed answers work too; anything else asks again.
import type { Attachment } from 'botbuilder';
import { CardAction } from '../../cards/actions';
import { choicesCard } from '../../cards/choices';
import type { MessageInput } from '../input';
import { normalize } from '../parsing/command';
import { CardPrompt, type CardPromptOptions, type Recognized } from './cardPrompt';

export interface ConfirmPromptOptions extends CardPromptOptions {
  readonly question: string;
}

const YES = new Set([
  'yes',
  'y',
  'yeah',
  'yep',
  'yup',
  'ok',
  'okay',
  'sure',
  'go',
  'go ahead',
  'do it',
  'confirm',
  'correct',
  'right',
  'please',
  'yes please',
]);
const NO = new Set(['no', 'n', 'nope', 'nah', 'cancel', 'stop', "don't", 'dont', 'no thanks', 'wrong']);

export class ConfirmPrompt extends CardPrompt<ConfirmPromptOptions, boolean> {
  protected card(options: ConfirmPromptOptions): Attachment {
    return choicesCard({
      text: options.question,
      buttons: [
        { label: 'Yes', action: CardAction.confirm, answer: 'yes' },
        { label: 'No', action: CardAction.confirm, answer: 'no' },
      ],
    });
  }

  protected override summary(yes: boolean, options: ConfirmPromptOptions): { title: string; text: string } {
    return { title: options.question, text: yes ? 'You answered Yes.' : 'You answered No.' };
  }

  protected recognize(input: MessageInput): Recognized<boolean> {
    if (input.action === CardAction.confirm) {
      const answer = input.value?.['answer'];
      if (answer === 'yes' || answer === 'no') return { ok: true, value: answer === 'yes' };
    } else if (input.action === undefined && input.text !== '' && input.text.length <= 40) {
      const said = normalize(input.text);
      if (YES.has(said)) return { ok: true, value: true };
      if (NO.has(said)) return { ok: true, value: false };
    }
    return { ok: false, message: 'Please answer Yes or No (or say "cancel").' };
  }
}

// A short answer with buttons: what the bot can do when it could not read a message, and one-line
// confirmations ("Activate Global Reader for 1 hour?"). A button sends an action and, for "ask",
// the question it stands for, so pressing it is the same as typing it.
import type { Attachment } from 'botbuilder';
import { renderCard } from './render';

export interface ChoiceButton {
  readonly label: string;
  readonly action: string;
  /** For the "ask" action: the words the button stands for. */
  readonly question?: string;
  /** For the "confirm" action: "yes" or "no". */
  readonly answer?: string;
}

export function choicesCard(input: { title?: string; text: string; hint?: string; buttons: readonly ChoiceButton[] }): Attachment {
  return renderCard('choices', {
    title: input.title ?? '',
    text: input.text,
    hint: input.hint ?? '',
    buttons: input.buttons.map((b) => ({ label: b.label, action: b.action, question: b.question ?? '', answer: b.answer ?? '' })),
  });
}

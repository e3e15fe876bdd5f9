import type { Attachment } from 'botbuilder';
import { CardAction, CardInput } from '../../cards/actions';
import { formatDuration } from '../../cards/format';
import { durationCard } from '../../cards/views';
import { stringField, type MessageInput } from '../input';
import { parseDuration } from '../parsing/duration';
import { CardPrompt, STALE_CARD_MESSAGE, type CardPromptOptions, type Recognized } from './cardPrompt';

export interface DurationPromptOptions extends CardPromptOptions {
  readonly roleName: string;
  /** Both bounds come from the role's policy (Constraints), never from the dialog. */
  readonly minMinutes: number;
  readonly maxMinutes: number;
  readonly defaultMinutes: number;
  readonly lastStep: boolean;
  /** The button's words when the answer does something other than activate. */
  readonly submitTitle?: string;
}

export class DurationPrompt extends CardPrompt<DurationPromptOptions, number> {
  protected override card(options: DurationPromptOptions): Attachment {
    return durationCard(options);
  }

  protected override summary(minutes: number, options: DurationPromptOptions): { title: string; text: string } {
    return { title: `${options.roleName}: ${formatDuration(minutes)}`, text: `Duration chosen: ${formatDuration(minutes)}.` };
  }

  protected override recognize(input: MessageInput, options: DurationPromptOptions): Recognized<number> {
    let said: string;
    if (input.action !== undefined) {
      if (input.action !== CardAction.setDuration) return { ok: false, message: STALE_CARD_MESSAGE };
      const field = stringField(input.value, CardInput.duration);
      if (typeof field !== 'string' || field.trim() === '') {
        return { ok: false, message: 'That card submit had no duration. Enter one like 2h or 90 minutes:' };
      }
      said = field;
    } else {
      said = input.text;
    }
    const range = `between ${formatDuration(options.minMinutes)} and ${formatDuration(options.maxMinutes)}`;
    const minutes = parseDuration(said);
    if (minutes === null) {
      return {
        ok: false,
        message: `I didn't understand "${said.trim().slice(0, 40)}" as a duration. Try 2h, 90 minutes or 1h30m; ${options.roleName} allows ${range}.`,
      };
    }
    if (minutes > options.maxMinutes) {
      return { ok: false, message: `${formatDuration(minutes)} is more than ${options.roleName} allows. Choose a duration ${range}.` };
    }
    if (minutes < options.minMinutes) {
      return { ok: false, message: `${formatDuration(minutes)} is too short: PIM needs ${range} for ${options.roleName}.` };
    }
    return { ok: true, value: minutes };
  }
}

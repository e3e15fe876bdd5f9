import type { Attachment } from 'botbuilder';
import { CardAction } from '../../cards/actions';
import { roleListCard } from '../../cards/views';
import { stringField, type MessageInput } from '../input';
import { matchRole } from '../parsing/roleMatch';
import type { RoleChoice } from '../roleChoice';
import { CardPrompt, STALE_CARD_MESSAGE, type CardPromptOptions, type Recognized } from './cardPrompt';

export interface RolePromptOptions extends CardPromptOptions {
  /** Only the acting user's own eligibilities: a key or name outside this list is refused. */
  readonly choices: readonly RoleChoice[];
}

/** Eligibility keys are short; anything longer is not one of ours. */
const MAX_KEY_LENGTH = 1024;

export class RolePrompt extends CardPrompt<RolePromptOptions, RoleChoice> {
  protected override card(options: RolePromptOptions): Attachment {
    return roleListCard({ roles: options.choices });
  }

  protected override recognize(input: MessageInput, options: RolePromptOptions): Recognized<RoleChoice> {
    if (input.action !== undefined) {
      if (input.action !== CardAction.pickRole) return { ok: false, message: STALE_CARD_MESSAGE };
      return recognizeKey(stringField(input.value, 'eligibilityKey'), options.choices);
    }
    if (input.text === '') return { ok: false, message: 'Pick a role from the list, or type its name.' };
    const match = matchRole(input.text, options.choices);
    switch (match.kind) {
      case 'one':
        return { ok: true, value: match.choice };
      case 'many':
        return {
          ok: false,
          message: `"${shorten(input.text)}" matches ${match.choices.map((c) => `${c.roleName} (${c.scopeName})`).join(', ')}. Which one?`,
        };
      case 'none':
        return { ok: false, message: `You have no eligible role called "${shorten(input.text)}". These are the roles you can activate:` };
    }
  }
}

export function recognizeKey(key: string | undefined | null, choices: readonly RoleChoice[]): Recognized<RoleChoice> {
  if (key === undefined || key === null || key === '' || key.length > MAX_KEY_LENGTH) {
    return { ok: false, message: "That card submit didn't say which role you picked. Please pick one from the list:" };
  }
  const choice = choices.find((c) => c.key === key);
  if (!choice) return { ok: false, message: "That role isn't one you're eligible for, so I can't activate it. Pick one from your list:" };
  return { ok: true, value: choice };
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

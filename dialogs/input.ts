// The part of a message the dialogs read: typed text and/or the data a card button submitted.
import type { Activity, TurnContext } from 'botbuilder';
import { isCardActionName, type CardActionName } from '../cards/actions';

export interface MessageInput {
  /** Typed text without the bot's @mention, trimmed; '' for a card submit. */
  readonly text: string;
  /** Card submit data (ids and form inputs), only when it is a plain object. */
  readonly value?: Readonly<Record<string, unknown>>;
  /** The card action, when the value names one we know. */
  readonly action?: CardActionName;
  /** The value named an action we don't know (or named it with a non-string). */
  readonly unknownAction: boolean;
}

export function readInput(context: TurnContext): MessageInput {
  const activity = context.activity;
  const text = typeof activity.text === 'string' ? withoutBotMention(activity, activity.text).trim() : '';
  const value = isPlainObject(activity.value) ? activity.value : undefined;
  if (!value) return { text, unknownAction: false };
  const action = value['action'];
  if (isCardActionName(action)) return { text, value, action, unknownAction: false };
  return { text, value, unknownAction: action !== undefined };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field of card data: undefined when absent, null when present with the wrong type. */
export function stringField(value: Readonly<Record<string, unknown>> | undefined, name: string): string | undefined | null {
  if (!value || !(name in value) || value[name] === undefined) return undefined;
  const field = value[name];
  return typeof field === 'string' ? field : null;
}

/**
 * Teams puts "<at>Bot</at>" into the text in group chats. TurnContext.removeRecipientMention would do,
 * but it throws on a malformed mention entity and alters the activity; this reads defensively instead.
 */
function withoutBotMention(activity: Partial<Activity>, text: string): string {
  const botId = activity.recipient?.id;
  if (!botId || !Array.isArray(activity.entities)) return text;
  let result = text;
  for (const entity of activity.entities as unknown[]) {
    if (!isPlainObject(entity) || entity['type'] !== 'mention') continue;
    const mentioned = entity['mentioned'];
    const mentionText = entity['text'];
    if (isPlainObject(mentioned) && mentioned['id'] === botId && typeof mentionText === 'string' && mentionText !== '') {
      result = result.split(mentionText).join(' ');
    }
  }
  return result;
}

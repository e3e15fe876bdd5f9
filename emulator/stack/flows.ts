// User flows as a person would run them: read the bot's last answer and reply to what it asks.
// Reading instead of replaying a fixed script keeps the flow right when a turn was lost (an
// instance killed mid-turn) and has to be sent again.
import type { Conversation, TurnResult } from './chatDriver';
import { textOf } from './chatDriver';

export type FlowOutcome =
  /** The bot said the role is active. */
  | 'active'
  /** The bot said it was already active (a retried submit after a lost answer). */
  | 'alreadyActive'
  /** The bot ended the flow with a plain message (PIM busy, unreachable, ...). */
  | 'message'
  /** The flow did not reach an end within the step budget. */
  | 'stuck';

export interface FlowResult {
  readonly outcome: FlowOutcome;
  readonly turns: TurnResult[];
  /** The bot's last words, for assertions and failure messages. */
  readonly lastText: string;
  /** Turns that had to be sent again because the HTTP request failed (0 / 5xx). */
  readonly resent: number;
}

export interface ActivationScript {
  /** As typed: "activate global reader". */
  readonly command: string;
  readonly duration: string;
  readonly justification: string;
  readonly maxSteps?: number;
  /** Between retries of a failed turn (an instance restarting). */
  readonly retryDelayMs?: number;
  /** A person's pause before each answer (reading the card, typing); none when absent. */
  readonly thinkMs?: () => number;
}

const ASKS_DURATION = /How long do you need/i;
const ASKS_JUSTIFICATION = /Why do you need/i;
const IS_ACTIVE = /\bis active\b/i;
const ALREADY_ACTIVE = /already active/i;
/** The plain endings of dialogs/errorMessages.ts and bot/turnError.ts. */
export const CLEAR_MESSAGE =
  /PIM is busy|can't reach PIM|went wrong|try again|Nothing (new )?was (changed|activated|requested)|needs a stronger sign-in|PIM refused|isn't available|not eligible/i;

export const GLOBAL_READER_SCRIPT: ActivationScript = {
  command: 'activate global reader',
  duration: '90 minutes',
  justification: 'Quarterly access review',
};

export async function runActivation(conversation: Conversation, script: ActivationScript = GLOBAL_READER_SCRIPT): Promise<FlowResult> {
  const turns: TurnResult[] = [];
  let resent = 0;
  let next = script.command;
  let lastText = '';
  for (let step = 0; step < (script.maxSteps ?? 12); step++) {
    if (step > 0 && script.thinkMs) await sleep(script.thinkMs());
    const turn = await conversation.say(next);
    turns.push(turn);
    const text = textOf(turn.replies);
    if (turn.replies.length > 0) lastText = text;
    if (turn.status === 0 || turn.status >= 500) {
      // The turn may or may not have run; read what arrived, otherwise say it again.
      if (turn.replies.length === 0) {
        resent++;
        await sleep(script.retryDelayMs ?? 200);
        continue;
      }
    }
    if (IS_ACTIVE.test(text) && !ASKS_JUSTIFICATION.test(text)) return { outcome: 'active', turns, lastText, resent };
    if (ALREADY_ACTIVE.test(text)) return { outcome: 'alreadyActive', turns, lastText, resent };
    if (ASKS_JUSTIFICATION.test(text)) next = script.justification;
    else if (ASKS_DURATION.test(text)) next = script.duration;
    else if (CLEAR_MESSAGE.test(text)) return { outcome: 'message', turns, lastText, resent };
    else next = script.command;
  }
  return { outcome: 'stuck', turns, lastText, resent };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

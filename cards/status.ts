// Status is never carried by colour alone: every status title starts with an icon, and says
// the status in words where the sentence itself does not ("⏳ Waiting: …", "✅ Approved by …"). Title
// text keeps the default colour: Teams' yellow and green on white read at 1.5:1 and 2:1 contrast.
import type { ApprovalOutcome } from '../services/approvals/model';

export type Tone = 'info' | 'success' | 'warning' | 'error';

const TONE_ICON: Readonly<Record<Tone, string>> = { info: 'ℹ️', success: '✅', warning: '⏳', error: '❌' };
const OUTCOME_ICON: Readonly<Record<ApprovalOutcome, string>> = {
  pending: '⏳',
  approved: '✅',
  denied: '❌',
  canceled: '🚫',
  expired: '⌛',
};
/** What a title must say when its text carries no status word of its own. */
const OUTCOME_WORD: Readonly<Record<ApprovalOutcome, string>> = {
  pending: 'Waiting',
  approved: 'Approved',
  denied: 'Denied',
  canceled: 'Cancelled',
  expired: 'Expired',
};
/** The colour every status title uses: readable on light and dark themes. */
export const TITLE_COLOR = 'Default';

function says(text: string, word: string): boolean {
  return text.toLowerCase().includes(word.toLowerCase());
}

/** "⏳ Waiting: Alice Adams asks for User Administrator", "✅ Approved by Bob Brown at 10:02". */
export function outcomeTitle(outcome: ApprovalOutcome, text: string): string {
  const word = OUTCOME_WORD[outcome];
  const waiting = outcome === 'pending' && says(text, 'waiting');
  return `${OUTCOME_ICON[outcome]} ${says(text, word) || waiting ? text : `${word}: ${text}`}`;
}

/** A title with its tone's icon ("✅ Role activated", "❌ User Administrator was denied"). */
export function toneTitle(tone: Tone, text: string): string {
  return `${TONE_ICON[tone]} ${text}`;
}

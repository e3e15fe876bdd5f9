// First look at an incoming message, before any state is read: anything we cannot safely
// interpret gets a plain answer and changes nothing.
import type { Activity } from 'botbuilder';

export type GuardResult = { readonly ok: true } | { readonly ok: false; readonly reply: string };

/** Far beyond any command or justification; Teams itself caps messages around 28 KB. */
export const MAX_TEXT_LENGTH = 4000;
/** Card submits carry ids and a few short inputs. */
export const MAX_VALUE_BYTES = 16 * 1024;

export function checkMessage(activity: Partial<Activity>): GuardResult {
  const text: unknown = activity.text;
  const value: unknown = activity.value;
  if (text !== undefined && text !== null && typeof text !== 'string') {
    return refuse('I couldn\'t read that message. Please type a command like "activate" or use a card\'s buttons.');
  }
  if (typeof text === 'string' && text.length > MAX_TEXT_LENGTH) {
    return refuse(`That message is too long for me (over ${MAX_TEXT_LENGTH.toLocaleString('en-US')} characters). Nothing was changed.`);
  }
  if (value !== undefined && value !== null) {
    if (typeof value !== 'object' || Array.isArray(value)) {
      return refuse("That card submit wasn't in a form I understand. Nothing was changed.");
    }
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(value), 'utf8');
    } catch {
      return refuse("That card submit wasn't in a form I understand. Nothing was changed.");
    }
    if (size > MAX_VALUE_BYTES) return refuse('That card submit is too large for me. Nothing was changed.');
    return { ok: true };
  }
  if (typeof text !== 'string' || text.trim() === '') {
    return refuse('I can only read text and card buttons. Say "help" to see what I can do.');
  }
  return { ok: true };
}

function refuse(reply: string): GuardResult {
  return { ok: false, reply };
}

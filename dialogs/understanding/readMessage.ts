// One message read completely: the intent (understand.ts) and, for a request, its slots as the
// grammar of parsing/request.ts reads them from the rest of the sentence. The phrasing table
// (tests/unit/dialogs/understanding/phrasings.ts) asserts exactly this, so what the table proves is what the dialogs do.
import { parseRequest, type ParseContext } from '../parsing/request';
import { understand, type Intent } from './understand';

export interface Slots {
  /** The roles (or groups) as said, one per target. */
  readonly roles?: readonly string[];
  /** The scope as said after "on"/"in" (of the first target that has one). */
  readonly scope?: string;
  readonly minutes?: number;
  /** ISO instant of an end said with "until". */
  readonly until?: string;
  /** ISO instant of a start said ("tomorrow at 9am"). */
  readonly start?: string;
  readonly ticket?: string;
  readonly justification?: string;
  /** deactivate / extend / cancelRequest: which, as said. */
  readonly target?: string;
  /** An admin question: its kind and slots as the admin grammar names them. */
  readonly question?: string;
  readonly user?: string;
  readonly role?: string;
  readonly period?: string;
  readonly subject?: string;
  readonly duration?: string;
  readonly alert?: string;
}

export interface MessageReading {
  readonly intent: Intent;
  /** Only for activate: a verb or request phrase was said (false = a guess the dialog confirms). */
  readonly explicit?: boolean;
  readonly slots: Slots;
}

export function readMessage(text: string, context: ParseContext): MessageReading {
  const reading = understand(text);
  switch (reading.intent) {
    case 'activate': {
      const parsed = parseRequest(reading.rest, context);
      const scope = parsed.targets.find((t) => t.scope)?.scope;
      const slots: Slots = {
        ...(parsed.targets.length > 0 ? { roles: parsed.targets.map((t) => t.role) } : {}),
        ...(scope ? { scope } : {}),
        ...(parsed.durationMinutes !== undefined ? { minutes: parsed.durationMinutes } : {}),
        ...(parsed.until ? { until: parsed.until.toISOString() } : {}),
        ...(parsed.start ? { start: parsed.start.toISOString() } : {}),
        ...(parsed.ticket ? { ticket: parsed.ticket } : {}),
        ...(parsed.justification ? { justification: parsed.justification } : {}),
      };
      return { intent: 'activate', explicit: reading.explicit, slots };
    }
    case 'deactivate':
    case 'extend':
    case 'cancelRequest':
      return { intent: reading.intent, slots: reading.rest ? { target: reading.rest } : {} };
    case 'adminQuestion':
      return { intent: 'adminQuestion', slots: { question: reading.admin!.intent, ...reading.admin!.slots } };
    default:
      return { intent: reading.intent, slots: {} };
  }
}

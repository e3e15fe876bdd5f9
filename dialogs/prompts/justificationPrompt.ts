import type { Attachment } from 'botbuilder';
import { CardAction, CardInput } from '../../cards/actions';
import { justificationCard } from '../../cards/views';
import { stringField, type MessageInput } from '../input';
import { CardPrompt, STALE_CARD_MESSAGE, type CardPromptOptions, type Recognized } from './cardPrompt';

export interface JustificationPromptOptions extends CardPromptOptions {
  readonly roleName: string;
  readonly scopeName: string;
  readonly durationMinutes: number;
  readonly askJustification: boolean;
  readonly askTicket: boolean;
}

export interface JustificationAnswer {
  readonly justification?: string;
  readonly ticketNumber?: string;
}

/** PIM's own limit on a justification's length. */
export const MAX_JUSTIFICATION_LENGTH = 500;
const MAX_TICKET_LENGTH = 100;

/**
 * Asks for whatever the policy wants: a justification, a ticket number or both. A card fills both
 * at once; typed text answers the first one still missing (the dialog asks again for the other).
 */
export class JustificationPrompt extends CardPrompt<JustificationPromptOptions, JustificationAnswer> {
  protected override card(options: JustificationPromptOptions): Attachment {
    return justificationCard(options);
  }

  protected override summary(answer: JustificationAnswer, options: JustificationPromptOptions): { title: string; text: string } {
    const parts = [
      answer.justification ? `Justification: ${answer.justification}` : '',
      answer.ticketNumber ? `Ticket: ${answer.ticketNumber}` : '',
    ].filter(Boolean);
    return { title: `${options.roleName}: details given`, text: parts.join(' · ') || 'Nothing more was needed.' };
  }

  protected override recognize(input: MessageInput, options: JustificationPromptOptions): Recognized<JustificationAnswer> {
    if (input.action !== undefined) {
      if (input.action !== CardAction.submitJustification) return { ok: false, message: STALE_CARD_MESSAGE };
      return recognizeCard(input, options);
    }
    if (options.askJustification) {
      const justification = checkJustification(input.text, options.roleName);
      return justification.ok ? { ok: true, value: { justification: justification.value } } : justification;
    }
    const ticket = checkTicket(input.text, options.roleName);
    return ticket.ok ? { ok: true, value: { ticketNumber: ticket.value } } : ticket;
  }
}

function recognizeCard(input: MessageInput, options: JustificationPromptOptions): Recognized<JustificationAnswer> {
  let justification: string | undefined;
  let ticketNumber: string | undefined;
  if (options.askJustification) {
    const field = stringField(input.value, CardInput.justification);
    if (field === null) return { ok: false, message: "That card submit had a justification I can't read. Please type it again:" };
    const checked = checkJustification(field ?? '', options.roleName);
    if (!checked.ok) return checked;
    justification = checked.value;
  }
  if (options.askTicket) {
    const field = stringField(input.value, CardInput.ticketNumber);
    if (field === null) return { ok: false, message: "That card submit had a ticket number I can't read. Please enter it again:" };
    const checked = checkTicket(field ?? '', options.roleName);
    if (!checked.ok) return checked;
    ticketNumber = checked.value;
  }
  return { ok: true, value: { ...(justification ? { justification } : {}), ...(ticketNumber ? { ticketNumber } : {}) } };
}

function checkJustification(text: string, roleName: string): Recognized<string> {
  const value = text.trim();
  if (value === '') {
    return { ok: false, message: `A justification is required for ${roleName}. Tell me in a sentence what you need it for:` };
  }
  if (value.length > MAX_JUSTIFICATION_LENGTH) {
    return {
      ok: false,
      message: `That justification is ${value.length} characters; PIM takes at most ${MAX_JUSTIFICATION_LENGTH}. Please shorten it:`,
    };
  }
  return { ok: true, value };
}

function checkTicket(text: string, roleName: string): Recognized<string> {
  const value = text.trim();
  if (value === '') return { ok: false, message: `A ticket number is required for ${roleName}. Which ticket is this for (like INC-42)?` };
  if (value.length > MAX_TICKET_LENGTH || /[\r\n]/.test(value)) {
    return { ok: false, message: `A ticket number is one short line (at most ${MAX_TICKET_LENGTH} characters). Which ticket is this for?` };
  }
  return { ok: true, value };
}

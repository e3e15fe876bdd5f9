// Cards for what the user already holds or has waiting: information, not an error, with the one
// thing that can be done about it on a button (deactivate, cancel the request).
import type { Attachment } from 'botbuilder';
import type { Surface } from '../services/pim/model';
import { CardAction } from './actions';
import { cardDateTime, cardTime, timeLeft, zonedDateTime } from './format';
import { renderCard } from './render';

/** Something the user already holds, or has a request waiting for (see dialogs/activation/held.ts). */
export type Held =
  | {
      readonly kind: 'active';
      /** ISO instant; null = no end. */
      readonly end: string | null;
      readonly scopeName: string;
      /** Activated through PIM (so it can be deactivated), not a standing assignment. */
      readonly activated: boolean;
    }
  | {
      readonly kind: 'pending';
      readonly requestId: string;
      readonly surface: Surface;
      /** 'approval': waiting for an approver; 'scheduled': approved or free, starting later. */
      readonly waitingFor: 'approval' | 'scheduled';
      readonly since: string;
      readonly start: string;
    };

/** PIM has no user extension of an activation; said the same way wherever it comes up. */
export const NO_EXTEND_LINE =
  "PIM doesn't extend an activation: when it ends, activate it again. I'll remind you shortly before it ends, with a button for that.";

export interface NoticeAction {
  readonly title: string;
  readonly data: Readonly<Record<string, string>>;
}

export function noticeCard(input: {
  title: string;
  text: string;
  hint?: string;
  tone?: 'info' | 'warning';
  actions?: readonly NoticeAction[];
}): Attachment {
  return renderCard('notice', {
    title: input.title,
    text: input.text,
    hint: input.hint ?? '',
    color: input.tone === 'warning' ? 'Warning' : 'Default',
    actions: (input.actions ?? []).map((a) => ({ title: a.title, data: { ...a.data } })),
  });
}

/** "Global Reader is already active" with its end and scope, or "a request is already waiting" with Cancel. */
export function heldCard(input: { key: string; label: string; held: Held; now: Date }): Attachment {
  const { held, label } = input;
  if (held.kind === 'active') {
    const end = held.end ? new Date(held.end) : null;
    const until = end ? `until ${cardTime(end)} (${timeLeft(end, input.now)})` : 'with no end date';
    return noticeCard({
      title: `${label} is already active`,
      text: `It is active for you on ${held.scopeName} ${until}. Nothing new was requested.`,
      hint: held.activated ? NO_EXTEND_LINE : 'It is a standing assignment, not an activation.',
      actions: [
        ...(held.activated ? [{ title: 'Deactivate now', data: { action: CardAction.deactivate, activeKey: input.key } }] : []),
        { title: 'My roles', data: { action: CardAction.myRoles } },
      ],
    });
  }
  const cancel = { title: 'Cancel request', data: { action: CardAction.cancelRequest, surface: held.surface, requestId: held.requestId } };
  if (held.waitingFor === 'approval') {
    return noticeCard({
      title: `A request for ${label} is already waiting for approval`,
      text: `You asked for it at ${cardDateTime(new Date(held.since))}; it is still with the approvers. Nothing new was requested.`,
      hint: 'Cancel it if you no longer need it, or to ask again with other details.',
      actions: [cancel],
    });
  }
  return noticeCard({
    title: `${label} is already scheduled`,
    text: `It starts ${zonedDateTime(new Date(held.start))}. Nothing new was requested.`,
    hint: 'Cancel it if you no longer need it.',
    actions: [cancel],
  });
}

/** One short line for the role list: the picker marks what is on or waiting. */
export function heldLine(held: Held | undefined): string {
  if (!held) return '';
  if (held.kind === 'active') return held.end ? `Active now, until ${cardTime(new Date(held.end))}` : 'Active now';
  return held.waitingFor === 'approval' ? 'Request waiting for approval' : `Scheduled from ${cardDateTime(new Date(held.start))}`;
}

// Every approval view the use case asks for, rendered: a card (Attachment) or plain text. The one
// place that turns services/approvals' views into what Teams shows.
import type { Attachment } from 'botbuilder';
import { localizeTimes, type TimeFormatter } from '../localTime';
import { plainMessage } from '../plainText';
import type { ApprovalView } from '../../services/approvals/views';
import { alreadyWaitingCard } from './alreadyWaiting';
import { approverCard, cardFor, outcomeMessage, requestedAccess } from './approvalCards';
import { approverStepUpCard } from './approverStepUp';
import type { ApprovalRecord, CardCopy } from '../../services/approvals/record';
import type { StepUpPrompt } from '../../services/approvals/views';
import { approverReminderText, escalationChannelText, escalationRequesterText, requesterWarningText } from './reminderTexts';

/**
 * `times`: the reader's zone, when the view goes to one person whose zone the bot knows; their cards and
 * messages then show local times in words. Without it a card keeps its date/time functions for the
 * client and a message says UTC (a channel copy has many readers, and no one zone).
 */
export function renderApprovalView(view: ApprovalView, times?: TimeFormatter): Attachment | string {
  const shown = renderView(view, times);
  return times && typeof shown !== 'string' ? localizeTimes(shown, times) : shown;
}

function renderView(view: ApprovalView, times: TimeFormatter | undefined): Attachment | string {
  switch (view.kind) {
    case 'card':
      return cardFor(view.record, view.copy);
    case 'approverStepUp':
      return stepUpCard(view.record, view.copy, view.stepUp);
    case 'alreadyWaiting':
      return alreadyWaitingCard(view.request, view.record);
    case 'outcome':
      return outcomeMessage(view.record, times);
    case 'approverReminder':
      return plainMessage(approverReminderText(view.record), times);
    case 'requesterWarning':
      return plainMessage(requesterWarningText(view.record), times);
    case 'escalationChannel':
      return plainMessage(escalationChannelText(view.record, view.reached), times);
    case 'escalationRequester':
      return plainMessage(escalationRequesterText(view.record, view.reached, view.inChannel), times);
  }
}

/** The approver's card as it shows now, with the step-up notice and the sign-in button (issue 20). */
export function stepUpCard(record: ApprovalRecord, copy: CardCopy, stepUp: StepUpPrompt): Attachment {
  return approverStepUpCard(approverCard(record, copy), {
    decision: stepUp.decision,
    requesterName: record.requester.displayName ?? 'Someone',
    access: requestedAccess(record),
    requirement: stepUp.requirement,
    signInUrl: stepUp.signInUrl,
    linkExpiresAt: new Date(stepUp.linkExpiresAt),
    ...(stepUp.stillMissing ? { stillMissing: stepUp.stillMissing } : {}),
  });
}

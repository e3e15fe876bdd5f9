// Every approval view the use case asks for, rendered: a card (Attachment) or plain text. The one
// place that turns services/approvals' views into what Teams shows.
import type { Attachment } from 'botbuilder';
import { plainMessage } from '../plainText';
import type { ApprovalView } from '../../services/approvals/views';
import { alreadyWaitingCard } from './alreadyWaiting';
import { approverCard, cardFor, outcomeMessage, requestedAccess } from './approvalCards';
import { approverStepUpCard } from './approverStepUp';
import type { ApprovalRecord, CardCopy } from '../../services/approvals/record';
import type { StepUpPrompt } from '../../services/approvals/views';
import { approverReminderText, escalationChannelText, escalationRequesterText, requesterWarningText } from './reminderTexts';

export function renderApprovalView(view: ApprovalView): Attachment | string {
  switch (view.kind) {
    case 'card':
      return cardFor(view.record, view.copy);
    case 'approverStepUp':
      return stepUpCard(view.record, view.copy, view.stepUp);
    case 'alreadyWaiting':
      return alreadyWaitingCard(view.request, view.record);
    case 'outcome':
      return outcomeMessage(view.record);
    case 'approverReminder':
      return plainMessage(approverReminderText(view.record));
    case 'requesterWarning':
      return plainMessage(requesterWarningText(view.record));
    case 'escalationChannel':
      return plainMessage(escalationChannelText(view.record, view.reached));
    case 'escalationRequester':
      return plainMessage(escalationRequesterText(view.record, view.reached, view.inChannel));
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

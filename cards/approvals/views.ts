// Every approval view the use case asks for, rendered: a card (Attachment) or plain text. The one
// place that turns services/approvals' views into what Teams shows.
import type { Attachment } from 'botbuilder';
import { plainMessage } from '../plainText';
import type { ApprovalView } from '../../services/approvals/views';
import { alreadyWaitingCard } from './alreadyWaiting';
import { cardFor, outcomeMessage } from './approvalCards';
import { approverReminderText, escalationChannelText, escalationRequesterText, requesterWarningText } from './reminderTexts';

export function renderApprovalView(view: ApprovalView): Attachment | string {
  switch (view.kind) {
    case 'card':
      return cardFor(view.record, view.copy);
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

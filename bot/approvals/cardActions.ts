// Action.Execute on an approval card (invoke adaptiveCard/action): the verb table, and the one place
// that turns the use case's answer (a card or a sentence) into the invoke response Teams shows.
import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, Attachment, TurnContext } from 'botbuilder';
import { CardVerb, type CardVerbName } from '../../cards/actions';
import { refusalText, MAX_REASON_LENGTH, noteOnCard } from '../../cards/approvals/answerTexts';
import { approverCard, cardFor } from '../../cards/approvals/approvalCards';
import { stepUpCard } from '../../cards/approvals/views';
import { isRequestId, type ApprovalCoordinator, type CardClick } from '../../services/approvals/coordinator';
import { SURFACES } from '../../services/pim/surfaces';
import type { UserContext } from '../../services/pim/model';
import type { ActionAnswer } from '../../services/approvals/views';

type Act = (coordinator: ApprovalCoordinator, user: UserContext, click: CardClick) => Promise<ActionAnswer>;

/** Every Action.Execute verb the product's cards use, and what each does. */
export const CARD_VERBS: { readonly [V in CardVerbName]: Act } = {
  [CardVerb.approve]: (c, user, click) => c.decide(user, 'approve', click),
  [CardVerb.deny]: (c, user, click) => c.decide(user, 'deny', click),
  [CardVerb.cancelRequest]: (c, user, click) => c.cancel(user, click),
};

/** The verbs anyone in a shared conversation may press (a channel's approval card); the rest answer in 1:1 chats only. */
export const SHARED_CARD_VERBS: ReadonlySet<string> = new Set<CardVerbName>([CardVerb.approve, CardVerb.deny]);

function isVerb(verb: string | undefined): verb is CardVerbName {
  return verb !== undefined && Object.prototype.hasOwnProperty.call(CARD_VERBS, verb);
}

/** Who acts on a card: the turn's verified identity (actingUser in the dialogs, bound by the composition root); undefined = unknown. */
export type ActingUser = (context: TurnContext) => UserContext | undefined;

export class ApprovalCardActions {
  constructor(
    private readonly coordinator: ApprovalCoordinator,
    private readonly actingUser: ActingUser,
  ) {}

  /** undefined when the verb is not a card verb of ours. */
  async onCardAction(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse | undefined> {
    const verb = value.action?.verb;
    if (!isVerb(verb)) return undefined;
    const user = this.actingUser(context);
    if (!user) return invokeMessage(refusalText('unknownUser'));
    const data = (value.action.data ?? {}) as Record<string, unknown>;
    const requestId = typeof data['requestId'] === 'string' ? data['requestId'] : '';
    const surface = SURFACES.find((s) => s === data['surface']);
    const nonce = typeof data['nonce'] === 'string' ? data['nonce'] : '';
    const reason = typeof data['reason'] === 'string' ? data['reason'].trim() : '';
    if (!surface || !isRequestId(surface, requestId)) return invokeMessage(refusalText('unknownRequest'));
    if (reason.length > MAX_REASON_LENGTH) return invokeMessage(refusalText('reasonTooLong'));
    // Teams sends a card's invoke as a reply to the card's message.
    const click: CardClick = {
      surface,
      requestId,
      nonce,
      reason,
      clicked: context.activity.replyToId,
      conversationId: verb === CardVerb.cancelRequest ? undefined : context.activity.conversation?.id,
    };
    return invokeResponse(await CARD_VERBS[verb](this.coordinator, user, click));
  }
}

/** The use case's answer as Teams takes it: the clicked card replaced, or a message. */
export function invokeResponse(answer: ActionAnswer): AdaptiveCardInvokeResponse {
  if (answer.kind === 'refused') return invokeMessage(refusalText(answer.why, answer.approvers));
  // The invoke response only (never an update of the message): Teams shows it to the clicker alone,
  // so the sign-in link stays theirs even on a channel's copy.
  if (answer.kind === 'stepUp') return cardResponse(stepUpCard(answer.record, answer.copy, answer.stepUp));
  const note = answer.note && noteOnCard(answer.note);
  return cardResponse(note ? approverCard(answer.record, answer.copy, note) : cardFor(answer.record, answer.copy));
}

function cardResponse(card: Attachment): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card.content as Record<string, unknown> };
}

/** A sentence as the invoke response (Teams shows it instead of changing the card). */
export function invokeMessage(text: string): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as unknown as Record<string, unknown> };
}

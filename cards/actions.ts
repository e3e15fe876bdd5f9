// The data a card's buttons send back. Ids only: who acts is always the activity's sender,
// and every id is checked against that user's own PIM data before anything happens.

export const CardAction = {
  activate: 'activate',
  myRoles: 'myRoles',
  pickRole: 'pickRole',
  setDuration: 'setDuration',
  submitJustification: 'submitJustification',
  cancel: 'cancel',
  /** Several eligibilities ticked on the role list (selectedKeys). */
  pickRoles: 'pickRoles',
  searchRoles: 'searchRoles',
  moreRoles: 'moreRoles',
  deactivate: 'deactivate',
  extendAccess: 'extendAccess',
  cancelRequest: 'cancelRequest',
  /** What waits for the user as an approver. */
  approverQueue: 'approverQueue',
  /** A button that stands for a typed question ("help", "what is waiting for me"): `question` is read as if typed. */
  ask: 'ask',
  /** The answer to a one-line confirmation: `answer` is "yes" or "no". */
  confirm: 'confirm',
} as const;

/**
 * The verbs of Action.Execute buttons (Universal Actions, invoke adaptiveCard/action): the approval
 * cards' Approve, Deny and Cancel. The same vocabulary as CardAction; bot/approvals routes them.
 */
export const CardVerb = {
  approve: 'approve',
  deny: 'deny',
  cancelRequest: CardAction.cancelRequest,
} as const;

export type CardVerbName = (typeof CardVerb)[keyof typeof CardVerb];

export type CardActionName = (typeof CardAction)[keyof typeof CardAction];

/** Input ids in the form templates; Adaptive Cards merge them into the submitted data under these names. */
export const CardInput = {
  duration: 'duration',
  justification: 'justification',
  ticketNumber: 'ticketNumber',
  search: 'search',
  /** Input.ChoiceSet multi-select: comma-separated eligibility keys. */
  selectedKeys: 'selectedKeys',
} as const;

export function isCardActionName(value: unknown): value is CardActionName {
  return typeof value === 'string' && (Object.values(CardAction) as string[]).includes(value);
}

// Where an approver lands after the step-up sign-in for a held click (issue 20): /auth/callback hands
// the state here first (bot/authStepUp.ts), and falls through to the requester's step-up when it is
// not an approver's. The state is used up by exactly one taker; the code is redeemed for the approver
// who clicked and nobody else; then the use case decides at PIM with that token, as them.
import { refusalText } from '../../cards/approvals/answerTexts';
import type { ApprovalCoordinator } from '../../services/approvals/coordinator';
import type { ApproverStepUpClicks, PendingApproverClick } from '../../services/approvals/approverStepUpPending';
import type { StepUpTokens } from '../../services/identity/stepUpTokens';
import { isPimError } from '../../services/pim/errors';
import type { Logger } from '../../services/approvals/ports';
import { describeError } from '../logging';

/** The page the browser shows. */
export interface ReturnPage {
  readonly status: number;
  readonly title: string;
  readonly text: string;
}

export interface ApproverStepUpReturn {
  /** The approver's held click for `state`, used up; undefined: none (the state may be a requester's). */
  take(state: unknown): Promise<PendingApproverClick | undefined>;
  /** Redeems the sign-in (`code`, or the authority's `error`) and decides the click if it still counts. */
  finish(click: PendingApproverClick, code: string | null, error: string | null): Promise<ReturnPage>;
}

export function approverStepUpReturn(o: {
  clicks: ApproverStepUpClicks;
  tokens: StepUpTokens;
  coordinator: ApprovalCoordinator;
  logger: Logger;
}): ApproverStepUpReturn {
  return {
    take: (state) => o.clicks.take(state),
    async finish(click, code, error) {
      const verb = click.decision === 'approve' ? 'approve' : 'deny';
      if (error || !code)
        return {
          status: 400,
          title: 'Sign-in was not completed',
          text: `Nothing was decided. Go back to Teams and click ${verb === 'approve' ? 'Approve' : 'Deny'} again when you are ready.`,
        };
      try {
        await o.tokens.completeSignIn(click.approver, {
          resource: click.resource,
          claims: click.claims,
          code,
          codeVerifier: click.codeVerifier,
          redirectUri: click.redirectUri,
        });
      } catch (e) {
        o.logger.warn("an approver's step-up sign-in could not be redeemed", describeError(e));
        if (isPimError(e) && e.kind === 'forbidden') {
          return {
            status: 403,
            title: 'Signed in with another account',
            text: 'The sign-in must be made by the approver who clicked. Nothing was decided; go back to Teams and click again.',
          };
        }
        return { status: 400, title: 'Sign-in was not completed', text: 'Nothing was decided. Go back to Teams and click again.' };
      }
      try {
        const done = await o.coordinator.completeStepUp(click);
        switch (done.kind) {
          case 'decided':
            return {
              status: 200,
              title: "You're verified",
              text: `Your decision was made: ${done.outcome}. Go back to Teams: every copy of the card shows it. You can close this tab.`,
            };
          case 'nothingDecided':
            return {
              status: 200,
              title: 'Nothing was decided',
              text: 'The request was decided, cancelled or expired meanwhile, or the card you clicked was replaced; this sign-in decided nothing. Go back to Teams to see where it stands.',
            };
          case 'stillShort':
            return {
              status: 200,
              title: 'Your sign-in was not enough',
              text: 'Nothing was decided. I sent you a new sign-in card in Teams.',
            };
          case 'refused':
            return { status: 200, title: 'Nothing was decided', text: refusalText(done.why) };
        }
      } catch (e) {
        o.logger.error('could not decide after an approver step-up sign-in', describeError(e));
        return { status: 500, title: 'Signed in, but I could not decide', text: 'Nothing was decided. Go back to Teams and click again.' };
      }
    },
  };
}

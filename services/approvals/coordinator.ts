// The approval use case: when a request waits for approval the requester gets a waiting card and every
// approver a card in their 1:1 chat; a click decides at PIM as the clicker; the outcome reaches every
// copy in place and the requester once. A periodic sweep is level-triggered from PIM, the one truth: it
// reads every request PIM holds for approval (app-only, all three surfaces) and takes over any the bot
// has no record of (an instance killed inside the submit), reconciles every open record with PIM
// (decisions outside the bot, cancellations, expiry), resumes unfinished fan-outs and updates and sends
// reminders. So after any kill the state is right again within one sweep interval (plus the restart,
// and the send lease for claims the dead instance held): see docs/performance.md.
// Teams is behind ApprovalMessenger (ports.ts); what people read is a view (views.ts) cards/ renders.
import { randomUUID } from 'node:crypto';
import { isPimError, stepUpDemand } from '../pim/errors';
import { eligibilityKey, type ActivationRequest, type RoleDefinitionInfo, type Surface, type UserContext } from '../pim/model';
import { earlierActivations } from '../pim/requests';
import { SURFACES } from '../pim/surfaces';
import type { PimService } from '../pim/service';
import { resolveApprovers } from './approvers';
import { AudiencePrefetch, type Audience } from './audience';
import type { ApproverVerification } from './approverStepUpCheck';
import { ApproverStepUpGate, requirementFromClaims, type ApproverStepUpDeps, type HeldClick } from './approverStepUpGate';
import { clickStillCounts, type PendingApproverClick } from './approverStepUpPending';
import { isAzureRequestId } from './azure/azureApprovals';
import type { ChannelRoute } from './channelRoutes';
import { routeChannel } from './channelRoutes';
import { readApprovalContext, type RoleInfo } from './context';
import type { DecidedEntry } from './decidedBy';
import { ApprovalDecisions, outcomeFromStatus } from './decisions';
import { lastReview, outcomeOfSteps, type ApprovalOutcome, type Decision, type DecisionResult } from './model';
import { approvalRecord } from './newRecord';
import type { ActivationTarget, ApprovalsPort, AppInstallerPort, DirectoryPort, PendingAtPim } from './port';
import { errorFields, type Address, type ApprovalMessenger, type ApprovalMetrics, type InTurnReply, type Logger } from './ports';
import {
  channelCopy,
  claimIsLive,
  copyFor,
  isClaimable,
  isSettled,
  recordKey,
  SEND_LEASE_MS,
  withCopy,
  type ApprovalRecord,
  type CardCopy,
  type RecordedDecision,
} from './record';
import { ApprovalRecordStore } from './recordStore';
import type { ReminderPolicy } from './reminders';
import { CardDelivery } from './delivery';
import { SendRecorder } from './sendRecorder';
import type { ActionAnswer, StepUpPrompt } from './views';

/** One request an approver may decide: its approval card, or none when the bot has no copy for them yet. */
export interface ApproverQueueItem {
  readonly surface: Surface;
  readonly requestId: string;
  /** The approver's copy, to render as their card. */
  readonly card: { readonly record: ApprovalRecord; readonly copy: CardCopy } | undefined;
}

export interface ApproverQueue {
  /** Oldest first. */
  readonly items: readonly ApproverQueueItem[];
  /** Surfaces whose approver view could not be read. */
  readonly unreadable: readonly Surface[];
}

/** What a requester's turn and an approver's question need from approvals (the dialogs' port). */
export interface RequesterApprovals {
  /** A request for `eligibilityKey` that needs approval is about to go to PIM: read who gets its cards meanwhile. */
  prepare(user: UserContext, eligibilityKey: string): void;
  /** A request PIM put in PendingApproval: the waiting card (the turn's reply) and the approvers' cards. */
  submitted(reply: InTurnReply, user: UserContext, request: ActivationRequest): Promise<void>;
  /**
   * PIM refused a submit because `request`, the user's earlier one for the same role and scope, still
   * waits for approval: make sure it has a record and its cards (taking it over if nobody tracks it), and answer the user.
   */
  adopt(reply: InTurnReply, user: UserContext, request: ActivationRequest): Promise<void>;
  /** The requests `user` may decide, oldest first, each with its approval card (none when the bot has no copy for them yet). */
  approverQueue(user: UserContext): Promise<ApproverQueue>;
  /** The user cancelled `requestId` at PIM from a message, not its approval card: update its record and cards now. */
  cancelledAtPim(surface: Surface, requestId: string): Promise<void>;
  /** What `user` approved or denied between `from` and `to` as the bot recorded it, newest first (their own decisions only). */
  decidedBy(user: UserContext, from: Date, to: Date): Promise<readonly DecidedEntry[]>;
}

/** A click on an approval card, as the Teams edge read it. */
export interface CardClick {
  readonly surface: Surface;
  readonly requestId: string;
  readonly nonce: string;
  /** Trimmed. */
  readonly reason: string;
  /** The activity id of the card clicked (Teams sends a card's invoke as a reply to it). */
  readonly clicked: string | undefined;
  /** The conversation the click came from. */
  readonly conversationId: string | undefined;
}

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A request id as one of the surfaces names its requests (Graph: a GUID; ARM: a resource id). */
export function isRequestId(surface: Surface, requestId: string): boolean {
  return REQUEST_ID.test(requestId) || (surface === 'azureResource' && isAzureRequestId(requestId));
}

/** A read ahead of a submit that no submit took by then (PIM granted or refused it) is dropped. */
const AUDIENCE_PREFETCH_TTL_MS = 60_000;

export interface ApprovalCoordinatorDeps {
  readonly pim: PimService;
  readonly decisions: ApprovalDecisions;
  readonly people: DirectoryPort;
  readonly records: ApprovalRecordStore;
  readonly messenger: ApprovalMessenger;
  /** Installs the app for an approver the bot cannot reach yet (Graph; locally one that answers 'alreadyInstalled'). */
  readonly installer: AppInstallerPort;
  readonly tenantId: string;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly metrics: ApprovalMetrics;
  readonly reminders?: ReminderPolicy;
  /** How long a send claim holds off other senders (default SEND_LEASE_MS). */
  readonly sendLeaseMs?: number;
  /** Teams channels that also get the card, by surface and scope (APPROVAL_CHANNELS); empty: none. */
  readonly channels?: readonly ChannelRoute[];
  /** The approver step-up (issue 20); absent: decisions count on the approver's session (no policy, no sign-in to offer). */
  readonly stepUp?: ApproverStepUpDeps;
}

/** What became of a held click once its approver came back from the step-up sign-in. */
export type StepUpCompletion =
  | { readonly kind: 'decided'; readonly outcome: 'approved' | 'denied' }
  /** Decided, cancelled or expired meanwhile, or the card clicked was replaced: the click decides nothing. */
  | { readonly kind: 'nothingDecided' }
  /** The sign-in fell short again: a new sign-in card went to the approver's chat. */
  | { readonly kind: 'stillShort' }
  /** PIM refused the decision (not an approver of it, self-approval, gone, next stage). */
  | { readonly kind: 'refused'; readonly why: Extract<ActionAnswer, { kind: 'refused' }>['why'] };

const refused = (why: Extract<ActionAnswer, { kind: 'refused' }>['why']): ActionAnswer => ({ kind: 'refused', why });

export class ApprovalCoordinator implements RequesterApprovals {
  private readonly inFlight = new Set<Promise<unknown>>();
  private sweeping: Promise<void> | undefined;
  private readonly leaseMs: number;
  private readonly audiences = new AudiencePrefetch(AUDIENCE_PREFETCH_TTL_MS);
  private readonly delivery: CardDelivery;
  private readonly stepUp: ApproverStepUpGate | undefined;

  constructor(private readonly deps: ApprovalCoordinatorDeps) {
    this.leaseMs = deps.sendLeaseMs ?? SEND_LEASE_MS;
    this.delivery = new CardDelivery(deps, this.leaseMs);
    this.stepUp = deps.stepUp ? new ApproverStepUpGate(deps.stepUp, deps.now) : undefined;
  }

  /**
   * Reads who would get a card for `eligibilityKey`, and where (see Audience), while the user fills in
   * a request whose policy wants approval and PIM answers it: the activate dialog calls this when it
   * asks for the duration and again before it submits; submitted() takes what was read. Also reads
   * the open index, for the record's creation to start from (see ApprovalRecordStore.prepare).
   */
  prepare(user: UserContext, eligibilityKey: string): void {
    this.audiences.start(audienceId(user, eligibilityKey), () => this.audience(user, eligibilityKey));
    this.deps.records.prepare().catch((e: unknown) => this.deps.logger.warn('could not prepare the approval index', errorFields(e)));
  }

  /** A request PIM put in PendingApproval (instead of its result card). */
  async submitted(reply: InTurnReply, user: UserContext, request: ActivationRequest): Promise<void> {
    const key = request.key ?? eligibilityKey(request.surface, request.scope.id, request.roleId);
    const early = this.audiences.take(audienceId(user, key));
    const {
      approvers,
      references,
      recent,
      context: about,
    } = await (early ? early.catch(() => this.audience(user, key, request)) : this.audience(user, key, request));
    const now = this.deps.now();
    // The write that creates the record also claims every approver copy it can post (as fanOut's claim
    // write would), so the first cards need no write of their own; the claim holds off the sweep and
    // other instances as any claim does (an instance killed before posting leaves it to lapse). The
    // requester's copy is claimed too: a resubmit adopting the request meanwhile sends a note, not a
    // second waiting card.
    const claim = { id: randomUUID(), at: now.toISOString() };
    const draft = approvalRecord({
      user,
      request,
      approvers,
      recent,
      now,
      ...(about ? { context: about } : {}),
      channelId: this.channelFor(request),
      claimFor: (userId, role) => (role === 'requester' || references.get(userId) ? claim : undefined),
    });
    const record = await this.deps.records.create(draft, { newRequest: true });
    const recordId = recordKey(record.surface, record.requestId);
    const mine = copyFor(record, user.userId, 'requester')!;
    if (mine.claim?.id !== claim.id) {
      // Another creator's record: a resubmit took the request over while this turn was slow. Its
      // waiting card goes to whoever claims the requester's copy first; the other turn says so.
      await this.answerRequester(reply, user, recordId, record);
      this.track(this.delivery.fanOut(recordId));
      return;
    }
    // Empty when nobody is reachable yet.
    const claimed = record.copies.filter((c) => c.role === 'approver' && c.claim?.id === claim.id);
    const result = { userId: mine.userId, role: 'requester', conversationId: reply.conversationId } as const;
    if (claimed.length === 0) {
      const sent = await reply.send({ kind: 'card', record, copy: mine }).sent;
      await this.delivery.recordPosts(recordId, claim.id, [sent ? { ...result, activityId: sent } : result], 'pending');
      this.track(this.delivery.fanOut(recordId));
      return;
    }
    const recorder = new SendRecorder((results) => this.delivery.recordPosts(recordId, claim.id, results, 'pending'));
    // The approvers' cards go alongside the requester's, once the outbound channel has counted it: a
    // turn's reply is not paced, so a fan-out that took the window's last slots first would get it a 429.
    const { sent, counted } = reply.send({ kind: 'card', record, copy: mine });
    const posts = Promise.race([counted, sent.then(noop, noop)]).then(() =>
      this.delivery.postClaimed(recordId, record, claimed, references, recorder),
    );
    this.track(posts);
    if (channelCopy(record)) this.track(this.delivery.postChannelCopy(recordId));
    this.track(
      this.delivery.markUnreachable(
        recordId,
        record.copies.filter((c) => c.role === 'approver' && references.get(c.userId) === undefined),
      ),
    );
    const activityId = await sent;
    // One write with the first approvers' results, most likely.
    if (activityId) await recorder.add({ ...result, activityId });
  }

  /**
   * The requester cancelled a request at PIM outside its approval card (e.g. the Cancel button of an
   * "already waiting" answer): bring its record and every card copy up to date now, not at the next sweep.
   */
  async cancelledAtPim(surface: Surface, requestId: string): Promise<void> {
    await this.reconcile(recordKey(surface, requestId));
  }

  /**
   * A submit that PIM refused with PendingRoleAssignmentRequest, and `request` the requester's earlier
   * one still waiting for approval. An instance killed between PIM's 201 and the record left no record
   * and no cards, and no approver would ever hear of it: take it over as submitted() would (record,
   * waiting card, fan-out). Safe to repeat and to race: one record (the store's open()), one
   * waiting card (a claim on the requester's copy), one card per approver (fanOut's claims). A request
   * already tracked gets a note instead, and whatever copy an earlier instance left unposted goes out.
   */
  async adopt(reply: InTurnReply, user: UserContext, request: ActivationRequest): Promise<void> {
    const key = recordKey(request.surface, request.id);
    let record = await this.deps.records.getByKey(key);
    if (!record) {
      const {
        approvers,
        recent,
        context: about,
      } = await this.audience(user, request.key ?? eligibilityKey(request.surface, request.scope.id, request.roleId), request);
      const opened = await this.deps.records.open(
        approvalRecord({
          user,
          request,
          approvers,
          recent,
          now: this.deps.now(),
          ...(about ? { context: about } : {}),
          channelId: this.channelFor(request),
        }),
      );
      if (opened.kind === 'busy') {
        // Another instance is writing the record this moment, and sends the cards.
        await reply.send({
          kind: 'alreadyWaiting',
          request: { roleName: request.roleName, surface: request.surface, id: request.id },
          record: undefined,
        }).sent;
        return;
      }
      record = opened.record;
    }
    await this.answerRequester(reply, user, key, record);
    this.track(this.delivery.fanOut(key));
  }

  /**
   * The requester's waiting card, from whichever turn claims her copy first (a submit and a resubmit
   * adopting the same request may race); any other turn, and any turn once the card is out, gets a note.
   */
  private async answerRequester(reply: InTurnReply, user: UserContext, key: string, record: ApprovalRecord): Promise<void> {
    const claim = { id: randomUUID(), at: this.deps.now().toISOString() };
    const claimed = await this.deps.records.update(key, (r) => {
      const c = copyFor(r, user.userId, 'requester');
      return c && !r.decision && isClaimable(c) && !claimIsLive(c.claim, this.deps.now(), this.leaseMs)
        ? withCopy(r, c, { claim })
        : undefined;
    });
    const mine = claimed ? copyFor(claimed, user.userId, 'requester') : undefined;
    if (!claimed || mine?.claim?.id !== claim.id) {
      await reply.send({
        kind: 'alreadyWaiting',
        request: { roleName: record.request.roleName, surface: record.surface, id: record.requestId },
        record: claimed ?? record,
      }).sent;
      return;
    }
    const result = { userId: mine.userId, role: 'requester', conversationId: reply.conversationId } as const;
    let sent: string | undefined;
    try {
      sent = await reply.send({ kind: 'card', record: claimed, copy: mine }).sent;
    } catch (e) {
      await this.delivery.recordPosts(key, claim.id, [result], 'pending').catch(noop); // releases the claim for the next submit
      throw e;
    }
    await this.delivery.recordPosts(key, claim.id, [sent ? { ...result, activityId: sent } : result], 'pending');
  }

  /** An approver's Approve or Deny on a card, as `user`; PIM hears it through decideAsApprover. */
  async decide(user: UserContext, decision: Decision, click: CardClick): Promise<ActionAnswer> {
    const key = recordKey(click.surface, click.requestId);
    // A denial must say why (the requester reads it): refused here, before anything reaches PIM, and
    // shown on the card clicked so the approver can type it and press Deny again.
    if (decision === 'deny' && click.reason === '') return this.refuseDenyWithoutReason(user, key, click.nonce);
    // Bring the record up to date first: the request may have been decided, cancelled or expired elsewhere.
    const record = await this.reconcile(key);
    if (!record) return refused('unknownRequest');
    if (user.userId === record.requester.id.toLowerCase()) return refused('ownRequest');
    // The channel's copy: everyone in the channel sees its buttons, only the request's approvers may use them.
    const inChannel = record.copies.find((c) => c.role === 'channel' && c.nonce === click.nonce);
    if (inChannel && !record.approvers.some((a) => a.id.toLowerCase() === user.userId))
      return { kind: 'refused', why: 'notChannelApprover', approvers: record.approvers };
    const copy = inChannel ?? copyFor(record, user.userId, 'approver');
    if (!copy) return refused('notApprover');
    if (copy.nonce !== click.nonce) return refused('staleCard');
    if (record.decision) return this.answerWithCard(key, record, copy, click.clicked, click.conversationId);

    // The approver proves themselves first where the policy says so (issue 20): short of it, nothing
    // reaches PIM and the clicked card answers with a sign-in for exactly this click.
    const held: HeldClick = {
      approver: user,
      record,
      copy,
      decision,
      reason: click.reason,
      nonce: click.nonce,
      conversationId: click.conversationId,
    };
    let verifiedBy: ApproverVerification | undefined;
    if (this.stepUp) {
      const requirement = this.stepUp.requirementFor(record);
      const check = await this.stepUp.check(user, record, requirement);
      if (!check.satisfied) return this.askStepUp(held, await this.stepUp.hold(held, requirement!, check.claimsChallenge));
      verifiedBy = check.verifiedBy;
    }
    let result: DecisionResult;
    try {
      result = await this.decideAsApprover(user, record, decision, click.reason);
    } catch (e) {
      // PIM demands more of the approver than the bot's policy did (the tenant's own Conditional Access).
      const wanted = stepUpDemand(e);
      if (!wanted || !this.stepUp) throw e;
      return this.askStepUp(held, await this.stepUp.hold(held, requirementFromClaims(wanted.claims), wanted.claims));
    }
    const applied = await this.applyDecision(key, record, user, result, click.reason, verifiedBy);
    if (applied.kind === 'refused') return applied;
    return this.answerWithCard(key, applied.record, copy, click.clicked, click.conversationId);
  }

  private askStepUp(held: HeldClick, stepUp: StepUpPrompt): ActionAnswer {
    return { kind: 'stepUp', record: held.record, copy: held.copy, stepUp };
  }

  /** PIM's answer to a decision, stored in the record (or a refusal when PIM decided nothing). */
  private async applyDecision(
    key: string,
    record: ApprovalRecord,
    user: UserContext,
    result: DecisionResult,
    reason: string,
    verifiedBy: ApproverVerification | undefined,
  ): Promise<{ kind: 'recorded'; record: ApprovalRecord } | Extract<ActionAnswer, { kind: 'refused' }>> {
    switch (result.kind) {
      case 'selfApproval':
        return { kind: 'refused', why: 'ownRequest' };
      case 'notApprover':
        return { kind: 'refused', why: 'pimNotApprover' };
      case 'notFound':
        return { kind: 'refused', why: 'pimNotFound' };
      case 'decided': {
        if (result.outcome === 'nextStage') return { kind: 'refused', why: 'nextStage' };
        const by = record.approvers.find((a) => a.id === user.userId) ?? result.by;
        const stored = await this.deps.records.decide(key, {
          outcome: result.outcome,
          by,
          at: result.at.toISOString(),
          justification: reason,
          via: 'bot',
          ...(verifiedBy ? { verifiedBy } : {}),
        });
        return { kind: 'recorded', record: stored ?? record };
      }
      case 'alreadyDecided': {
        const outcome = result.outcome === 'pending' ? undefined : result.outcome;
        if (outcome) {
          const by = result.by ? (record.approvers.find((a) => a.id === result.by!.id.toLowerCase()) ?? result.by) : null;
          return {
            kind: 'recorded',
            record:
              (await this.deps.records.decide(key, {
                outcome,
                by,
                at: (result.at ?? this.deps.now()).toISOString(),
                justification: result.justification,
                via: 'bot',
              })) ?? record,
          };
        }
        return { kind: 'recorded', record: (await this.reconcile(key, true)) ?? record };
      }
    }
  }

  /**
   * The approver is back from the step-up sign-in for `click` (its state taken once, the code redeemed
   * for them: their stepped-up token is now the one their decisions go with). Decides only while the
   * click still counts (nothing decided, the copy clicked still carries the click's nonce), and only
   * when the new token proves what was asked; then every copy updates and the requester is told, as
   * after any decision.
   */
  async completeStepUp(click: PendingApproverClick): Promise<StepUpCompletion> {
    const key = recordKey(click.surface, click.requestId);
    const record = await this.reconcile(key);
    if (!record || !clickStillCounts(record, click)) {
      if (record?.decision) this.track(this.delivery.propagate(key));
      return { kind: 'nothingDecided' };
    }
    const copy = record.copies.find((c) => c.userId === click.copy.userId.toLowerCase() && c.role === click.copy.role)!;
    const held: HeldClick = {
      approver: click.approver,
      record,
      copy,
      decision: click.decision,
      reason: click.reason,
      nonce: click.nonce,
      conversationId: undefined,
    };
    const gate = this.stepUp;
    if (!gate) return { kind: 'nothingDecided' };
    const check = await gate.check(click.approver, record, click.requirement);
    if (!check.satisfied) {
      await this.sendStepUpAgain(held, await gate.hold(held, click.requirement, click.claims, check.missing));
      return { kind: 'stillShort' };
    }
    let result: DecisionResult;
    try {
      result = await this.decideAsApprover(click.approver, record, click.decision, click.reason);
    } catch (e) {
      const wanted = stepUpDemand(e);
      if (!wanted) throw e;
      await this.sendStepUpAgain(
        held,
        await gate.hold(
          held,
          requirementFromClaims(wanted.claims),
          wanted.claims,
          click.requirement.kind === 'acrs' ? 'authContext' : 'freshSignIn',
        ),
      );
      return { kind: 'stillShort' };
    }
    const applied = await this.applyDecision(key, record, click.approver, result, click.reason, check.verifiedBy);
    if (applied.kind === 'refused') return applied;
    this.track(this.delivery.propagate(key));
    const outcome = applied.record.decision?.outcome;
    return outcome === 'approved' || outcome === 'denied' ? { kind: 'decided', outcome } : { kind: 'nothingDecided' };
  }

  /** A new sign-in card, to the approver's own chat (never a channel: the link is theirs alone). */
  private async sendStepUpAgain(held: HeldClick, stepUp: StepUpPrompt): Promise<void> {
    const sent = await this.deps.messenger.notify(held.approver.userId, {
      kind: 'approverStepUp',
      record: held.record,
      copy: held.copy,
      stepUp,
    });
    if (!sent)
      this.deps.logger.warn('could not send an approver a new step-up sign-in', {
        key: recordKey(held.record.surface, held.record.requestId),
      });
  }

  /**
   * The one place a decision reaches PIM: as the approver, with the approver's own delegated token
   * (PIM checks that they may decide). The approver step-up (issue 20) wraps this seam.
   */
  decideAsApprover(approver: UserContext, record: ApprovalRecord, decision: Decision, reason: string): Promise<DecisionResult> {
    return this.deps.decisions.decide(approver, record.surface, record.requestId, record.requester.id, decision, reason, record.approvalId);
  }

  /** The requester's Cancel on her waiting card. */
  async cancel(user: UserContext, click: CardClick): Promise<ActionAnswer> {
    const key = recordKey(click.surface, click.requestId);
    const record = await this.reconcile(key);
    if (!record) return refused('unknownRequest');
    if (user.userId !== record.requester.id.toLowerCase()) return refused('notRequester');
    const copy = copyFor(record, user.userId, 'requester');
    if (!copy || copy.nonce !== click.nonce) return refused('staleRequesterCard');
    if (record.decision) return this.answerWithCard(key, record, copy, click.clicked);
    try {
      await this.deps.pim.cancel(user, { surface: record.surface, id: record.requestId });
    } catch (e) {
      // PIM refuses when the request is no longer pending: show what happened instead.
      if (!isPimError(e) || (e.kind !== 'invalidInput' && e.kind !== 'notFound')) throw e;
      const now = (await this.reconcile(key, true)) ?? record;
      return now.decision ? this.answerWithCard(key, now, copy, click.clicked) : refused('cancelRefused');
    }
    const decided =
      (await this.deps.records.decide(key, {
        outcome: 'canceled',
        by: record.requester,
        at: this.deps.now().toISOString(),
        justification: '',
        via: 'bot',
      })) ?? record;
    return this.answerWithCard(key, decided, copy, click.clicked);
  }

  /** The user's own decisions, from the records the bot keeps (PIM's audit log is for administrators). */
  decidedBy(user: UserContext, from: Date, to: Date): Promise<readonly DecidedEntry[]> {
    return this.deps.records.decidedBy(user.userId, from, to);
  }

  /**
   * The requests `user` may decide, by PIM's own approver views on every surface read with the user's
   * own token (so an approver needs no admin rights, and sees exactly what PIM would let them decide),
   * oldest first, each with its approval card: the same verbs and the same copy's nonce as the card in
   * their chat, so deciding here updates every copy. A surface PIM refuses to list is named, not fatal;
   * a sign-in that is needed is thrown (the dialog asks for it).
   */
  async approverQueue(user: UserContext): Promise<ApproverQueue> {
    const surfaces = SURFACES.filter((s) => this.deps.decisions.has(s) && this.deps.decisions.port(s).awaitingDecisionBy);
    const unreadable: Surface[] = [];
    const lists = await Promise.all(
      surfaces.map(async (surface) => {
        try {
          return await this.deps.decisions.port(surface).awaitingDecisionBy!(user);
        } catch (e) {
          if (isPimError(e) && e.kind === 'authenticationRequired') throw e;
          this.deps.logger.warn("could not read an approver's queue", { surface, ...errorFields(e) });
          unreadable.push(surface);
          return [];
        }
      }),
    );
    const found = await Promise.all(
      lists.flat().map(async (p) => ({ p, record: await this.deps.records.getByKey(recordKey(p.surface, p.id)) })),
    );
    const when = (x: (typeof found)[number]) => Date.parse(x.record?.request.createdDateTime ?? '') || x.p.createdDateTime?.getTime() || 0;
    const items: ApproverQueueItem[] = found
      .sort((a, b) => when(a) - when(b))
      .map(({ p, record }) => {
        const copy = record && !record.decision ? copyFor(record, user.userId, 'approver') : undefined;
        // PIM lists it but the bot has no card for this approver yet (the sweep takes it over shortly).
        if (!record || !copy) return { surface: p.surface, requestId: p.id, card: undefined };
        return { surface: p.surface, requestId: p.id, card: { record, copy } };
      });
    return { items, unreadable };
  }

  private async refuseDenyWithoutReason(user: UserContext, key: string, nonce: string): Promise<ActionAnswer> {
    const record = await this.deps.records.getByKey(key);
    const copy = record ? copyFor(record, user.userId, 'approver') : undefined;
    if (!record || !copy || copy.nonce !== nonce) return refused('denyNeedsReason');
    return { kind: 'card', record, copy, note: 'denyNeedsReason' };
  }

  /** Reconciles every open record with PIM, resumes fan-outs and sends due reminders. One pass at a time. */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** Resolves when background fan-outs and updates started so far have finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async sweepOnce(): Promise<void> {
    const [keys, atPim] = await Promise.all([this.deps.records.openKeys(), this.pendingAtPim()]);
    const open = new Set(keys);
    // Records are independent: one slow or failing record must not hold up the others.
    // Only ARM's approvals are named apart from their requests (see AzureApprovals).
    const approvalIds = new Map(
      atPim.filter((p) => p.surface === 'azureResource' && p.approvalId).map((p) => [recordKey(p.surface, p.id), p.approvalId!]),
    );
    await Promise.all([
      ...keys.map((key) => this.sweepRecord(key, approvalIds.get(key))),
      ...atPim.filter((p) => !open.has(recordKey(p.surface, p.id))).map((p) => this.adoptFromPim(p)),
    ]);
  }

  /** Every request PIM holds for approval, on every surface that can be read app-only; a surface that fails is left for the next sweep. */
  private async pendingAtPim(): Promise<PendingAtPim[]> {
    const lists = await Promise.all(
      SURFACES.filter((s) => this.deps.decisions.has(s)).map(async (surface) => {
        try {
          return (await this.deps.decisions.port(surface).pendingApprovals()) ?? [];
        } catch (e) {
          this.deps.logger.warn("could not read PIM's requests waiting for approval", { surface, ...errorFields(e) });
          return [];
        }
      }),
    );
    return lists.flat();
  }

  /**
   * A request PIM holds for approval that is not among the open records. With no record at all (its
   * submit died between PIM's 201 and the record), it is taken over as a resubmit would (adopt()): the
   * record from the requester's own view of the request, her waiting card, one card per reachable
   * approver. An undecided record that fell out of the index is listed again and swept. The creation
   * claim (records.open) and the copies' claims keep it at most once against a live submit, a resubmit
   * and the other instances' sweeps.
   */
  private async adoptFromPim(found: PendingAtPim): Promise<void> {
    const key = recordKey(found.surface, found.id);
    // A request younger than the creation lease may still have a live creator: its submit turn, which
    // gives the waiting card in the turn itself. Past the lease, any creator that wrote nothing is dead.
    if (found.createdDateTime && this.deps.now().getTime() - found.createdDateTime.getTime() < this.deps.records.creationLeaseMs) return;
    try {
      const existing = await this.deps.records.getByKey(key);
      if (existing) {
        if (existing.decision) return;
        await this.deps.records.open(existing);
        await this.sweepRecord(key);
        return;
      }
      const person = await this.deps.people.user(found.principalId).catch(() => undefined);
      const user: UserContext = {
        userId: found.principalId.toLowerCase(),
        tenantId: this.deps.tenantId,
        ...(person?.displayName ? { displayName: person.displayName } : {}),
      };
      let request: ActivationRequest;
      try {
        // The requester's own view, as adopt() has it (names, schedule, the eligibility it is about).
        request = await this.deps.pim.getRequest(user, { surface: found.surface, id: found.id });
      } catch (e) {
        // Production needs her delegated token for this (cached from her last turn); without it the
        // request waits for her next message, or her resubmit (adopt()).
        if (isPimError(e) && e.kind === 'authenticationRequired') {
          this.deps.logger.info(
            'a request waiting for approval has no record, and its requester is signed out; it is taken over at her next turn',
            { key },
          );
          return;
        }
        throw e;
      }
      if (request.status !== 'pendingApproval') return;
      if (!request.approvalId && found.approvalId) request = { ...request, approvalId: found.approvalId };
      const {
        approvers,
        recent,
        context: about,
      } = await this.audience(user, request.key ?? eligibilityKey(request.surface, request.scope.id, request.roleId), request);
      const opened = await this.deps.records.open(
        approvalRecord({
          user,
          request,
          approvers,
          recent,
          now: this.deps.now(),
          ...(about ? { context: about } : {}),
          channelId: this.channelFor(request),
        }),
      );
      // 'busy': another instance is writing it this moment, and sends the cards.
      if (opened.kind === 'busy') return;
      if (opened.kind === 'created') await this.delivery.postWaitingCard(key);
      await this.delivery.fanOut(key);
      await this.delivery.propagate(key);
    } catch (e) {
      this.deps.logger.warn('could not take over a request waiting for approval', { key, ...errorFields(e) });
    }
  }

  /** `approvalId`: the request's, as PIM lists it now; a record written without one (before ARM's were read) gets it. */
  private async sweepRecord(key: string, approvalId?: string): Promise<void> {
    try {
      if (approvalId) await this.deps.records.update(key, (r) => (r.approvalId ? undefined : { ...r, approvalId }));
      const record = await this.reconcile(key);
      if (!record) {
        // Listed with no record: its creator is writing it this moment, or died before it could
        // (then, once unlisted, the next sweep takes the request over from PIM).
        await this.deps.records.closeMissing(key);
        return;
      }
      await this.delivery.fanOut(key);
      // Retries copies an earlier update could not reach, and the requester's message.
      await this.delivery.propagate(key);
      await this.delivery.remind(key);
      await this.delivery.escalate(key);
      const latest = await this.deps.records.getByKey(key);
      if (!latest || isSettled(latest)) await this.deps.records.close(key);
    } catch (e) {
      this.deps.logger.warn('approval sweep failed for one record', { key, ...errorFields(e) });
    }
  }

  /**
   * The card clicked (activity id `clicked`) comes back in the invoke response; every other copy is
   * updated in place. The clicker's copy on record counts as refreshed only when it is the card
   * clicked: a copy posted by an instance killed before recording it is posted again after the lease,
   * so its person may click the older card, and the newer one (on record) still needs the update.
   */
  private async answerWithCard(
    key: string,
    record: ApprovalRecord,
    copy: CardCopy,
    clicked: string | undefined,
    conversationId?: string,
  ): Promise<ActionAnswer> {
    if (record.decision) {
      const outcome = record.decision.outcome;
      await this.deps.records.update(key, (r) => {
        const c = copyFor(r, copy.userId, copy.role);
        if (!c || clicked === undefined) return undefined;
        if (c.state === 'sent') return c.shows !== outcome && c.activityId === clicked ? withCopy(r, c, { shows: outcome }) : undefined;
        // A card that reached its person but not the record (its sender died between the post and the
        // record): the click names it and this answer brings it up to date, so it becomes the copy on
        // record and the sweep posts no second card once the dead sender's claim lapses.
        if (!conversationId) return undefined;
        const { claim: _lapsing, ...rest } = c;
        return withCopy(r, c, { ...rest, state: 'sent', activityId: clicked, conversationId, shows: outcome }, true);
      });
      this.track(this.delivery.propagate(key));
    }
    return { kind: 'card', record, copy };
  }

  /**
   * Reads PIM for an undecided record and stores the outcome when it was decided outside the bot,
   * cancelled or expired; `force` reads PIM even for a record that has a decision.
   */
  async reconcile(key: string, force = false): Promise<ApprovalRecord | undefined> {
    const record = await this.deps.records.getByKey(key);
    if (!record || (record.decision && !force)) return record;
    if (!this.deps.decisions.has(record.surface)) return record;
    const port = this.deps.decisions.port(record.surface);
    const now = this.deps.now();
    let outcome: ApprovalOutcome = 'pending';
    let decision: RecordedDecision | undefined;
    try {
      const status = await port.getRequestStatus(record.requestId);
      if (status !== undefined) outcome = outcomeFromStatus(status, new Date(record.expiresAt), now);
    } catch (e) {
      this.deps.logger.warn('could not read a request from PIM', { key, ...errorFields(e) });
      return record;
    }
    // PIM's approval says who decided (and whether it expired); any approver may read it.
    const reader = record.approvers[0];
    if (reader) {
      try {
        const state = await port.getApproval({ userId: reader.id, tenantId: this.deps.tenantId }, record.requestId, record.approvalId);
        const stepsOutcome = outcomeOfSteps(state);
        if (stepsOutcome !== 'pending') outcome = stepsOutcome;
        const review = lastReview(state);
        if (review && outcome !== 'expired' && outcome !== 'pending') {
          const by = review.reviewedBy
            ? (record.approvers.find((a) => a.id === review.reviewedBy!.id.toLowerCase()) ?? review.reviewedBy)
            : null;
          decision = { outcome, by, at: (review.reviewedAt ?? now).toISOString(), justification: review.justification, via: 'pim' };
        }
      } catch {
        // Without an approver's token (production, outside a turn) the status alone must do.
      }
    }
    // PIM drops an undecided request after 24 hours whatever the surface says about it.
    if (outcome === 'pending' && now.getTime() >= Date.parse(record.expiresAt)) outcome = 'expired';
    if (outcome === 'pending') return record;
    decision ??= { outcome, by: outcome === 'canceled' ? record.requester : null, at: now.toISOString(), justification: '', via: 'pim' };
    const stored = await this.deps.records.decide(key, decision);
    this.track(this.delivery.propagate(key));
    return stored;
  }

  /**
   * The policy's approvers for `eligibilityKey`, as the (briefly cached) eligibility listing reads
   * them, where each can be reached, and the requester's history of the role: of `request` once PIM
   * created it, else of the eligibility it will be about.
   */
  private async audience(user: UserContext, eligibilityKey: string, request?: ActivationRequest): Promise<Audience> {
    // This eligibility's policy only (the approvers are in it), not every eligibility's.
    const entry = (await this.deps.pim.listEligibilities(user, { only: () => [eligibilityKey] })).find(
      (e) => e.eligibility.key === eligibilityKey,
    );
    const surface = request?.surface ?? entry?.eligibility.surface;
    const port = surface && this.deps.decisions.has(surface) ? this.deps.decisions.port(surface) : undefined;
    const target: ActivationTarget | undefined =
      request ??
      (entry && {
        principalId: user.userId,
        roleId: entry.eligibility.roleId,
        roleName: entry.eligibility.roleName,
        scope: entry.eligibility.scope,
      });
    const [{ approvers, references }, recent, context] = await Promise.all([
      resolveApprovers(entry?.constraints.approvers ?? [], user.userId, this.deps.people).then(async (approvers) => ({
        approvers,
        references: await this.delivery.references(
          eligibilityKey,
          approvers.map((a) => a.id),
        ),
      })),
      port && target ? this.history(user, eligibilityKey, port, target).catch(() => []) : Promise.resolve([]),
      readApprovalContext(
        {
          // The card says what she held when she asked: a listing started up to a minute before (the check
          // before asking reads her role's surface a moment earlier) and not crossed by her own write is that.
          people: this.deps.people,
          listActive: (u) => this.deps.pim.listActive(u, undefined, { maxAgeMs: ACTIVE_ACCESS_AGE_MS }),
          ...(port ? { port } : {}),
          // The listing carries the role's description and isPrivileged (Entra): no read of the definition.
          ...(entry?.eligibility.definition ? { knownRole: roleInfoOf(entry.eligibility.definition) } : {}),
          onError: (part, e) => this.deps.logger.info('an approval card goes out without part of its context', { part, ...errorFields(e) }),
        },
        user,
        target,
      ),
    ]);
    this.deps.messenger.prepare?.([...references.values()].filter((r): r is Address => !!r));
    return { approvers, references, recent, context };
  }

  /**
   * The requester's earlier activations of the role: from her own listing of the role's requests when
   * the check before asking read it a moment ago (its history holds across her create), else app-only.
   */
  private async history(
    user: UserContext,
    eligibilityKey: string,
    port: ApprovalsPort,
    target: ActivationTarget,
  ): Promise<ActivationRequest[] | undefined> {
    const listed = this.deps.pim.recentRoleRequests(user, eligibilityKey, ROLE_REQUESTS_AGE_MS);
    if (!listed) return port.recentActivations(target, HISTORY_SHOWN);
    const hers = listed.filter((r) => r.principalId.toLowerCase() === target.principalId.toLowerCase());
    return earlierActivations(hers, HISTORY_SHOWN, target.id);
  }

  /** The request's channel, as the routing table (APPROVAL_CHANNELS) sends its surface and scope. */
  private channelFor(request: ActivationRequest): string | undefined {
    return this.deps.channels ? routeChannel(this.deps.channels, request.surface, request.scope.id) : undefined;
  }

  private track(p: Promise<unknown>): void {
    const tracked = p
      .catch((e: unknown) => this.deps.logger.warn('approval background work failed', errorFields(e)))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}

/** How old a listing of the requester's active access the approval card accepts (see audience). */
const ACTIVE_ACCESS_AGE_MS = 60_000;
/** How old a listing of the requester's requests of the role the card's history accepts (see history). */
const ROLE_REQUESTS_AGE_MS = 60_000;
/** Earlier activations of the role an approval card shows. */
const HISTORY_SHOWN = 3;

function roleInfoOf(definition: RoleDefinitionInfo): RoleInfo {
  return {
    ...(definition.description ? { description: definition.description } : {}),
    ...(definition.privileged !== undefined ? { privileged: definition.privileged } : {}),
  };
}

function noop(): void {}

function audienceId(user: UserContext, eligibilityKey: string): string {
  return `${user.userId.toLowerCase()}|${eligibilityKey}`;
}

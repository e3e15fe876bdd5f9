// Getting an approval's cards and messages to people, claimed and recorded so that several instances
// and a sweep racing them send each at most once (at least once after a kill): the fan-out to approvers
// and the channel, the in-place updates once decided, telling the requester, reminders and escalation.
import { randomUUID } from 'node:crypto';
import { isPimError } from '../pim/errors';
import type { References } from './audience';
import type { ApprovalCoordinatorDeps } from './coordinator';
import type { ApprovalOutcome } from './model';
import { errorFields, refusedForGood, type Address } from './ports';
import {
  channelCopy,
  claimIsLive,
  copyFor,
  isClaimable,
  movedCopy,
  staleCopies,
  withCopy,
  type ApprovalRecord,
  type CardCopy,
} from './record';
import { dueEscalation, dueReminders, DEFAULT_REMINDERS } from './reminders';
import { SendRecorder, type PostResult } from './sendRecorder';

export class CardDelivery {
  private readonly propagating = new Map<string, Promise<void>>();
  private readonly propagateAgain = new Set<string>();

  constructor(
    private readonly deps: ApprovalCoordinatorDeps,
    private readonly leaseMs: number,
  ) {}

  /**
   * The requester's waiting card, posted to her 1:1 chat outside any turn (the sweep took her request
   * over): claimed first like every copy, so a resubmit racing it sends a note instead of a second card.
   */
  async postWaitingCard(key: string): Promise<void> {
    const claim = { id: randomUUID(), at: this.deps.now().toISOString() };
    const claimed = await this.deps.records.update(key, (r) => {
      const c = r.copies.find((x) => x.role === 'requester');
      return c && !r.decision && isClaimable(c) && !claimIsLive(c.claim, this.deps.now(), this.leaseMs)
        ? withCopy(r, c, { claim })
        : undefined;
    });
    const mine = claimed?.copies.find((c) => c.role === 'requester');
    if (!claimed || !mine || mine.claim?.id !== claim.id) return;
    const address = await this.deps.messenger.reach(mine.userId);
    if (!address) {
      // No 1:1 chat with her yet: nothing to post to; she is told the outcome when she has one.
      await this.recordPosts(key, claim.id, [{ userId: mine.userId, role: 'requester' }], 'pending');
      return;
    }
    let activityId: string;
    try {
      activityId = await this.deps.messenger.post(address, { kind: 'card', record: claimed, copy: mine });
    } catch (e) {
      this.deps.logger.warn("could not post the requester's waiting card", { key, ...errorFields(e) });
      await this.recordPosts(key, claim.id, [{ userId: mine.userId, role: 'requester' }], 'pending').catch(noop);
      return;
    }
    await this.recordPosts(
      key,
      claim.id,
      [
        {
          userId: mine.userId,
          role: 'requester',
          activityId,
          ...(address.conversationId ? { conversationId: address.conversationId } : {}),
        },
      ],
      'pending',
    );
  }

  /**
   * Posts every approver copy still only intended (or waiting for a conversation), in three steps
   * whatever the number of approvers: ONE eTag'd write claims every copy this pass will post (of the
   * submit's fan-out, the sweep and other instances racing for a copy exactly one posts it; two posts
   * = two cards, one of them never updated), the posts go out together (the messenger paces them),
   * and what was posted is recorded in as few eTag'd writes as the posts' timing allows. A claim per
   * copy would be 2N writes to one blob, colliding and retrying under N concurrent approvers.
   */
  async fanOut(key: string): Promise<void> {
    const record = await this.deps.records.getByKey(key);
    if (!record) return;
    if (channelCopy(record)) await this.postChannelCopy(key);
    const open = record.copies.filter(
      (c) => c.role === 'approver' && isClaimable(c) && !claimIsLive(c.claim, this.deps.now(), this.leaseMs),
    );
    if (open.length === 0) return;
    const references = await this.references(
      key,
      open.map((c) => c.userId),
    );
    await this.markUnreachable(
      key,
      open.filter((c) => references.get(c.userId) === undefined),
    );
    if (![...references.values()].some(Boolean)) return;

    const claim = { id: randomUUID(), at: this.deps.now().toISOString() };
    const claimed = await this.deps.records.update(key, (r) => {
      let changed = false;
      const copies = r.copies.map((c) => {
        if (c.role !== 'approver' || !isClaimable(c) || !references.get(c.userId) || claimIsLive(c.claim, this.deps.now(), this.leaseMs))
          return c;
        changed = true;
        return { ...c, claim };
      });
      return changed ? { ...r, copies } : undefined;
    });
    // Rendered from the record as claimed: a decision may have landed while these copies waited.
    const mine = claimed?.copies.filter((c) => c.role === 'approver' && c.claim?.id === claim.id) ?? [];
    if (!claimed || mine.length === 0) return;
    const shows = claimed.decision?.outcome ?? 'pending';
    await this.postClaimed(key, claimed, mine, references, new SendRecorder((results) => this.recordPosts(key, claim.id, results, shows)));
  }

  /** Posts the copies this pass claimed, drawn from `record` as claimed, and records each through `recorder`. */
  async postClaimed(
    key: string,
    record: ApprovalRecord,
    copies: readonly CardCopy[],
    references: References,
    recorder: SendRecorder,
  ): Promise<void> {
    let first = !record.copies.some((c) => c.role === 'approver' && c.state === 'sent');
    await Promise.all(
      copies.map(async (c) => {
        const address = references.get(c.userId)!;
        let activityId: string;
        try {
          activityId = await this.deps.messenger.post(address, { kind: 'card', record, copy: c });
          if (first && c.role === 'approver') {
            first = false;
            this.deps.metrics.firstApproverCard(record.surface, this.deps.now().getTime() - Date.parse(record.request.createdDateTime));
          }
        } catch (e) {
          this.deps.logger.warn('could not post an approval card', { key, ...errorFields(e) });
          // Lets the next pass retry it; the lease frees it anyway if this write fails.
          await recorder.add({ userId: c.userId }).catch(() => undefined);
          return;
        }
        // Posted but not on record: the claim stays, so nothing posts it again before the lease lapses.
        await recorder.add({ userId: c.userId, activityId, conversationId: address.conversationId }).catch((e: unknown) => {
          this.deps.logger.warn('could not record a posted approval card', { key, ...errorFields(e) });
        });
      }),
    );
    // The decision may have landed between rendering and recording: bring these copies up to date too.
    await this.propagate(key);
  }

  /** Each person's 1:1 chat (see References); a read that failed is logged. */
  async references(key: string, userIds: readonly string[]): Promise<References> {
    const read = (userId: string) =>
      this.deps.messenger.reach(userId).catch((e: unknown) => {
        this.deps.logger.warn('could not read a conversation reference', { key, ...errorFields(e) });
        return null;
      });
    return new Map(await Promise.all(userIds.map(async (id) => [id, await read(id)] as const)));
  }

  /** Records posted copies as sent and releases failed ones (a release only where the claim is still this pass's). */
  async recordPosts(key: string, claimId: string, results: readonly PostResult[], shows: ApprovalOutcome): Promise<void> {
    const byCopy = new Map(results.map((p) => [`${p.role ?? 'approver'}|${p.userId}`, p]));
    await this.deps.records.update(key, (r) => {
      let changed = false;
      const copies = r.copies.map((c): CardCopy => {
        const result = byCopy.get(`${c.role}|${c.userId}`);
        if (!result || c.state === 'sent') return c;
        const ours = c.claim?.id === claimId;
        // A post that outlasted its lease is still recorded unless another sender holds the copy now.
        if (!ours && (!result.activityId || claimIsLive(c.claim, this.deps.now(), this.leaseMs))) return c;
        changed = true;
        const { claim: _done, ...rest } = c;
        if (!result.activityId) return rest;
        return movedCopy(
          c,
          {
            ...rest,
            state: 'sent',
            activityId: result.activityId,
            ...(result.conversationId ? { conversationId: result.conversationId } : {}),
            shows,
          },
          true,
        );
      });
      return changed ? { ...r, copies } : undefined;
    });
  }

  /** Copies with no conversation yet: Teams answers an install with an installationUpdate from their 1:1 chat; a later sweep posts them. */
  async markUnreachable(key: string, copies: readonly CardCopy[]): Promise<void> {
    const fresh = copies.filter((c) => c.state === 'intent');
    if (fresh.length === 0) return;
    const ids = new Set<string>();
    await Promise.all(
      fresh.map(async (c) => {
        try {
          await this.install(key, c.userId);
          ids.add(c.userId);
        } catch (e) {
          // Stays 'intent': the next pass tries the install again.
          this.deps.logger.warn('could not install the app for an approver', { key, ...errorFields(e) });
        }
      }),
    );
    if (ids.size === 0) return;
    await this.deps.records.update(key, (r) => {
      const copies = r.copies.map((c): CardCopy => {
        if (c.role !== 'approver' || c.state !== 'intent' || !ids.has(c.userId)) return c;
        if (!c.claim || claimIsLive(c.claim, this.deps.now(), this.leaseMs)) return movedCopy(c, { state: 'unreachable' });
        // A lapsed claim goes too: with no conversation nobody can post (or update) a card there, and
        // left in place it would hold the record open for good (see unrecordedCopies / isSettled).
        const { claim: _lapsed, ...rest } = c;
        return movedCopy(c, { ...rest, state: 'unreachable' }, true);
      });
      return copies.some((c, i) => c !== r.copies[i]) ? { ...r, copies } : undefined;
    });
  }

  /** A refusal (no permission, unknown user or app) stays one, so it is logged, not retried each sweep. */
  private async install(key: string, userId: string): Promise<void> {
    try {
      await this.deps.installer.installForUser(userId);
    } catch (e) {
      if (!isPimError(e) || (e.kind !== 'forbidden' && e.kind !== 'notFound' && e.kind !== 'invalidInput')) throw e;
      this.deps.logger.warn('could not install the app for an approver; their card waits until they message the bot', {
        key,
        ...errorFields(e),
      });
    }
  }

  /**
   * Updates every copy that does not show the decision yet, and tells the requester once. Calls for
   * one record made while a pass runs join it and cause one more pass after it, so clicks, the
   * sweep and fan-outs arriving together send each in-place update once, not once per caller.
   */
  propagate(key: string): Promise<void> {
    const running = this.propagating.get(key);
    if (running) {
      this.propagateAgain.add(key);
      return running;
    }
    const pass = (async () => {
      do {
        this.propagateAgain.delete(key);
        await this.propagateOnce(key);
      } while (this.propagateAgain.has(key));
    })().finally(() => this.propagating.delete(key));
    this.propagating.set(key, pass);
    return pass;
  }

  /**
   * The requester is told alongside the updates, not after them: her message is what she waits for,
   * and it must not queue behind every approver's copy. The copies updated are recorded in one write
   * (one write per copy raced each other on the record's eTag, and the retries held the pass up).
   */
  private async propagateOnce(key: string): Promise<void> {
    const record = await this.deps.records.getByKey(key);
    if (!record?.decision) return;
    await Promise.all([
      this.updateCopies(key, record, record.decision.outcome).catch((e: unknown) =>
        this.deps.logger.warn('could not record the approval cards updated', { key, ...errorFields(e) }),
      ),
      this.tellRequester(key),
    ]);
  }

  /** Every copy not showing `outcome` yet, updated in place; those updated recorded in one write. */
  private async updateCopies(key: string, record: ApprovalRecord, outcome: ApprovalOutcome): Promise<void> {
    const updated = await Promise.all(
      staleCopies(record).map(async (c): Promise<CardCopy | undefined> => {
        try {
          const latest = c.role === 'channel' ? await this.channelAddress(record, c) : await this.deps.messenger.reach(c.userId);
          if (!latest || !c.activityId) return undefined;
          // The copy lives in the chat it was posted to, which need not be the person's latest one.
          await this.deps.messenger.update(latest, c.activityId, { kind: 'card', record, copy: c }, c.conversationId);
          return c;
        } catch (e) {
          this.deps.logger.warn('could not update an approval card', { key, ...errorFields(e) });
          return undefined;
        }
      }),
    );
    const done = updated.filter((c): c is CardCopy => c !== undefined);
    if (done.length === 0) return;
    await this.deps.records.update(key, (r) => {
      let next = r;
      for (const c of done) {
        const cur = copyFor(next, c.userId, c.role);
        if (cur && cur.shows !== outcome) next = withCopy(next, cur, { shows: outcome });
      }
      return next === r ? undefined : next;
    });
  }

  /**
   * At least once, deduplicated, like the fan-out: claim (eTag) → send → record it sent. A send that
   * failed releases the claim so the next sweep retries; an instance killed mid-send leaves a claim
   * that lapses after the lease, and then the message is sent again (the one case it can arrive twice).
   */
  private async tellRequester(key: string): Promise<void> {
    const claim = { id: randomUUID(), at: this.deps.now().toISOString() };
    const record = await this.deps.records.update(key, (r) => {
      if (!r.decision || r.requesterToldAt || claimIsLive(r.requesterTellClaim, this.deps.now(), this.leaseMs)) return undefined;
      return { ...r, requesterTellClaim: claim };
    });
    if (!record || record.requesterTellClaim?.id !== claim.id) return;
    const release = (told: boolean) =>
      this.deps.records.update(key, (r) => {
        if (r.requesterTellClaim?.id !== claim.id) return undefined;
        const { requesterTellClaim: _done, ...rest } = r;
        return told ? { ...rest, requesterToldAt: this.deps.now().toISOString() } : rest;
      });
    try {
      // Nowhere to tell them (they never reached the bot from a 1:1 chat): the waiting card is all there is.
      await this.deps.messenger.notify(record.requester.id, { kind: 'outcome', record });
    } catch (e) {
      this.deps.logger.warn('could not tell the requester the outcome', { key, ...errorFields(e) });
      await release(false).catch(() => undefined);
      return;
    }
    await release(true);
  }

  async remind(key: string): Promise<void> {
    const policy = this.deps.reminders ?? DEFAULT_REMINDERS;
    let due = { remindApprovers: false, warnRequester: false };
    const record = await this.deps.records.update(key, (r) => {
      due = dueReminders(r, this.deps.now(), policy);
      if (!due.remindApprovers && !due.warnRequester) return undefined;
      return {
        ...r,
        ...(due.remindApprovers ? { approversRemindedAt: this.deps.now().toISOString() } : {}),
        ...(due.warnRequester ? { requesterWarnedAt: this.deps.now().toISOString() } : {}),
      };
    });
    if (!record) return;
    const sends: Array<Promise<unknown>> = [];
    if (due.remindApprovers) {
      for (const c of record.copies.filter((x) => x.role === 'approver' && x.state === 'sent'))
        sends.push(this.deps.messenger.notify(c.userId, { kind: 'approverReminder', record }));
    }
    if (due.warnRequester) sends.push(this.deps.messenger.notify(record.requester.id, { kind: 'requesterWarning', record }));
    await Promise.allSettled(sends);
  }

  /**
   * Nobody decided after the reminder, and PIM's 24 hours are not up: the channel (if the request has
   * one) is asked to step in, and the requester hears who was reminded, so she can chase them directly.
   * Claimed with the eTag (escalatedAt) before sending, so two instances escalate once.
   */
  async escalate(key: string): Promise<void> {
    const policy = this.deps.reminders ?? DEFAULT_REMINDERS;
    const stamped = this.deps.now().toISOString();
    const record = await this.deps.records.update(key, (r) =>
      dueEscalation(r, this.deps.now(), policy) ? { ...r, escalatedAt: stamped } : undefined,
    );
    if (!record || record.escalatedAt !== stamped) return;
    // Who the reminder reached: the approvers whose card is out (the others have no chat with the bot).
    const reached = record.approvers.filter((a) =>
      record.copies.some((c) => c.role === 'approver' && c.state === 'sent' && c.userId === a.id.toLowerCase()),
    );
    const channel = channelCopy(record);
    const sends: Array<Promise<unknown>> = [];
    if (channel) {
      sends.push(
        this.channelAddress(record, channel).then((address) =>
          address ? this.deps.messenger.post(address, { kind: 'escalationChannel', record, reached }) : undefined,
        ),
      );
    }
    sends.push(
      this.deps.messenger.notify(record.requester.id, { kind: 'escalationRequester', record, reached, inChannel: channel !== undefined }),
    );
    const results = await Promise.allSettled(sends);
    for (const r of results)
      if (r.status === 'rejected') this.deps.logger.warn('could not send an escalation', { key, ...errorFields(r.reason) });
  }

  /** Where the channel copy goes; approvers first: they are who the channel is for. */
  private async channelAddress(record: ApprovalRecord, copy: CardCopy): Promise<Address | undefined> {
    const channelId = copy.conversationId;
    if (!channelId) return undefined;
    return this.deps.messenger.reachChannel(
      channelId,
      [...record.approvers, record.requester].map((p) => p.id),
    );
  }

  /** Posts the channel copy (claimed like every copy, so it goes out once); a decided request gets none. */
  async postChannelCopy(key: string): Promise<void> {
    const now = () => this.deps.now();
    const open = (r: ApprovalRecord) => {
      const c = channelCopy(r);
      // 'unreachable': the channel refused the bot (not in the team, or no such channel); not retried each sweep.
      return c && !r.decision && c.state === 'intent' && !claimIsLive(c.claim, now(), this.leaseMs) ? c : undefined;
    };
    const record = await this.deps.records.getByKey(key);
    const copy = record && open(record);
    if (!record || !copy) return;
    const address = await this.channelAddress(record, copy);
    if (!address) return; // nobody in the request has a conversation yet: a later pass tries again
    const claim = { id: randomUUID(), at: now().toISOString() };
    const claimed = await this.deps.records.update(key, (r) => {
      const c = open(r);
      return c ? withCopy(r, c, { claim }) : undefined;
    });
    const mine = claimed && channelCopy(claimed);
    if (!claimed || !mine || mine.claim?.id !== claim.id) return;
    const result = { userId: mine.userId, role: 'channel' } as const;
    let activityId: string;
    try {
      activityId = await this.deps.messenger.post(address, { kind: 'card', record: claimed, copy: mine });
    } catch (e) {
      const forGood = refusedForGood(e);
      this.deps.logger.warn(
        forGood
          ? 'the channel refused the approval card (is the app added to the team?); not retried for this request'
          : 'could not post an approval card to the channel',
        { key, ...errorFields(e) },
      );
      await this.recordPosts(key, claim.id, [result], 'pending').catch(noop);
      if (forGood) {
        await this.deps.records
          .update(key, (r) => {
            const c = channelCopy(r);
            return c && c.state === 'intent' ? withCopy(r, c, { state: 'unreachable' }) : undefined;
          })
          .catch(noop);
      }
      return;
    }
    await this.recordPosts(key, claim.id, [{ ...result, activityId, conversationId: mine.conversationId }], 'pending');
    await this.propagate(key);
  }
}

function noop(): void {}

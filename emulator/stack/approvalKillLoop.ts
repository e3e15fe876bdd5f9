// SIGKILL at seeded random points of approval flows (request → fan-out → a decision → requester
// told), each kill followed by a restart of that instance on the same Azurite. A 'submit' kill lands
// inside the submit turn just after PIM accepted the request, often before the approval record: the
// resent submit must then take the request over (ApprovalCoordinator.adopt). Shared by the
// scale-out test (10 kills) and bench/soak.ts (100 kills). After each flow it checks the outcome:
// each approver exactly one card, exactly one decision at PIM, every card agrees, the requester
// told exactly once. The instances need short sweeps and send leases (APPROVAL_SWEEP_SECONDS,
// APPROVAL_SEND_LEASE_SECONDS), or a kill between a claim and its record waits out two minutes.
import type { TenantEmulator } from '../tenant/index';
import { startBotProcess, type BotProcess } from './botProcess';
import type { RecordingConnector, RecordedActivity } from './recordingConnector';
import type { RoundRobinProxy } from './roundRobinProxy';
import { openConversation, textOf, type ChatUser, type Conversation, type TurnResult } from './chatDriver';
import { sleep } from './flows';

/** Where a flow's kill lands. */
export type KillPhase = 'submit' | 'fanOut' | 'decision' | 'update';
const PHASES: readonly KillPhase[] = ['submit', 'fanOut', 'decision', 'update'];

export interface ApprovalKillLoopOptions {
  readonly proxy: RoundRobinProxy;
  /** The running instances, by the proxy's backend index; replaced in place on restart. */
  readonly instances: BotProcess[];
  readonly env: Readonly<Record<string, string>>;
  readonly connector: RecordingConnector;
  readonly tenant: TenantEmulator;
  /** One flow (and one kill) per requester. */
  readonly requesters: readonly ChatUser[];
  /** Members of the role's approver group; each has talked to the bot once. */
  readonly approvers: readonly ChatUser[];
  readonly random: () => number;
  /**
   * How long a flow may take to settle after its decision (default 20 s). Never less than the bound the
   * flow promises after a kill (docs/performance.md): one sweep interval plus the send lease plus the
   * restart, the slowest restart so far counted.
   */
  readonly settleMs?: number;
  /** Called after each flow with what went wrong in it (empty = nothing lost, nothing doubled). */
  readonly afterFlow?: (requester: ChatUser, phase: KillPhase, problems: readonly string[]) => void;
}

export interface ApprovalKillLoopResult {
  readonly kills: number;
  readonly byPhase: Readonly<Record<KillPhase, number>>;
  /** Kills that hit an instance while it was answering a request (the decision invoke). */
  readonly killedInFlight: number;
  /** Turns and clicks sent again because the instance died under them. */
  readonly resent: number;
  /**
   * Messages sent a second time because an instance died between posting and recording them (a
   * card, or the requester's outcome): the claim's lease lapsed and the next pass sent it again.
   * At most one per flow; the first, unrecorded card stays as it was.
   */
  readonly resentAfterLease: number;
  /** 'submit' kills that landed before any approver had a card (often before the record too, which only the resent submit recovers). */
  readonly submitKillsBeforeCards: number;
  /** Flows with at least one problem, by the phase their kill landed in. */
  readonly failedByPhase: Readonly<Record<KillPhase, number>>;
  /** The longest settle wait used: the recovery bound, or settleMs if that was longer. */
  readonly settleMs: number;
  readonly problems: string[];
}

const CARD = 'application/vnd.microsoft.card.adaptive';
const WAITING = /waiting for approval/i;

export async function runApprovalKillLoop(options: ApprovalKillLoopOptions): Promise<ApprovalKillLoopResult> {
  const { proxy, instances, env, connector, tenant } = options;
  const endpoint = `${proxy.url}/api/messages`;
  const chat = (user: ChatUser, conversationId?: string) =>
    openConversation({ endpoint, connector, tenantId: tenant.tenantId, user, ...(conversationId ? { conversationId } : {}) });
  const approverChats = options.approvers.map((a) => chat(a));
  for (const c of approverChats) await retried(() => c.say('hi'), { count: 0 });
  const byPhase: Record<KillPhase, number> = { submit: 0, fanOut: 0, decision: 0, update: 0 };
  const failedByPhase: Record<KillPhase, number> = { submit: 0, fanOut: 0, decision: 0, update: 0 };
  const sweepMs = Number(env['APPROVAL_SWEEP_SECONDS'] ?? 60) * 1000;
  let slowestRestartMs = 0;
  // The recovery bound after a kill: the dead instance's claims (send and creation leases) lapse, the
  // restarted or surviving instance's next sweep sets everything right. The waits below are never shorter.
  const settleMs = () => Math.max(options.settleMs ?? 20_000, sweepMs + leaseMs + slowestRestartMs);
  let longestSettleMs = 0;
  const problems: string[] = [];
  const resent = { count: 0 };
  let killedInFlight = 0;
  let resentAfterLease = 0;
  let submitKillsBeforeCards = 0;
  const leaseMs = Number(env['APPROVAL_SEND_LEASE_SECONDS'] ?? 120) * 1000;
  // How long before its first post a claim may be taken (the record write that carries it, the rendering).
  const CLAIM_BEFORE_POST_MS = 250;

  let killedAt = 0;
  const restart = async (backend: number) => {
    killedAt = Date.now();
    if (proxy.pending(backend) > 0) killedInFlight++;
    await instances[backend]!.kill();
    const starting = Date.now();
    instances[backend] = await startBotProcess({ env });
    slowestRestartMs = Math.max(slowestRestartMs, Date.now() - starting);
    proxy.backends[backend] = `http://127.0.0.1:${instances[backend]!.port}`;
  };

  for (const requester of options.requesters) {
    killedAt = Date.now();
    const phase = PHASES[Math.floor(options.random() * PHASES.length)]!;
    // PIM's 201 to the record is a few ms: a submit kill comes within 10 ms of the request appearing at PIM.
    const delayMs = Math.floor(options.random() * (phase === 'submit' ? 10 : phase === 'decision' ? 60 : 150));
    byPhase[phase]++;
    const mark = connector.activities.length;
    const logMark = tenant.requestLog.entries().length;
    let killing: Promise<void> | undefined;
    let armed = false;
    let submitting = false;
    // The kill follows the request that starts the phase on whichever instance took it.
    let lastBackend = 0;
    const accepted = () =>
      tenant.state.assignmentRequests(requester.aadObjectId).some((r) => r.status === 'PendingApproval' && !r.isValidationOnly);
    proxy.onForward = (backend) => {
      lastBackend = backend;
      if (phase === 'decision' && armed && !killing) killing = sleep(delayMs).then(() => restart(backend));
      if (phase === 'submit' && submitting && !killing) {
        // No kill when the request never reaches PIM (that flow is reported as not waiting for approval).
        const anyApproverCard = () =>
          connector
            .since(mark)
            .some(
              (a) =>
                a.method === 'POST' && approverChats.some((c) => c.id === a.conversationId) && (a.activity.attachments ?? []).length > 0,
            );
        killing = until(accepted, 'PIM accepted the request', 10_000, 2)
          .then(
            () => true,
            () => false,
          )
          .then(async (ok) => {
            if (!ok) return;
            await sleep(delayMs);
            if (!anyApproverCard()) submitKillsBeforeCards++;
            await restart(backend);
          });
      }
    };

    const requesterChat = chat(requester);
    await retried(() => requesterChat.say('activate user administrator'), resent);
    await retried(() => requesterChat.say({ value: { action: 'setDuration', duration: '90 minutes' } }), resent);
    submitting = true;
    const submitMark = connector.activities.length;
    const submitted = await retried(
      () => requesterChat.say({ value: { action: 'submitJustification', justification: 'Kill loop', ticketNumber: 'INC-8' } }),
      resent,
    );
    submitting = false;
    // A submit killed after its turn was saved but before it answered still sent its replies; the resend then finds the card finished.
    const submitReplies = connector
      .since(submitMark)
      .filter((a) => a.conversationId === requesterChat.id && a.method === 'POST')
      .map((a) => a.activity);
    if (!WAITING.test(textOf([...submitted.replies, ...submitReplies]))) {
      problems.push(`${requester.name}: the request did not wait for approval: ${textOf(submitted.replies).slice(0, 160)}`);
      await killing?.catch(() => undefined);
      options.afterFlow?.(requester, phase, problems.slice(-1));
      continue;
    }
    const submitBackend = lastBackend;
    if (phase === 'fanOut') killing = sleep(delayMs).then(() => restart(submitBackend));
    const pending = tenant.state
      .assignmentRequests(requester.aadObjectId)
      .find((r) => r.status === 'PendingApproval' && !r.isValidationOnly);
    const requestId = pending?.id ?? '';
    const cardsOf = (c: Conversation) =>
      connector.since(mark).filter((a) => a.conversationId === c.id && a.method === 'POST' && isCardFor(a, requestId, requester.name));

    const flowProblems: string[] = [];
    try {
      longestSettleMs = Math.max(longestSettleMs, settleMs());
      await until(() => approverChats.every((c) => cardsOf(c).length > 0), 'every approver has a card', settleMs());
      await killing;
      const clicker = approverChats[Math.floor(options.random() * approverChats.length)]!;
      const card = cardsOf(clicker)[0]!;
      const data = approveData(card);
      armed = true;
      // As Teams sends it: the invoke replies to the card's message.
      const clicked = await retried(
        () =>
          clicker.say({
            type: 'invoke',
            name: 'adaptiveCard/action',
            replyToId: card.id,
            value: { action: { type: 'Action.Execute', verb: 'approve', data }, trigger: 'manual' },
          }),
        resent,
      );
      armed = false;
      if (clicked.status !== 200) flowProblems.push(`the click answered ${clicked.status}`);
      const clickBackend = lastBackend;
      if (phase === 'update') killing = sleep(delayMs).then(() => restart(clickBackend));
      await killing;
      const told = () =>
        connector
          .since(mark)
          .filter(
            (a) => a.conversationId === requesterChat.id && a.method === 'POST' && /approved your request/.test(a.activity.text ?? ''),
          );
      // The clicker's own copy is updated in the invoke's answer, every other copy in place.
      const answered = /Approved by/.test(
        textOf([{ attachments: [{ contentType: CARD, content: (clicked.body as { value?: unknown } | undefined)?.value }] }]),
      );
      if (!answered) flowProblems.push("the click's answer is not the decided card");
      const agrees = (c: Conversation, card: RecordedActivity) =>
        (c === clicker && card === cardsOf(c)[0] && answered) || /Approved by/.test(latest(connector, card));
      // A post that landed just before its instance died, unrecorded, is sent again once the claim's
      // lease lapsed (the documented at-most-once resend); that orphaned first copy cannot be updated.
      const recorded = (c: Conversation) => cardsOf(c).slice(-1);
      const shown = () =>
        approverChats
          .map((c) =>
            cardsOf(c)
              .map((card) => (agrees(c, card) ? 'approved' : 'stale'))
              .join('+'),
          )
          .join(', ');
      await until(
        () => told().length > 0 && approverChats.every((c) => recorded(c).every((card) => agrees(c, card))),
        () => `every card shows the decision and the requester is told (cards: ${shown()}; told ${told().length})`,
        settleMs(),
      );
      // Anything doubled (a resend after a lease, a second tell) would show up by now.
      // (claims taken before the kill lapse one lease after it; a sweep a second later resends).
      await sleep(Math.max(0, killedAt + leaseMs + sweepMs + 200 - Date.now()));
      for (const [i, c] of approverChats.entries()) {
        const cards = cardsOf(c);
        // The lease runs from the claim, which the record's creation takes a moment before the first post.
        const gap = (cards[1]?.at ?? 0) - (cards[0]?.at ?? 0);
        if (
          cards.length === 2 &&
          (phase === 'fanOut' || phase === 'submit') &&
          gap >= leaseMs - CLAIM_BEFORE_POST_MS &&
          !agrees(c, cards[0]!)
        )
          resentAfterLease++;
        else if (cards.length !== 1)
          flowProblems.push(`${options.approvers[i]!.name} has ${cards.length} cards (${shown()}; ${Math.round(gap)} ms apart)`);
      }
      const tells = told();
      if (tells.length === 2 && phase !== 'fanOut' && phase !== 'submit' && (tells[1]!.at ?? 0) - (tells[0]!.at ?? 0) >= leaseMs)
        resentAfterLease++;
      else if (tells.length !== 1) flowProblems.push(`the requester was told ${tells.length} times`);
    } catch (e) {
      flowProblems.push(e instanceof Error ? e.message : String(e));
    }
    proxy.onForward = undefined;
    await killing?.catch(() => undefined);
    const decisions = tenant.requestLog
      .entries()
      .slice(logMark)
      .filter((e) => e.method === 'PATCH' && e.path.toLowerCase().includes(requestId.toLowerCase()) && e.status < 300);
    if (decisions.length !== 1) flowProblems.push(`${decisions.length} decisions at PIM`);
    const requests = tenant.state
      .assignmentRequests(requester.aadObjectId)
      .filter((r) => r.action.toLowerCase() === 'selfactivate' && !r.isValidationOnly);
    if (requests.length !== 1 || requests[0]!.status !== 'Provisioned')
      flowProblems.push(`PIM has ${requests.map((r) => r.status).join(', ') || 'no request'}`);
    const named = flowProblems.map((p) => `${requester.name} (kill ${phase} +${delayMs} ms): ${p}`);
    if (named.length > 0) failedByPhase[phase]++;
    problems.push(...named);
    options.afterFlow?.(requester, phase, named);
  }
  return {
    kills: options.requesters.length,
    byPhase,
    killedInFlight,
    resent: resent.count,
    resentAfterLease,
    submitKillsBeforeCards,
    failedByPhase,
    settleMs: longestSettleMs,
    problems,
  };
}

/** Sends again while the instance behind the proxy is dead or restarting (status 0 or 5xx). */
async function retried(send: () => Promise<TurnResult>, resent: { count: number }): Promise<TurnResult> {
  for (let attempt = 0; ; attempt++) {
    const turn = await send();
    if ((turn.status !== 0 && turn.status < 500) || attempt >= 20) return turn;
    resent.count++;
    await sleep(300);
  }
}

/** A decided card carries no actions, so no request id: its "Requested by" names the flow's requester (one flow each). */
function isCardFor(a: RecordedActivity, requestId: string, requesterName: string): boolean {
  return (
    requestId !== '' &&
    (a.activity.attachments ?? []).some((x) => {
      const content = JSON.stringify(x.content);
      return (
        x.contentType === CARD &&
        (content.toLowerCase().includes(requestId.toLowerCase()) || content.includes(JSON.stringify(requesterName)))
      );
    })
  );
}

function approveData(card: RecordedActivity): object {
  const content = card.activity.attachments![0]!.content as { actions?: Array<{ verb?: string; data?: object }> };
  const approve = content.actions?.find((a) => a.verb === 'approve');
  if (!approve?.data) throw new Error('the card has no Approve action');
  return approve.data;
}

/** What a posted card shows now: its last in-place update, or itself. */
function latest(connector: RecordingConnector, card: RecordedActivity): string {
  const updates = connector.activities.filter(
    (a) => a.method === 'PUT' && a.conversationId === card.conversationId && a.targetActivityId === card.id,
  );
  return textOf([(updates[updates.length - 1] ?? card).activity]);
}

async function until(condition: () => boolean, what: string | (() => string), timeoutMs = 20_000, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${typeof what === 'string' ? what : what()}`);
    await sleep(pollMs);
  }
}

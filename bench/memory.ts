// Memory of the bot with conversations left in mid-dialog: each of 1,000 people (distinct users,
// so every per-user cache fills: tokens, eligibilities, conversation references) starts an activation
// and stops at the duration question. Resident size (RSS) and heap after a full GC, idle (after one
// warm-up conversation) and after each of two rounds of 1,000 conversations: the first round shows
// the growth right after the burst; then the bot idles for a minute and what it keeps is read (the
// growth the issue bounds: at most 100 MB); the second round, the same people in new conversations,
// tells a leak (it grows again) from a high-water mark or a bounded cache (it does not).
import type { TenantEmulator } from '../emulator/tenant/index';
import type { BotProcess, ProcessStats } from '../emulator/stack/botProcess';
import type { RecordingConnector } from '../emulator/stack/recordingConnector';
import { addBenchUsers } from '../emulator/stack/chatUsers';
import { openConversation, textOf, type ChatUser } from '../emulator/stack/chatDriver';
import { round } from './stats';

export const MEMORY_CONVERSATIONS = 1000;
export const MEMORY_GROWTH_TARGET_MB = 100;
const CONCURRENCY = 50;
/** Two of bot/idleMemory's 30-second looks, so one whole interval is idle whatever the phase. */
const IDLE_WAIT_MS = 65_000;
const REMINDER_REFRESH_MS = 65_000;
const ASKS_DURATION = /How long do you need/i;

export interface MemoryResult {
  readonly conversations: number;
  /** Which build ran: `node dist/bot/index.js` (compiled) or the sources under tsx. */
  readonly runtime: string;
  readonly idleRssMb: number;
  readonly idleHeapUsedMb: number;
  /** After the first round of conversations (distinct users, each left at the duration question). */
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly externalMb: number;
  readonly rssGrowthMb: number;
  readonly heapGrowthMb: number;
  /** After a second round: the same people, new conversations. */
  readonly secondRound: {
    readonly rssMb: number;
    readonly heapUsedMb: number;
    readonly rssGrowthMb: number;
    readonly heapGrowthMb: number;
  };
  readonly rssRatio: number;
  /**
   * RSS after the first round once the bot has been idle for IDLE_WAIT_MS: what it keeps. The compiled
   * bot gives a burst's pooled heap pages back when idle (bot/idleMemory.ts); the target is on this.
   */
  readonly retainedAfterIdle: { readonly rssMb: number; readonly rssGrowthMb: number; readonly heapUsedMb: number };
  /** Conversations whose first turn did not end at the duration question. */
  readonly notInDialog: number;
}

export async function measureMemory(
  stack: { tenant: TenantEmulator; connector: RecordingConnector },
  bot: BotProcess,
  runtime: string,
  conversations = MEMORY_CONVERSATIONS,
): Promise<MemoryResult> {
  const { tenant, connector } = stack;
  const users = await addBenchUsers(tenant, conversations, 'memory');
  const start = (user: ChatUser) =>
    openConversation({ endpoint: bot.endpoint, connector, tenantId: tenant.tenantId, user, timeoutMs: 120_000 });
  // One conversation first, so "idle" means loaded and warmed up, not just started.
  await start(users[0]!).say('my roles');
  const idle = await quiet(bot);
  let notInDialog = 0;
  const round1 = async (): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < users.length) {
          const user = users[next++]!;
          // Leaves the conversation waiting for the duration: a dialog in flight, its state in storage.
          const turn = await start(user).say('activate global reader');
          if (!ASKS_DURATION.test(textOf(turn.replies))) notInDialog++;
        }
      }),
    );
  };
  await round1();
  const first = await quiet(bot);
  // Idle means idle: each person's once-per-process reminder recompute runs 60 s after her first
  // message (bot/notifyReminders), 1,000 of them after this round; wait them out first.
  await new Promise((r) => setTimeout(r, REMINDER_REFRESH_MS));
  await quiet(bot, 180_000);
  await new Promise((r) => setTimeout(r, IDLE_WAIT_MS));
  const retained = await bot.stats();
  await round1();
  const second = await quiet(bot);
  const mb = (b: number) => round(b / 1024 / 1024);
  return {
    conversations,
    runtime,
    idleRssMb: mb(idle.rssBytes),
    idleHeapUsedMb: mb(idle.heapUsedBytes),
    rssMb: mb(first.rssBytes),
    heapUsedMb: mb(first.heapUsedBytes),
    externalMb: mb(first.externalBytes),
    rssGrowthMb: mb(first.rssBytes - idle.rssBytes),
    heapGrowthMb: mb(first.heapUsedBytes - idle.heapUsedBytes),
    secondRound: {
      rssMb: mb(second.rssBytes),
      heapUsedMb: mb(second.heapUsedBytes),
      rssGrowthMb: mb(second.rssBytes - first.rssBytes),
      heapGrowthMb: mb(second.heapUsedBytes - first.heapUsedBytes),
    },
    rssRatio: round(first.rssBytes / idle.rssBytes),
    retainedAfterIdle: {
      rssMb: mb(retained.rssBytes),
      rssGrowthMb: mb(retained.rssBytes - idle.rssBytes),
      heapUsedMb: mb(retained.heapUsedBytes),
    },
    notInDialog,
  };
}

/** Stats after the work a turn leaves behind (state writes, cache fills) has finished, with a full GC. */
async function quiet(bot: BotProcess, atMostMs = 15_000): Promise<ProcessStats> {
  let last = await bot.stats();
  for (const deadline = Date.now() + atMostMs; Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await bot.stats();
    // Under 1% of a core for a second.
    if (now.cpuMicros - last.cpuMicros < 10_000) break;
    last = now;
  }
  await bot.stats({ gc: true });
  return bot.stats({ gc: true });
}

export function memoryLines(m: MemoryResult): string[] {
  return [
    `Memory (${m.runtime}) after ${m.conversations} conversations in mid-dialog (distinct users, each at the duration question): RSS ${m.rssMb} MB vs. ${m.idleRssMb} MB idle, growth ${m.rssGrowthMb} MB (target at most ${MEMORY_GROWTH_TARGET_MB}); heap ${m.heapUsedMb} MB vs. ${m.idleHeapUsedMb} MB (+${m.heapGrowthMb}); external ${m.externalMb} MB`,
    `  once idle again (reminder recomputes done, then ${IDLE_WAIT_MS / 1000} s; what the bot keeps): RSS ${m.retainedAfterIdle.rssMb} MB, growth ${m.retainedAfterIdle.rssGrowthMb} MB; heap ${m.retainedAfterIdle.heapUsedMb} MB`,
    `  a second round (same people, ${m.conversations} new conversations): RSS ${m.secondRound.rssMb} MB (${m.secondRound.rssGrowthMb >= 0 ? '+' : ''}${m.secondRound.rssGrowthMb}), heap ${m.secondRound.heapUsedMb} MB (${m.secondRound.heapGrowthMb >= 0 ? '+' : ''}${m.secondRound.heapGrowthMb})${m.notInDialog ? `; ${m.notInDialog} conversations did not reach the duration question` : ''}`,
  ];
}

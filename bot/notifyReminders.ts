// Expiry reminders in the bot process: what each user holds (time-bound) and the conversation to
// tell them in, kept in Storage; timers from services/notify. Restart-safe: on start every known
// user's schedule is recomputed from PIM, and again on their first message to this process; a
// reminder is checked against PIM once more before it goes out.
// Several instances share the Storage and each keeps timers, so every write is an eTag'd
// read-modify-write (services/store updateItem) and a reminder is claimed in the record before it is
// sent: of two instances whose timers fire together, exactly one sends it.
import { MessageFactory, type ConversationReference, type Storage } from 'botbuilder';
import { reminderCard } from '../cards/views';
import type { Logger, ProactiveSender, ReminderFeed } from '../dialogs/deps';
import type { ActiveAssignment, UserContext } from '../services/pim/model';
import type { PimService } from '../services/pim/service';
import { mergeTracked, reminderId, ReminderSchedule, type TimerPort, type TrackedAccess } from '../services/notify/reminders';
import { updateItem, updateStoredItem } from '../services/store/keyValueStorage';
import { describeError } from './logging';

const INDEX_KEY = 'reminders/index';
/** Records this instance wrote last, kept to write the next change without reading first (a few KB each). */
const WRITTEN_RECORDS_KEPT = 1_000;
const recordKey = (userId: string) => `reminders/${userId}`;

interface ReminderRecord {
  reference: Partial<ConversationReference>;
  items: TrackedAccess[];
  sent: string[];
}

export interface ReminderServiceOptions {
  readonly storage: Storage;
  readonly pim: PimService;
  readonly sender: ProactiveSender;
  readonly tenantId: string;
  readonly logger: Logger;
  readonly timers?: TimerPort;
  readonly leadMs?: number;
  /** How long after a user's first message the recompute runs (default 60 s): after their turn, not racing it for PIM's rate limit. */
  readonly refreshDelayMs?: number;
}

export class ExpiryReminders implements ReminderFeed {
  private readonly schedule: ReminderSchedule;
  private readonly refreshed = new Set<string>();
  private readonly deferred = new Set<unknown>();
  /** Users this instance has seen in the index; it only grows, so they need no further read. */
  private readonly indexed = new Set<string>();
  private readonly timers: TimerPort;
  /**
   * Each user's record as this instance last wrote it, with the eTag the store reported: the next
   * activation's write starts from it instead of reading. If another instance wrote meanwhile, the
   * eTag no longer matches, the write is refused and the record read again (services/store updateStoredItem).
   */
  private readonly written = new Map<string, ReminderRecord & { eTag: string }>();

  constructor(private readonly options: ReminderServiceOptions) {
    this.timers = options.timers ?? {
      now: Date.now,
      setTimer: (run, ms) => setTimeout(run, ms).unref(),
      clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
    };
    this.schedule = new ReminderSchedule(this.timers, (userId, access) => void this.remind(userId, access), options.leadMs);
  }

  /** Rebuilds every known user's schedule from PIM (call once the bot listens). */
  async start(): Promise<void> {
    const index = ((await this.options.storage.read([INDEX_KEY]))[INDEX_KEY] as { userIds?: string[] } | undefined)?.userIds ?? [];
    for (const userId of index) this.indexed.add(userId);
    await Promise.all(index.map((userId) => this.refresh({ userId, tenantId: this.options.tenantId })));
  }

  stop(): void {
    this.schedule.stop();
    for (const handle of this.deferred) this.timers.clearTimer(handle);
    this.deferred.clear();
  }

  track(
    reference: Partial<ConversationReference>,
    user: UserContext,
    active: readonly ActiveAssignment[],
    labels: Readonly<Record<string, string>>,
  ): void {
    const items = toTracked(active, labels);
    void this.update(user.userId, reference, items).catch((error: unknown) =>
      this.options.logger.warn('could not store reminders', describeError(error)),
    );
  }

  seen(reference: Partial<ConversationReference>, user: UserContext): void {
    if (this.refreshed.has(user.userId)) return;
    this.refreshed.add(user.userId);
    const handle = this.timers.setTimer(() => {
      this.deferred.delete(handle);
      void this.refresh(user, reference);
    }, this.options.refreshDelayMs ?? 60_000);
    this.deferred.add(handle);
  }

  private async refresh(user: UserContext, reference?: Partial<ConversationReference>): Promise<void> {
    try {
      const record = await this.read(user.userId);
      const where = reference ?? record?.reference;
      if (!where) return;
      const active = await this.options.pim.listActive(user);
      await this.update(
        user.userId,
        where,
        toTracked(active, Object.fromEntries((record?.items ?? []).map((i) => [i.key, i.label]))),
        true,
      );
    } catch (error) {
      this.options.logger.warn('could not recompute reminders', describeError(error));
    }
  }

  private async update(userId: string, reference: Partial<ConversationReference>, items: TrackedAccess[], replace = false): Promise<void> {
    const now = this.timers.now();
    const record = await this.updateRecord(userId, (current) => {
      const next = current ?? { reference, items: [], sent: [] };
      next.reference = reference;
      next.items = mergeTracked(replace ? [] : next.items, items, now);
      const live = new Set(next.items.map((i) => reminderId(userId, i)));
      next.sent = next.sent.filter((id) => live.has(id));
      return next;
    });
    if (!this.indexed.has(userId)) {
      await updateItem<{ userIds: string[] }>(this.options.storage, INDEX_KEY, (index) =>
        index?.userIds.includes(userId) ? undefined : { userIds: [...(index?.userIds ?? []), userId] },
      );
      this.indexed.add(userId);
    }
    if (record) this.schedule.schedule(userId, record.items, new Set(record.sent));
  }

  private async remind(userId: string, access: TrackedAccess): Promise<void> {
    const id = reminderId(userId, access);
    try {
      // Claim it first: only the writer that adds the id (with the eTag it read) goes on.
      let claimed = false;
      const record = await this.updateRecord(userId, (current) => {
        claimed = false;
        if (!current || current.sent.includes(id)) return undefined;
        claimed = true;
        return { ...current, sent: [...current.sent, id] };
      });
      if (!claimed || !record) return;
      // Still active with that end? It may have been deactivated or extended meanwhile.
      const active = await this.options.pim.listActive({ userId, tenantId: this.options.tenantId });
      const still = active.find((a) => a.key === access.key && a.endDateTime?.toISOString() === access.endDateTime);
      if (!still) return;
      const now = new Date(this.timers.now());
      await this.options.sender.send(
        record.reference,
        MessageFactory.attachment(
          reminderCard({ key: access.key, label: access.label, end: new Date(access.endDateTime), now, canExtend: access.canExtend }),
        ),
      );
    } catch (error) {
      this.options.logger.warn('could not send an expiry reminder', describeError(error));
    }
  }

  /** A read-modify-write of the user's record, starting from what this instance last wrote when it has it. */
  private async updateRecord(
    userId: string,
    change: (current: ReminderRecord | undefined) => ReminderRecord | undefined,
  ): Promise<ReminderRecord | undefined> {
    const known = this.written.get(userId);
    this.written.delete(userId);
    const { value, eTag } = await updateStoredItem<ReminderRecord>(this.options.storage, recordKey(userId), change, known ? { known } : {});
    if (value && eTag) {
      if (this.written.size >= WRITTEN_RECORDS_KEPT) this.written.delete(this.written.keys().next().value as string);
      this.written.set(userId, { ...structuredClone(value), eTag });
    }
    return value;
  }

  private async read(userId: string): Promise<ReminderRecord | undefined> {
    return (await this.options.storage.read([recordKey(userId)]))[recordKey(userId)] as ReminderRecord | undefined;
  }
}

function toTracked(active: readonly ActiveAssignment[], labels: Readonly<Record<string, string>>): TrackedAccess[] {
  return active
    .filter((a) => a.endDateTime !== null)
    .map((a) => ({
      key: a.key,
      label: labels[a.key] ?? a.roleName,
      endDateTime: a.endDateTime!.toISOString(),
      canExtend: a.assignmentType === 'assigned',
    }));
}

// Records the outcome of many concurrent posts in few writes: the first result is written at once,
// results arriving while a write is in flight go together in the next one. Each add() resolves (or
// rejects) with the write that carried its result, so a caller knows its own post is on record.

export interface PostResult {
  readonly userId: string;
  /** Whose copy: an approver's unless said otherwise. */
  readonly role?: 'approver' | 'requester' | 'channel';
  /** Absent when the post failed (the copy is released for the next pass). */
  readonly activityId?: string;
  readonly conversationId?: string | undefined;
}

export class SendRecorder {
  private readonly queue: PostResult[] = [];
  /** The batch still collecting results (it waits for the write in flight). */
  private collecting: Promise<void> | undefined;
  private writing: Promise<void> | undefined;

  constructor(private readonly write: (results: readonly PostResult[]) => Promise<void>) {}

  add(result: PostResult): Promise<void> {
    this.queue.push(result);
    this.collecting ??= this.nextBatch();
    return this.collecting;
  }

  private async nextBatch(): Promise<void> {
    await this.writing?.catch(() => undefined);
    const batch = this.queue.splice(0);
    this.collecting = undefined;
    const write = this.write(batch);
    this.writing = write;
    await write;
  }
}

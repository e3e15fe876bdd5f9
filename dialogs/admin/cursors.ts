// "Show more" cursors in the bot's Storage (Azure Blob in production), so a click may land on any bot
// instance. A cursor holds the question (the grammar's parse), when it was asked and by whom, and when
// it expires — never the rows: the next page is read from PIM again, with the asker's access checked
// again. The card's button carries only the cursor id and the position.
import { randomUUID } from 'node:crypto';
import type { KeyValueStorage } from '../../services/store/keyValueStorage';
import type { Parse } from './grammar';

export const CURSOR_TTL_MS = 30 * 60_000;
const KEY_PREFIX = 'admin-cursor-';
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface AnswerCursor {
  readonly parse: Parse;
  /** The asker's aadObjectId: nobody else may continue the list. */
  readonly ownerId: string;
  /** The clock the question was answered with: periods ("today") mean the same on every page. */
  readonly askedAt: string;
  readonly expiresAt: string;
}

export class AnswerCursors {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly ttlMs = CURSOR_TTL_MS,
  ) {}

  async save(parse: Parse, ownerId: string, askedAt: Date, now: Date): Promise<string> {
    const id = randomUUID();
    const cursor: AnswerCursor = {
      parse,
      ownerId,
      askedAt: askedAt.toISOString(),
      expiresAt: new Date(now.getTime() + this.ttlMs).toISOString(),
    };
    // A fresh key: no other writer, so no eTag.
    await this.storage.write({ [KEY_PREFIX + id]: { ...cursor } });
    return id;
  }

  /** The cursor, if it exists, has not expired and belongs to `ownerId`; an expired one is removed. */
  async load(id: string, ownerId: string, now: Date): Promise<AnswerCursor | undefined> {
    if (!ID.test(id)) return undefined;
    const key = KEY_PREFIX + id;
    const stored = (await this.storage.read([key]))[key];
    const cursor = asCursor(stored);
    if (!cursor) return undefined;
    if (Date.parse(cursor.expiresAt) <= now.getTime()) {
      await this.storage.delete([key]);
      return undefined;
    }
    return cursor.ownerId.toLowerCase() === ownerId.toLowerCase() ? cursor : undefined;
  }
}

/** What was read back is checked, not trusted: a stored item of another shape is no cursor. */
function asCursor(value: unknown): AnswerCursor | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const parse = v['parse'] as Record<string, unknown> | undefined;
  if (typeof v['ownerId'] !== 'string' || typeof v['askedAt'] !== 'string' || typeof v['expiresAt'] !== 'string') return undefined;
  if (
    typeof parse !== 'object' ||
    parse === null ||
    typeof parse['intent'] !== 'string' ||
    typeof parse['slots'] !== 'object' ||
    parse['slots'] === null
  )
    return undefined;
  if (Number.isNaN(Date.parse(v['askedAt'])) || Number.isNaN(Date.parse(v['expiresAt']))) return undefined;
  return {
    parse: { intent: parse['intent'] as Parse['intent'], slots: { ...(parse['slots'] as Parse['slots']) } },
    ownerId: v['ownerId'],
    askedAt: v['askedAt'],
    expiresAt: v['expiresAt'],
  };
}

// What waits for one approver's decision, from the approval records the bot already holds (the open
// index): for the welcome card's count and its list. Records only; PIM stays the judge when they decide.
import type { ApprovalRecord } from './record';
import type { ApprovalRecordStore } from './recordStore';
import type { UserContext } from '../pim/model';

/** One request waiting for an approver's decision, as the welcome card lists it. */
export interface WaitingItem {
  readonly requesterName: string;
  readonly roleName: string;
  readonly scopeName: string;
  /** ISO instant the request was made. */
  readonly since: string;
}

/** What waits for this approver. */
export interface ApproverWaiting {
  waitingFor(user: UserContext): Promise<readonly WaitingItem[]>;
}

/** Enough for a count and a short list; a long queue is still counted right up to this. */
const MAX_READ = 200;

export function approverWaiting(records: Pick<ApprovalRecordStore, 'openKeys' | 'getByKey'>, now: () => Date): ApproverWaiting {
  return {
    async waitingFor(user: UserContext): Promise<WaitingItem[]> {
      const keys = (await records.openKeys()).slice(0, MAX_READ);
      const found = await Promise.all(keys.map((k) => records.getByKey(k).catch(() => undefined)));
      const me = user.userId.toLowerCase();
      const at = now().getTime();
      return found
        .filter(
          (r): r is ApprovalRecord =>
            r !== undefined &&
            !r.decision &&
            Date.parse(r.expiresAt) > at &&
            r.approvers.some((a) => a.id.toLowerCase() === me) &&
            r.requester.id.toLowerCase() !== me,
        )
        .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
        .map((r) => ({
          requesterName: r.requester.displayName ?? 'Someone',
          roleName: r.request.roleName,
          scopeName: r.request.scopeName,
          since: r.request.createdDateTime || r.createdAt,
        }));
    },
  };
}

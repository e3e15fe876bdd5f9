import type { ScheduleRecordBase } from '../state/types';

/** A schedule is in force from its start (inclusive) to its end (exclusive); end null = permanent. */
export function isActiveAt(s: Pick<ScheduleRecordBase, 'startDateTime' | 'endDateTime' | 'status'>, now: Date): boolean {
  if (s.status === 'Revoked' || s.status === 'Canceled') return false;
  const t = now.getTime();
  if (Date.parse(s.startDateTime) > t) return false;
  return s.endDateTime === null || Date.parse(s.endDateTime) > t;
}

// Normalises a request's scheduleInfo the way PIM echoes it: enums camelCased, a start in the past
// moved to the creation time, and the effective window computed once.
import { badRequest } from '../graph/errors';
import type { ExpirationType, RequestSchedule } from '../state/types';
import { parseIsoDuration } from './duration';

export interface NormalisedSchedule {
  readonly scheduleInfo: RequestSchedule;
  readonly start: Date;
  /** null = no expiration. */
  readonly end: Date | null;
  /** The requested length; null = no expiration. */
  readonly durationMs: number | null;
}

const TYPES: Record<string, ExpirationType> = {
  noexpiration: 'noExpiration',
  afterdatetime: 'afterDateTime',
  afterduration: 'afterDuration',
};

export function normaliseSchedule(input: unknown, now: Date): NormalisedSchedule {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input)))
    throw badRequest('scheduleInfo must be an object.');
  const info = (input ?? {}) as { startDateTime?: unknown; expiration?: unknown; recurrence?: unknown };
  if (info.recurrence !== undefined && info.recurrence !== null)
    throw badRequest('Recurrence is not supported for role assignment schedules.');

  let start = now;
  if (info.startDateTime !== undefined && info.startDateTime !== null) {
    const t = parseDate(info.startDateTime, 'scheduleInfo.startDateTime');
    if (t.getTime() > now.getTime()) start = t;
  }

  const exp = (info.expiration ?? {}) as { type?: unknown; endDateTime?: unknown; duration?: unknown };
  if (typeof exp !== 'object' || Array.isArray(exp)) throw badRequest('scheduleInfo.expiration must be an object.');
  let type: ExpirationType;
  if (exp.type === undefined || exp.type === null) {
    type = exp.duration ? 'afterDuration' : exp.endDateTime ? 'afterDateTime' : 'noExpiration';
  } else {
    const t = typeof exp.type === 'string' ? TYPES[exp.type.toLowerCase()] : undefined;
    if (!t)
      throw badRequest(`Cannot convert the literal '${String(exp.type)}' to the expected type 'microsoft.graph.expirationPatternType'.`);
    type = t;
  }

  let end: Date | null = null;
  let durationMs: number | null = null;
  let duration: string | null = null;
  let endDateTime: string | null = null;
  if (type === 'afterDuration') {
    if (typeof exp.duration !== 'string')
      throw badRequest("scheduleInfo.expiration.duration is required when the expiration type is 'afterDuration'.");
    const ms = parseIsoDuration(exp.duration);
    if (ms === undefined) throw badRequest(`The value '${exp.duration}' is not a valid ISO-8601 duration.`);
    durationMs = ms;
    duration = exp.duration.toUpperCase();
    end = new Date(start.getTime() + ms);
  } else if (type === 'afterDateTime') {
    end = parseDate(exp.endDateTime, 'scheduleInfo.expiration.endDateTime');
    durationMs = end.getTime() - start.getTime();
    endDateTime = iso(end);
  }
  return {
    scheduleInfo: { startDateTime: iso(start), recurrence: null, expiration: { type, endDateTime, duration } },
    start,
    end,
    durationMs,
  };
}

function parseDate(v: unknown, field: string): Date {
  const t = typeof v === 'string' ? new Date(v) : undefined;
  if (!t || Number.isNaN(t.getTime())) throw badRequest(`${field} must be an ISO-8601 date-time.`);
  return t;
}

/** Graph writes whole seconds without a fraction ("2022-04-14T00:00:00Z"). */
export function iso(d: Date): string {
  return d.toISOString().replace(/\.000Z$/, 'Z');
}

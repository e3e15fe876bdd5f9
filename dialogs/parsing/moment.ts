// Reads a time of day or a date and time ("5pm", "17:30", "tomorrow 9am") with Microsoft's
// date-time recognizer, in the user's own time zone, and turns it into an instant.
import { dateTimeReader, type DateTimeReader } from './recognizer';

/** A wall-clock reading, as the recognizer resolves it. */
interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** Only a time of day was said: it means the next such time. */
  readonly timeOnly: boolean;
}

/**
 * The instant `text` names, read in `timeZone` (IANA, e.g. "Europe/Berlin"; UTC when unknown) relative
 * to `now`; a bare time of day already past today means tomorrow. Null unless the whole text is one
 * time or date-time. `reader` meters the recognizer across one message.
 */
export function parseMoment(text: string, now: Date, timeZone = 'UTC', reader: DateTimeReader = dateTimeReader()): Date | null {
  const input = text.trim().toLowerCase();
  if (input === '' || input.length > 60) return null;
  const { zone, local } = readingClock(now, timeZone);
  // The recognizer reads its reference through the Date's local fields.
  const reference = new Date(local.year, local.month - 1, local.day, local.hour, local.minute);
  const found = reader.read(input, reference);
  if (found === null || found.length !== 1) return null;
  const [result] = found;
  if (!result || result.text.trim() !== input) return null;
  if (result.typeName !== 'datetimeV2.time' && result.typeName !== 'datetimeV2.datetime') return null;
  const values = (result.resolution as { values?: Array<{ type?: string; value?: string }> } | undefined)?.values ?? [];
  const readings = values
    .map((v) => readWall(v.value, local))
    .filter((w): w is WallTime => w !== null)
    .map((w) => ({ wall: w, at: fromWallClock(w, zone) }));
  // An ambiguous date ("friday 9am", "march 20") resolves to the last one and the next one: a request means the next.
  const chosen = readings.find((r) => r.at.getTime() > now.getTime()) ?? readings[readings.length - 1];
  if (!chosen) return null;
  const wall = chosen.wall;
  let instant = chosen.at;
  if (wall.timeOnly && instant.getTime() <= now.getTime()) instant = new Date(instant.getTime() + 24 * 3_600_000);
  return instant;
}

/**
 * The zone and wall clock a message is read in. A sentence tries many windows against the same clock,
 * and each Intl call costs more than the rest of a window's work: the last answer is kept (one entry,
 * so a caller-supplied zone name cannot grow it).
 */
let lastClock: { readonly at: number; readonly timeZone: string; readonly zone: string; readonly local: WallTime } | undefined;

function readingClock(now: Date, timeZone: string): { zone: string; local: WallTime } {
  if (lastClock && lastClock.at === now.getTime() && lastClock.timeZone === timeZone) return lastClock;
  const zone = validZone(timeZone);
  lastClock = { at: now.getTime(), timeZone, zone, local: wallClock(now, zone) };
  return lastClock;
}

function readWall(value: string | undefined, today: WallTime): WallTime | null {
  if (!value) return null;
  const dateTime = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::\d{2})?$/.exec(value);
  if (dateTime) {
    const [, y, mo, d, h, mi] = dateTime.map(Number) as [number, number, number, number, number, number];
    return { year: y, month: mo, day: d, hour: h, minute: mi, timeOnly: false };
  }
  const time = /^(\d{2}):(\d{2})(?::\d{2})?$/.exec(value);
  if (time) return { ...today, hour: Number(time[1]), minute: Number(time[2]), timeOnly: true };
  return null;
}

function validZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

function wallClock(instant: Date, timeZone: string): WallTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), timeOnly: false };
}

/** The instant whose wall clock in `timeZone` reads `wall` (offset found by one correction step). */
function fromWallClock(wall: WallTime, timeZone: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const seen = wallClock(new Date(asUtc), timeZone);
  const offset = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute) - asUtc;
  return new Date(asUtc - offset);
}

/** The user's time zone as the channel reports it (Bot Framework localTimezone / Teams clientInfo). */
export function activityTimeZone(activity: { localTimezone?: unknown; entities?: unknown }): string | undefined {
  if (typeof activity.localTimezone === 'string' && activity.localTimezone !== '') return activity.localTimezone;
  if (Array.isArray(activity.entities)) {
    for (const entity of activity.entities as Array<Record<string, unknown> | null>) {
      if (entity && entity['type'] === 'clientInfo' && typeof entity['timezone'] === 'string') return entity['timezone'];
    }
  }
  return undefined;
}

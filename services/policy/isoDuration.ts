// ISO-8601 durations as PIM uses them: policy limits (PT8H, PT1H45M, P1D, P365D) and the
// activation request's scheduleInfo.expiration.duration.
//
// Years and months are refused rather than approximated: their length depends on a calendar date,
// and a wrong guess would silently widen or narrow a policy limit.

const PATTERN =
  /^P(?!$)(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?=\d)(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Milliseconds in the duration, or null when the text is not a supported ISO-8601 duration. */
export function parseIsoDurationMs(text: string): number | null {
  const m = PATTERN.exec(text.trim());
  if (!m) return null;
  const [, w, d, h, min, s] = m;
  const parts: Array<[string | undefined, number]> = [
    [w, WEEK],
    [d, DAY],
    [h, HOUR],
    [min, MINUTE],
    [s, SECOND],
  ];
  let total = 0;
  for (const [value, unit] of parts) {
    if (value !== undefined) total += Number(value.replace(',', '.')) * unit;
  }
  return Number.isFinite(total) ? Math.round(total) : null;
}

/** Whole and fractional minutes in the duration, or null when unparseable. */
export function parseIsoDurationMinutes(text: string): number | null {
  const ms = parseIsoDurationMs(text);
  return ms === null ? null : ms / MINUTE;
}

/** Minutes → the shortest ISO-8601 time duration PIM accepts (PT2H, PT1H45M, PT90S...). */
export function formatIsoDurationMinutes(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError('duration must be a finite, non-negative number of minutes');
  let seconds = Math.round(minutes * 60);
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const mins = Math.floor(seconds / 60);
  seconds -= mins * 60;
  let out = 'PT';
  if (hours) out += `${hours}H`;
  if (mins) out += `${mins}M`;
  if (seconds || out === 'PT') out += `${seconds}S`;
  return out;
}

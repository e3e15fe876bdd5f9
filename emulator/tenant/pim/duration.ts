// ISO-8601 durations as PIM uses them (PT5H, PT1H45M, P365D). Years and months have no fixed length;
// PIM policies never use them for activations, so they count as 365 and 30 days.

const PATTERN = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Milliseconds, or undefined when the text is not an ISO-8601 duration. */
export function parseIsoDuration(text: string): number | undefined {
  const m = PATTERN.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, w, d, h, mi, s] = m;
  const n = (v: string | undefined) => (v === undefined ? 0 : Number(v));
  const ms = n(y) * 365 * DAY + n(mo) * 30 * DAY + n(w) * 7 * DAY + n(d) * DAY + n(h) * HOUR + n(mi) * MINUTE + n(s) * SECOND;
  return Number.isFinite(ms) ? ms : undefined;
}

/** The shortest PnDTnHnMnS form (PT8H, PT1H45M, P1DT2H). */
export function formatIsoDuration(ms: number): string {
  if (ms <= 0) return 'PT0S';
  let rest = Math.round(ms / SECOND);
  const d = Math.floor(rest / 86400);
  rest -= d * 86400;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const mi = Math.floor(rest / 60);
  const s = rest - mi * 60;
  const time = `${h ? `${h}H` : ''}${mi ? `${mi}M` : ''}${s ? `${s}S` : ''}`;
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}

export const FIVE_MINUTES_MS = 5 * MINUTE;
